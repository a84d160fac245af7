"""DCAT sources: our own DCAT output read back, uploads, and broken documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rdflib import Graph

from ouvert.api.dcat.graph import catalog_graph, serialize
from ouvert.api.dcat.parse import packages_from_graph
from ouvert.api.tests.test_dcat import BASE, COMPLETE
from ouvert.harvest import services
from ouvert.harvest.fetch import Limits
from ouvert.harvest.models import RunStatus, SourceKind
from ouvert.harvest.readers import read_source

from .fake_source import fixed, serve

pytestmark = pytest.mark.django_db


def _catalog(fmt: str) -> bytes:
    graph = catalog_graph(BASE, [COMPLETE], title="Ouvert", description="Catalogue",
                          publisher={"name": "ouvert", "title": "Ouvert"})
    return serialize(graph, fmt)[0]


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_dcat_round_trip_keeps_the_metadata(fmt, parser):
    [pkg] = packages_from_graph(Graph().parse(data=_catalog(fmt), format=parser))
    assert pkg["id"] == COMPLETE["id"] and pkg["title"] == COMPLETE["title"]
    assert pkg["title_translated"] == COMPLETE["title_translated"] and pkg["notes"] == COMPLETE["notes"]
    assert sorted(t["name"] for t in pkg["tags"]) == ["mobilité", "vélo"]
    assert pkg["frequency"] == "daily" and sorted(pkg["language"]) == ["en", "fr"]
    assert pkg["organization"]["name"] == "montreal" and pkg["organization"]["title"] == "Ville de Montréal"
    assert pkg["license_url"] == COMPLETE["license_url"]
    assert pkg["contact_email"] == COMPLETE["contact_email"]
    assert pkg["temporal_start"] == "2012-01-01" and pkg["temporal_end"] == "2012-12-31"
    formats = sorted(r["format"] for r in pkg["resources"])
    assert formats == ["CSV", "HTML"]
    csv = next(r for r in pkg["resources"] if r["format"] == "CSV")
    assert csv["url"] == "https://donnees.exemple.quebec/f/bikes.csv" and csv["size"] == 12345


def test_dcat_by_url_and_by_upload_are_read(site_admin):
    with serve(fixed(_catalog("ttl"), content_type="text/turtle; charset=utf-8")) as url:
        source = services.source_create(by=site_admin, name="DCAT", kind=SourceKind.DCAT_URL, url=f"{url}/catalog.ttl")
        remote = read_source(source, Limits(timeout=5), lambda n: None)
    assert [r.remote_id for r in remote] == [COMPLETE["id"]]
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.jsonld", _catalog("jsonld")))
    assert [r.name for r in read_source(upload, Limits(timeout=5), lambda n: None)] == ["comptages-velos-2012"]


@pytest.mark.parametrize("body,reason", [
    (b"@prefix dcat: <http://www.w3.org/ns/dcat#> . <a> a dcat:Dataset ;;; garbage", "illisible"),
    ("<rdf:RDF>é</rdf:RDF>".encode("cp1252"), "UTF-8"),
])
def test_broken_dcat_documents_fail_clearly(site_admin, settings, body, reason):
    settings.HARVEST_TIMEOUT = 2
    with serve(fixed(body, content_type="text/turtle")) as url:
        source = services.source_create(by=site_admin, name="Cassé", kind=SourceKind.DCAT_URL, url=f"{url}/c.ttl")
        run = services.run_request(source=source, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and reason in run.message
