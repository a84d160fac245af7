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


@pytest.fixture
def file_server():
    """A throwaway HTTP server on loopback serving {path: bytes}; 404 for anything else."""
    import http.server
    import threading

    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's naming
            body = files.get(self.path)
            if self.path == "/moved.csv":
                self.send_response(302)
                self.send_header("Location", "/v1.csv")
                self.end_headers()
                return
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield files, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _jobs(resource):
    from ouvert.datastore.models import IngestJob

    return list(IngestJob.objects.filter(resource_id=resource.pk).order_by("created_at"))


def test_linked_csv_is_loaded_and_loaded_again_when_the_link_changes(client, settings, file_server, make_user,
                                                                     make_org, make_member):
    settings.OUVERT_FETCH_ALLOW_PRIVATE = True  # the test server lives on loopback
    files, base = file_server
    files["/v1.csv"] = "espece;hauteur\nérable;12\nchêne;20\n".encode("cp1252")
    files["/v2.csv"] = "espece,hauteur\nérable,12\nchêne,20\npin,31\n".encode()
    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    resource = services.resource_create(dataset=dataset, by=editor, url=f"{base}/moved.csv", format="CSV")
    result = client.get("/api/3/action/datastore_search", {"resource_id": str(resource.pk)}).json()
    assert result["success"], result
    assert result["result"]["total"] == 2
    first = _jobs(resource)[-1]
    assert first.status == "succeeded"
    assert first.report["fetched"]["url"] == f"{base}/v1.csv"  # the redirect was followed
    assert first.report["fetched"]["bytes"] == len(files["/v1.csv"])

    services.resource_update(resource=resource, by=editor, name="Arbres 2026")  # no link change: no reload
    assert len(_jobs(resource)) == 1
    services.resource_update(resource=resource, by=editor, url=f"{base}/v2.csv")
    assert len(_jobs(resource)) == 2
    result = client.get("/api/3/action/datastore_search", {"resource_id": str(resource.pk), "sort": "hauteur desc"})
    records = result.json()["result"]["records"]
    assert [r["espece"] for r in records] == ["pin", "chêne", "érable"]


def test_linked_file_errors_say_why_and_keep_the_resource(settings, file_server, make_user, make_org,
                                                          make_member):
    files, base = file_server
    editor, dataset = editor_and_dataset(make_user, make_org, make_member)
    assert settings.OUVERT_FETCH_ALLOW_PRIVATE is False  # loopback is refused by default
    internal = services.resource_create(dataset=dataset, by=editor, url=f"{base}/v1.csv", format="CSV")
    job = _jobs(internal)[-1]
    assert job.status == "failed"
    assert "adresse interne" in job.shown_error
    settings.OUVERT_FETCH_ALLOW_PRIVATE = True
    missing = services.resource_create(dataset=dataset, by=editor, url=f"{base}/absent.csv", format="CSV")
    job = _jobs(missing)[-1]
    assert job.status == "failed"
    assert "404" in job.shown_error
    assert dataset.resources.count() == 2
    not_tabular = services.resource_create(dataset=dataset, by=editor, url=f"{base}/rapport.pdf", format="PDF")
    assert _jobs(not_tabular) == []


@pytest.mark.parametrize("link", ["ftp://files.example/../../{name}", "ftps://files.example/../../{name}"])
def test_a_link_is_never_read_as_a_stored_file(client, make_user, make_org, make_member, link):
    """An editor of one organization cannot point a link at another organization's stored private file:
    only http(s) links are loaded, and only by fetching them."""
    from ouvert.datastore.models import IngestJob

    other_editor, other = editor_and_dataset(make_user, make_org, make_member)
    services.dataset_update(dataset=other, by=other_editor, private=True)
    stored = services.resource_create(dataset=other, by=other_editor,
                                      file=SimpleUploadedFile("secret.csv", b"code,valeur\nSECRET,42\n"))
    intruder = make_user()
    mine = make_org("laval", kind="municipality")
    make_member(intruder, mine, "editor")
    dataset = services.dataset_create(by=intruder, organization=mine, title="Public")
    services.dataset_publish(dataset=dataset, by=intruder)
    url = link.format(name=stored.file.name)  # the catalogue refuses file:, s3: … as links already
    resource = services.resource_create(dataset=dataset, by=intruder, url=url, format="CSV")
    assert not IngestJob.objects.filter(resource_id=resource.pk).exists()
    result = client.get("/api/3/action/datastore_search", {"resource_id": str(resource.pk)}).json()
    assert not result["success"]
