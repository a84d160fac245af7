"""Full-text search follows rows written after the load (``Backend.fulltext_rows_changed``, which
both engines implement: SQLite rebuilds its FTS5 table, PostgreSQL's GIN index follows by itself).
Driven through the CKAN-compatible actions, on whichever database the suite runs."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.datastore"), reason="no datastore")]


def _post(client, name: str, data: dict, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(f"/api/3/action/{name}", json.dumps(data), content_type="application/json", **headers)


def _matches(client, rid: str, q: str) -> list[str]:
    response = _post(client, "datastore_search", {"resource_id": rid, "q": q, "sort": "station"})
    assert response.status_code == 200, response.json()
    return [r["station"] for r in response.json()["result"]["records"]]


def test_search_finds_upserted_and_forgets_deleted_rows(client, make_user, make_org, make_member, make_token):
    org = make_org("mtmd", name_fr="Transports")
    editor = make_user()
    make_member(editor, org, role="editor")
    token = make_token(editor)
    created = _post(client, "package_create", {
        "name": "stations", "owner_org": "mtmd",
        "resources": [{"url": "https://donnees.example/stations.csv", "name": "Stations", "format": "CSV"}]},
        token=token).json()["result"]
    rid = created["resources"][0]["id"]
    table = {"resource_id": rid, "primary_key": ["station"],
             "fields": [{"id": "station", "type": "text"}, {"id": "quartier", "type": "text"}],
             "records": [{"station": "A", "quartier": "Limoilou"}, {"station": "B", "quartier": "Sillery"}]}
    assert _post(client, "datastore_create", table, token=token).status_code == 200
    assert _matches(client, rid, "Limoilou") == ["A"]

    changed = _post(client, "datastore_upsert", {"resource_id": rid, "method": "upsert", "records": [
        {"station": "A", "quartier": "Vanier"}, {"station": "C", "quartier": "Limoilou"}]}, token=token)
    assert changed.status_code == 200, changed.json()
    assert _matches(client, rid, "Vanier") == ["A"]
    assert _matches(client, rid, "Limoilou") == ["C"]  # A's old text is no longer found

    deleted = _post(client, "datastore_delete", {"resource_id": rid, "filters": {"station": "C"}}, token=token)
    assert deleted.status_code == 200, deleted.json()
    assert _matches(client, rid, "Limoilou") == []
    assert _matches(client, rid, "Sillery") == ["B"]
