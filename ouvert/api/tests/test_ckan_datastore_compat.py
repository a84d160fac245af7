"""Datastore calls as CKAN clients make them (issue 13): datastore_create with a resource dict, json and
array columns, sorts on names with spaces and with NULLS FIRST/LAST."""

from __future__ import annotations

import pytest
from django.apps import apps

from .conftest import post

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.datastore"), reason="no datastore")]


@pytest.fixture
def dataset(client, publisher):
    _org, token = publisher
    response = post(client, "package_create", {"name": "comptages", "owner_org": "montreal"}, token=token)
    assert response.status_code == 200, response.json()
    return token


def test_datastore_create_with_a_resource_dict_creates_the_resource(client, dataset):
    # What frictionless's CKAN adapter sends when it publishes a table.
    response = post(client, "datastore_create", {
        "resource": {"package_id": "comptages", "name": "velos.csv", "format": "CSV"},
        "fields": [{"id": "compteur", "type": "text"}, {"id": "passages", "type": "int"}],
        "records": [{"compteur": "Berri", "passages": 12}], "force": True}, token=dataset)
    assert response.status_code == 200, response.json()
    rid = response.json()["result"]["resource_id"]
    shown = client.get(f"/api/3/action/resource_show?id={rid}").json()["result"]
    assert shown["name"] == "velos.csv" and shown["package_id"] and shown["datastore_active"] is True
    found = client.get(f"/api/3/action/datastore_search?resource_id={rid}").json()["result"]
    assert found["records"][0]["passages"] == 12
    missing = post(client, "datastore_create", {"resource": {"package_id": "inconnu"}, "fields": []}, token=dataset)
    assert missing.status_code == 404


def test_json_and_array_columns_round_trip(client, dataset):
    response = post(client, "datastore_create", {
        "resource": {"package_id": "comptages", "name": "sites"},
        "fields": [{"id": "nom", "type": "text"}, {"id": "tags", "type": "text[]"},
                   {"id": "meta", "type": "json"}, {"id": "ids", "type": "_int4"}],
        "records": [{"nom": "Berri", "tags": ["vélo", "nord"], "meta": {"voies": 2, "ouvert": True}, "ids": [1, 2]},
                    {"nom": "Rachel", "tags": [], "meta": None, "ids": None}]}, token=dataset)
    assert response.status_code == 200, response.json()
    rid = response.json()["result"]["resource_id"]
    types = {f["id"]: f["type"] for f in response.json()["result"]["fields"]}
    assert types == {"nom": "text", "tags": "text[]", "meta": "json", "ids": "_int4"}
    found = client.get(f"/api/3/action/datastore_search?resource_id={rid}&sort=nom").json()["result"]
    assert [(r["tags"], r["meta"], r["ids"]) for r in found["records"]] == [
        (["vélo", "nord"], {"voies": 2, "ouvert": True}, [1, 2]), ([], None, None)]
    assert {f["id"]: f["type"] for f in found["fields"]}["meta"] == "json"
    bad = post(client, "datastore_create", {"resource_id": rid, "fields": [{"id": "x", "type": "hstore"}]},
               token=dataset)
    assert bad.status_code == 409 and "hstore" in str(bad.json()["error"])


@pytest.fixture
def counters(client, dataset):
    response = post(client, "datastore_create", {
        "resource": {"package_id": "comptages", "name": "compteurs"},
        "fields": [{"id": "Berri 1", "type": "int"}, {"id": "nom", "type": "text"}],
        "records": [{"Berri 1": 5, "nom": "a"}, {"Berri 1": None, "nom": "b"}, {"Berri 1": 9, "nom": "c"}]},
        token=dataset)
    assert response.status_code == 200, response.json()
    return response.json()["result"]["resource_id"]


@pytest.mark.parametrize("sort, expected", [
    ('"Berri 1" desc', ["b", "c", "a"]),  # NULLs first when descending, as PostgreSQL and CKAN
    ("Berri 1 desc", ["b", "c", "a"]),  # unquoted, as many scripts write it
    ('"Berri 1" desc nulls last', ["c", "a", "b"]),
    ('"Berri 1" asc nulls first', ["b", "a", "c"]),
    ('"Berri 1"', ["a", "c", "b"]),
    ("nom desc", ["c", "b", "a"]),
])
def test_sort_on_names_with_spaces_and_nulls(client, counters, sort, expected):
    response = client.get("/api/3/action/datastore_search", {"resource_id": counters, "sort": sort})
    assert response.status_code == 200, response.json()
    assert [r["nom"] for r in response.json()["result"]["records"]] == expected


def test_unknown_sort_is_a_clear_409(client, counters):
    response = client.get("/api/3/action/datastore_search", {"resource_id": counters, "sort": "Berri 2 sideways"})
    assert response.status_code == 409 and "sort" in response.json()["error"]


def test_search_sql_speaks_the_dialect_of_the_database_that_runs_it(client, dataset):
    from django.db import connection

    response = post(client, "datastore_create", {
        "resource": {"package_id": "comptages", "name": "jours"},
        "fields": [{"id": "jour", "type": "timestamp"}, {"id": "texte", "type": "text"}],
        "records": [{"jour": "2024-03-05T10:00:00", "texte": "pistes cyclables"},
                    {"jour": "2024-04-01T08:00:00", "texte": "bornes"}]}, token=dataset)
    rid = response.json()["result"]["resource_id"]
    table = f'"{rid}"'  # the user SQL these clients send names the resource's table
    if connection.vendor == "postgresql":
        sqls = {"SELECT date_trunc('month', jour) AS m FROM " + table + " ORDER BY m": 2,  # noqa: S608 — test SQL
                "SELECT EXTRACT(MONTH FROM jour) AS m FROM " + table: 2,  # noqa: S608 — test SQL
                "SELECT texte FROM " + table + " WHERE to_tsvector('french', texte) @@ "  # noqa: S608 — test SQL
                "to_tsquery('french', 'cyclable')": 1}
    else:
        sqls = {"SELECT strftime('%Y-%m', jour) AS m FROM " + table: 2,  # noqa: S608 — test SQL
                "SELECT texte FROM " + table + " WHERE texte LIKE '%cycl%'": 1}  # noqa: S608 — test SQL
    for sql, rows in sqls.items():
        answer = client.get("/api/3/action/datastore_search_sql", {"sql": sql})
        assert answer.status_code == 200, (sql, answer.json())
        assert len(answer.json()["result"]["records"]) == rows, sql
