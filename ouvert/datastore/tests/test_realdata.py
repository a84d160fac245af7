"""Every CSV, XLSX, XLS and JSON file under ../shared/realdata/quebec loads with the right types, or
fails with a report that says exactly why. No file is sampled: each loads whole (the largest,
300,670 rows, takes a few seconds)."""

from pathlib import Path

import pytest
from django.utils import translation

from conftest import SHARED_DIR, shared_path
from ouvert.core.messages import render, render_fix
from ouvert.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

ROOT = SHARED_DIR / "realdata" / "quebec"
SUFFIXES = (".csv", ".xlsx", ".xls", ".json", ".json.txt")
FILES = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
               and p.name.lower().endswith(SUFFIXES)) if ROOT.exists() else ["(absent)"]

# What a careful person reading each file would declare (a selection of columns per file).
EXPECTED = {
    "pandas-cookbook/bikes.csv": {"Date": "date", "Berri 1": "int"},
    "pandas-cookbook/weather_2012.csv": {"Date/Time": "timestamp", "Temp (C)": "numeric", "Weather": "text"},
    "tdhock-montreal-velos/2009.csv": {"Date": "date", "Berri": "int"},
    "tdhock-montreal-velos/2010.csv": {"Date": "date", "Berri": "int", "Brébeuf": "int"},
    "tdhock-montreal-velos/2013.csv": {"Date": "date", "colonne_2": "text", "Berri1": "int"},
    "hackqc2018/historique_alertes.csv": {"date_observation": "timestamp", "coordonnee_x": "numeric",
                                          "code_municipalite": "text", "nom": "text"},
    "jhroy-960forages/960forages.csv": {"Année forage": "int", "Latitude (décimal)": "numeric"},
    "jhroy-seao/decompte-des-numeros-seao.csv": {"numSeao": "int", "nb": "int"},
    "jhroy-seao/contrats-nb3.csv": {"colonne_1": "text"},
    "gatineau-fire-hydrant/borne_fontaine.csv": {"MUNID": "int", "GEOM": "text"},
    "opendataquebec-traffic/histo_merged_direction.csv": {"ANNEE": "int", "DJMA_total": "numeric"},
    "tdhock-montreal-velos/PAC13_p02_Accidents_Cyclistes_2012.csv": {"AN": "int", "DT_ACCDN": "date"},
    "tdhock-montreal-velos/manual.geocodes.csv": {"lat": "numeric", "lon": "numeric"},
    "montreal-geojson/quartiers-sociologiques.json": {"id": "int", "geometry": "text"},
}
# Rows per file (data rows, header excluded), from ../shared/realdata/quebec/CSV_PROFILE.tsv.
ROWS = {"jhroy-seao/contrats-nb3.csv": 9473, "jhroy-seao/decompte-des-numeros-seao.csv": 300670,
        "hackqc2018/historique_alertes.csv": 9074, "pandas-cookbook/bikes.csv": 310}


@pytest.mark.slow  # every real file of ../shared, some of several MB
@pytest.mark.parametrize("relative", FILES)
def test_real_file_loads_or_says_why(ingest, relative):
    path = shared_path("realdata", "quebec", *Path(relative).parts)
    job = ingest(path)
    if job.status != "succeeded":
        # Refusals must name the reason; none is expected among these files today.
        assert job.report.get("errors"), job.error
        pytest.fail(f"{relative}: {job.shown_error}")
    tables = list(DatastoreTable.objects.filter(resource_id=job.resource_id))
    assert tables
    for table in tables:
        findings = table.quality["findings"]
        assert {f["rule"] for f in findings} >= {"F1", "F2", "F3", "F5", "F6", "F7", "F8", "F12"}
        for finding in findings:
            code = finding["message"]["code"]
            with translation.override("fr"):
                fr, fix_fr = render(finding["message"]), render_fix(finding["message"])
            with translation.override("en"):
                en, fix_en = render(finding["message"]), render_fix(finding["message"])
            assert fr and en and fr != code and en != fr, code  # registered, and translated
            if finding["status"] == "fail":
                assert fix_fr and fix_en and fix_en != fix_fr, code
        for field in table.fields:
            if field["type"] == "text" and field["detected"].get("non_empty") and field["detected_type"] == "text":
                # why a column stayed text is reported with the first offending row
                assert "first_text_row" in field["detected"] or field["detected"]["non_empty"] == 0
    types = {f["id"]: f["type"] for f in tables[0].fields}
    for column, expected in EXPECTED.get(relative, {}).items():
        assert types.get(column) == expected, (relative, column, types.get(column))
    if relative in ROWS:
        assert tables[0].row_count == ROWS[relative]


def test_prb_csv_reports_why_its_columns_are_text(ingest):
    """Données-PRB.csv stacks two tables (counts, then percentages "1,05%") and holds "#REF!"."""
    job = ingest(shared_path("realdata", "quebec", "mtess-stats", "Données-PRB.csv"))
    table = DatastoreTable.objects.get(resource_id=job.resource_id)
    fields = {f["id"]: f for f in table.fields}
    assert fields["2023-01"]["type"] == "text"
    assert fields["2023-01"]["detected"]["first_text_value"] == "1,05%"
    rules = table.quality["score"]["rules"]
    assert rules["F5"] == "fail" and rules["F6"] == "fail" and rules["F2"] == "fail"
    f6 = next(f for f in table.quality["findings"] if f["rule"] == "F6")
    assert "#REF!" in render(f6["message"])
