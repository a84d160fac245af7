"""DCAT-AP 3.0 output, validated with pyshacl against the SEMICeu shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from conftest import shared_path
from ouvert.api.dcat.graph import dataset_graph, serialize
from ouvert.catalog.read_model import DatasetView, LicenceView, QualityView, ResourceView, ThemeView
from ouvert.core.read_model import OrganizationView

BASE = "https://donnees.exemple.quebec"
SHAPES = ("dcat-ap-SHACL.ttl", "range.ttl", "mdr-vocabularies.shape.ttl")

UTC = dt.UTC
MONTREAL = OrganizationView(
    id=uuid.UUID("0c6f1d9e-2b7a-4e8e-9d55-1f0f3c4b5a61"), slug="montreal", kind="municipality",
    name_fr="Ville de Montréal", name_en="City of Montréal", description_fr="", description_en="", acronym="",
    website="https://montreal.ca", logo_url="", created_at=dt.datetime(2020, 1, 1, tzinfo=UTC),
    updated_at=dt.datetime(2020, 1, 1, tzinfo=UTC))
DATASET_ID = uuid.UUID("5b0a7a4c-2f43-4a9f-8e0c-3c8a4c2a9f10")


def resource(**fields) -> ResourceView:
    values = {"id": uuid.uuid4(), "dataset_id": DATASET_ID, "position": 0, "name": "", "description": "",
              "format": "", "url": "", "file_name": "", "size": None, "sha256": "", "encoding": "",
              "is_documentation": False, "data_dictionary": [],
              "created_at": dt.datetime(2024, 3, 1, 12, tzinfo=UTC),
              "last_modified": dt.datetime(2024, 4, 2, 8, 30, tzinfo=UTC), "download_count": 0,
              "datastore_active": False, "has_map_layer": False}
    return ResourceView(**{**values, **fields})


# A dataset with every field the outward formats use.
COMPLETE = DatasetView(
    id=DATASET_ID, name="comptages-velos-2012", title="Comptages de vélos 2012",
    notes="Passages quotidiens aux compteurs de Montréal.", state="active", private=False, organization=MONTREAL,
    licence=LicenceView(slug="cc-by-4.0", title_fr="Creative Commons Attribution 4.0",
                        title_en="Creative Commons Attribution 4.0",
                        url="https://creativecommons.org/licenses/by/4.0/", is_open=True),
    licence_alias="", extras=(),
    keywords=("mobilité", "vélo"), themes=(ThemeView(slug="transport", title_fr="Transport", title_en="Transport"),),
    resources=(
        resource(position=0, name="bikes.csv", format="CSV", url="https://donnees.exemple.quebec/f/bikes.csv",
                 size=12345, sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                 description="Fichier"),
        resource(position=1, name="Portail", format="HTML", url="https://montreal.ca/velo avec espace"),
    ),
    contact_name="Service des données", contact_email="donnees@montreal.example", update_frequency="daily",
    spatial="", temporal_start=dt.date(2012, 1, 1), temporal_end=dt.date(2012, 12, 31),
    source_url="https://ville.montreal.qc.ca/velo", language="fr,en", version_notes="", is_reference=False,
    quality=QualityView(score=None, openness_stars=0, conforms=False, checked_at=None, stars_reason={}),
    created_at=dt.datetime(2024, 3, 1, 12, tzinfo=UTC), updated_at=dt.datetime(2024, 4, 2, 8, 30, 0, 123456, tzinfo=UTC),
    first_published_at=None, data_modified_at=None, harvest=None)


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


def test_geographic_dataset_has_a_spatial_location_with_its_box():
    from rdflib import DCTERMS, SKOS

    graph = dataset_graph(BASE, replace(COMPLETE, spatial="Montréal"), (-73.98, 45.41, -73.47, 45.70))
    conforms, report = shacl(graph)
    assert conforms, report
    (location,) = graph.objects(None, DCTERMS.spatial)
    assert (location, RDF.type, DCTERMS.Location) in graph
    assert str(graph.value(location, SKOS.prefLabel)) == "Montréal"
    box = graph.value(location, DCAT.bbox)
    assert str(box) == "POLYGON((-73.98 45.41, -73.47 45.41, -73.47 45.7, -73.98 45.7, -73.98 45.41))"
    assert str(box.datatype) == "http://www.opengis.net/ont/geosparql#wktLiteral"
    # Without coverage nor layers, no dct:spatial at all.
    assert not list(dataset_graph(BASE, replace(COMPLETE, spatial="")).objects(None, DCTERMS.spatial))


@pytest.mark.django_db
def test_real_ckan_packages_harvested_make_a_valid_paged_catalogue(client, site_admin, make_org, settings,
                                                                    allow_loopback):
    """Real CKAN packages, harvested here, then published in our DCAT catalogue."""
    from ouvert.harvest import services
    from ouvert.harvest.models import SourceKind
    from ouvert.harvest.tests.fake_source import serve
    from ouvert.harvest.tests.test_harvest import recorded_ckan

    settings.HARVEST_TIMEOUT = 5
    with serve(recorded_ckan) as url:
        source = services.source_create(by=site_admin, name="Amsterdam", kind=SourceKind.CKAN, url=url,
                                        default_organization=make_org("accueil"))
        services.run_request(source=source, by=site_admin)
    response = client.get("/catalog.ttl?page=1")
    graph = Graph().parse(data=response.content, format="turtle")
    conforms, report = shacl(graph)
    assert conforms, report
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 3


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_each_serialization_parses_back(fmt):
    body, content_type = serialize(dataset_graph(BASE, COMPLETE), fmt)
    parsed = Graph().parse(data=body, format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt])
    assert len(parsed) > 30 and content_type.endswith("charset=utf-8")
