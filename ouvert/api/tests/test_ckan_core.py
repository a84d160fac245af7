"""The Action API framework and the actions on organizations and people, through HTTP."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import post

pytestmark = pytest.mark.django_db



def test_root_and_envelope(client):
    assert client.get("/api/3").json() == {"version": 3}
    body = client.get("/api/3/action/site_read").json()
    assert body["success"] is True and body["result"] is True
    assert body["help"].endswith("/api/3/action/help_show?name=site_read")
    assert client.get("/api/action/site_read").json()["result"] is True
    status = client.get("/api/3/action/status_show").json()["result"]
    assert {"site_title", "site_url", "ckan_version", "locale_default", "extensions"} <= set(status)
    helped = client.get("/api/3/action/help_show?name=organization_list").json()["result"]
    assert "all_fields" in helped


def test_unknown_action_bad_json_and_methods(client):
    response = client.get("/api/3/action/package_purge")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Bad Request"
    assert "Action name not known: package_purge" in body["error"]["message"]
    response = client.post("/api/3/action/site_read", "{nope", content_type="application/json")
    assert response.status_code == 400 and "JSON Error" in response.json()["error"]["message"]
    response = client.post("/api/3/action/site_read", "[1, 2]", content_type="application/json")
    assert response.status_code == 400 and "dictionary" in response.json()["error"]["message"]
    assert client.get("/api/3/action/organization_create?name=x").status_code == 400
    assert client.put("/api/3/action/site_read").status_code == 400


def test_organization_list_and_show(client, make_org):
    make_org("beta", name_fr="Zèbre", name_en="Zebra")
    make_org("alpha", name_fr="Abeille")
    make_org("gamma", name_fr="Mouette", acronym="MOU")
    assert client.get("/api/3/action/organization_list").json()["result"] == ["alpha", "gamma", "beta"]
    names = client.get("/api/3/action/organization_list?sort=name desc&limit=2&offset=1").json()["result"]
    assert names == ["beta", "alpha"]
    full = post(client, "organization_list", {"all_fields": True, "q": "mou"}).json()["result"]
    assert len(full) == 1
    org = full[0]
    assert org["name"] == "gamma" and org["title"] == "Mouette" and org["is_organization"] is True
    assert org["package_count"] == 0 and org["type"] == "organization" and org["state"] == "active"
    assert org["acronym"] == "MOU" and org["title_translated"]["fr"] == "Mouette"
    bad = client.get("/api/3/action/organization_list?sort=email").json()
    assert bad["error"]["__type"] == "Validation Error" and "sort" in bad["error"]
    bad = client.get("/api/3/action/organization_list?limit=abc")
    assert bad.status_code == 409 and "limit" in bad.json()["error"]
    shown = client.get("/api/3/action/organization_show?id=beta").json()["result"]
    assert shown["title_translated"] == {"fr": "Zèbre", "en": "Zebra"} and shown["users"] == []  # members: to managers only
    assert client.get(f"/api/3/action/organization_show?id={shown['id']}").json()["result"]["name"] == "beta"
    missing = client.get("/api/3/action/organization_show?id=absent")
    assert missing.status_code == 404 and missing.json()["error"]["__type"] == "Not Found Error"


def test_organization_writes_follow_web_permissions(client, make_user, make_org, make_member, make_token,
                                                    site_admin):
    admin_token = make_token(site_admin)
    anonymous = post(client, "organization_create", {"name": "mtq", "title": "Transports"})
    assert anonymous.status_code == 403 and anonymous.json()["error"]["__type"] == "Authorization Error"
    editor = make_user()
    make_member(editor, make_org("other"), role="admin")
    denied = post(client, "organization_create", {"name": "mtq"}, token=make_token(editor))
    assert denied.status_code == 403
    missing = post(client, "organization_create", {"title": "Sans nom"}, token=admin_token)
    assert missing.status_code == 409 and "name" in missing.json()["error"]
    created = post(client, "organization_create", {
        "name": "mtq", "title": "Ministère des Transports", "kind": "ministry",
        "title_translated": {"fr": "Ministère des Transports", "en": "Ministry of Transport"},
        "id": "0b7c3a52-7e8c-4c37-a3a8-6b7a2e6f0d11",
    }, token=admin_token)
    assert created.status_code == 200, created.json()
    result = created.json()["result"]
    assert result["id"] == "0b7c3a52-7e8c-4c37-a3a8-6b7a2e6f0d11" and result["kind"] == "ministry"
    duplicate = post(client, "organization_create", {"name": "mtq"}, token=admin_token)
    assert duplicate.status_code == 409 and "slug" in duplicate.json()["error"]
    bad_kind = post(client, "organization_create", {"name": "x", "kind": "nope"}, token=admin_token)
    assert bad_kind.status_code == 409 and "kind" in bad_kind.json()["error"]

    person = make_user("editrice@exemple.qc.ca", full_name="Éditrice")
    member = post(client, "organization_member_create", {"id": "mtq", "username": str(person.pk), "role": "admin"},
                  token=admin_token).json()["result"]
    assert member["capacity"] == "admin" and member["table_id"] == str(person.pk)
    person_token = make_token(person)
    updated = post(client, "organization_update", {"id": "mtq", "description": "Routes et ponts"},
                   token=person_token).json()["result"]
    assert updated["description"] == "Routes et ponts" and updated["title"] == "Ministère des Transports"
    assert [u["capacity"] for u in updated["users"]] == ["admin"]
    slug_change = post(client, "organization_update", {"id": "mtq", "name": "mtmd"}, token=person_token)
    assert slug_change.status_code == 403
    other = post(client, "organization_update", {"id": "other", "title": "x"}, token=person_token)
    assert other.status_code == 403

    from ouvert.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="organization.update", actor=person).count() == 1
    assert AuditEntry.objects.filter(action="organization.create",
                                     object_id="0b7c3a52-7e8c-4c37-a3a8-6b7a2e6f0d11").exists()


def test_form_and_multipart_bodies(client, site_admin, make_token):
    token = make_token(site_admin)
    response = client.post("/api/3/action/organization_create", {"name": "ville", "title": "Ville",
                                                                  "kind": "municipality"},
                           HTTP_AUTHORIZATION=token)
    assert response.status_code == 200 and response.json()["result"]["kind"] == "municipality"
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
           b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    response = client.post("/api/3/action/organization_update", {
        "id": "ville", "image_upload": SimpleUploadedFile("logo.png", png, content_type="image/png")},
        HTTP_AUTHORIZATION=token)
    assert response.status_code == 200, response.json()
    assert "/media/logos/" in response.json()["result"]["image_url"]


def test_invalid_token_and_session_csrf(client, make_user, password):
    response = client.get("/api/3/action/site_read", HTTP_AUTHORIZATION="ouv_nope_nope")
    assert response.status_code == 403
    from django.test import Client

    admin = make_user("root@exemple.qc.ca", site_admin=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    response = post(browser, "organization_create", {"name": "csrf"})
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    assert post(browser, "organization_list").status_code == 200


def test_user_show_public_fields_only(client, make_user, make_token):
    person = make_user("priv@exemple.qc.ca", full_name="Marie Tremblay")
    mine = client.get(f"/api/3/action/user_show?id={person.pk}", HTTP_AUTHORIZATION=make_token(person))
    assert mine.json()["result"]["email"] == "priv@exemple.qc.ca"
    assert mine.json()["result"]["fullname"] == "Marie Tremblay"
    assert client.get("/api/3/action/user_show?id=999999").status_code == 404
    assert client.get("/api/3/action/user_show").status_code == 409


def test_user_show_is_no_directory_nor_existence_oracle(client, make_user, make_token, make_org, make_member):
    """Anonymous and ordinary callers get the same Not Found for a hidden and an absent account,
    by id or by e-mail; only site admins look people up by e-mail; org admins see their members."""
    person = make_user("priv@exemple.qc.ca", full_name="Marie Tremblay")
    stranger, org_admin = make_user(), make_user()
    org = make_org()
    make_member(person, org, "editor")
    make_member(org_admin, org, "admin")
    absent = str(person.pk + 1000)
    for token in (None, make_token(stranger)):
        headers = {"HTTP_AUTHORIZATION": token} if token else {}
        answers = []
        for ref in (str(person.pk), absent, "priv@exemple.qc.ca", "absent@exemple.qc.ca"):
            response = client.get("/api/3/action/user_show", {"id": ref}, **headers)
            assert response.status_code == 404
            body = json.dumps(response.json()).replace(json.dumps(ref)[1:-1], "REF")
            assert "Marie" not in body
            answers.append(body)
        assert len(set(answers)) == 1, answers
    shown = client.get("/api/3/action/user_show", {"id": person.pk},
                       HTTP_AUTHORIZATION=make_token(org_admin)).json()["result"]
    assert shown["fullname"] == "Marie Tremblay" and "email" not in shown
    by_email = client.get("/api/3/action/user_show", {"id": "priv@exemple.qc.ca"},
                          HTTP_AUTHORIZATION=make_token(org_admin))
    assert by_email.status_code == 404  # e-mail lookups: site admins only
    admin = make_user(site_admin=True)
    by_email = client.get("/api/3/action/user_show", {"id": "PRIV@exemple.qc.ca"},
                          HTTP_AUTHORIZATION=make_token(admin)).json()["result"]
    assert by_email["email"] == "priv@exemple.qc.ca"
    # No directory of accounts: an anonymous user_list is empty (what it shows others: test_ckan_compat).
    assert client.get("/api/3/action/user_list").json()["result"] == []


def test_member_create_is_no_existence_oracle(client, make_user, make_token, make_org):
    org = make_org()
    make_user("existe@exemple.qc.ca")
    token = make_token(make_user())
    codes = {post(client, "organization_member_create", {"id": org.slug, "username": ref, "role": "member"},
                  token=token).status_code for ref in ("existe@exemple.qc.ca", "absent@exemple.qc.ca")}
    assert codes == {403}


def test_cors_on_reads_only(client, site_admin, make_token):
    read = client.get("/api/3/action/organization_list", HTTP_ORIGIN="https://ailleurs.example")
    assert read["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/organizations")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/3/action/package_search", HTTP_ORIGIN="https://a.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code in {204, 403}
    preflight = client.options("/api/3/action/organization_list", HTTP_ORIGIN="https://a.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    write_preflight = client.options("/api/3/action/organization_create", HTTP_ORIGIN="https://a.example",
                                     HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert write_preflight.status_code == 403 and "Access-Control-Allow-Origin" not in write_preflight
    write = post(client, "organization_create", {"name": "x"}, token=make_token(site_admin))
    assert "Access-Control-Allow-Origin" not in write


def test_write_rate_limits(client, site_admin, make_token, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_write": (2, 60), "api_write_ip": (100, 60)}
    from django.core.cache import cache

    cache.clear()
    token = make_token(site_admin)
    codes = [post(client, "organization_create", {"name": f"o{i}"}, token=token).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    limited = post(client, "organization_create", {"name": "o9"}, token=token)
    assert int(limited["Retry-After"]) > 0 and limited.json()["error"]["__type"] == "Rate Limit Error"
    assert post(client, "organization_list").status_code == 200  # reads are not limited
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_write": (100, 60), "api_write_ip": (1, 60)}
    cache.clear()
    native = [client.post("/api/v1/organizations/o0/members", {}, content_type="application/json",
                          HTTP_AUTHORIZATION=token).status_code for _ in range(2)]
    assert native[1] == 429


def test_nul_characters_are_refused(client):
    assert client.get("/api/v1/organizations?q=a%00b").status_code == 400
    assert client.get("/api/3/action/organization_list?q=a%00b").status_code == 400
    body = client.post("/api/3/action/organization_list", '{"q": "a\\u0000b"}', content_type="application/json")
    assert body.status_code == 400 and body.json()["error"]["__type"] == "Bad Request"


def test_nul_in_native_api_bodies_is_refused(client, make_user, make_token):
    token = make_token(make_user())
    response = client.post("/api/v1/organizations/x/members", '{"email": "a\\u0000b@x.qc.ca", "role": "member"}',
                           content_type="application/json", HTTP_AUTHORIZATION=token)
    assert response.status_code == 400
    response = client.post("/api/v1/organizations/x/members", {"email": "a\x00b"}, HTTP_AUTHORIZATION=token)
    assert response.status_code == 400
