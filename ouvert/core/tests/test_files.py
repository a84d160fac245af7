"""Stored files are served through the access model, as attachments with a safe type."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<html><body><script>fetch('/fr/compte/')</script></body></html>"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture
def dataset(make_user, make_org, make_member):
    from ouvert.catalog import services

    org = make_org("fichiers")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="Fichiers déposés",
                                      notes="Des fichiers de toutes sortes pour vérifier comment ils sont servis.")
    services.dataset_publish(dataset=dataset, by=editor)
    return dataset, editor


def _upload(dataset, editor, name: str, content: bytes):
    from ouvert.catalog import services

    return services.resource_create(dataset=dataset, by=editor, file=SimpleUploadedFile(name, content), name=name)


def _get(client, resource):
    response = client.get(f"/media/{resource.file.name}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize(("name", "content"), [("dessin.svg", SVG), ("page.html", HTML), ("page.xhtml", HTML)])
def test_active_content_is_never_rendered_from_the_platform(client, dataset, name, content):
    resource = _upload(*dataset, name, content)
    response, body = _get(client, resource)
    assert response.status_code == 200 and body == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"] and "default-src 'none'" in response[
        "Content-Security-Policy"]


def test_images_show_inline_and_csv_downloads(client, dataset):
    image, _ = _get(client, _upload(*dataset, "logo.png", PNG))
    assert image["Content-Type"] == "image/png" and not image.get("Content-Disposition", "").startswith("attachment")
    table, body = _get(client, _upload(*dataset, "donnees.csv", b"a,b\n1,2\n"))
    assert table["Content-Disposition"].startswith("attachment") and body == b"a,b\n1,2\n"
    assert table["Cache-Control"] == "public, max-age=300"


def test_a_private_datasets_file_is_for_its_members(client, dataset, make_user):
    from ouvert.catalog import services

    published, editor = dataset
    resource = _upload(published, editor, "donnees.csv", b"a\n1\n")
    services.dataset_update(dataset=published, by=editor, private=True)
    assert _get(client, resource)[0].status_code == 404
    client.force_login(make_user())
    assert _get(client, resource)[0].status_code == 404
    client.force_login(editor)
    response, _ = _get(client, resource)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


def test_unknown_folders_and_climbing_names_are_nobodys(client, dataset):
    resource = _upload(*dataset, "donnees.csv", b"a\n1\n")
    folder = resource.file.name.rsplit("/", 1)[0]
    for path in ["harvest/source.ttl", "secret.txt", f"{folder}/../../../harvest/x", "resources//x"]:
        assert client.get(f"/media/{path}").status_code == 404, path
    assert client.post(f"/media/{resource.file.name}").status_code == 405
