"""Detection of format, encoding, delimiter and header, on real Québec files and small made-up ones."""

import pytest

from conftest import shared_path
from ouvert.datastore.engine import profile_sheet
from ouvert.datastore.sources import IngestOptions, SourceError, make_column_names, open_sheets


def sheet_of(path, **options):
    return open_sheets(path, path.name, IngestOptions(**options))[0]


def test_cp1252_semicolon_crlf_with_french_dates():
    sheet = sheet_of(shared_path("realdata", "quebec", "tdhock-montreal-velos", "2010.csv"))
    assert sheet.detected["encoding"] == "cp1252"
    assert sheet.detected["delimiter"] == ";" and sheet.detected["newline"] == "CRLF"
    profile = profile_sheet(sheet, IngestOptions())
    types = {c.id: c.type for c in profile.columns}
    assert types["Date"] == "date" and types["Berri"] == "int" and profile.rows == 365
    assert profile.columns[2].id == "Brébeuf"


def test_utf8_bom_is_detected_and_stripped():
    sheet = sheet_of(shared_path("realdata", "quebec", "gatineau-fire-hydrant", "borne_fontaine.csv"))
    assert sheet.detected["encoding"] == "utf-8" and sheet.detected["bom"] is True
    assert sheet.labels[0] == "MUNID"


def test_file_without_header_row():
    sheet = sheet_of(shared_path("realdata", "quebec", "jhroy-seao", "contrats-nb3.csv"))
    assert sheet.detected["has_header"] is False
    profile = profile_sheet(sheet, IngestOptions())
    assert profile.rows == 9473
    assert profile.columns[0].id == "colonne_1"


def test_blank_and_duplicate_headers_get_unique_names_and_keep_labels():
    assert make_column_names(["Date", "", "Date", None, "_id", "  a   b "]) == [
        "Date", "colonne_2", "Date_2", "colonne_4", "id", "a b"]
    sheet = sheet_of(shared_path("realdata", "quebec", "tdhock-montreal-velos", "2013.csv"))
    profile = profile_sheet(sheet, IngestOptions())
    assert profile.columns[1].id == "colonne_2" and profile.columns[1].label == ""


def test_header_forced_off(write_file):
    path = write_file("x.csv", "nom,age\nAnne,30\n")
    profile = profile_sheet(sheet_of(path, has_header=False), IngestOptions(has_header=False))
    assert profile.rows == 2 and profile.columns[1].type == "text"


@pytest.mark.parametrize(("content", "delimiter"), [
    ("a;b;c\n1;2;3\n", ";"), ("a|b|c\n1|2|3\n", "|"), ("a\tb\tc\n1\t2\t3\n", "\t"), ('a,b\n"1,5",2\n', ","),
])
def test_delimiters(write_file, content, delimiter):
    assert sheet_of(write_file("d.csv", content)).detected["delimiter"] == delimiter


def test_utf8_file_with_cp1252_bytes_late_falls_back(write_file):
    content = b"nom,ville\n" + b"a,Quebec\n" * 40_000 + b"b,L\xe9vis\n"
    sheet = sheet_of(write_file("late.csv", content))
    assert sheet.detected["encoding"] == "utf-8"
    profile = profile_sheet(sheet, IngestOptions())
    assert profile.detected["encoding"] == "cp1252" and profile.rows == 40_001


def test_json_array_of_objects_streams(write_file):
    path = write_file("a.json", '[{"a": 1, "b": "x"}, {"a": 2, "c": true}, {"a": 3, "b": {"n": 1}}]')
    sheet = sheet_of(path)
    assert sheet.labels == ["a", "b", "c"]
    rows = list(sheet.rows())
    assert rows[1] == ["2", None, "true"] and rows[2][1] == '{"n": 1}'


def test_geojson_features_become_rows():
    sheet = sheet_of(shared_path("realdata", "quebec", "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    assert sheet.detected["format"] == "json" and "geometry" in sheet.labels


def test_xlsx_each_sheet_is_a_table():
    path = shared_path("realdata", "quebec", "mtess-stats", "Donnes-PRB.xlsx")
    sheets = open_sheets(path, path.name, IngestOptions())
    assert len(sheets) > 1 and len({s.name for s in sheets}) == len(sheets)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("vide.csv", b"", "vide"),
    ("a.csv.gz", b"\x1f\x8b\x08\x00\x00\x00", "compressé"),
    ("doc.pdf", b"%PDF-1.4 ...", "document"),
    ("bad.json", b'[{"a": 1}, {"a": ', "JSON"),
])
def test_unreadable_files_say_why(write_file, name, content, message):
    path = write_file(name, content)
    with pytest.raises(SourceError, match=message):
        for sheet in open_sheets(path, name, IngestOptions()):
            list(sheet.rows())


def test_unknown_option_is_refused():
    with pytest.raises(SourceError, match="inconnues"):
        IngestOptions.from_dict({"delimitor": ";"})


def test_spreadsheet_progress_follows_the_rows_read(tmp_path):
    import itertools

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["n", "carré"])
    for n in range(1, 201):
        sheet.append([n, n * n])
    path = tmp_path / "carres.xlsx"
    book.save(path)
    opened = open_sheets(path, path.name, IngestOptions())[0]
    rows = opened.rows()
    list(itertools.islice(rows, 100))
    assert 0 < opened.bytes_read() < opened.total_bytes
    list(rows)
    assert opened.bytes_read() == opened.total_bytes
