"""Files in S3-compatible object storage (``STORAGE_URL=s3://…``), against a local S3 server that the
test starts (moto's server mode, on loopback): a resource uploaded through the catalogue lands in the
bucket, is ingested from there, is downloaded with byte ranges, and is listed and hashed as ``ouvert backup`` archives files."""

from __future__ import annotations

import hashlib
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

BUCKET = "ouvert-essai"
CSV = "espece,hauteur\nérable,12\nchêne,20\nfrêne,7\n".encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "essai")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "essai-secret")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="ca-central-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_server, "region_name": "ca-central-1",
                    "file_overwrite": False, "default_acl": None, "querystring_auth": False}}}
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.mark.django_db
def test_a_resource_in_s3_is_ingested_downloaded_with_ranges_and_listed_for_backup(
        s3_bucket, client, make_user, make_org, make_member, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from ouvert.catalog import services
    from ouvert.core.backup import stored_files

    org = make_org("montreal", kind="municipality")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="Arbres")
    services.dataset_publish(dataset=dataset, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.resource_create(dataset=dataset, by=editor, file=SimpleUploadedFile("arbres.csv", CSV))
    name = resource.file.name
    stored = s3_bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert stored == CSV  # in the bucket, not on a local disk
    assert type(default_storage._wrapped).__name__ == "S3Storage"

    found = client.get("/api/3/action/datastore_search", {"resource_id": str(resource.pk)}).json()
    assert found["success"] and found["result"]["total"] == 3, found  # ingested from the bucket
    assert {r["espece"] for r in found["result"]["records"]} == {"érable", "chêne", "frêne"}

    whole = client.get(f"/media/{name}")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == CSV
    part = client.get(f"/media/{name}", headers={"Range": "bytes=4-19"})
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 4-19/{len(CSV)}"
    assert b"".join(part.streaming_content) == CSV[4:20]
    tail = client.get(f"/media/{name}", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == CSV[-5:]

    # what ``ouvert backup`` archives: every stored file, listed and hashed through the storage
    assert name in set(stored_files())
    with default_storage.open(name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(CSV).hexdigest()
