"""DCAT-AP 3.0 output, validated with pyshacl against the SEMICeu shapes."""

from __future__ import annotations

import json

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from conftest import shared_path
from ouvert.api.dcat.graph import catalog_graph, dataset_graph, serialize

BASE = "https://donnees.exemple.quebec"
SHAPES = ("dcat-ap-SHACL.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")

COMPLETE = {
    "id": "5b0a7a4c-2f43-4a9f-8e0c-3c8a4c2a9f10", "name": "comptages-velos-2012", "type": "dataset",
    "title": "Comptages de vélos 2012", "title_translated": {"fr": "Comptages de vélos 2012",
                                                             "en": "Bicycle counts 2012"},
    "notes": "Passages quotidiens aux compteurs de Montréal.", "state": "active", "private": False,
    "license_id": "cc-by-4.0", "license_title": "Creative Commons Attribution 4.0",
    "license_url": "https://creativecommons.org/licenses/by/4.0/",
    "metadata_created": "2024-03-01T12:00:00.000000", "metadata_modified": "2024-04-02T08:30:00.123456",
    "url": "https://ville.montreal.qc.ca/velo", "version": "2.1", "frequency": "daily",
    "language": ["fr", "en"], "temporal_start": "2012-01-01", "temporal_end": "2012-12-31",
    "contact_name": "Service des données", "contact_email": "donnees@montreal.example",
    "tags": [{"name": "vélo"}, {"name": "mobilité"}],
    "groups": [{"name": "transport", "title": "Transport"}],
    "organization": {"id": "a1", "name": "montreal", "title": "Ville de Montréal",
                     "title_translated": {"fr": "Ville de Montréal", "en": "City of Montréal"},
                     "website": "https://montreal.ca"},
    "resources": [
        {"id": "r1", "name": "bikes.csv", "format": "CSV", "url": "https://donnees.exemple.quebec/f/bikes.csv",
         "url_type": "upload", "size": 12345, "mimetype": "text/csv",
         "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "created": "2024-03-01T12:00:00", "last_modified": "2024-04-02T08:30:00", "description": "Fichier"},
        {"id": "r2", "name": "Portail", "format": "HTML", "url": "https://montreal.ca/velo avec espace"},
    ],
}


def shacl(graph: Graph) -> tuple[bool, str]:
    shapes = Graph()
    for name in SHAPES:
        shapes.parse(shared_path("realdata", "dcat", "semiceu-dcat-ap", "3.0.0", name))
    conforms, _report, text = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return conforms, text


def test_complete_dataset_has_no_violation():
    graph = dataset_graph(BASE, COMPLETE)
    conforms, report = shacl(graph)
    assert conforms, report
    assert len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 2


def test_real_ckan_packages_make_a_valid_paged_catalogue():
    folder = shared_path("realdata", "ckan-api", "amsterdam-dcatd-demo.ckan.org")
    packages = json.loads((folder / "packages.json").read_text())["result"]["results"]
    graph = catalog_graph(BASE, packages, title="Ouvert", description="Catalogue", publisher={
        "name": "ouvert", "title": "Ouvert"}, page=1, per_page=2, total=3, page_url=f"{BASE}/catalog.ttl")
    conforms, report = shacl(graph)
    assert conforms, report
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 3


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_each_serialization_parses_back(fmt):
    body, content_type = serialize(dataset_graph(BASE, COMPLETE), fmt)
    parsed = Graph().parse(data=body, format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt])
    assert len(parsed) > 30 and content_type.endswith("charset=utf-8")
