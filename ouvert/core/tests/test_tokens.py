import hashlib

import pytest

from ouvert.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_page_shows_secret_once_and_stores_only_hash(client, make_user):
    user = make_user()
    client.force_login(user)
    body = client.post("/fr/compte/jetons/", {"name": "script"}).content.decode()
    secret = body.split('id="new-token">')[1].split("<")[0]
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(token.__dict__)
    assert secret not in client.get("/fr/compte/jetons/").content.decode()


def test_token_authenticates_api_and_revocation_stops_it(client, make_user, make_token):
    user = make_user("script@exemple.qc.ca")
    secret = make_token(user)
    assert client.get("/api/v1/me").status_code == 401
    for header in (secret, f"Bearer {secret}"):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 200 and response.json()["email"] == "script@exemple.qc.ca"
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None
    client.force_login(user)
    client.post(f"/fr/compte/jetons/{token.pk}/revoquer/")
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=secret).status_code == 401


def test_token_carries_user_permissions(client, make_user, make_org, make_member, make_token):
    org = make_org("sct")
    admin, editor = make_user(), make_user()
    make_member(admin, org, "admin")
    make_member(editor, org, "editor")
    target = make_user("cible@exemple.qc.ca")
    payload = {"email": target.email, "role": "editor"}
    response = client.post("/api/v1/organizations/sct/members", payload, content_type="application/json",
                           HTTP_AUTHORIZATION=make_token(editor))
    assert response.status_code == 403
    response = client.post("/api/v1/organizations/sct/members", payload, content_type="application/json",
                           HTTP_AUTHORIZATION=make_token(admin))
    assert response.status_code == 200 and response.json()["role"] == "editor"


def test_token_posts_need_no_csrf_but_sessions_do(make_user, make_org, make_member, make_token):
    from django.test import Client

    org = make_org("sct")
    admin = make_user()
    make_member(admin, org, "admin")
    target = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/fr/organisations/sct/membres/", {"email": target.email, "role": "member"})
    assert response.status_code == 403
    response = client.post("/fr/organisations/sct/membres/", {"email": target.email, "role": "member"},
                           HTTP_AUTHORIZATION=make_token(admin))
    assert response.status_code == 302
