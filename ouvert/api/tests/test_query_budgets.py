"""Query budgets of the list endpoints: the number of queries does not grow with the rows returned
(datastore tables, harvest marks, map layers, keywords, themes and resources are fetched once per
page, not once per dataset or resource) and stays under an explicit small budget."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import post

pytestmark = [pytest.mark.django_db, pytest.mark.slow,  # each publishes up to 22 datasets through the CKAN API
              pytest.mark.skipif(not apps.is_installed("ouvert.catalog"), reason="the catalogue is not installed")]

# Explicit budgets (queries per request, whatever the number of rows).
BUDGETS = {"package_search": 10, "api_v1_datasets": 4, "organization_show": 11, "catalogue_page": 8,
           "dcat_catalogue": 10, "api_v1_resources": 4}




@pytest.fixture
def add_datasets(client, publisher):
    """``add(n)`` publishes ``n`` more datasets, each with keywords, a theme, two resources (one with
    a datastore table) and a harvest mark."""
    org, token = publisher
    made: list[str] = []

    def add(n: int) -> list[str]:
        from ouvert.harvest.models import HarvestedObject, HarvestSource, SourceKind

        source = HarvestSource.objects.filter(name="portail").first() or HarvestSource.objects.create(
            name="portail", url="https://portail.example", kind=SourceKind.CKAN, default_organization=org)
        for _ in range(n):
            i = len(made)
            created = post(client, "package_create", {
                "name": f"jeu-{i}", "title": f"Jeu {i}", "notes": "Des données.", "owner_org": "montreal",
                "tags": [{"name": f"mot-{i}"}, {"name": "commun"}], "groups": [{"name": "transport"}],
                "resources": [{"url": f"https://donnees.example/{i}.csv", "name": "Données", "format": "CSV"},
                              {"url": f"https://donnees.example/{i}.html", "name": "Page", "format": "HTML"}]},
                token=token)
            assert created.status_code == 200, created.json()
            pkg = created.json()["result"]
            table = post(client, "datastore_create", {
                "resource_id": pkg["resources"][0]["id"], "fields": [{"id": "n", "type": "int"}],
                "records": [{"n": i}]}, token=token)
            assert table.status_code == 200, table.json()
            HarvestedObject.objects.create(source=source, remote_id=f"distant-{i}", local_id=pkg["id"],
                                           content_hash="x")
            made.append(pkg["name"])
        return made

    return add


def count(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return len(queries.captured_queries), result


def test_package_search_same_queries_for_1_and_20_rows(client, add_datasets):
    add_datasets(20)
    one, small = count(lambda: client.get("/api/3/action/package_search?rows=1"))
    twenty, large = count(lambda: client.get("/api/3/action/package_search?rows=20"))
    results = large.json()["result"]["results"]
    assert len(small.json()["result"]["results"]) == 1 and len(results) == 20
    # the relations are really there, fetched in bulk
    assert all(p["resources"][0]["datastore_active"] and not p["resources"][1]["datastore_active"] for p in results)
    assert all(p["harvest_source"]["name"] == "portail" and p["num_tags"] == 2 for p in results)
    assert one == twenty <= BUDGETS["package_search"], (one, twenty)


def test_native_api_dataset_list(client, add_datasets):
    add_datasets(12)
    one, small = count(lambda: client.get("/api/v1/datasets?limit=1"))
    many, large = count(lambda: client.get("/api/v1/datasets?limit=12"))
    assert len(small.json()["results"]) == 1 and len(large.json()["results"]) == 12
    assert one == many <= BUDGETS["api_v1_datasets"], (one, many)


def test_native_api_resource_list_and_dataset_detail(client, add_datasets):
    add_datasets(6)
    one, small = count(lambda: client.get("/api/v1/resources?limit=1"))
    many, large = count(lambda: client.get("/api/v1/resources?limit=12"))
    assert len(small.json()["results"]) == 1 and len(large.json()["results"]) == 12
    assert {r["dataset"] for r in large.json()["results"]} == {f"jeu-{i}" for i in range(6)}
    assert one == many <= BUDGETS["api_v1_resources"], (one, many)
    detail = client.get("/api/v1/datasets/jeu-3").json()
    assert detail["keywords"] == ["commun", "mot-3"] and detail["themes"] == ["transport"]
    assert [r["format"] for r in detail["resources"]] == ["CSV", "HTML"]
    first = detail["resources"][0]
    assert first["download_url"].startswith("http://testserver/") and "/jeu-3/" in first["download_url"]
    assert first["id"] in first["download_url"] and first["kind"] == "link"


def test_organization_show_with_datasets(client, add_datasets):
    add_datasets(2)
    few, small = count(lambda: client.get("/api/3/action/organization_show?id=montreal&include_datasets=true"))
    add_datasets(10)
    many, large = count(lambda: client.get("/api/3/action/organization_show?id=montreal&include_datasets=true"))
    assert len(small.json()["result"]["packages"]) == 2 and len(large.json()["result"]["packages"]) == 12
    assert all(p["resources"][0]["datastore_active"] for p in large.json()["result"]["packages"])
    assert few == many <= BUDGETS["organization_show"], (few, many)


def test_catalogue_page(client, add_datasets):
    from django.urls import reverse

    url = reverse("catalog:search")
    add_datasets(2)
    few, small = count(lambda: client.get(url))
    add_datasets(10)
    many, large = count(lambda: client.get(url))
    assert small.status_code == large.status_code == 200
    assert "jeu-11" in large.content.decode() and "jeu-11" not in small.content.decode()
    assert few == many <= BUDGETS["catalogue_page"], (few, many)


def test_dcat_catalogue(client, add_datasets):
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF

    add_datasets(2)
    few, small = count(lambda: client.get("/catalog.ttl"))
    add_datasets(10)
    many, large = count(lambda: client.get("/catalog.ttl"))
    graph = Graph().parse(data=large.content, format="turtle")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 12
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 24
    assert small.status_code == 200
    assert few == many <= BUDGETS["dcat_catalogue"], (few, many)
