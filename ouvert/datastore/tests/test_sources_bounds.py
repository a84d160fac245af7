"""Spreadsheets declare their size before their cells: a tiny file declaring 16,384 columns is refused
before a row is read, with a report that says how many columns it declares and how many are accepted."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from conftest import shared_path
from ouvert.datastore.sources import IngestOptions, SourceError, open_sheets


def _xlsx(tmp_path: Path, name: str = "large.xlsx", *, dimension: str | None, cells: dict[str, str],
          rows: int = 1) -> Path:
    """An XLSX whose first sheet declares ``dimension`` (None: no <dimension> element) and holds ``cells``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for ref, value in cells.items():
        sheet[ref] = value
    plain = tmp_path / f"plain-{name}"
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(r"<dimension [^>]*/>", "" if dimension is None else f'<dimension ref="{dimension}"/>',
                              text)
                data = text.encode()
            target.writestr(info, data)
    return path


def test_xlsx_declaring_16384_columns_is_refused_before_reading(tmp_path):
    path = _xlsx(tmp_path, dimension="A1:XFD1048576", cells={"A1": "nom", "A2": "x"})
    assert path.stat().st_size < 30_000
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as error:
            open_sheets(path, path.name, IngestOptions())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(error.value)
    assert "16384 colonnes" in message and "au plus 2000" in message and "Sheet" in message
    assert peak < 20 * 2**20


def test_xlsx_with_a_cell_at_xfd1_and_no_declared_size_is_refused(tmp_path):
    path = _xlsx(tmp_path, dimension=None, cells={"A1": "nom", "XFD1": "loin"})
    with pytest.raises(SourceError, match="colonne 16384 ; au plus 2000"):
        for sheet in open_sheets(path, path.name, IngestOptions()):
            list(sheet.rows())


def test_xlsx_cell_beyond_a_small_declared_size_is_not_read(tmp_path):
    """openpyxl cuts rows at the declared width: the stray cell is dropped, memory stays small."""
    path = _xlsx(tmp_path, dimension="A1:B2", cells={"A1": "a", "B1": "b", "A2": "1", "B2": "2", "XFD2": "loin"})
    sheet = open_sheets(path, path.name, IngestOptions())[0]
    assert sheet.labels == ["a", "b"]
    assert list(sheet.rows()) == [["1", "2"]]


def test_column_bound_is_a_setting(tmp_path, settings):
    settings.DATASTORE_MAX_COLUMNS = 3
    path = _xlsx(tmp_path, dimension="A1:D2", cells={"A1": "a", "B1": "b", "C1": "c", "D1": "d"})
    with pytest.raises(SourceError, match="4 colonnes ; au plus 3"):
        open_sheets(path, path.name, IngestOptions())
    csv = tmp_path / "large.csv"
    csv.write_text("a,b,c,d\n1,2,3,4\n")
    with pytest.raises(SourceError, match="4 colonnes ; au plus 3.*delimiter"):
        open_sheets(csv, csv.name, IngestOptions())


def test_csv_row_wider_than_the_bound_is_refused_during_ingestion(tmp_path, settings, ingest):
    settings.DATASTORE_MAX_COLUMNS = 3
    path = tmp_path / "large.csv"
    path.write_text("a,b\n1,2\n" + ",".join(["x"] * 5) + "\n")
    job = ingest(path)
    assert job.status == "failed"
    assert "5 colonnes ; au plus 3" in (job.shown_error or str(job.report))


def test_xls_declared_width_is_bounded(settings):
    settings.DATASTORE_MAX_COLUMNS = 3  # BIFF8 has at most 256 columns: the bound only bites when lowered
    path = shared_path("realdata", "quebec", "tdhock-montreal-velos", "PAC13_p02_Accidents_Cyclistes_2012_2014.xls")
    with pytest.raises(SourceError, match="déclare .* colonnes ; au plus 3"):
        open_sheets(path, path.name, IngestOptions())


def test_xlsx_shared_strings_bomb_is_refused_before_opening(tmp_path, settings):
    settings.DATASTORE_XLSX_MAX_INMEMORY_BYTES = 1024 * 1024
    path = _xlsx(tmp_path, dimension="A1:A1", cells={"A1": "x" * 32000})
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/padding.xml", b" " * (2 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(SourceError, match="2 Mo .* au plus 1 Mo"):
        open_sheets(bomb, bomb.name, IngestOptions())
