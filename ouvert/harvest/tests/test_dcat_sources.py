"""DCAT sources: our own DCAT output read back, uploads, and broken documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rdflib import Graph

from ouvert.api.dcat.graph import Agent, catalog_graph, serialize
from ouvert.api.tests.test_dcat import BASE, COMPLETE
from ouvert.harvest import services
from ouvert.harvest.dcat import packages_from_graph
from ouvert.harvest.fetch import Limits
from ouvert.harvest.models import RunStatus, SourceKind
from ouvert.harvest.readers import read_source

from .fake_source import fixed, serve

pytestmark = pytest.mark.django_db


def _catalog(fmt: str) -> bytes:
    graph = catalog_graph(BASE, [COMPLETE], title="Ouvert", description="Catalogue",
                          publisher=Agent(slug="ouvert", names={"fr": "Ouvert"}))
    return serialize(graph, fmt)[0]


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_dcat_round_trip_keeps_the_metadata(fmt, parser):
    [pkg] = packages_from_graph(Graph().parse(data=_catalog(fmt), format=parser))
    assert pkg["id"] == str(COMPLETE.id) and pkg["title"] == COMPLETE.title
    assert pkg["title_translated"] == {"fr": COMPLETE.title} and pkg["notes"] == COMPLETE.notes
    assert sorted(t["name"] for t in pkg["tags"]) == ["mobilité", "vélo"]
    assert pkg["frequency"] == "daily" and sorted(pkg["language"]) == ["en", "fr"]
    assert pkg["organization"]["name"] == "montreal" and pkg["organization"]["title"] == "Ville de Montréal"
    assert pkg["license_url"] == COMPLETE.licence.url
    assert pkg["contact_email"] == COMPLETE.contact_email
    assert pkg["temporal_start"] == "2012-01-01" and pkg["temporal_end"] == "2012-12-31"
    formats = sorted(r["format"] for r in pkg["resources"])
    assert formats == ["CSV", "HTML"]
    csv = next(r for r in pkg["resources"] if r["format"] == "CSV")
    assert csv["url"] == "https://donnees.exemple.quebec/f/bikes.csv" and csv["size"] == 12345


def test_dcat_by_url_and_by_upload_are_read(site_admin, allow_loopback):
    with serve(fixed(_catalog("ttl"), content_type="text/turtle; charset=utf-8")) as url:
        source = services.source_create(by=site_admin, name="DCAT", kind=SourceKind.DCAT_URL, url=f"{url}/catalog.ttl")
        remote = read_source(source, Limits(timeout=5), lambda n: None)
    assert [r.remote_id for r in remote] == [str(COMPLETE.id)]
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.jsonld", _catalog("jsonld")))
    assert [r.name for r in read_source(upload, Limits(timeout=5), lambda n: None)] == ["comptages-velos-2012"]


def test_dcat_catalogue_harvested_into_the_catalogue(site_admin, make_org, client, settings, allow_loopback):
    """A DCAT dataset becomes a local dataset through the typed input and the catalogue's upsert:
    its languages (fr and en) become "fr,en", its dates, contact, frequency and links are kept; a
    second run with a changed title updates the same dataset."""
    settings.HARVEST_TIMEOUT = 5
    make_org("montreal", name_fr="Ville de Montréal")
    with serve(fixed(_catalog("ttl"), content_type="text/turtle; charset=utf-8")) as url:
        source = services.source_create(by=site_admin, name="DCAT", kind=SourceKind.DCAT_URL, url=f"{url}/catalog.ttl")
        run = services.run_request(source=source, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.created == 1, run.items.values_list("reason", flat=True)
    pkg = client.get("/api/3/action/package_show?id=comptages-velos-2012").json()["result"]
    assert pkg["language"] == "fr,en" and pkg["update_frequency"] == "daily"
    assert pkg["temporal_start"] == "2012-01-01" and pkg["contact_email"] == COMPLETE.contact_email
    assert pkg["organization"]["name"] == "montreal" and pkg["harvest_source"]["name"] == "DCAT"
    assert sorted(r["url"] for r in pkg["resources"]) == ["https://donnees.exemple.quebec/f/bikes.csv",
                                                          "https://montreal.ca/velo%20avec%20espace"]
    changed = Graph().parse(data=_catalog("ttl"), format="turtle")
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    node = URIRef(f"{BASE}/dataset/{COMPLETE.name}")
    changed.set((node, DCTERMS.title, Literal("Vélos comptés", lang="fr")))
    with serve(fixed(changed.serialize(format="turtle").encode(), content_type="text/turtle")) as url:
        services.source_update(source=source, by=site_admin, url=f"{url}/catalog.ttl")
        again = services.run_request(source=source, by=site_admin)
    again.refresh_from_db()
    assert again.updated == 1 and again.created == 0
    shown = client.get(f"/api/3/action/package_show?id={pkg['id']}").json()["result"]
    assert shown["title"] == "Vélos comptés" and len(shown["resources"]) == 2
    assert [r["id"] for r in shown["resources"]] == [r["id"] for r in pkg["resources"]]


@pytest.mark.parametrize("body,reason", [
    (b"@prefix dcat: <http://www.w3.org/ns/dcat#> . <a> a dcat:Dataset ;;; garbage", "illisible"),
    ("<rdf:RDF>é</rdf:RDF>".encode("cp1252"), "UTF-8"),
])
def test_broken_dcat_documents_fail_clearly(site_admin, settings, body, reason, allow_loopback):
    settings.HARVEST_TIMEOUT = 2
    with serve(fixed(body, content_type="text/turtle")) as url:
        source = services.source_create(by=site_admin, name="Cassé", kind=SourceKind.DCAT_URL, url=f"{url}/c.ttl")
        run = services.run_request(source=source, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and reason in run.shown_message


JSONLD_DATASET = {"@id": "https://donnees.exemple.quebec/dataset/velos", "@type": "dcat:Dataset",
                  "dct:title": "Vélos"}


def _jsonld(context) -> bytes:
    import json

    return json.dumps({"@context": context, "@graph": [JSONLD_DATASET]}).encode()


def test_jsonld_remote_context_is_never_fetched(site_admin, settings, allow_loopback, tmp_path):
    """Even where the address rule would let it through (loopback allowed here), rdflib never fetches
    a JSON-LD context: a context given by address is refused with a clear reason."""
    settings.HARVEST_TIMEOUT = 2
    secret = tmp_path / "secret.json"
    secret.write_text('{"@context": {"dct": "http://purl.org/dc/terms/"}}')
    hits = []

    def route(path, query):
        hits.append(path)
        if path == "/context.jsonld":
            return 200, {"Content-Type": "application/ld+json"}, b'{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}}'
        return 200, {"Content-Type": "application/ld+json"}, documents[path]

    with serve(route) as url:
        documents = {
            "/remote.jsonld": _jsonld(f"{url}/context.jsonld"),
            "/list.jsonld": _jsonld([{"dct": "http://purl.org/dc/terms/"}, f"{url}/context.jsonld"]),
            "/relative.jsonld": _jsonld("context.jsonld"),
            "/file.jsonld": _jsonld(secret.as_uri()),
            "/scoped.jsonld": _jsonld({"dcat": "http://www.w3.org/ns/dcat#",
                                       "dct": {"@id": "http://purl.org/dc/terms/", "@context": secret.as_uri()}}),
            "/import.jsonld": _jsonld({"@import": f"{url}/context.jsonld"}),
        }
        for path in documents:
            source = services.source_create(by=site_admin, name=path, kind=SourceKind.DCAT_URL, url=f"{url}{path}")
            run = services.run_request(source=source, by=site_admin)
            run.refresh_from_db()
            assert run.status == RunStatus.FAILED, path
            assert "contexte" in run.shown_message and "distant" in run.shown_message, run.shown_message
    assert "/context.jsonld" not in hits


def test_uploaded_jsonld_with_a_file_context_is_refused(site_admin):
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.jsonld", _jsonld("file:///etc/passwd")))
    run = services.run_request(source=upload, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "file:///etc/passwd" in run.shown_message and "root:" not in run.shown_message


def test_inline_jsonld_context_still_reads(site_admin):
    body = _jsonld({"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"})
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.jsonld", body))
    assert [r.package["title"] for r in read_source(upload, Limits(timeout=5), lambda n: None)] == ["Vélos"]


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
    b'<rdf:Description rdf:about="https://x.example/d"><dct:title>&s;</dct:title></rdf:Description></rdf:RDF>',
    b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    b'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
])
def test_rdfxml_entities_and_dtds_are_refused(site_admin, body):
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.rdf", body))
    run = services.run_request(source=upload, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "DOCTYPE" in run.shown_message and "root:" not in run.shown_message


def test_parse_errors_do_not_repeat_the_document(site_admin):
    body = b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> a dcat:Dataset ; SECRET-TOKEN-42 garbage ."
    upload = services.source_create(by=site_admin, name="Fichier", kind=SourceKind.DCAT_UPLOAD,
                                    upload=SimpleUploadedFile("catalogue.ttl", body))
    run = services.run_request(source=upload, by=site_admin)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "illisible" in run.shown_message and "ligne" in run.shown_message
    assert "SECRET" not in run.shown_message


@pytest.mark.parametrize("context", ["file", "http"])
def test_rdflib_itself_cannot_read_under_the_guard(tmp_path, context):
    """Second line of defence: were a remote context to reach rdflib, the guard stops the read."""
    from ouvert.core.outbound_guard import OutboundForbidden, outbound_forbidden

    secret = tmp_path / "context.jsonld"
    secret.write_text('{"@context": {"dct": "http://purl.org/dc/terms/"}}')
    ref = secret.as_uri() if context == "file" else "http://127.0.0.1:9/context.jsonld"
    with outbound_forbidden(), pytest.raises(OutboundForbidden):
        Graph().parse(data={"@context": ref, "@id": "https://x.example/d", "dct:title": "t"}, format="json-ld")
