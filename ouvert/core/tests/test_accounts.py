import re

import pytest
from django.core import mail

from ouvert.core.models import AuditEntry, Membership, User

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_signup_confirms_the_address_then_logs_in_and_records_audit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/compte/inscription/", {"accept_terms": "on",
            "full_name": "Léa Dubé", "email": "Lea@Exemple.qc.ca", "password": "pommes-vertes-2026"})
    assert response.status_code == 302 and response["Location"] == "/fr/compte/inscription/courriel-envoye/"
    user = User.objects.get(email="lea@exemple.qc.ca")
    assert user.full_name == "Léa Dubé" and user.email_verified_at is None
    assert AuditEntry.objects.filter(action="user.signup", object_id=str(user.pk)).exists()
    # Not signed in, and cannot sign in before confirming.
    assert client.get("/fr/compte/").status_code == 302
    refused = client.post("/fr/compte/connexion/", {"username": "lea@exemple.qc.ca",
                                                    "password": "pommes-vertes-2026"})
    assert refused.status_code == 200 and "Confirmez d" in refused.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lea@exemple.qc.ca"]
    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: mail scanners do not confirm
    user.refresh_from_db()
    assert user.email_verified_at is None
    assert client.post(link).status_code == 302
    assert client.get("/fr/compte/").status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None
    client.logout()
    assert client.post(link).status_code == 400  # one use


def test_signup_answers_the_same_for_a_taken_address(client, make_user, password,
                                                     django_capture_on_commit_callbacks):
    """No existence oracle: same redirect, same page; the owner gets a notice with a reset link."""
    owner = make_user("pris@exemple.qc.ca")
    answers = []
    for email in ("pris@exemple.qc.ca", "libre@exemple.qc.ca"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/fr/compte/inscription/", {"accept_terms": "on",
                "full_name": "Jean Nadeau", "email": email, "password": "pommes-vertes-2026"}, follow=True)
        page = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
        answers.append((response.status_code, response.redirect_chain, page.replace(email, "ADRESSE")))
    assert answers[0] == answers[1]
    owner.refresh_from_db()
    assert owner.check_password(password) and owner.full_name == ""  # the account did not change
    notice = next(m for m in mail.outbox if m.to == ["pris@exemple.qc.ca"])
    assert "déjà un compte" in notice.body
    reset = client.get(_link(notice), follow=True)
    form_url = reset.redirect_chain[-1][0]
    assert client.post(form_url, {"new_password1": "nouveau-secret-2026",
                                  "new_password2": "nouveau-secret-2026"}).status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("nouveau-secret-2026")


def test_signup_again_with_an_unconfirmed_address_replaces_the_password_and_the_link(
        client, django_capture_on_commit_callbacks):
    """Someone who squats an address never gets the account: whoever reads the mailbox decides."""
    for secret in ("mot-du-squatteur-1", "mot-de-la-vraie-2"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": "cible@exemple.qc.ca", "password": secret})
    first, second = (_link(m) for m in mail.outbox)
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    user = User.objects.get(email="cible@exemple.qc.ca")
    assert user.check_password("mot-de-la-vraie-2") and user.email_verified_at is not None


def test_signup_error_keeps_what_was_typed_and_says_what_to_fix(client):
    response = client.post("/fr/compte/inscription/", {"accept_terms": "on",
        "full_name": "Jean Nadeau", "email": "pris@exemple.qc.ca", "password": "court"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Jean Nadeau"' in body
    assert 'value="pris@exemple.qc.ca"' in body
    assert "existe déjà" not in body
    assert "trop court" in body


def test_signup_honeypot_creates_nothing(client):
    client.post("/fr/compte/inscription/", {"accept_terms": "on",
        "email": "bot@exemple.qc.ca", "password": "pommes-vertes-2026", "website": "http://spam"})
    assert not User.objects.filter(email="bot@exemple.qc.ca").exists()


def test_signup_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for i in range(2):
        client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": f"x{i}@exemple.qc.ca", "password": "court"})
    response = client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": "y@exemple.qc.ca", "password": "court"})
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


def test_signup_does_the_same_work_for_a_new_and_a_taken_address(make_user, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    """No timing oracle: each branch hashes one password, writes one audit entry, queues one e-mail."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    from ouvert.core import services

    make_user("pris@exemple.qc.ca")
    work = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *a, **k: work.append("hash") or original(
        self, *a, **k))
    for email in ("pris@exemple.qc.ca", "libre@exemple.qc.ca", "libre@exemple.qc.ca"):
        before = (AuditEntry.objects.count(), len(mail.outbox))
        with django_capture_on_commit_callbacks(execute=True):
            services.user_signup(email=email, password="pommes-vertes-2026", accepted_terms=True)
        work.append((AuditEntry.objects.count() - before[0], len(mail.outbox) - before[1]))
    assert work == ["hash", (1, 1)] * 3


def test_signup_needs_consent_recorded_with_its_version_and_links_can_be_resent(
        client, django_capture_on_commit_callbacks):
    from django.utils import translation

    from ouvert.core.legal import LEGAL_VERSION

    form = client.get("/fr/compte/inscription/").content.decode()
    assert 'href="/fr/confidentialite/"' in form and 'href="/fr/conditions-d-utilisation/"' in form
    refused = client.post("/fr/compte/inscription/", {"email": "sans@exemple.qc.ca", "password": "pommes-vertes-2026"})
    assert refused.status_code == 200 and "acceptez la politique de confidentialité" in refused.content.decode()
    assert not User.objects.filter(email="sans@exemple.qc.ca").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": "avec@exemple.qc.ca",
                                                "password": "pommes-vertes-2026"})
    user = User.objects.get(email="avec@exemple.qc.ca")
    assert user.terms_version == LEGAL_VERSION and user.terms_accepted_at is not None
    # A lost link: ask for a new one (the same answer for an unknown address, which gets nothing).
    answers = []
    for email in ("avec@exemple.qc.ca", "inconnu@exemple.qc.ca"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/fr/compte/inscription/renvoyer-le-lien/", {"email": email})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, "/fr/compte/inscription/courriel-envoye/")
    assert [m.to for m in mail.outbox] == [["avec@exemple.qc.ca"], ["avec@exemple.qc.ca"]]
    assert client.post(_link(mail.outbox[-1])).status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    # The policy and the terms, in both languages, with the version and the contact.
    privacy = client.get("/fr/confidentialite/").content.decode()
    assert LEGAL_VERSION in privacy and "Commission d'accès à l'information du Québec" in privacy
    assert "vie-privee@ouvert.localhost" in privacy
    with translation.override("en"):
        from django.urls import reverse

        english = client.get(reverse("core:privacy")).content.decode()
        terms = client.get(reverse("core:terms")).content.decode()
    assert "Privacy policy" in english and "How long" in english and "Terms of use" in terms


def test_confirmation_links_expire(client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": "tard@exemple.qc.ca",
                                                "password": "pommes-vertes-2026"})
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is past its validity (three days by default)
    expired = client.get(_link(mail.outbox[-1]))
    assert expired.status_code == 400 and "Recevoir un nouveau lien" in expired.content.decode()


def test_resending_a_confirmation_link_cancels_the_earlier_ones_which_say_so(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/compte/inscription/", {"accept_terms": "on", "email": "trois@exemple.qc.ca",
                                                "password": "pommes-vertes-2026"})
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/fr/compte/inscription/renvoyer-le-lien/", {"email": "trois@exemple.qc.ca"})
    first, second, newest = (_link(m) for m in mail.outbox)
    assert len({first, second, newest}) == 3
    for old in (first, second):
        page = client.get(old)
        body = page.content.decode()
        assert page.status_code == 400 and "Ce lien a été remplacé" in body, old
        assert 'href="/fr/compte/inscription/renvoyer-le-lien/"' in body and "Activer mon compte" not in body
        assert client.post(old).status_code == 400  # it activates nothing
    assert User.objects.get(email="trois@exemple.qc.ca").email_verified_at is None
    # A forged token for the same account is not "replaced": only genuine earlier links are.
    uid = newest.rstrip("/").split("/")[-2]
    forged = client.get(newest.replace(newest.rstrip("/").split("/")[-1], "c0ffee-0123456789abcdef0123"))
    assert uid in newest and forged.status_code == 400
    assert "Ce lien a été remplacé" not in forged.content.decode()
    assert "Ce lien n'est plus valable" in forged.content.decode()
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        uidb64, token = first.rstrip("/").split("/")[-2:]
        english = client.get(reverse("core:signup_confirm", kwargs={"uidb64": uidb64, "token": token}))
    assert english.status_code == 400 and "This link was replaced" in english.content.decode()
    # The newest link works, once; then the old ones are plainly "not valid" (the account is confirmed).
    assert client.post(newest).status_code == 302
    assert User.objects.get(email="trois@exemple.qc.ca").email_verified_at is not None
    client.logout()
    assert "Ce lien a été remplacé" not in client.get(first).content.decode()
