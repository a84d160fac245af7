"""The bulk writers take converted columns block by block: rows rebuilt from their columns (SQLite)
or written column-wise (PostgreSQL), empty cells NULL whether a block has any or not, every value in
its own column. Small blocks (``CHUNK`` patched) make a 12-row file span blocks with and without
empty cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from ouvert.datastore import engine
from ouvert.datastore.backends import get_backend
from ouvert.datastore.engine import ingest_sheet, load_sheet, profile_sheet
from ouvert.datastore.sources import IngestOptions, open_sheets

pytestmark = pytest.mark.django_db

HEADER = "code;montant;n;jour;actif;note"
LINES = [  # blocks of 3 rows: the first and third have no empty cell, the others have some
    "A1;1 234,50;1;15/03/2012;oui;un",
    "A2;2,25;2;16/03/2012;non;deux",
    "A3;3,00;3;17/03/2012;oui;trois",
    "B1;;4;;;",
    "B2;5,75;5;jeudi 01 janv 2009;non;cinq",
    "B3;N/D;6;18/03/2012;N/D;six",
    "C1;7,5;7;19/03/2012;oui;sept",
    "C2;8,5;8;20/03/2012;non;huit",
    "C3;9,5;9;21/03/2012;oui;neuf",
    ";10,5;10;22/03/2012;;",
    "D2;;11;23/03/2012;non;onze",
    "D3;12,5;12;;oui;douze",
]


def _expected() -> list[tuple]:
    pg = connection.vendor == "postgresql"

    def number(text: str | None) -> object:
        if text is None:
            return None
        return Decimal(text) if pg else float(text)

    def day(text: str | None) -> object:
        if text is None:
            return None
        return dt.date.fromisoformat(text) if pg else text

    def flag(value: bool | None) -> object:
        if value is None:
            return None
        return value if pg else int(value)

    montants = ["1234.50", "2.25", "3.00", None, "5.75", None, "7.5", "8.5", "9.5", "10.5", None, "12.5"]
    jours = ["2012-03-15", "2012-03-16", "2012-03-17", None, "2009-01-01", "2012-03-18", "2012-03-19",
             "2012-03-20", "2012-03-21", "2012-03-22", "2012-03-23", None]
    actifs = [True, False, True, None, False, None, True, False, True, None, False, True]
    codes = ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", None, "D2", "D3"]
    notes = ["un", "deux", "trois", None, "cinq", "six", "sept", "huit", "neuf", None, "onze", "douze"]
    return [(i + 1, codes[i], number(montants[i]), i + 1, day(jours[i]), flag(actifs[i]), notes[i])
            for i in range(12)]


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {get_backend().table_sql(table)} ORDER BY _id")  # noqa: S608 — test table
        return [tuple(row) for row in cur.fetchall()]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "blocs.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("passes", ["single", "two"])
def test_converted_columns_land_in_their_place_block_after_block(tmp_path, monkeypatch, passes):
    monkeypatch.setattr(engine, "CHUNK", 3)
    path = _file(tmp_path)
    options = IngestOptions()
    backend = get_backend()
    sheet = open_sheets(path, path.name, options)[0]
    if passes == "single":
        profile, result = ingest_sheet(sheet, options, backend, "t_blocks")
    else:
        profile = profile_sheet(sheet, options)
        result = load_sheet(sheet, profile, backend, "t_blocks", options=options)
    try:
        assert result.rows == 12
        assert [c.type for c in profile.columns] == ["text", "numeric", "int", "date", "bool", "text"]
        rows = _rows("t_blocks")
        for got, want in zip(rows, _expected(), strict=True):
            assert got[:2] == want[:2] and got[3:] == want[3:]
            assert got[2] == (pytest.approx(want[2]) if isinstance(want[2], float) else want[2])
    finally:
        backend.drop_table("t_blocks")


def test_a_value_that_does_not_fit_is_reported_with_its_row(tmp_path, monkeypatch):
    """A converted column on the per-value path still names the row of a bad value (forced type)."""
    monkeypatch.setattr(engine, "CHUNK", 3)
    path = _file(tmp_path)
    options = IngestOptions.from_dict({"columns": {"note": {"type": "int"}}})
    sheet = open_sheets(path, path.name, options)[0]
    with pytest.raises(engine.LoadFailed) as failed:
        ingest_sheet(sheet, options, get_backend(), "t_blocks_bad")
    get_backend().drop_table("t_blocks_bad")
    reported = sorted((e["row"], e["column"], e["value"]) for e in failed.value.errors)
    assert reported == [(2, "note", "un"), (3, "note", "deux"), (4, "note", "trois"), (6, "note", "cinq"),
                        (7, "note", "six"), (8, "note", "sept"), (9, "note", "huit"), (10, "note", "neuf"),
                        (12, "note", "onze"), (13, "note", "douze")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's full-text index")
def test_sqlite_full_text_keeps_no_per_row_sizes_and_still_matches(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 3)
    path = _file(tmp_path)
    options = IngestOptions()
    backend = get_backend()
    sheet = open_sheets(path, path.name, options)[0]
    profile, _result = ingest_sheet(sheet, options, backend, "t_blocks_fts")
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT name FROM sqlite_master WHERE name LIKE 't_blocks_fts_fts%' ORDER BY name")
            shadows = [name for (name,) in cur.fetchall()]
            assert "t_blocks_fts_fts_docsize" not in shadows  # columnsize=0: only ranking would read it
            assert "t_blocks_fts_fts_data" in shadows
            sql, params = backend.fts_condition("t_blocks_fts", ["code", "note"], "DOUZE")
            cur.execute(f'SELECT "code" FROM "t_blocks_fts" WHERE {sql}', params)  # noqa: S608 — test table
            assert cur.fetchall() == [("D3",)]
    finally:
        backend.drop_table("t_blocks_fts")
