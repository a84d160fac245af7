"""Dataset, resource, theme, tag, licence and activity actions through HTTP."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import post

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.catalog"), reason="the catalogue is not installed")]




@pytest.fixture
def catalogue(client, publisher):
    _org, token = publisher
    datasets = [
        {"name": "comptages-velos", "title": "Comptages de vélos", "notes": "Passages aux compteurs de vélos.",
         "tags": [{"name": "vélo"}, {"name": "mobilité"}], "groups": [{"name": "transport"}],
         "license_id": "cc-by-4.0", "update_frequency": "daily",
         "resources": [{"url": "https://donnees.example/velos.csv", "name": "Comptages", "format": "CSV"}]},
        {"name": "ecoles-primaires", "title": "École primaires du Québec", "notes": "Liste des écoles.",
         "tags": [{"name": "éducation"}], "groups": [{"name": "education-recherche"}],
         "resources": [{"url": "https://donnees.example/ecoles.json", "format": "JSON"}]},
        {"name": "budget-2024", "title": "Budget 2024", "notes": "Dépenses de la ville.", "private": True,
         "tags": [{"name": "finances"}]},
        {"name": "brouillon", "title": "Brouillon de pistes cyclables", "state": "draft",
         "tags": [{"name": "vélo"}]},
    ]
    for data in datasets:
        response = post(client, "package_create", {**data, "owner_org": "montreal"}, token=token)
        assert response.status_code == 200, response.json()
    return token


def test_package_create_show_and_shape(client, catalogue):
    shown = client.get("/api/3/action/package_show?id=comptages-velos").json()["result"]
    for key in ("id", "name", "title", "notes", "owner_org", "organization", "tags", "groups", "resources",
                "extras", "license_id", "license_title", "metadata_created", "metadata_modified", "num_resources",
                "num_tags", "state", "private", "type", "url", "version", "author", "maintainer", "isopen"):
        assert key in shown, key
    assert shown["state"] == "active" and shown["type"] == "dataset" and shown["num_resources"] == 1
    assert shown["organization"]["name"] == "montreal" and shown["groups"][0]["name"] == "transport"
    assert sorted(t["name"] for t in shown["tags"]) == ["mobilité", "vélo"]
    assert shown["update_frequency"] == "daily" and shown["license_id"] == "cc-by-4.0"
    resource = shown["resources"][0]
    assert resource["package_id"] == shown["id"] and resource["format"] == "CSV"
    assert client.get(f"/api/3/action/resource_show?id={resource['id']}").json()["result"]["name"] == "Comptages"
    assert client.get(f"/api/3/action/package_show?id={shown['id']}").json()["result"]["name"] == "comptages-velos"


def test_private_and_drafts_are_hidden(client, catalogue, make_token, make_user):
    assert client.get("/api/3/action/package_show?id=budget-2024").status_code == 404
    assert client.get("/api/3/action/package_show?id=brouillon").status_code == 404
    assert sorted(client.get("/api/3/action/package_list").json()["result"]) == ["comptages-velos",
                                                                                  "ecoles-primaires"]
    member = client.get("/api/3/action/package_show?id=budget-2024", HTTP_AUTHORIZATION=catalogue)
    assert member.status_code == 200 and member.json()["result"]["private"] is True
    stranger = make_token(make_user())
    assert client.get("/api/3/action/package_show?id=budget-2024", HTTP_AUTHORIZATION=stranger).status_code == 404
    everything = post(client, "package_search", {"include_private": True, "include_drafts": True}, token=catalogue)
    assert everything.json()["result"]["count"] == 4
    assert post(client, "package_search", {"include_private": True}, token=stranger).json()["result"]["count"] == 2


@pytest.mark.parametrize("params,expected", [
    ({"q": "velos"}, ["comptages-velos"]),
    ({"q": "ecoles"}, ["ecoles-primaires"]),
    ({"q": "tags:vélo"}, ["comptages-velos"]),
    ({"q": "tags:vélo OR tags:éducation"}, ["comptages-velos", "ecoles-primaires"]),
    ({"q": "NOT tags:vélo"}, ["ecoles-primaires"]),
    ({"q": "velos AND organization:montreal"}, ["comptages-velos"]),
    ({"q": '"comptages de vélos"'}, ["comptages-velos"]),
    ({"fq": "res_format:JSON"}, ["ecoles-primaires"]),
    ({"fq_list": ["organization:montreal", "groups:transport"]}, ["comptages-velos"]),
    ({"q": "*:*", "fq": "metadata_modified:[2000-01-01T00:00:00Z TO *]"}, ["comptages-velos", "ecoles-primaires"]),
    ({"q": "-tags:vélo"}, ["ecoles-primaires"]),
    ({"q": "(tags:vélo OR tags:éducation) AND license_id:cc-by-4.0"}, ["comptages-velos", "ecoles-primaires"]),
])
def test_package_search_queries(client, catalogue, params, expected):
    result = post(client, "package_search", params).json()["result"]
    assert sorted(r["name"] for r in result["results"]) == expected
    assert result["count"] == len(expected)


def test_package_search_paging_sorting_facets_and_errors(client, catalogue):
    first = client.get("/api/3/action/package_search?rows=1&sort=name asc").json()["result"]
    second = client.get("/api/3/action/package_search?rows=1&start=1&sort=name asc").json()["result"]
    assert first["count"] == 2 and [first["results"][0]["name"], second["results"][0]["name"]] == [
        "comptages-velos", "ecoles-primaires"]
    faceted = post(client, "package_search", {"facet.field": ["organization", "tags", "res_format", "groups"],
                                              "facet.limit": 10}).json()["result"]
    assert faceted["facets"]["organization"] == {"montreal": 2}
    assert faceted["facets"]["res_format"] == {"CSV": 1, "JSON": 1}
    items = faceted["search_facets"]["organization"]["items"]
    assert items == [{"name": "montreal", "display_name": "Ville de Montréal", "count": 2}]
    assert client.get("/api/3/action/package_search?rows=1001").status_code == 409
    bad = client.get("/api/3/action/package_search?q=nofield:x")
    assert bad.status_code == 400 and bad.json()["error"]["__type"] == "Search Query Error"
    assert client.get("/api/3/action/package_search?q=(tags:x").status_code == 400
    assert client.get("/api/3/action/package_search?sort=email asc").status_code == 409


def test_package_search_text_never_nested_as_a_correlated_subquery(client, catalogue):
    """Facets and ``fq`` text filters over a text query take the ids from the full-text index: a ranked
    queryset (its raw join names ``catalog_dataset``) nested in a subquery ran once per dataset
    (minutes on 100,000 datasets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = post(client, "package_search", {"q": "velos", "fq": "comptages", "rows": 5,
                                                 "facet.field": ["organization", "tags", "res_format"]}
                      ).json()["result"]
    assert result["count"] == 1 and result["facets"]["tags"] == {"vélo": 1, "mobilité": 1}
    for query in queries.captured_queries:  # a subquery aliases the dataset table U0
        assert not ('U0."id"' in query["sql"] and "dataset_id = catalog_dataset.id" in query["sql"]), query["sql"]


FACET_FIELDS = ["organization", "groups", "tags", "res_format", "license_id", "update_frequency",
                "organization_kind", "is_reference", "language"]


def _recount(packages: list[dict], field: str) -> dict[str, int]:
    """CKAN's count of ``field`` recounted from the packages themselves (each dataset once per value)."""
    values = {
        "organization": lambda p: {p["organization"]["name"]}, "groups": lambda p: {g["name"] for g in p["groups"]},
        "tags": lambda p: {t["name"] for t in p["tags"]}, "res_format": lambda p: {r["format"] for r in p["resources"]},
        "license_id": lambda p: {p["license_id"]} if p["license_id"] else set(),
        "update_frequency": lambda p: {p["update_frequency"]} if p.get("update_frequency") else set(),
    }[field]
    counts: dict[str, int] = {}
    for package in packages:
        for value in values(package):
            counts[value] = counts.get(value, 0) + 1
    return counts


@pytest.mark.parametrize("params", [{}, {"q": "velos"}, {"fq": "organization:montreal"}, {"fq": "tags:vélo"},
                                    {"q": "ecoles OR velos"}, {"fq": "groups:transport", "include_private": True}])
def test_package_search_counts_every_facet_field_in_one_statement(client, catalogue, params):
    """All the ``facet.field``s in one statement, each counted with every filter applied (its own
    included, as CKAN does), equal to a recount from the packages found."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = post(client, "package_search", {**params, "rows": 1000, "facet.field": FACET_FIELDS}
                      ).json()["result"]
    assert sum("UNION ALL" in q["sql"] for q in queries.captured_queries) == 1
    assert not any("GROUP BY" in q["sql"] and "UNION ALL" not in q["sql"] for q in queries.captured_queries)
    packages = result["results"]
    assert result["count"] == len(packages)
    for field in ("organization", "groups", "tags", "res_format", "license_id", "update_frequency"):
        assert result["facets"][field] == _recount(packages, field), field
    for field in ("organization_kind", "is_reference", "language"):  # one value per dataset
        assert sum(result["facets"][field].values()) == len(packages), field
    if packages:
        assert result["facets"]["is_reference"] == {"False": len(packages)}
        assert result["facets"]["organization_kind"] == {"municipality": len(packages)}


def test_package_search_facet_limit_and_mincount(client, catalogue, publisher):
    _org, token = publisher
    post(client, "package_create", {"name": "velos-2", "title": "Vélos en libre-service", "owner_org": "montreal",
                                    "tags": [{"name": "vélo"}]}, token=token)
    facets = post(client, "package_search", {"facet.field": ["tags"], "facet.limit": 2}).json()["result"]
    items = facets["search_facets"]["tags"]["items"]
    assert [i["count"] for i in items] == [2, 1] and items[0]["name"] == "vélo"  # by count (then name)
    facets = post(client, "package_search", {"facet.field": ["tags"], "facet.mincount": 2}).json()["result"]
    assert facets["facets"]["tags"] == {"vélo": 2}
    facets = post(client, "package_search", {"facet.field": ["tags"], "facet.limit": -1}).json()["result"]
    assert facets["facets"]["tags"] == {"vélo": 2, "mobilité": 1, "éducation": 1}
    unknown = post(client, "package_search", {"facet.field": ["tags", "email"]})
    assert unknown.status_code == 409


def test_package_updates_patch_delete_and_permissions(client, catalogue, make_token, make_user):
    stranger = make_token(make_user())
    assert post(client, "package_patch", {"id": "comptages-velos", "title": "x"}, token=stranger).status_code == 403
    patched = post(client, "package_patch", {"id": "comptages-velos", "title": "Vélos comptés"},
                   token=catalogue).json()["result"]
    assert patched["title"] == "Vélos comptés" and patched["notes"] == "Passages aux compteurs de vélos."
    shown = client.get("/api/3/action/package_show?id=comptages-velos").json()["result"]
    shown["notes"] = "Nouvelle description"
    shown["tags"] = [{"name": "cyclisme"}]
    updated = post(client, "package_update", shown, token=catalogue).json()["result"]
    assert updated["notes"] == "Nouvelle description" and [t["name"] for t in updated["tags"]] == ["cyclisme"]
    assert updated["resources"][0]["id"] == shown["resources"][0]["id"]
    cleared = post(client, "package_update", {"id": "comptages-velos", "name": "comptages-velos",
                                              "title": "Vélos"}, token=catalogue).json()["result"]
    assert cleared["notes"] == "" and cleared["tags"] == [] and cleared["num_resources"] == 1
    invalid = post(client, "package_patch", {"id": "comptages-velos", "license_id": "nope"}, token=catalogue)
    assert invalid.status_code == 409 and "license_id" in invalid.json()["error"]
    assert post(client, "package_delete", {"id": "comptages-velos"}, token=catalogue).json()["result"] is None
    assert client.get("/api/3/action/package_show?id=comptages-velos").status_code == 404
    activity = client.get("/api/3/action/package_activity_list?id=ecoles-primaires").json()["result"]
    assert activity[-1]["activity_type"] == "new package" and activity[0]["object_id"]
    recent = client.get("/api/3/action/recently_changed_packages_activity_list?limit=5").json()["result"]
    assert recent and all(a["data"]["package"]["name"] != "budget-2024" for a in recent)


def test_resources_with_upload(client, catalogue):
    dataset = client.get("/api/3/action/package_show?id=ecoles-primaires").json()["result"]
    upload = SimpleUploadedFile("ecoles.csv", "nom;ville\nÉcole A;Québec\n".encode(), content_type="text/csv")
    created = client.post("/api/3/action/resource_create", {"package_id": dataset["id"], "name": "Écoles CSV",
                                                             "upload": upload}, HTTP_AUTHORIZATION=catalogue)
    assert created.status_code == 200, created.json()
    resource = created.json()["result"]
    assert resource["url_type"] == "upload" and resource["format"] == "CSV" and len(resource["hash"]) == 64
    downloaded = client.get(resource["url"])
    assert downloaded.status_code in {200, 302}
    patched = post(client, "resource_patch", {"id": resource["id"], "description": "Toutes les écoles"},
                   token=catalogue).json()["result"]
    assert patched["description"] == "Toutes les écoles" and patched["name"] == "Écoles CSV"
    replacement = SimpleUploadedFile("ecoles2.csv", b"nom;ville\nB;Laval\n", content_type="text/csv")
    replaced = client.post("/api/3/action/resource_update", {"id": resource["id"], "upload": replacement},
                           HTTP_AUTHORIZATION=catalogue).json()["result"]
    assert replaced["id"] == resource["id"] and replaced["hash"] != resource["hash"]
    assert post(client, "resource_delete", {"id": resource["id"]}, token=catalogue).status_code == 200
    assert client.get(f"/api/3/action/resource_show?id={resource['id']}").status_code == 404


def test_groups_tags_licences(client, catalogue):
    assert "transport" in client.get("/api/3/action/group_list").json()["result"]
    groups = post(client, "group_list", {"all_fields": True, "sort": "package_count desc"}).json()["result"]
    assert groups[0]["package_count"] == 1 and groups[0]["is_organization"] is False
    group = client.get("/api/3/action/group_show?id=transport&include_datasets=true").json()["result"]
    assert [p["name"] for p in group["packages"]] == ["comptages-velos"]
    assert client.get("/api/3/action/tag_list").json()["result"] == ["mobilité", "vélo", "éducation"]
    assert client.get("/api/3/action/tag_show?id=vélo&include_datasets=true").json()["result"]["packages"][0][
        "name"] == "comptages-velos"
    licences = client.get("/api/3/action/license_list").json()["result"]
    assert {"cc-by-4.0"} <= {lic["id"] for lic in licences} and all("is_okd_compliant" in lic for lic in licences)
    orgs = post(client, "organization_list", {"all_fields": True}).json()["result"]
    assert orgs[0]["package_count"] == 2


def test_dcat_and_datapackage_of_a_real_dataset(client, catalogue):
    ttl = client.get("/dataset/comptages-velos.ttl")
    assert ttl.status_code == 200 and b"dcat:Dataset" in ttl.content
    assert client.get("/dataset/budget-2024.ttl").status_code == 404
    catalog = client.get("/catalog.ttl").content.decode()
    assert "comptages-velos" in catalog and "budget-2024" not in catalog
    descriptor = client.get("/dataset/comptages-velos/datapackage.json").json()
    assert descriptor["resources"][0]["format"] == "csv"
    assert client.get("/dataset/comptages-velos", HTTP_ACCEPT="text/turtle")["Content-Type"].startswith("text/turtle")
    browser = client.get("/dataset/comptages-velos", HTTP_ACCEPT="text/html")
    assert browser.status_code == 303 and "comptages-velos" in browser["Location"]


def test_schemaorg_tag_on_a_catalogue_object(catalogue, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context as TemplateContext
    from django.template import Template

    from ouvert.catalog.models import Dataset

    request = rf.get("/fr/donnees/jeux/comptages-velos/")
    request.user = AnonymousUser()
    html = Template("{% load ouvert_api %}{% dataset_linked_data dataset %}").render(
        TemplateContext({"request": request, "dataset": Dataset.objects.get(name="comptages-velos")}))
    payload = json.loads(html.split(">", 1)[1].split("</script>", 1)[0])
    assert payload["@type"] == "Dataset" and payload["name"] == "Comptages de vélos"
    assert payload["distribution"][0]["contentUrl"] == "https://donnees.example/velos.csv"
    private = Template("{% load ouvert_api %}{% dataset_linked_data dataset %}").render(
        TemplateContext({"request": request, "dataset": Dataset.objects.get(name="budget-2024")}))
    assert private == ""
