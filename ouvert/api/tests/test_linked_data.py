"""schema.org, Frictionless, content negotiation and the catalogue documents over HTTP."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest
from django.template import Context as TemplateContext
from django.template import Template
from django.test import RequestFactory
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from ouvert.api.dcat.datapackage import datapackage
from ouvert.api.dcat.schemaorg import dataset_jsonld
from ouvert.api.dcat.views import negotiate

from .test_dcat import BASE, COMPLETE


def test_schemaorg_dataset():
    data = dataset_jsonld(COMPLETE, base=BASE)
    assert data["@type"] == "Dataset" and data["name"] == "Comptages de vélos 2012"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["name"] == "Ville de Montréal" and data["temporalCoverage"] == "2012-01-01/2012-12-31"
    assert data["distribution"][0]["encodingFormat"] == "text/csv" and data["keywords"] == ["mobilité", "vélo"]
    # contactPoint belongs to the publishing Organization (schema.org has no Dataset.contactPoint).
    assert "contactPoint" not in data and data["publisher"]["contactPoint"]["email"] == "donnees@montreal.example"


def test_datapackage_descriptor():
    dictionary = [{"name": "date", "type": "date"},
                  {"name": "Berri1", "type": "integer", "description": "Passages", "unit": "vélos"}]
    dataset = replace(COMPLETE, resources=(*COMPLETE.resources, replace(COMPLETE.resources[0], id=uuid.uuid4(),
                                                                          data_dictionary=dictionary)))
    descriptor = datapackage(dataset, base=BASE)
    assert descriptor["name"] == "comptages-velos-2012" and descriptor["licenses"][0]["name"] == "cc-by-4.0"
    names = [r["name"] for r in descriptor["resources"]]
    # The HTML landing page is no data resource of the package.
    assert len(set(names)) == 2 and all(n == n.lower() for n in names)
    assert all(r.get("format") != "html" for r in descriptor["resources"])
    first = descriptor["resources"][0]
    assert first["hash"].startswith("sha256:") and first["bytes"] == 12345 and first["format"] == "csv"
    assert descriptor["resources"][1]["schema"]["fields"][1] == {
        "name": "Berri1", "type": "integer", "description": "Passages", "unit": "vélos"}


def test_negotiation():
    assert negotiate("text/turtle") == "ttl"
    assert negotiate("application/ld+json;q=0.9, application/rdf+xml") == "rdf"
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8") is None
    assert negotiate("application/json") == "json"
    assert negotiate("") is None


def test_template_tag_escapes_and_links():
    pkg = replace(COMPLETE, title="</script><script>alert(1)</script>")
    request = RequestFactory().get("/fr/jeux/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = Template("{% load ouvert_api %}{% dataset_linked_data pkg %}").render(
        TemplateContext({"request": request, "pkg": pkg}))
    assert "</script><script>" not in html
    assert html.count("<script") == 1 and 'href="/dataset/comptages-velos-2012.ttl"' in html
    payload = html.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert json.loads(payload)["name"] == pkg.title


@pytest.mark.django_db
@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_catalog_documents(client, fmt, parser):
    response = client.get(f"/catalog.{fmt}", HTTP_ORIGIN="https://ailleurs.example")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=response.content, format=parser)
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    assert client.get(f"/catalog.{fmt}?page=999").status_code == 404


@pytest.mark.django_db
def test_unknown_dataset_documents_are_404(client):
    for path in ("/dataset/absent.ttl", "/dataset/absent/datapackage.json", "/dataset/absent"):
        assert client.get(path).status_code == 404
