"""Automatic processing after an upload: datastore ingestion and map layer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import shared_path
from ouvert.catalog import services

pytestmark = pytest.mark.django_db(transaction=True)


def editor_and_dataset(make_user, make_org, make_member):
    org = make_org("montreal", kind="municipality")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="Arbres")
    services.dataset_publish(dataset=dataset, by=editor)
    return editor, dataset


def test_csv_upload_is_queryable_with_datastore_search(client, make_user, make_org, make_member):
    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    csv = "espece,hauteur\nérable,12\nchêne,20\n".encode()
    resource = services.resource_create(dataset=dataset, by=editor,
                                        file=SimpleUploadedFile("arbres.csv", csv))
    result = client.get("/api/3/action/datastore_search", {"resource_id": str(resource.pk)}).json()
    assert result["success"], result
    assert result["result"]["total"] == 2
    assert {r["espece"] for r in result["result"]["records"]} == {"érable", "chêne"}


def test_geojson_upload_gets_a_map_layer(make_user, make_org, make_member):
    from ouvert.geo.models import GeoLayer

    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    path = shared_path("realdata", "quebec", "montreal-geojson", "murales.geojson")
    resource = services.resource_create(dataset=dataset, by=editor,
                                        file=SimpleUploadedFile("murales.geojson", path.read_bytes()))
    assert GeoLayer.objects.filter(resource_id=resource.pk).exists()


def test_scheduling_failure_does_not_fail_the_upload(make_user, make_org, make_member, monkeypatch):
    from ouvert.datastore import services as datastore

    def boom(**kwargs):
        raise RuntimeError("file d'attente indisponible")

    monkeypatch.setattr(datastore, "datastore_ingest_schedule", boom)
    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    resource = services.resource_create(dataset=dataset, by=editor,
                                        file=SimpleUploadedFile("a.csv", b"a,b\n1,2\n"))
    assert resource.pk


def test_resource_page_embeds_table_and_map_previews(client, make_user, make_org, make_member):
    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    table = services.resource_create(dataset=dataset, by=editor,
                                     file=SimpleUploadedFile("arbres.csv", b"espece,hauteur\nerable,12\n"))
    path = shared_path("realdata", "quebec", "montreal-geojson", "murales.geojson")
    mapped = services.resource_create(dataset=dataset, by=editor,
                                      file=SimpleUploadedFile("murales.geojson", path.read_bytes()))
    body = client.get(table.get_absolute_url()).content.decode()
    assert "data-ds-preview" in body and "geo-preview" not in body
    body = client.get(mapped.get_absolute_url()).content.decode()
    assert "geo-preview" in body
