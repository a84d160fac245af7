"""Crafted parameters never give a server error: every endpoint that reads numbers, JSON, cursors or
field names from the query string (or a CKAN JSON body) answers a bad one with a 4xx that names the
parameter. The tables and layers are public, created through the CKAN API like a publisher would."""

from __future__ import annotations

import json
import uuid

import pytest

from .conftest import post

pytestmark = pytest.mark.django_db

HUGE = str(2**70)
NASTY = [
    "-1", "0", "1e30", "-1e30", HUGE, "-" + HUGE, str(2**63), str(2**63 - 1), str(-(2**63) - 1), "1e400",
    "NaN", "nan", "inf", "-inf", "Infinity", "1.5", "0x10", "abc", "", " ", "%", "_", "\u00e9" * 3000,
    "[", "{", "{\"a\":", "[1,2", "null", "true", "[]", "{}", "[[]]", "[{}]", '{"montant": 1e400}',
    '{"montant": ' + HUGE + "}", '{"montant": [' + HUGE + ', null]}', '{"inconnu": 1}', '{"montant": {"a": 1}}',
    '["montant", 1]', '"texte"', "montant", "montant desc", "montant asc, ville", "inconnu", "inconnu desc",
    "montant:gt:1e30", f"montant:eq:{HUGE}", f"n:eq:{HUGE}", f"n:lt:-{HUGE}", "n:gt:1e400", "n:eq:NaN",
    "inconnu:eq:1", "::", "montant:zz:1", "montant", "ville:contains:%", "n:null", "date:gt:9999-99-99",
    "date:lt:" + "9" * 40, "AAAA", "W10=", "WzEsMl0", "WyJ4IiwgIngiXQ", "WzEsIFsxXV0", "WyJ4IiwgMTE4MDU5MTYyMDcxNzQxMTMwMzQyNF0",
    "-0,-0,0,0", "1e30,1e30,1e31,1e31", "nan,nan,nan,nan", "inf,-inf,inf,-inf", "-180,-90,180,90",
    "181,91,-181,-91", "1,2,3", "1,2,3,4,5", ",,,", HUGE + ",0,1,1",
]
# Cursors above: "W10=" is [], "WzEsMl0" [1,2], "WyJ4IiwgIngiXQ" ["x","x"], "WzEsIFsxXV0" [1,[1]],
# the last ["x", 2**70].


def _cursor(values) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _offset_cursor(text: str) -> str:
    from ouvert.core.cursors import cursor_encode

    return cursor_encode(text)


NASTY += [_offset_cursor(f"o:{v}") for v in (2**70, -1, 2**63 - 1, "1e30", "nan")]
NASTY += [_cursor(v) for v in ([None, 2**70], ["x", 2**64], [{"a": 1}, 1], [[1], 1], [1.5, "x"], [1e308, -(2**63) - 1])]



@pytest.fixture
def public(client, make_user, make_org, make_member, make_token):
    """A published dataset with a datastore table (text, numeric, int, date) and a geographic layer."""
    from ouvert.core.models import Organization
    from ouvert.geo.services import layer_load_bytes

    org = make_org("mtmd", name_fr="Transports")
    editor = make_user()
    make_member(editor, org, role="editor")
    token = make_token(editor)
    created = post(client, "package_create", {
        "name": "stations", "owner_org": "mtmd", "notes": "Stations de comptage.",
        "resources": [{"url": "https://donnees.example/stations.csv", "name": "Stations", "format": "CSV"},
                      {"url": "https://donnees.example/stations.geojson", "name": "Carte", "format": "GeoJSON"}]},
        token=token)
    assert created.status_code == 200, created.json()
    package = created.json()["result"]
    rid, geo_rid = (r["id"] for r in package["resources"])
    table = {"resource_id": rid, "force": True,
             "fields": [{"id": "ville", "type": "text"}, {"id": "montant", "type": "numeric"},
                        {"id": "n", "type": "int"}, {"id": "date", "type": "date"}],
             "records": [{"ville": "Québec", "montant": 10.5, "n": 1, "date": "2012-03-15"},
                         {"ville": "Lévis", "montant": 3, "n": 2, "date": "2012-03-16"},
                         {"ville": "Montréal", "montant": None, "n": 3, "date": None}]}
    response = post(client, "datastore_create", table, token=token)
    assert response.status_code == 200, response.json()
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nom": "A", "n": 1}, "geometry": {"type": "Point", "coordinates": [-71.2, 46.8]}},
        {"type": "Feature", "properties": {"nom": "B", "n": 2}, "geometry": {"type": "Point", "coordinates": [-73.6, 45.5]}}]}
    layer_load_bytes(resource_id=uuid.UUID(geo_rid), data=json.dumps(points).encode(), filename="stations.geojson",
                     dataset_id=uuid.UUID(package["id"]), organization=Organization.objects.get(slug="mtmd"),
                     name="Stations", by=editor)
    assert client.get(f"/api/3/action/datastore_search?resource_id={rid}").json()["result"]["total"] == 3
    assert client.get(f"/api/v1/geo/layers/{geo_rid}").status_code == 200
    return {"rid": rid, "geo": geo_rid, "package": package}


def _sweep(client, url: str, params: list[str], base: dict | None = None, values=NASTY) -> list[str]:
    """GET ``url`` with each parameter set to each nasty value; the failures as readable lines."""
    failures = []
    for name in params:
        for value in values:
            query = {**(base or {}), name: value}
            try:
                response = client.get(url, query)
                status = response.status_code
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)  # an export fails while streaming, not before
            except Exception as exc:  # noqa: BLE001 — the test client re-raises what the view raised
                failures.append(f"{url} {name}={value[:60]!r}: raised {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"{url} {name}={value[:60]!r}: {status}")
    return failures


def _assert_none(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_native_datastore_endpoints(client, public):
    base = f"/api/v1/datastore/{public['rid']}"
    failures = _sweep(client, base, ["sheet"])
    failures += _sweep(client, f"{base}/rows", ["limit", "cursor", "sort", "filter", "q", "fields", "sheet", "desc",
                                                "count"])
    failures += _sweep(client, f"{base}/rows", ["cursor"], {"sort": "montant"})
    failures += _sweep(client, f"{base}/rows", ["cursor"], {"sort": "n", "desc": "true"})
    failures += _sweep(client, f"{base}/search", ["limit", "offset", "filters", "sort", "fields", "q", "distinct",
                                                  "include_total", "records_format"])
    failures += _sweep(client, f"{base}/aggregate", ["limit", "filter", "sheet", "value", "bucket", "agg"],
                       {"group": "ville"})
    failures += _sweep(client, f"{base}/aggregate", ["filter"], {"group": "date", "bucket": "year", "agg": "sum",
                                                                 "value": "montant"})
    for fmt in ("csv", "json", "xlsx", "parquet"):
        failures += _sweep(client, f"{base}/export.{fmt}", ["filter", "sheet"])
    _assert_none(failures)


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_ckan_datastore_search_get_and_post(client, public, settings):
    # the sweep sends more than the per-client read limit allows in a minute: that limit has its own tests
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "datastore_search": (100_000, 60)}
    rid = public["rid"]
    failures = _sweep(client, "/api/3/action/datastore_search",
                      ["limit", "offset", "filters", "sort", "fields", "q", "distinct", "include_total",
                       "records_format", "plain", "language"], {"resource_id": rid})
    typed = [-1, 0, 1e30, -1e30, 2**70, -(2**70), 2**63, 1.5, float("nan"), float("inf"), "abc", "", None, True,
             [], {}, [1, 2], {"a": 1}, {"montant": 2**70}, {"n": [2**70, None]}, {"n": 1e400 if False else 1e308},
             {"inconnu": 1}, {"montant": {"x": 1}}, {"montant": [[1]]}, "montant desc", ["montant", 5], "n:eq:1"]
    for name in ("limit", "offset", "filters", "sort", "fields", "q", "distinct", "include_total", "records_format"):
        for value in typed:
            try:
                response = client.post("/api/3/action/datastore_search",
                                       json.dumps({"resource_id": rid, name: value}), content_type="application/json")
                status = response.status_code
            except Exception as exc:  # noqa: BLE001
                failures.append(f"POST datastore_search {name}={value!r}: raised {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"POST datastore_search {name}={value!r}: {status}")
            elif status != 200:
                body = response.json()
                assert body["success"] is False and body["error"]["__type"] == "Validation Error", body
                assert status == 409, (name, value, status, body)
    _assert_none(failures)


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_ckan_package_search_and_lists(client, public):
    failures = _sweep(client, "/api/3/action/package_search", ["rows", "start", "q", "fq", "sort", "facet.limit",
                                                                "facet.mincount", "facet.field", "include_private"])
    failures += _sweep(client, "/api/3/action/package_list", ["limit", "offset"])
    failures += _sweep(client, "/api/3/action/group_list", ["limit", "offset", "sort"])
    failures += _sweep(client, "/api/3/action/organization_list", ["limit", "offset", "sort"])
    failures += _sweep(client, "/api/3/action/recently_changed_packages_activity_list", ["limit", "offset"])
    failures += _sweep(client, "/api/3/action/package_show", ["id"])
    failures += _sweep(client, "/api/3/action/resource_show", ["id"])
    _assert_none(failures)


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_native_catalogue_and_geo_endpoints(client, public):
    geo = f"/api/v1/geo/layers/{public['geo']}"
    failures = _sweep(client, "/api/v1/datasets", ["limit", "cursor", "q", "sort", "reference", "facets", "theme"])
    failures += _sweep(client, "/api/v1/resources", ["limit", "cursor"])
    failures += _sweep(client, "/api/v1/reuses", ["limit", "cursor"])
    failures += _sweep(client, "/api/v1/requests", ["limit", "cursor"])
    failures += _sweep(client, "/api/v1/plans", ["limit", "offset"])
    failures += _sweep(client, "/api/v1/openaccess/publications", ["limit", "cursor", "q", "status", "funder"])
    failures += _sweep(client, "/api/v1/openaccess/ledger", ["limit", "cursor"])
    failures += _sweep(client, f"{geo}/features", ["zoom", "bbox", "field"])
    failures += _sweep(client, f"{geo}/features", ["bbox"], {"zoom": "3"})
    failures += _sweep(client, "/api/v1/geo/datasets", ["bbox", "place"])
    for value in NASTY:
        for url in (f"{geo}/features/{value}", f"/api/v1/requests/{value}", f"{geo}/export/{value}",
                    f"/api/v1/plans/{value}", f"/api/v1/openaccess/publications/{value}"):
            if "/" in value or "?" in value or "#" in value or not value.strip():
                continue
            try:
                status = client.get(url).status_code
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{url[:80]}: raised {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"{url[:80]}: {status}")
    _assert_none(failures)


def test_out_of_range_messages_name_the_parameter_and_the_range(client, public):
    rid = public["rid"]
    ckan = client.get("/api/3/action/datastore_search", {"resource_id": rid, "offset": str(2**70)})
    assert ckan.status_code == 409
    error = ckan.json()["error"]
    assert error["__type"] == "Validation Error"
    assert "« offset »" in error["offset"][0] and "0 à 9223372036854775807" in error["offset"][0]
    rows = client.get("/api/3/action/package_search", {"rows": "1e30"}).json()["error"]["rows"][0]
    assert "« rows »" in rows and "0 à 1000" in rows and "corrigez" in rows
    native = client.get(f"/api/v1/datastore/{rid}/rows", {"limit": "5000"})
    assert native.status_code == 422
    assert native.json()["detail"][0]["message"] == "« limit » doit être au plus 1000 ; corrigez ce paramètre."
    typed = client.get(f"/api/v1/datastore/{rid}/rows", {"filter": f"n:eq:{2**70}"}).json()["detail"]["n"][0]
    assert "9223372036854775807" in typed
    cursor = client.get(f"/api/v1/datastore/{rid}/rows", {"cursor": _cursor(["x", 2**70])}).json()["detail"]
    assert "next_cursor" in cursor["cursor"][0]


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_html_pages_and_linked_data(client, public):
    """The pages that read a page number, a sort or a filter from the query string (fewer values: a
    page renders more slowly than an API answer)."""
    few = [v for v in NASTY if len(v) < 30 and not v.startswith(("W", "ey"))][::2] + [HUGE, str(2**63 - 1)]
    failures = _sweep(client, "/fr/donnees/", ["page", "q", "sort"], values=few)
    failures += _sweep(client, f"/fr/donnees/tables/{public['rid']}/", ["page", "sort", "filter", "cursor", "sheet"],
                       values=few)
    failures += _sweep(client, "/catalog.ttl", ["page"])
    failures += _sweep(client, "/api/3/action/package_search", ["ext_bbox"])
    _assert_none(failures)


@pytest.mark.slow  # a parameter sweep over many endpoints
def test_procurement_endpoints(client):
    failures = _sweep(client, "/api/v1/procurement/calls", ["state", "offset", "limit"])
    for value in NASTY:
        if "/" in value or "?" in value or "#" in value or not value.strip():
            continue
        for url in (f"/api/v1/procurement/calls/{value}", f"/api/v1/procurement/calls/{value}/bids"):
            try:
                status = client.get(url).status_code
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{url[:80]}: raised {type(exc).__name__}: {exc}"[:300])
                continue
            if status >= 500:
                failures.append(f"{url[:80]}: {status}")
    for value in (HUGE, str(2**63), "0", "-1"):
        for url in (f"/fr/acquisitions/appels/{value}/", f"/fr/acquisitions/fournisseurs/{value}/"):
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{url}: {status}")
    _assert_none(failures)
