"""The native API (/api/v1/datastore/…), the table page in French and English, and the English catalogue."""

import io
import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"
CSV = "ville,montant,date\nQuébec,10.5,2012-03-15\nLévis,3,2012-03-16\nMontréal,7.25,2012-04-01\nQuébec,,2013-01-01\n"


@pytest.fixture
def rid(ingest, write_file):
    return str(ingest(write_file("v.csv", CSV)).resource_id)


def test_rows_keyset_pagination_and_typed_filters(client, rid):
    first = client.get(f"/api/v1/datastore/{rid}/rows?limit=2&sort=montant&desc=true").json()
    assert [r["montant"] for r in first["records"]] == [10.5, 7.25] and first["count"] == 4
    second = client.get(f"/api/v1/datastore/{rid}/rows?limit=2&sort=montant&desc=true"
                        f"&cursor={first['next_cursor']}").json()
    assert [r["montant"] for r in second["records"]] == [3, None] and second["next_cursor"] is None
    ranged = client.get(f"/api/v1/datastore/{rid}/rows?filter=montant:gte:5&filter=date:lt:2013-01-01").json()
    assert ranged["count"] == 2
    assert client.get(f"/api/v1/datastore/{rid}/rows?filter=montant:null").json()["count"] == 1
    assert client.get(f"/api/v1/datastore/{rid}/rows?filter=ville:contains:bec").json()["count"] == 2
    bad = client.get(f"/api/v1/datastore/{rid}/rows?filter=montant:gte:beaucoup")
    assert bad.status_code == 422 and "montant" in bad.json()["detail"]
    assert client.get(f"/api/v1/datastore/{rid}/rows?filter=x:eq:1").status_code == 422
    assert client.get("/api/v1/datastore/00000000-0000-0000-0000-000000000000/rows").status_code == 404


def test_ckan_shaped_search_and_aggregate(client, rid):
    body = client.get(f"/api/v1/datastore/{rid}/search?filters=" + json.dumps({"ville": "Québec"})).json()
    assert body["total"] == 2 and body["fields"][0]["id"] == "_id"
    agg = client.get(f"/api/v1/datastore/{rid}/aggregate?group=ville&agg=sum&value=montant").json()
    assert agg["rows"][0] == {"key": "Québec", "value": 10.5}
    months = client.get(f"/api/v1/datastore/{rid}/aggregate?group=date&bucket=month").json()
    assert months["rows"][0] == {"key": "2012-03", "value": 2}
    assert client.get(f"/api/v1/datastore/{rid}/aggregate?group=ville&agg=sum&value=ville").status_code == 422


def test_exports_stream_every_format(client, rid):
    csv_body = b"".join(client.get(f"/api/v1/datastore/{rid}/export.csv").streaming_content).decode()
    assert csv_body.splitlines()[0] == "ville,montant,date" and "Lévis,3.0,2012-03-16" in csv_body or \
        "Lévis,3,2012-03-16" in csv_body
    data = json.loads(b"".join(client.get(f"/api/v1/datastore/{rid}/export.json").streaming_content))
    assert len(data) == 4 and data[0]["ville"] == "Québec"
    import pyarrow.parquet as pq

    parquet = b"".join(client.get(f"/api/v1/datastore/{rid}/export.parquet").streaming_content)
    table = pq.read_table(io.BytesIO(parquet))
    assert table.num_rows == 4 and str(table.schema.field("date").type) == "date32[day]"
    from openpyxl import load_workbook

    xlsx = b"".join(client.get(f"/api/v1/datastore/{rid}/export.xlsx").streaming_content)
    assert load_workbook(io.BytesIO(xlsx)).active.max_row == 5


def test_geojson_export_when_rows_carry_a_geometry(ingest, write_file, client, rid):
    """A WKT column or latitude/longitude columns make GeoJSON available (and linked from the table
    page); a table without geometry, or with coordinates that are not WGS 84, says why not."""
    wkt = ingest(write_file("bornes.csv", 'id,etat,GEOM\n1,bon,"POINT (-75.738712 45.500612)"\n'
                                          '2,mauvais,"POINT (-75.722305 45.47477)"\n3,bon,\n')).resource_id
    body = json.loads(b"".join(client.get(f"/api/v1/datastore/{wkt}/export.geojson").streaming_content))
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 3
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [-75.738712, 45.500612]}
    assert body["features"][0]["properties"] == {"id": 1, "etat": "bon"}
    assert body["features"][2]["geometry"] is None
    assert "export.geojson" in client.get(f"/fr/donnees/tables/{wkt}/").content.decode()

    points = ingest(write_file("lieux.csv", "nom;Latitude;Longitude\nParc;46,81;-71,21\n")).resource_id
    body = json.loads(b"".join(client.get(f"/api/v1/datastore/{points}/export.geojson").streaming_content))
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [-71.21, 46.81]}
    assert body["features"][0]["properties"]["nom"] == "Parc"

    refused = client.get(f"/api/v1/datastore/{rid}/export.geojson")
    assert refused.status_code == 422 and "géométrie" in json.dumps(refused.json(), ensure_ascii=False)
    assert "export.geojson" not in client.get(f"/fr/donnees/tables/{rid}/").content.decode()
    lambert = ingest(write_file("lambert.csv", 'id,geom\n1,"POINT (-253000 5190000)"\n')).resource_id
    refused = client.get(f"/api/v1/datastore/{lambert}/export.geojson")
    assert refused.status_code == 422 and "WGS 84" in json.dumps(refused.json(), ensure_ascii=False)


def test_formula_injection_protection(ingest, write_file, client):
    rid = ingest(write_file("f.csv", "a\n=1+1\n@SUM(A1)\nok\n")).resource_id
    raw = b"".join(client.get(f"/api/v1/datastore/{rid}/export.csv").streaming_content).decode()
    safe = b"".join(client.get(f"/api/v1/datastore/{rid}/export.csv?protect_formulas=true")
                    .streaming_content).decode()
    assert "\n=1+1\n" in raw and "'=1+1" in safe and "'@SUM(A1)" in safe


def test_spreadsheet_friendly_csv_and_xlsx_text_stays_text(ingest, write_file, client):
    """The spreadsheet CSV starts with a BOM (French Excel reads UTF-8 then); XLSX types text as text, so
    "=1+1" shows as written, runs nothing, and gets no ' in front (issue 13)."""
    from openpyxl import load_workbook

    rid = ingest(write_file("f.csv", "nom\n=1+1\nÉcole\n-5 h\n")).resource_id
    plain = b"".join(client.get(f"/api/v1/datastore/{rid}/export.csv").streaming_content)
    sheet = b"".join(client.get(f"/api/v1/datastore/{rid}/export.csv?bom=true").streaming_content)
    assert not plain.startswith(b"\xef\xbb\xbf") and sheet == b"\xef\xbb\xbf" + plain
    assert sheet.decode("utf-8-sig").splitlines()[2] == "École"
    xlsx = b"".join(client.get(f"/api/v1/datastore/{rid}/export.xlsx").streaming_content)
    cells = [(c.value, c.data_type) for c in load_workbook(io.BytesIO(xlsx)).active["A"]][1:]
    assert cells == [("=1+1", "s"), ("École", "s"), ("-5 h", "s")]


def test_jobs_and_dictionary_need_an_editor_token(client, rid, publisher, make_token, make_user):
    user, _org = publisher
    token = make_token(user)
    jobs = client.get(f"/api/v1/datastore/{rid}/jobs", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert jobs[0]["status"] == "succeeded" and jobs[0]["percentage"] == 100.0
    assert client.get(f"/api/v1/datastore/{rid}/jobs").status_code == 401
    stranger = make_token(make_user())
    assert client.get(f"/api/v1/datastore/jobs/{jobs[0]['id']}", HTTP_AUTHORIZATION=stranger).status_code == 403
    response = client.patch(f"/api/v1/datastore/{rid}/dictionary", data=json.dumps(
        {"columns": {"montant": {"description": "Montant payé", "unit": "$ CA"}}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response.json()["job"] is None
    fields = {f["id"]: f for f in client.get(f"/api/v1/datastore/{rid}").json()["fields"]}
    assert fields["montant"]["unit"] == "$ CA"
    bad = client.patch(f"/api/v1/datastore/{rid}/dictionary", data=json.dumps({"columns": {"x": {"type": "int"}}}),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422
    quality = client.get(f"/api/v1/datastore/{rid}/quality").json()
    assert {f["rule"] for f in quality["findings"]} >= {"F1", "F12"} and 0 <= quality["score"]["score"] <= 100


def test_table_page_in_french_and_english(client, rid):
    fr = client.get(f"/fr/donnees/tables/{rid}/")
    assert fr.status_code == 200
    body = fr.content.decode()
    assert "Aperçu des données" in body and f'href="/api/v1/datastore/{rid}?sheet=0"' in body
    assert "datastore/datastore.js" in body and "4 lignes" in body
    en = client.get(f"/en/data/tables/{rid}/").content.decode()
    assert "Data preview" in en and "4 rows" in en
    assert client.get("/fr/donnees/tables/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_english_catalogue_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and 'msgstr ""\n"' not in e and "msgid_plural" not in e]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in po
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(LOCALE / "django.po")],  # noqa: S603,S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
