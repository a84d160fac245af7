"""What CKAN clients send as they are: CKAN's licence ids, ``q=*``, wildcard field queries, extras, names CKAN
refuses, and the actions ``ckanapi`` and frictionless call (issue 13)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

from .conftest import post

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.catalog"), reason="the catalogue is not installed")]


@pytest.fixture
def two(client, publisher):
    _org, token = publisher
    for data in ({"name": "bornes-recharge", "title": "Bornes de recharge", "license_id": "cc-by",
                  "resources": [{"url": "https://donnees.example/bornes.csv", "format": "CSV", "name": "Bornes"}]},
                 {"name": "arbres-publics", "title": "Arbres publics", "license_id": "odc-odbl",
                  "resources": [{"url": "https://donnees.example/arbres.geojson", "format": "GeoJSON"}]}):
        assert post(client, "package_create", {**data, "owner_org": "montreal"}, token=token).status_code == 200
    return token


@pytest.mark.parametrize("ckan_id, slug", [
    ("cc-by", "cc-by-4.0"), ("cc-by-sa", "cc-by-sa-4.0"), ("cc-zero", "cc0-1.0"), ("odc-odbl", "odbl-1.0"),
    ("odc-by", "odc-by-1.0"), ("odc-pddl", "odc-pddl-1.0"), ("other-open", "autre-ouverte"),
    ("other-pd", "autre-domaine-public"), ("other-at", "autre-attribution"), ("notspecified", "non-precisee"),
    ("other-closed", "autre-non-ouverte"), ("other-nc", "autre-non-commerciale"), ("cc-nc", "cc-by-nc-4.0"),
    ("gfdl", "gfdl-1.3"), ("uk-ogl", "ogl-uk-3.0"), ("CC-BY-4.0", "cc-by-4.0")])
def test_ckan_default_licence_ids_are_accepted_and_read_back(client, publisher, ckan_id, slug):
    _org, token = publisher
    response = post(client, "package_create", {"name": "jeu", "owner_org": "montreal", "license_id": ckan_id},
                    token=token)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["license_id"] == ckan_id
    # The catalogue knows the licence it names; the native API speaks the platform's slug.
    assert client.get("/api/v1/datasets/jeu").json()["licence"] == slug
    # And a search by either id finds it.
    for ident in (ckan_id, slug):
        found = client.get("/api/3/action/package_search", {"fq": f"license_id:{ident}"}).json()["result"]
        assert found["count"] == 1, ident


def test_licence_alias_is_forgotten_when_the_licence_changes(client, two):
    changed = post(client, "package_patch", {"id": "bornes-recharge", "license_id": "cc-by-sa-4.0"}, token=two)
    assert changed.json()["result"]["license_id"] == "cc-by-sa-4.0"
    unknown = post(client, "package_patch", {"id": "bornes-recharge", "license_id": "wtfpl"}, token=two)
    assert unknown.status_code == 409 and "wtfpl" in json.dumps(unknown.json()["error"], ensure_ascii=False)


def test_license_list_holds_every_ckan_default_licence(client):
    ids = {lic["id"] for lic in client.get("/api/3/action/license_list").json()["result"]}
    assert {"odc-by-1.0", "odc-pddl-1.0", "autre-ouverte", "non-precisee", "cc-by-4.0"} <= ids


@pytest.mark.parametrize("q", ["*", "**", "*:*", "%2A", "%2A%2A", "+*+", "*%3A*"])
def test_star_query_is_everything_not_a_500(client, two, q):
    response = client.get(f"/api/3/action/package_search?q={q}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["result"]["count"] == 2


@pytest.mark.parametrize("q, expected", [
    ("name:bornes*", ["bornes-recharge"]), ("title:Born*", ["bornes-recharge"]), ("title:born*", ["bornes-recharge"]),
    ("name:*publics", ["arbres-publics"]), ("name:*r*", ["arbres-publics", "bornes-recharge"]),
    ("title:Arbres", ["arbres-publics"]), ("name:b?rnes-recharge", ["bornes-recharge"]),
    ("res_format:CSV", ["bornes-recharge"]), ("res_format:geo*", ["arbres-publics"])])
def test_field_queries_with_wildcards(client, two, q, expected):
    result = client.get("/api/3/action/package_search", {"q": q, "sort": "name asc"}).json()["result"]
    assert [d["name"] for d in result["results"]] == expected, q


@pytest.mark.parametrize("name", ["Avec Majuscules", "é-accent", "x", "a" * 101, "new", "point.virgule"])
def test_invalid_names_are_refused_not_renamed(client, publisher, name):
    _org, token = publisher
    response = post(client, "package_create", {"name": name, "owner_org": "montreal"}, token=token)
    assert response.status_code == 409
    assert response.json()["error"]["__type"] == "Validation Error" and "name" in response.json()["error"]
    assert post(client, "package_search", {}).json()["result"]["count"] == 0


def test_extras_round_trip(client, two):
    extras = [{"key": "spatial", "value": '{"type": "Point", "coordinates": [-73.5, 45.5]}'},
              {"key": "source_systeme", "value": "SIG"}, {"key": "nombre", "value": 3}]
    response = post(client, "package_patch", {"id": "bornes-recharge", "extras": extras}, token=two)
    assert response.status_code == 200, response.json()
    shown = client.get("/api/3/action/package_show?id=bornes-recharge").json()["result"]
    assert shown["extras"] == [{"key": "spatial", "value": extras[0]["value"]},
                               {"key": "source_systeme", "value": "SIG"}, {"key": "nombre", "value": "3"}]
    # A patch without extras keeps them; an update without them clears them, as in CKAN.
    post(client, "package_patch", {"id": "bornes-recharge", "title": "Bornes"}, token=two)
    assert len(client.get("/api/3/action/package_show?id=bornes-recharge").json()["result"]["extras"]) == 3
    bad = post(client, "package_patch", {"id": "bornes-recharge", "extras": [{"key": "name", "value": "x"}]},
               token=two)
    assert bad.status_code == 409 and "extras" in bad.json()["error"]
    bad = post(client, "package_patch", {"id": "bornes-recharge", "extras": {"a": 1}}, token=two)
    assert bad.status_code == 409 and "extras" in bad.json()["error"]


def test_package_and_format_autocomplete(client, two):
    found = client.get("/api/3/action/package_autocomplete", {"q": "born"}).json()["result"]
    assert [d["name"] for d in found] == ["bornes-recharge"] and found[0]["match_field"] == "name"
    assert client.get("/api/3/action/package_autocomplete", {"q": "publics"}).json()["result"][0]["title"] \
        == "Arbres publics"
    assert client.get("/api/3/action/format_autocomplete", {"q": "geo"}).json()["result"] == ["geojson"]
    assert client.get("/api/3/action/format_autocomplete", {"q": "s"}).json()["result"] == ["csv", "geojson"]


def test_autocomplete_and_lists_hide_what_the_caller_may_not_see(client, two):
    post(client, "package_create", {"name": "bornes-secretes", "owner_org": "montreal", "private": True,
                                    "resources": [{"url": "https://x.example/s.xlsx", "format": "XLSX"}]},
         token=two)
    assert [d["name"] for d in client.get("/api/3/action/package_autocomplete?q=bornes").json()["result"]] \
        == ["bornes-recharge"]
    assert client.get("/api/3/action/format_autocomplete?q=xls").json()["result"] == []
    assert client.get("/api/3/action/resource_search?query=format:xlsx").json()["result"]["count"] == 0
    names = [d["name"] for d in client.get("/api/3/action/current_package_list_with_resources").json()["result"]]
    assert sorted(names) == ["arbres-publics", "bornes-recharge"]


def test_current_package_list_with_resources(client, two):
    post(client, "package_patch", {"id": "bornes-recharge", "notes": "modifié"}, token=two)
    result = client.get("/api/3/action/current_package_list_with_resources", {"limit": 1}).json()["result"]
    assert [d["name"] for d in result] == ["bornes-recharge"] and result[0]["resources"][0]["format"] == "CSV"
    second = client.get("/api/3/action/current_package_list_with_resources", {"limit": 1, "page": 2}).json()
    assert [d["name"] for d in second["result"]] == ["arbres-publics"]


def test_resource_search(client, two):
    result = client.get("/api/3/action/resource_search", {"query": "format:csv"}).json()["result"]
    assert result["count"] == 1 and result["results"][0]["name"] == "Bornes"
    both = post(client, "resource_search", {"query": ["url:donnees.example", "name:orn"]}).json()["result"]
    assert [r["name"] for r in both["results"]] == ["Bornes"]
    every = post(client, "resource_search", {"query": "url:donnees.example", "order_by": "format"}).json()
    assert [r["format"] for r in every["result"]["results"]] == ["CSV", "GEOJSON"]
    bad = client.get("/api/3/action/resource_search", {"query": "colour:red"})
    assert bad.status_code == 409 and "colour" in json.dumps(bad.json()["error"])
    assert client.get("/api/3/action/resource_search", {"query": "no-colon"}).status_code == 409


def test_groups_written_and_read_as_ckan_groups(client, two, site_admin, make_token):
    admin = make_token(site_admin)
    created = post(client, "group_create", {"name": "mobilite-durable", "title": "Mobilité durable",
                                            "packages": [{"name": "bornes-recharge"}]}, token=admin)
    assert created.status_code == 200, created.json()
    assert created.json()["result"]["name"] == "mobilite-durable" and created.json()["result"]["package_count"] == 1
    shown = client.get("/api/3/action/group_package_show", {"id": "mobilite-durable"}).json()["result"]
    assert [d["name"] for d in shown] == ["bornes-recharge"]
    # ckanapi load groups: the same call again conflicts (409), an update renames.
    assert post(client, "group_create", {"name": "mobilite-durable"}, token=admin).status_code == 409
    updated = post(client, "group_update", {"id": "mobilite-durable",
                                            "title_translated": {"fr": "Mobilité", "en": "Mobility"}}, token=admin)
    assert updated.json()["result"]["title_translated"] == {"fr": "Mobilité", "en": "Mobility"}
    # An editor may not change the list of themes.
    assert post(client, "group_create", {"name": "autre"}, token=two).status_code == 403
    assert post(client, "group_delete", {"id": "mobilite-durable"}, token=two).status_code == 403
    assert post(client, "group_delete", {"id": "mobilite-durable"}, token=admin).status_code == 200
    assert client.get("/api/3/action/group_show", {"id": "mobilite-durable"}).status_code == 404
    groups = client.get("/api/3/action/package_show?id=bornes-recharge").json()["result"]["groups"]
    assert "mobilite-durable" not in [g["name"] for g in groups]
    assert client.get("/api/3/action/group_package_show", {"id": "inconnu"}).status_code == 404


def test_user_list_shows_only_profiles_the_caller_may_see(client, publisher, make_user, make_member, make_token,
                                                          site_admin):
    org, editor_token = publisher
    boss = make_user("patronne@montreal.example", full_name="Patronne")
    make_member(boss, org, role="admin")
    make_user("inconnu@ailleurs.example", full_name="Inconnu")
    anonymous = client.get("/api/3/action/user_list")
    assert anonymous.status_code == 200 and anonymous.json()["result"] == []
    mine = client.get("/api/3/action/user_list", HTTP_AUTHORIZATION=editor_token).json()["result"]
    assert len(mine) == 1 and mine[0]["email"] == "editeur@montreal.example"
    managed = client.get("/api/3/action/user_list", HTTP_AUTHORIZATION=make_token(boss)).json()["result"]
    assert sorted(u["display_name"] for u in managed) == sorted(["Patronne", mine[0]["display_name"]])
    assert all("email" not in u for u in managed if u["display_name"] != "Patronne")
    everyone = client.get("/api/3/action/user_list", {"q": "Incon"},
                          HTTP_AUTHORIZATION=make_token(site_admin)).json()["result"]
    assert [u["display_name"] for u in everyone] == ["Inconnu"]


def test_unexpected_error_answers_in_ckans_envelope(client, monkeypatch):
    import dataclasses

    from ouvert.api.ckan.table import ACTIONS

    def broken(context, data):
        raise RuntimeError("boom")

    monkeypatch.setitem(ACTIONS, "license_list", dataclasses.replace(ACTIONS["license_list"], handler=broken))
    response = client.get("/api/3/action/license_list")
    assert response.status_code == 500 and response.json()["success"] is False
    assert response.json()["error"]["__type"] == "Internal Server Error" and "boom" not in response.content.decode()


def test_resource_create_without_url_then_upload_keeps_its_place(client, two):
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = post(client, "resource_create", {"package_id": "bornes-recharge", "name": "À venir"}, token=two)
    assert empty.status_code == 200, empty.json()
    assert empty.json()["result"]["url"] == "" and empty.json()["result"]["position"] == 1
    post(client, "resource_create", {"package_id": "bornes-recharge", "url": "https://x.example/c.csv"}, token=two)
    first = client.get("/api/3/action/package_show?id=bornes-recharge").json()["result"]["resources"][0]
    # A multipart resource_patch replacing the file of the first resource leaves it first.
    response = client.post("/api/3/action/resource_patch", {
        "id": first["id"], "upload": SimpleUploadedFile("bornes.csv", b"id,nom\n1,Berri\n", "text/csv")},
        HTTP_AUTHORIZATION=two)
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["position"] == 0 and response.json()["result"]["url_type"] == "upload"
    resources = client.get("/api/3/action/package_show?id=bornes-recharge").json()["result"]["resources"]
    assert [r["id"] for r in resources][0] == first["id"] and [r["position"] for r in resources] == [0, 1, 2]
    assert resources[1]["name"] == "À venir"
