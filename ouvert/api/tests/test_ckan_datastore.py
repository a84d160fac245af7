"""The datastore actions in the compatible API, driven with the real ckanapi client."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from .conftest import post

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.datastore"), reason="no datastore")]


SUM_SQL = 'SELECT sum(debit) AS s FROM "{rid}"'
DELETE_SQL = 'DELETE FROM "{rid}"'



def test_create_upsert_search_info_sql_delete(client, make_user, make_org, make_member, make_token):
    org = make_org("mtmd", name_fr="Transports")
    editor = make_user()
    make_member(editor, org, role="editor")
    token = make_token(editor)
    created = post(client, "package_create", {
        "name": "stations", "owner_org": "mtmd",
        "resources": [{"url": "https://donnees.example/stations.csv", "name": "Stations", "format": "CSV"}]},
        token=token).json()["result"]
    rid = created["resources"][0]["id"]
    stranger = make_token(make_user())
    table = {"resource_id": rid, "fields": [{"id": "station", "type": "text"}, {"id": "debit", "type": "int"}],
             "records": [{"station": "A", "debit": 10}, {"station": "B", "debit": 20}], "primary_key": ["station"]}
    assert post(client, "datastore_create", table, token=stranger).status_code == 403
    response = post(client, "datastore_create", table, token=token)
    assert response.status_code == 200, response.json()
    upserted = post(client, "datastore_upsert", {"resource_id": rid, "method": "upsert",
                                                 "records": [{"station": "A", "debit": 15}]}, token=token)
    assert upserted.status_code == 200, upserted.json()
    found = client.get(f"/api/3/action/datastore_search?resource_id={rid}&sort=station").json()["result"]
    assert found["total"] == 2 and [r["debit"] for r in found["records"]] == [15, 20]
    filtered = post(client, "datastore_search", {"resource_id": rid, "filters": {"station": "B"}}).json()["result"]
    assert [r["station"] for r in filtered["records"]] == ["B"]
    info = client.get(f"/api/3/action/datastore_info?resource_id={rid}").json()["result"]
    assert {f["id"] for f in info["fields"]} >= {"station", "debit"}
    sql = client.get("/api/3/action/datastore_search_sql", {"sql": SUM_SQL.format(rid=rid)})
    assert sql.status_code == 200, sql.json()
    assert client.get("/api/3/action/package_show?id=stations").json()["result"]["resources"][0][
        "datastore_active"] is True
    refused = client.get("/api/3/action/datastore_search_sql", {"sql": DELETE_SQL.format(rid=rid)})
    assert refused.status_code in {400, 409} and refused.json()["success"] is False
    assert post(client, "datastore_delete", {"resource_id": rid, "filters": {"station": "A"}},
                token=token).status_code == 200
    assert client.get(f"/api/3/action/datastore_search?resource_id={rid}").json()["result"]["total"] == 1
    assert client.get("/api/3/action/datastore_search?resource_id=00000000-0000-0000-0000-000000000000"
                      ).status_code == 404


@pytest.fixture
def stations(client, make_user, make_org, make_member, make_token):
    """A public resource with a datastore table, created through the API; its id."""
    org = make_org("mtmd", name_fr="Transports")
    editor = make_user()
    make_member(editor, org, role="editor")
    token = make_token(editor)
    created = post(client, "package_create", {
        "name": "stations", "owner_org": "mtmd",
        "resources": [{"url": "https://donnees.example/stations.csv", "name": "Stations", "format": "CSV"}]},
        token=token).json()["result"]
    rid = created["resources"][0]["id"]
    response = post(client, "datastore_create", {
        "resource_id": rid, "fields": [{"id": "station", "type": "text"}, {"id": "debit", "type": "int"}],
        "records": [{"station": "A", "debit": 10}, {"station": "B", "debit": 20}]}, token=token)
    assert response.status_code == 200, response.json()
    return rid


def test_search_sql_escapes_are_refused_in_ckan_envelope(client, stations, make_user):
    make_user("admin@exemple.qc.ca")
    for sql in ('SELECT (SELECT COUNT(*) FROM core_user) AS n FROM "{rid}", '
                '(WITH core_user AS (SELECT 1) SELECT * FROM core_user) z',
                'SELECT * FROM "{rid}", pg_catalog.pg_authid', "SELECT pg_read_file('/etc/passwd') FROM \"{rid}\""):
        response = client.get("/api/3/action/datastore_search_sql", {"sql": sql.format(rid=stations)})
        body = response.json()
        assert response.status_code == 409 and body["success"] is False, body
        assert body["error"]["__type"] == "Validation Error" and body["error"]["sql"], body
    ordinary = client.get("/api/3/action/datastore_search_sql", {
        "sql": f'SELECT station FROM "{stations}" WHERE debit > 5 AND (station = \'A\' OR station = \'B\') '  # noqa: S608 — test SQL
               "ORDER BY station"})
    assert ordinary.status_code == 200, ordinary.json()
    assert [r["station"] for r in ordinary.json()["result"]["records"]] == ["A", "B"]


def test_search_sql_is_rate_limited_per_client(client, stations, settings):
    from django.core.cache import cache

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "datastore_sql": (2, 60)}
    cache.clear()
    query = {"sql": SUM_SQL.format(rid=stations)}
    responses = [client.get("/api/3/action/datastore_search_sql", query) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    limited = responses[-1]
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["success"] is False and limited.json()["error"]["__type"] == "Rate Limit Error"
    other_client = client.get("/api/3/action/datastore_search_sql", query, REMOTE_ADDR="192.0.2.7")
    assert other_client.status_code == 200
    cache.clear()


def test_anonymous_queries_share_a_few_slots(client, stations, settings, make_user, make_token):
    from ouvert.api.ckan.views import ANONYMOUS_QUERY_POOL
    from ouvert.core.ratelimit import concurrency_slot

    settings.API_ANONYMOUS_QUERY_SLOTS = 1
    query = {"sql": SUM_SQL.format(rid=stations)}
    with concurrency_slot(ANONYMOUS_QUERY_POOL, 1) as held:  # a slow anonymous query is running
        assert held
        for name, data in (("datastore_search_sql", query), ("datastore_search", {"resource_id": stations})):
            busy = client.get(f"/api/3/action/{name}", data)
            assert busy.status_code == 429, busy.json()
            assert busy["Retry-After"] == "2" and busy.json()["error"]["__type"] == "Rate Limit Error"
        signed_in = client.get("/api/3/action/datastore_search_sql", query,
                               HTTP_AUTHORIZATION=make_token(make_user()))
        assert signed_in.status_code == 200
        assert client.get("/api/3/action/datastore_info", {"resource_id": stations}).status_code == 200
    assert client.get("/api/3/action/datastore_search_sql", query).status_code == 200


def test_slots_are_given_back_when_the_query_fails(client, stations, settings):
    settings.API_ANONYMOUS_QUERY_SLOTS = 1
    for _ in range(3):
        assert client.get("/api/3/action/datastore_search_sql", {"sql": DELETE_SQL.format(rid=stations)}
                          ).status_code == 409
    assert client.get("/api/3/action/datastore_search_sql", {"sql": SUM_SQL.format(rid=stations)}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reader role is PostgreSQL's")
def test_without_the_reader_role_the_endpoint_refuses(client, stations, monkeypatch):
    from ouvert.datastore import reader_role, sql

    monkeypatch.setattr(reader_role, "reader_role_name", lambda: "ouvert_role_absent_for_test")
    monkeypatch.setattr(sql, "reader_role_name", lambda: "ouvert_role_absent_for_test")
    monkeypatch.setattr(reader_role, "_try", lambda statement, params=None: False)
    reader_role.reader_role_forget()
    try:
        response = client.get("/api/3/action/datastore_search_sql", {"sql": SUM_SQL.format(rid=stations)})
        body = response.json()
        assert response.status_code == 403 and body["success"] is False
        assert "ouvert_role_absent_for_test" in body["error"]["message"]
        assert "ouvert migrate" in body["error"]["message"]
        assert client.get(f"/api/3/action/datastore_search?resource_id={stations}").status_code == 200
    finally:
        reader_role.reader_role_forget()
