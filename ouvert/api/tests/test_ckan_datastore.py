"""The datastore actions in the compatible API, driven with the real ckanapi client."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.datastore"), reason="no datastore")]


SUM_SQL = 'SELECT sum(debit) AS s FROM "{rid}"'
DELETE_SQL = 'DELETE FROM "{rid}"'


def post(client, name, data, token=None):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(f"/api/3/action/{name}", json.dumps(data), content_type="application/json", **headers)


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
