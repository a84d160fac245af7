import re

import pytest
from django.core import mail

from ouvert.core.models import AuditEntry, Membership, User

pytestmark = pytest.mark.django_db


def test_signup_logs_in_and_records_audit(client):
    response = client.post("/fr/compte/inscription/", {
        "full_name": "Léa Dubé", "email": "Lea@Exemple.qc.ca", "password": "pommes-vertes-2026"})
    assert response.status_code == 302
    user = User.objects.get(email="lea@exemple.qc.ca")
    assert user.full_name == "Léa Dubé"
    assert client.get("/fr/compte/").status_code == 200
    assert AuditEntry.objects.filter(action="user.signup", object_id=str(user.pk)).exists()


def test_signup_error_keeps_what_was_typed_and_says_what_to_fix(client, make_user):
    make_user("pris@exemple.qc.ca")
    response = client.post("/fr/compte/inscription/", {
        "full_name": "Jean Nadeau", "email": "pris@exemple.qc.ca", "password": "court"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Jean Nadeau"' in body
    assert 'value="pris@exemple.qc.ca"' in body
    assert "Un compte existe déjà avec cette adresse courriel" in body
    assert "trop court" in body


def test_signup_honeypot_creates_nothing(client):
    client.post("/fr/compte/inscription/", {
        "email": "bot@exemple.qc.ca", "password": "pommes-vertes-2026", "website": "http://spam"})
    assert not User.objects.filter(email="bot@exemple.qc.ca").exists()


def test_signup_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for i in range(2):
        client.post("/fr/compte/inscription/", {"email": f"x{i}@exemple.qc.ca", "password": "court"})
    response = client.post("/fr/compte/inscription/", {"email": "y@exemple.qc.ca", "password": "court"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_login_by_email_and_logout(client, make_user, password):
    make_user("marie@exemple.qc.ca")
    response = client.post("/fr/compte/connexion/", {"username": "marie@exemple.qc.ca", "password": password})
    assert response.status_code == 302
    assert client.get("/fr/compte/").status_code == 200
    client.post("/fr/compte/deconnexion/")
    assert client.get("/fr/compte/").status_code == 302


def test_password_reset_by_email(client, make_user):
    user = make_user("oubli@exemple.qc.ca")
    response = client.post("/fr/compte/mot-de-passe/", {"email": "oubli@exemple.qc.ca"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "nouveau-secret-2026", "new_password2": "nouveau-secret-2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-secret-2026")


def test_profile_update(client, make_user):
    user = make_user()
    client.force_login(user)
    client.post("/fr/compte/", {"full_name": "Nouveau Nom", "preferred_language": "en"})
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Nouveau Nom", "en")


def test_account_deletion_removes_personal_data(client, make_user, make_org, make_member, make_token):
    user = make_user("efface@exemple.qc.ca", full_name="Personne Effacée")
    org = make_org()
    make_member(user, org, "admin")
    make_member(make_user(), org, "admin")
    make_token(user)
    client.force_login(user)
    response = client.post("/fr/compte/supprimer/", {"confirm": "mauvais@exemple.qc.ca"})
    assert response.status_code == 200 and User.objects.filter(pk=user.pk).exists()
    response = client.post("/fr/compte/supprimer/", {"confirm": "efface@exemple.qc.ca"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Membership.objects.filter(user_id=user.pk).exists()
    for entry in AuditEntry.objects.all():
        text = f"{entry.actor_label} {entry.object_label} {entry.changes}"
        assert "efface@exemple.qc.ca" not in text and "Personne Effacée" not in text
