"""Linked files: http(s) only and fetched through ouvert.core.fetch; a link is never a storage name or
a path, whatever its form; the address rule holds on every hop and against DNS rebinding."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.exceptions import ValidationError

from ouvert.core import fetch
from ouvert.datastore import remote, services
from ouvert.datastore.models import IngestJob, JobStatus
from ouvert.datastore.sources import SourceError

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.216.34"


@pytest.fixture
def stored_secret(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = settings.MEDIA_ROOT / "resources" / "autre-org" / "secret.csv"
    secret.parent.mkdir(parents=True)
    secret.write_text("code,valeur\nSECRET,42\n")
    return secret


@pytest.mark.parametrize("link", ["ftp://files.example/../../resources/autre-org/secret.csv",
                                  "FTP://files.example/../resources/autre-org/secret.csv",
                                  "file:///etc/passwd", "s3://bucket/resources/autre-org/secret.csv",
                                  "//files.example/resources/autre-org/secret.csv", "gopher://x.example/"])
def test_non_web_links_are_refused_when_scheduled(publisher, stored_secret, link):
    user, org = publisher
    for arguments in ({"source_url": link}, {"source_path": link}):
        with pytest.raises(ValidationError) as caught:
            services.datastore_ingest_schedule(resource_id=uuid.uuid4(), original_name="x.csv", organization=org,
                                               by=user, **arguments)
        assert "http" in str(caught.value)
    assert not IngestJob.objects.exists()


def test_a_stored_name_cannot_climb_out(publisher, stored_secret):
    user, org = publisher
    with pytest.raises(ValidationError):
        services.datastore_ingest_schedule(resource_id=uuid.uuid4(), source_path="resources/../../etc/passwd",
                                           original_name="x.csv", organization=org, by=user)


@pytest.mark.parametrize("source", ["ftp://files.example/../../resources/autre-org/secret.csv",
                                    "file:///etc/passwd", "resources/x/../../autre-org/secret.csv"])
def test_a_job_recorded_with_such_a_source_fails_without_reading_it(publisher, stored_secret, source):
    """Jobs queued before the check (or retried) are refused when they run, too."""
    user, org = publisher
    job = IngestJob.objects.create(resource_id=uuid.uuid4(), organization=org, source_name=source,
                                   original_name="secret.csv")
    services.datastore_ingest_run(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "refusé" in job.shown_error
    assert "SECRET" not in str(job.report)


def test_links_to_internal_addresses_are_refused_by_default(settings):
    assert settings.OUVERT_FETCH_ALLOW_PRIVATE is False
    for url in ("http://127.0.0.1:8080/x.csv", "http://[::1]:8080/x.csv", "http://169.254.169.254/latest/"):
        with pytest.raises(SourceError, match="adresse interne"), remote.fetched(url):
            pass


def test_linked_file_dns_rebinding_uses_the_checked_address(monkeypatch):
    """Resolver says public, then loopback: the one lookup is used and the connection goes to it."""
    from ouvert.core.tests.test_fetch import reply, server

    settings_calls, connected = [], []

    def lookup(host, port):
        settings_calls.append(host)
        address = PUBLIC if len(settings_calls) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    real = fetch._open_socket

    def open_socket(address, port, timeout):
        connected.append(address)
        if address != PUBLIC:
            raise ConnectionRefusedError("only the checked address may be used")
        return real("127.0.0.1", port, timeout)

    monkeypatch.setattr(fetch, "_lookup", lookup)
    monkeypatch.setattr(fetch, "_open_socket", open_socket)
    monkeypatch.setattr(fetch, "address_refusal", lambda a: "" if str(a) == PUBLIC else "loopback")
    with server(reply(body=b"a,b\n1,2\n", content_type="text/csv")) as (port, _seen), \
            remote.fetched(f"http://donnees.example:{port}/t.csv") as (path, fetched):
        assert path.read_bytes() == b"a,b\n1,2\n"
    assert settings_calls == ["donnees.example"] and connected == [PUBLIC]
    assert fetched["url"] == f"http://donnees.example:{port}/t.csv" and fetched["bytes"] == 8


def test_a_refused_link_is_reported_in_the_readers_language(publisher):
    """The demo's linked files (on 127.0.0.1) said "Adresse refusée : …" on English pages too: the
    reason was kept as the French sentence only."""
    from django.utils import translation

    _user, org = publisher
    job = IngestJob.objects.create(resource_id=uuid.uuid4(), organization=org,
                                   source_name="http://127.0.0.1:8080/x.csv", original_name="x.csv")
    services.datastore_ingest_run(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    with translation.override("fr"):
        assert "Adresse refusée" in job.shown_error and "adresse interne" in job.shown_error
    with translation.override("en"):
        english = job.shown_error
    assert "Adresse" not in english and "internal address" in english and "127.0.0.1" in english
