"""Fixtures for datastore tests: write small files, ingest them synchronously, query them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_bytes(content.encode(encoding))
        else:
            path.write_bytes(content)
        return path

    return write


@pytest.fixture
def publisher(make_user, make_org, make_member):
    org = make_org("sct")
    user = make_user("editeur@exemple.qc.ca")
    make_member(user, org, "editor")
    return user, org


@pytest.fixture
def ingest(django_capture_on_commit_callbacks, publisher, catalogue_resource):
    """Schedule and run an ingestion (tasks are immediate in tests); returns the finished job. The
    resource id belongs to a published public dataset of ``organization`` unless it exists already
    (``catalogue_resource`` changes its standing)."""
    from ouvert.datastore.models import IngestJob
    from ouvert.datastore.services import datastore_ingest_schedule

    user, org = publisher

    def run(path: Path, *, resource_id: uuid.UUID | None = None, options: dict | None = None,
            original_name: str | None = None, by=user, organization=org) -> IngestJob:
        resource_id = resource_id or uuid.uuid4()
        if organization is not None:
            from ouvert.catalog.models import Resource

            if not Resource.objects.filter(pk=resource_id).exists():
                catalogue_resource(resource_id, organization)
        with django_capture_on_commit_callbacks(execute=True):
            job = datastore_ingest_schedule(resource_id=resource_id, source_path=str(path),
                                            original_name=original_name or path.name, organization=organization,
                                            by=by, options=options)
        job.refresh_from_db()
        return job

    return run


def field_types(resource_id, sheet: int = 0) -> dict[str, str]:
    from ouvert.datastore.models import DatastoreTable

    table = DatastoreTable.objects.get(resource_id=resource_id, sheet=sheet)
    return {f["id"]: f["type"] for f in table.fields}
