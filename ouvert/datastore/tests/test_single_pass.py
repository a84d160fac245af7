"""The single pass decides types on the first block and checks every later block: a later block that
refines a column (a thousands separator, another date format) is followed, one that contradicts it
(text in a number column, the day/month order reversed) makes the load start over in two passes.
Either way the result equals the two-pass load of the same file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from conftest import SHARED_DIR, shared_path
from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.datastore.backends import get_backend
from ouvert.datastore.engine import CHUNK, ingest_sheet, load_sheet, profile_sheet
from ouvert.datastore.sources import IngestOptions, open_sheets

pytestmark = pytest.mark.django_db

ROOT = SHARED_DIR / "realdata" / "quebec"
REAL = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*.csv")) if ROOT.exists() else ["(absent)"]
ROWS = CHUNK * 2 + 500


def _rows(table: str) -> list[tuple]:
    backend = get_backend()
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {backend.table_sql(table)} ORDER BY _id")  # noqa: S608 — test tables
        return cur.fetchall()


Loaded = tuple[list[dict[str, Any]], list[tuple[Any, ...]]]  # (fields, rows)


def _both_ways(path: Path, options: IngestOptions | None = None) -> tuple[Loaded, Loaded]:
    """(fields, rows) loaded in one pass, then in two passes; both tables dropped afterwards."""
    options = options or IngestOptions()
    backend = get_backend()
    results = []
    for table in ("t_single", "t_double"):
        sheet = open_sheets(path, path.name, options)[0]
        if table == "t_single":
            profile, _result = ingest_sheet(sheet, options, backend, table)
        else:
            profile = profile_sheet(sheet, options)
            load_sheet(sheet, profile, backend, table, options=options)
        results.append(([c.as_field() for c in profile.columns], _rows(table)))
        backend.drop_table(table)
    return results[0], results[1]


@pytest.mark.slow  # big real files, loaded twice
@pytest.mark.parametrize("relative", REAL)
def test_single_pass_equals_two_passes_on_real_files(relative):
    path = shared_path("realdata", "quebec", *Path(relative).parts)
    if path.stat().st_size > 20_000_000:
        pytest.skip("the largest files are covered by test_realdata; this comparison loads each file twice")
    single, double = _both_ways(path)
    assert single[0] == double[0]
    assert single[1] == double[1]


def _write(tmp_path: Path, name: str, header: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow  # a file of more than one block of rows
def test_text_after_the_first_block_makes_the_column_text(tmp_path, ingest):
    lines = [f"{i};{i * 3}" for i in range(1, ROWS)]
    lines[CHUNK + 7] = f"{CHUNK + 8};B-12"  # row CHUNK + 9 of the file (header is row 1)
    path = _write(tmp_path, "codes.csv", "n;code", lines)
    single, double = _both_ways(path)
    assert single == double
    assert [f["type"] for f in single[0]] == ["int", "text"]
    job = ingest(path)
    assert job.status == "succeeded", job.error
    result = datastore_search(data={"resource_id": str(job.resource_id), "filters": {"n": CHUNK + 8}}, user=None)
    assert result["records"][0]["code"] == "B-12"
    first = datastore_search(data={"resource_id": str(job.resource_id), "limit": 1}, user=None)["records"][0]
    assert first["code"] == "3"  # the original text, not a number converted before the contradiction
    field = next(f for f in result["fields"] if f["id"] == "code")
    assert field["type"] == "text"


def test_month_first_proof_after_the_first_block_reorders_every_date(tmp_path):
    lines = ["02/01/2012;1"] * (CHUNK + 100) + ["12/25/2012;2"]
    path = _write(tmp_path, "dates.csv", "jour;n", lines)
    single, double = _both_ways(path)
    assert single == double
    assert single[0][0]["type"] == "date"
    assert str(single[1][0][1]).startswith("2012-02-01")  # February 1st: the column is month first


def test_refinements_after_the_first_block_are_followed(tmp_path):
    lines = [f"{i},5;oui;2012-03-{1 + i % 28:02d}" for i in range(CHUNK + 100)]
    lines += ["1 234 567,25;N/D;jeudi 01 janv 2009", "12;non;15/03/2012"]
    path = _write(tmp_path, "refine.csv", "montant;actif;date", lines)
    single, double = _both_ways(path)
    assert single == double
    assert [f["type"] for f in single[0]] == ["numeric", "bool", "date"]
    tail = single[1][-2:]
    assert [row[1] for row in tail] == [pytest.approx(1234567.25), 12]
    assert [row[2] for row in tail] == [None, False if connection.vendor == "postgresql" else 0]
    assert [str(row[3])[:10] for row in tail] == ["2009-01-01", "2012-03-15"]


def test_wider_row_after_the_first_block_adds_a_column(tmp_path):
    lines = [f"{i};a" for i in range(CHUNK + 10)] + ["7;b;extra"]
    path = _write(tmp_path, "wide.csv", "n;lettre", lines)
    single, double = _both_ways(path)
    assert single == double
    assert len(single[0]) == 3
    assert single[1][-1][1:] == (7, "b", "extra")
