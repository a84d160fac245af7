""""Mon compte": follows by title, my activity in every app, address and password change, my data."""

import json
import re

import pytest
from django.core import mail

from ouvert.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_my_account_lists_what_i_follow_and_did_and_exports_it(client, make_user, make_org):
    from django.utils import timezone

    from ouvert.consultations import services as consultations
    from ouvert.core.follows import follow_create

    person = make_user("lea@exemple.qc.ca", full_name="Léa")
    org = make_org("sct", name_fr="Secrétariat du Conseil du trésor")
    organizer = make_user()
    from ouvert.core.models import Membership

    Membership.objects.create(user=organizer, organization=org, role="editor")
    now = timezone.now()
    c = consultations.consultation_create(
        organization=org, by=organizer, title="Pistes cyclables", summary="Où?", topic="transport",
        opens_at=now - timezone.timedelta(days=1), closes_at=now + timezone.timedelta(days=5),
        has_proposals=True, purpose_stated=True, feedback_planned=True)
    question = consultations.question_create(consultation=c, by=organizer, kind="single", label="Roulez-vous?",
                                             choices=["Oui", "Non"])
    consultations.consultation_publish(consultation=c, by=organizer, force=True)
    consultations.participation_submit_all(consultation=c, user=person, answers={f"q{question.pk}": "Oui"},
                                           consent=True)
    consultations.proposal_create(consultation=c, by=person, title="Un réseau l'hiver", body="Déneiger.")
    follow_create(user=person, kind="organization", key=org.slug, by=person)
    client.force_login(person)
    page = client.get("/fr/compte/").content.decode()
    assert f'<a href="{org.get_absolute_url()}">Secrétariat du Conseil du trésor</a>' in page
    assert f">{org.slug}<" not in page  # a follow is shown by its title, never its key
    for text in ("Mes réponses aux questionnaires", "Pistes cyclables", "Mes propositions", "Un réseau l&#x27;hiver",
                 "Mes demandes de données", "Mon activité récente", "Télécharger toutes mes données"):
        assert text in page, text
    english = re.sub(r"<[^>]+>", "", client.get("/en/account/").content.decode())
    assert re.search(r"— participation: \S", english) and " : " not in english  # French spacing in French only
    response = client.get("/fr/compte/mes-donnees/")
    assert response["Content-Disposition"] == 'attachment; filename="ouvert-mes-donnees.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "lea@exemple.qc.ca"
    assert data["sections"]["consultations.answers"][0]["answers"] == {"Roulez-vous?": "Oui"}
    assert data["sections"]["consultations.proposals"][0]["body"] == "Déneiger."
    assert data["sections"]["core.follows"][0]["title"] == "Secrétariat du Conseil du trésor"
    assert data["sections"]["core.follows"][0]["url"].startswith("http")
    client.logout()
    assert client.get("/fr/compte/mes-donnees/").status_code == 302


def test_address_change_is_confirmed_by_the_new_mailbox(client, make_user, password,
                                                       django_capture_on_commit_callbacks):
    person = make_user("ancien@exemple.qc.ca")
    make_user("pris@exemple.qc.ca")
    client.force_login(person)
    wrong = client.post("/fr/compte/courriel/", {"courriel-new_email": "nouveau@exemple.qc.ca",
                                                  "courriel-password": "pas-le-bon"})
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/fr/compte/courriel/", {"courriel-new_email": "pris@exemple.qc.ca",
                                                      "courriel-password": password})
        asked = client.post("/fr/compte/courriel/", {"courriel-new_email": "Nouveau@exemple.qc.ca",
                                                      "courriel-password": password})
    assert taken.status_code == asked.status_code == 302  # the same answer: no account directory
    assert [m.to for m in mail.outbox] == [["pris@exemple.qc.ca"], ["nouveau@exemple.qc.ca"]]
    person.refresh_from_db()
    assert person.email == "ancien@exemple.qc.ca" and person.pending_email == "nouveau@exemple.qc.ca"
    assert "nouveau@exemple.qc.ca" in client.get("/fr/compte/").content.decode()
    link = _link(mail.outbox[-1])
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    person.refresh_from_db()
    assert person.email == "nouveau@exemple.qc.ca" and person.pending_email == ""
    assert mail.outbox[-1].to == ["ancien@exemple.qc.ca"] and "nouveau@exemple.qc.ca" in mail.outbox[-1].body
    assert client.post(link).status_code == 400  # one use
    assert AuditEntry.objects.filter(action="user.email_change", changes__email__1="nouveau@exemple.qc.ca").exists()


def test_password_change_needs_the_current_one_and_keeps_me_signed_in(client, make_user, password,
                                                                      django_capture_on_commit_callbacks):
    person = make_user()
    client.force_login(person)
    wrong = client.post("/fr/compte/changer-mot-de-passe/", {
        "old_password": "faux", "new_password1": "poires-jaunes-2027", "new_password2": "poires-jaunes-2027"})
    assert wrong.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/fr/compte/changer-mot-de-passe/", {
            "old_password": password, "new_password1": "poires-jaunes-2027", "new_password2": "poires-jaunes-2027"})
    assert done.status_code == 302 and client.get("/fr/compte/").status_code == 200
    assert User.objects.get(pk=person.pk).check_password("poires-jaunes-2027")
    assert mail.outbox[-1].to == [person.email] and "/fr/compte/mot-de-passe/" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="user.password_change", object_id=str(person.pk)).exists()
