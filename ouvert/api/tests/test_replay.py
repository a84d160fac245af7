"""Shapes compared with recorded exchanges of real CKAN portals (../shared/realdata/ckan-api)."""

from __future__ import annotations

import base64
import gzip
import json
import re

import pytest
import yaml

from conftest import shared_path

pytestmark = pytest.mark.django_db
CASSETTES = ("realdata", "ckan-api", "frictionless-vcr-cassettes")
IGNORED_CKAN_KEYS = {"revision_id"}  # CKAN < 2.9 only


def recorded_exchanges():
    """(request uri, status, decoded JSON body) of every recorded Action API exchange."""
    folder = shared_path(*CASSETTES)
    for path in sorted(folder.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            uri, response = interaction["request"]["uri"], interaction["response"]
            if "/action/" not in uri:
                continue
            body = response["body"]["string"]
            raw = body if isinstance(body, bytes) else body.encode()
            encoding = response["headers"].get("Content-Encoding") or response["headers"].get("content-encoding")
            if encoding and "gzip" in encoding[0]:
                raw = gzip.decompress(raw)
            try:
                yield uri, response["status"]["code"], json.loads(raw)
            except ValueError:
                continue


def _binary_loader():
    yaml.SafeLoader.add_constructor("tag:yaml.org,2002:binary",
                                    lambda loader, node: base64.b64decode(loader.construct_scalar(node)))


_binary_loader()


@pytest.mark.slow  # every recorded exchange of real portals
def test_error_envelopes_match_real_ckan(client, make_user, make_org, make_token):
    recorded = {status: body for _uri, status, body in recorded_exchanges() if status in {403, 404}}
    assert {403, 404} <= set(recorded), "the cassettes hold a 403 and a 404"
    make_org("sct")
    ours = {
        403: client.post("/api/3/action/organization_update", json.dumps({"id": "sct", "title": "x"}),
                         content_type="application/json", HTTP_AUTHORIZATION=make_token(make_user())),
        404: client.get("/api/3/action/organization_show?id=absent"),
    }
    for status, real in recorded.items():
        response = ours[status]
        assert response.status_code == status
        mine = response.json()
        assert set(mine) == set(real) == {"help", "success", "error"}
        assert mine["success"] is real["success"] is False
        assert mine["error"]["__type"] == real["error"]["__type"]
        prefix = real["error"]["message"].split(":", 1)[0]
        if prefix in {"Access denied", "Not found"}:  # some portals translate it (Portuguese here)
            assert mine["error"]["message"].startswith(prefix + ": ")


@pytest.mark.slow  # every recorded exchange of real portals
def test_help_urls_have_ckans_form(client):
    for uri, _status, body in recorded_exchanges():
        name = re.search(r"/action/(\w+)", uri).group(1)
        assert re.search(rf"/api/3/action/help_show\?name={name}$", body["help"])
    mine = client.get("/api/3/action/status_show").json()["help"]
    assert re.search(r"/api/3/action/help_show\?name=status_show$", mine)


@pytest.mark.slow  # every recorded exchange of real portals
def test_double_slash_paths_as_some_clients_send_them(client):
    """frictionless-py (see the cassettes) calls ``https://portal//api/3/action/...``."""
    uris = [uri for uri, _s, _b in recorded_exchanges() if "//api/" in uri]
    assert uris
    # (The test client would read "//api" as a host name: set the path the server receives directly.)
    assert client.get("/", PATH_INFO="//api/3/action/site_read").json()["result"] is True


def test_organization_dict_has_every_key_of_a_real_one(client, make_org):
    folder = shared_path("realdata", "ckan-api", "amsterdam-dcatd-demo.ckan.org")
    real = json.loads((folder / "17be64bb-da74-4195-9bb8-565c39846af2.json").read_text())["result"]["organization"]
    make_org("sdb")
    mine = client.get("/api/3/action/organization_show?id=sdb").json()["result"]
    assert set(real) - IGNORED_CKAN_KEYS <= set(mine)
    for key in ("is_organization", "approval_status", "state", "type"):
        assert mine[key] == real[key]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", mine["created"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", real["created"])


def _recorded_packages():
    """Every package dict in the recorded exchanges and dumps (package_show, package_search results)."""
    found = []

    def add(value):
        if isinstance(value, dict) and "resources" in value and "name" in value:
            found.append(value)

    folder = shared_path("realdata", "ckan-api")
    for path in sorted(folder.glob("*/*.json")):
        data = json.loads(path.read_text())
        result = data.get("result", data) if isinstance(data, dict) else data
        for item in (result.get("results", [result]) if isinstance(result, dict) else result):
            add(item)
    for _uri, _status, body in recorded_exchanges():
        result = body.get("result") if isinstance(body, dict) else None
        for item in (result.get("results", [result]) if isinstance(result, dict) else []):
            add(item)
    return found


def _common(dicts):
    """The keys every dict has, with the set of value types seen for each."""
    keys = set.intersection(*(set(d) for d in dicts)) - IGNORED_CKAN_KEYS
    return {k: {type(d[k]) for d in dicts} for k in keys}


def _same_shape(mine, real_dicts, what):
    for key, types in _common(real_dicts).items():
        assert key in mine, f"{what}: {key} missing"
        allowed = types | ({str} if type(None) in types and len(types) > 1 else set())
        assert type(mine[key]) in allowed or (int in types and type(mine[key]) is int), \
            f"{what}.{key}: {type(mine[key]).__name__}, real CKAN sends {sorted(t.__name__ for t in types)}"


def test_package_show_has_the_keys_and_types_of_real_ones(client, make_user, make_org, make_member, make_token):
    real = _recorded_packages()
    assert len(real) > 10, "the recordings hold package dicts"
    org = make_org("montreal")
    editor = make_user("editeur@montreal.example")
    make_member(editor, org, role="editor")
    created = client.post("/api/3/action/package_create", json.dumps({
        "name": "comptages", "owner_org": "montreal", "tags": [{"name": "vélo"}], "groups": [{"name": "transport"}],
        "resources": [{"url": "https://donnees.example/a.csv", "format": "CSV"},
                      {"url": "https://donnees.example/b.json", "format": "JSON"}]}),
        content_type="application/json", HTTP_AUTHORIZATION=make_token(editor))
    assert created.status_code == 200, created.json()
    mine = client.get("/api/3/action/package_show?id=comptages").json()["result"]
    _same_shape(mine, real, "package")
    _same_shape(mine["resources"][0], [r for p in real for r in p["resources"]], "resource")
    _same_shape(mine["tags"][0], [t for p in real for t in p["tags"]], "tag")
    _same_shape(mine["groups"][0], [g for p in real for g in p["groups"]], "group")
    # Positions count from 0 as in CKAN; group and tag ids are ids, not names.
    assert [r["position"] for r in mine["resources"]] == [0, 1]
    assert mine["groups"][0]["id"] != "transport" and mine["tags"][0]["id"] != "vélo"
    assert mine["creator_user_id"] == str(editor.pk)
    second = mine["resources"][1]["id"]
    assert client.get(f"/api/3/action/resource_show?id={second}").json()["result"]["position"] == 1
    # The group id works wherever a group is named.
    group_id = mine["groups"][0]["id"]
    assert client.get(f"/api/3/action/group_show?id={group_id}").json()["result"]["name"] == "transport"


def test_organization_show_has_the_keys_of_real_ones(client, make_org):
    folder = shared_path("realdata", "ckan-api", "amsterdam-dcatd-demo.ckan.org")
    make_org("sdb")
    mine = client.get("/api/3/action/organization_show?id=sdb&include_users=true").json()["result"]
    for key in ("users", "extras", "groups", "tags"):
        assert mine[key] == [], key
    assert folder.exists()


def test_status_show_gives_the_address_the_client_reached(client):
    result = client.get("/api/3/action/status_show", HTTP_HOST="donnees.exemple.quebec").json()["result"]
    assert result["site_url"] == "http://donnees.exemple.quebec"
