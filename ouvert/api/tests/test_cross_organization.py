"""Writes that used to cross organizations: adopting another organization's datastore table by
creating a resource with its id, replacing another organization's map layer, and what a deleted
resource leaves behind."""

from __future__ import annotations

import uuid

import pytest

from conftest import shared_path
from ouvert.core.actors import INGEST

from .conftest import post

pytestmark = pytest.mark.django_db

TABLE = {"fields": [{"id": "code", "type": "text"}, {"id": "nom", "type": "text"}],
         "records": [{"code": "A1", "nom": "Secret de l'organisation A"}]}



@pytest.fixture
def two_organizations(make_user, make_org, make_member, make_token):
    first, second = make_org("organisation-a"), make_org("organisation-b")
    editor_a, editor_b = make_user(), make_user()
    make_member(editor_a, first, "editor")
    make_member(editor_b, second, "editor")
    return {"a": (first, make_token(editor_a)), "b": (second, make_token(editor_b))}


def _dataset_with_table(client, token, owner: str, name: str) -> str:
    created = post(client, "package_create", {
        "name": name, "owner_org": owner,
        "resources": [{"url": f"https://donnees.example/{name}.csv", "name": name, "format": "CSV"}]},
        token=token).json()["result"]
    rid = created["resources"][0]["id"]
    assert post(client, "datastore_create", {"resource_id": rid, **TABLE}, token=token).status_code == 200
    return rid


def test_deleting_a_resource_drops_its_table(client, two_organizations, django_capture_on_commit_callbacks):
    from ouvert.datastore.models import DatastoreTable

    _org, token = two_organizations["a"]
    rid = _dataset_with_table(client, token, "organisation-a", "jeu-a")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "resource_delete", {"id": rid}, token=token).status_code == 200
    assert not DatastoreTable.objects.filter(resource_id=rid).exists()
    assert post(client, "datastore_search", {"resource_id": rid}).status_code == 404


def test_a_resource_cannot_adopt_another_organizations_table(client, two_organizations):
    """A table left by a resource deleted before tables went with it (rows removed directly here)
    must not become another organization's by giving a new resource its id."""
    from ouvert.catalog.models import Resource

    _first, token_a = two_organizations["a"]
    _second, token_b = two_organizations["b"]
    rid = _dataset_with_table(client, token_a, "organisation-a", "jeu-a")
    Resource.objects.filter(pk=rid).delete()  # an orphan, as older versions left them
    post(client, "package_create", {"name": "jeu-b", "owner_org": "organisation-b"}, token=token_b)
    response = post(client, "resource_create", {"package_id": "jeu-b", "id": rid, "name": "adopte",
                                                "url": "https://donnees.example/x.csv"}, token=token_b)
    assert response.status_code == 409, response.json()
    assert "id" in response.json()["error"]
    assert post(client, "datastore_search", {"resource_id": rid}).status_code == 404
    # and a datastore write naming organization B on A's table is refused
    from django.core.exceptions import PermissionDenied

    from ouvert.api.ckan import datastore_wire
    from ouvert.core.models import Organization

    with pytest.raises(PermissionDenied):
        datastore_wire.upsert(data={"resource_id": rid, "method": "insert", "records": [{"code": "B"}]},
                              organization=Organization.objects.get(slug="organisation-b"), by=INGEST)


def test_a_map_layer_goes_to_the_resources_organization(client, two_organizations, catalogue_resource):
    first, token_a = two_organizations["a"]
    _second, token_b = two_organizations["b"]
    rid = uuid.uuid4()
    catalogue_resource(rid, first)
    path = shared_path("realdata", "quebec", "gatineau-fire-hydrant", "decoupage_administratif.json.txt")
    for token, organization in [(token_b, "organisation-b"), (token_b, "organisation-a"),
                                (token_a, "organisation-b")]:
        with path.open("rb") as handle:
            response = client.post(f"/api/v1/geo/layers/{rid}", {"file": handle, "organization": organization},
                                   HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 403, (organization, response.content)
    with path.open("rb") as handle:
        response = client.post(f"/api/v1/geo/layers/{rid}", {"file": handle, "organization": "organisation-a"},
                               HTTP_AUTHORIZATION=f"Bearer {token_a}")
    assert response.status_code == 201, response.content
    # a layer for an id the catalogue does not know is nobody's to publish
    with path.open("rb") as handle:
        response = client.post(f"/api/v1/geo/layers/{uuid.uuid4()}", {"file": handle,
                                                                      "organization": "organisation-a"},
                               HTTP_AUTHORIZATION=f"Bearer {token_a}")
    assert response.status_code == 403
