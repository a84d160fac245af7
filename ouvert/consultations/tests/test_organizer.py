"""Organizers build a consultation in the browser: create, question builder, checklist, publish."""

import datetime as dt

import pytest

from ouvert.consultations.models import Consultation, Question
from ouvert.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_editor_creates_builds_and_publishes(client, organizer, org):
    client.force_login(organizer)
    response = client.post("/fr/consultations/organiser/nouvelle/", {
        "organization": str(org.pk), "title": "Pistes cyclables", "summary": "Où étendre le réseau?",
        "body": "Texte <img src=x onerror=alert(1)> **important**", "topic": "transport", "region": "06",
        "contact_name": "Équipe vélo", "contact_email": "velo@exemple.qc.ca",
        "opens_at": "2030-05-01T09:00", "closes_at": "2030-04-01T09:00", "allow_anonymous": "on", "has_survey": "on",
    })
    assert response.status_code == 400  # closing before opening: said precisely, typed values kept
    html = response.content.decode()
    assert "La fermeture doit venir après l&#x27;ouverture." in html and 'value="Pistes cyclables"' in html
    response = client.post("/fr/consultations/organiser/nouvelle/", {
        "organization": str(org.pk), "title": "Pistes cyclables", "summary": "Où étendre le réseau?",
        "body": "Texte <img src=x onerror=alert(1)> **important**", "topic": "transport", "region": "06",
        "contact_name": "Équipe vélo", "contact_email": "velo@exemple.qc.ca",
        "opens_at": "2020-05-01T09:00", "closes_at": "2040-06-01T09:00", "allow_anonymous": "on", "has_survey": "on",
    })
    assert response.status_code == 302
    c = Consultation.objects.get(title="Pistes cyclables")
    assert "onerror" not in c.body_html and "<strong>important</strong>" in c.body_html
    assert c.published_at is None
    # The question builder
    base = f"/fr/consultations/{c.slug}/organiser/"
    response = client.post(base + "questions/nouvelle/", {"kind": "single", "label": "Roulez-vous l'hiver?",
                                                          "page": 1, "choices_text": "Oui", "scale_min": 1,
                                                          "scale_max": 5})
    assert response.status_code == 400 and "au moins deux choix" in response.content.decode()
    client.post(base + "questions/nouvelle/", {"kind": "single", "label": "Roulez-vous l'hiver?", "page": 1,
                                               "choices_text": "Oui\nNon", "scale_min": 1, "scale_max": 5,
                                               "required": "on"})
    winter = Question.objects.get(label="Roulez-vous l'hiver?")
    # The type is chosen first; its form shows only its fields, and the condition offers the answers
    # of the earlier questions.
    overview = client.get(base).content.decode()
    assert 'name="kind"' in overview and 'name="choices_text"' not in overview
    scale_form = client.get(base + "questions/nouvelle/?kind=scale").content.decode()
    assert 'name="scale_max"' in scale_form and 'name="choices_text"' not in scale_form
    text_form = client.get(base + "questions/nouvelle/?kind=long_text").content.decode()
    assert 'name="scale_max"' not in text_form and 'name="choices_text"' not in text_form
    assert f'<option value="{winter.pk}|Non">Non</option>' in text_form
    assert '<optgroup label="Roulez-vous l&#x27;hiver?">' in text_form
    response = client.post(base + "questions/nouvelle/", {"kind": "long_text", "label": "Pourquoi pas?", "page": 1,
                                                          "condition": f"{winter.pk}|Peut-être"})
    assert response.status_code == 400 and "Peut-être" in response.content.decode()
    client.post(base + "questions/nouvelle/", {"kind": "long_text", "label": "Pourquoi pas?", "page": 1,
                                               "condition": f"{winter.pk}|Non"})
    assert c.questions.count() == 2
    why = c.questions.get(label="Pourquoi pas?")
    assert (why.condition_question, why.condition_value) == (winter, "Non")
    edit_form = client.get(base + f"questions/{why.pk}/").content.decode()
    assert f'<option value="{winter.pk}|Non" selected>Non</option>' in edit_form
    # The condition in the questions table: French quotes on the French page, English ones on the English page.
    assert "« Roulez-vous l&#x27;hiver? » = Non" in client.get(base).content.decode()
    english = client.get(base.replace("/fr/", "/en/").replace("/organiser/", "/organize/")).content.decode()
    assert '“<span lang="fr">Roulez-vous l&#x27;hiver?</span>” = <span lang="fr">Non</span>' in english
    # Checklist: purpose and feedback are missing, so publishing is refused with the reasons
    html = client.get(base).content.decode()
    assert "État de préparation" in html and "requis pour publier" in html
    response = client.post(base + "publier/", follow=True)
    assert "Avant de publier" in response.content.decode()
    c.refresh_from_db()
    assert c.published_at is None
    edit = client.get(base + "modifier/").content.decode()
    assert 'value="Pistes cyclables"' in edit
    data = {"title": "Pistes cyclables", "summary": "Où étendre le réseau?", "body": "Texte", "topic": "transport",
            "region": "06", "contact_name": "Équipe vélo", "contact_email": "velo@exemple.qc.ca",
            "opens_at": "2020-05-01T09:00", "closes_at": "2040-06-01T09:00", "allow_anonymous": "on",
            "has_survey": "on", "has_proposals": "on", "purpose_stated": "on", "feedback_planned": "on"}
    assert client.post(base + "modifier/", data).status_code == 302
    # An event and a document
    response = client.post(base + "rencontres/", {"title": "Soirée", "starts_at": "2030-05-10T18:00",
                                                  "ends_at": "2030-05-10T20:00", "place": "Maison de la culture",
                                                  "accessibility": "Accès sans marche", "capacity": 2})
    assert response.status_code == 302 and c.events.count() == 1
    client.post(base + "documents/", {"title": "Plan", "url": "https://exemple.qc.ca/plan.html", "accessible": "on"})
    assert c.documents.count() == 1
    response = client.post(base + "publier/")
    c.refresh_from_db()
    assert c.published_at is not None
    actions = set(AuditEntry.objects.filter(organization=org).values_list("action", flat=True))
    assert {"consultation.create", "consultation.update", "consultation.publish", "consultation.question_create",
            "consultation.event_create", "consultation.document_add"} <= actions
    assert client.get("/fr/consultations/").content.decode().count("Pistes cyclables") >= 1


def test_members_and_strangers_cannot_organize(client, make_user, make_member, org, make_consultation):
    c = make_consultation()
    member = make_user()
    make_member(member, org, "member")
    client.force_login(member)
    assert client.get(f"/fr/consultations/{c.slug}/organiser/").status_code == 403
    assert client.get("/fr/consultations/organiser/nouvelle/").status_code == 403
    assert client.post(f"/fr/consultations/{c.slug}/organiser/publier/").status_code == 403
    # Drafts are invisible to the public
    client.logout()
    assert client.get(c.get_absolute_url()).status_code == 404


def test_survey_locked_once_answers_are_sent(survey, organizer):
    from django.core.exceptions import ValidationError

    from ouvert.consultations import services

    services.participation_submit_all(consultation=survey, user=None, answers={
        f"q{survey.q['used'].pk}": "Non", f"q{survey.q['scale'].pk}": 3}, consent=True)
    with pytest.raises(ValidationError):
        services.question_create(consultation=survey, by=organizer, kind="short_text", label="Trop tard")


def test_organizer_pages_lock_answered_questions_and_close_now_asks_first(client, survey, organizer, settings):
    from ouvert.consultations import services

    client.force_login(organizer)
    base = f"/fr/consultations/{survey.slug}/organiser/"
    overview = client.get(base).content.decode()
    assert "Fermer la participation maintenant" in overview and '<details class="confirm">' in overview
    services.participation_submit_all(consultation=survey, user=None, answers={
        f"q{survey.q['used'].pk}": "Non", f"q{survey.q['scale'].pk}": 3}, consent=True)
    overview = client.get(base).content.decode()
    assert "le questionnaire est verrouillé" in overview and f"questions/{survey.q['used'].pk}/" not in overview
    locked = client.get(base + f"questions/{survey.q['used'].pk}/")
    assert locked.status_code == 409 and "Le questionnaire est verrouillé" in locked.content.decode()
    assert client.post(base + f"questions/{survey.q['used'].pk}/", {"kind": "single", "label": "Changé",
                                                                     "page": 1}).status_code == 409
    survey.q["used"].refresh_from_db()
    assert survey.q["used"].label == "Déjà participé?"
    # Close now: a confirmation page first, then participation ends.
    confirm = client.get(base + "fermer/")
    assert confirm.status_code == 200 and "Fermer la participation maintenant ?" in confirm.content.decode()
    survey.refresh_from_db()
    assert survey.phase == "participation"
    response = client.post(base + "fermer/", follow=True)
    survey.refresh_from_db()
    assert survey.phase == "analysis" and "La participation est fermée" in response.content.decode()
    assert AuditEntry.objects.filter(action="consultation.close", object_id=str(survey.pk)).exists()
    again = client.post(base + "fermer/", follow=True).content.decode()
    assert "pas encore fermée peut être fermée" in again


def test_in_person_entry_joins_results(client, survey, organizer):
    q = survey.q
    client.force_login(organizer)
    url = f"/fr/consultations/{survey.slug}/organiser/en-personne/"
    response = client.post(url, {"channel": "in_person", f"q{q['used'].pk}": "Oui"})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    response = client.post(url, {"channel": "mail", f"q{q['used'].pk}": "Oui", f"q{q['how'].pk}": "En personne",
                                 f"q{q['scale'].pk}": "5", f"q{q['grid'].pk}_0": "Élevée"})
    assert response.status_code == 302
    from ouvert.consultations.models import Participation

    p = Participation.objects.get()
    assert p.channel == "mail" and p.submitted_at
    html = client.get(f"/fr/consultations/{survey.slug}/resultats/").content.decode()
    assert "1 participant" in html


def test_official_answer_notifies_author_and_results_report(client, make_consultation, organizer, make_user,
                                                            mailoutbox, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from ouvert.consultations import services

    c = make_consultation(has_survey=False)
    services.consultation_publish(consultation=c, by=organizer)
    author = make_user(preferred_language="en")
    proposal = services.proposal_create(consultation=c, by=author, title="Un lien", body="Entre deux pistes")
    services.consultation_follow(consultation=c, by=author)
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/consultations/{c.slug}/propositions/{proposal.pk}/repondre/",
                               {"status": "accepted", "answer": "Retenu pour l'an prochain."})
    assert response.status_code == 302
    assert any("has received an answer" in m.subject for m in mailoutbox)
    # results report: refused while open, accepted after closing; followers are told
    url = f"/fr/consultations/{c.slug}/organiser/resultats/"
    response = client.post(url, {"what_we_heard": "Beaucoup d'appuis", "what_we_did": "Nous l'aménageons"})
    assert response.status_code == 400 and "après la fermeture" in response.content.decode()
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"what_we_heard": "Beaucoup d'appuis", "what_we_did": "Nous l'aménageons"})
    assert response.status_code == 302
    assert any("are published" in m.subject for m in mailoutbox)
    html = client.get(c.get_absolute_url()).content.decode()
    assert "Ce que nous en avons fait" in html and "aménageons" in html


def test_phase_editor_rows_drive_participation_and_old_consultations_get_rows(client, organizer, make_consultation):
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from ouvert.consultations.models import ConsultationPhase

    c = make_consultation(opens=2, closes=20, results_expected_on=None)
    assert [p.kind for p in c.phases.all()] == ["information", "participation", "analysis"]
    client.force_login(organizer)
    url = f"/fr/consultations/{c.slug}/organiser/etapes/"
    page = client.get(url).content.decode()
    assert 'name="etapes-0-kind"' in page and 'name="etapes-4-kind"' in page  # 3 rows + 2 empty ones
    fmt = "%Y-%m-%dT%H:%M"
    local = timezone.localtime
    days = [local(c.opens_at + dt.timedelta(days=n)).strftime(fmt) for n in range(-2, 40)]
    rows = {
        "etapes-TOTAL_FORMS": "5", "etapes-INITIAL_FORMS": "3",
        "etapes-0-kind": "information", "etapes-0-starts_at": days[0], "etapes-0-ends_at": days[2],
        "etapes-1-kind": "participation", "etapes-1-title": "Questionnaire et rencontres",
        "etapes-1-starts_at": days[2], "etapes-1-ends_at": days[12],
        "etapes-2-kind": "analysis", "etapes-2-starts_at": days[10], "etapes-2-ends_at": days[20],
        "etapes-3-kind": "results", "etapes-3-starts_at": days[20],
        "etapes-3-description": "Rapport « ce que nous avons entendu ».",
    }
    overlap = client.post(url, rows)
    assert overlap.status_code == 400 and "se chevauchent" in overlap.content.decode()
    rows["etapes-2-starts_at"] = days[12]
    assert client.post(url, rows).status_code == 302
    c.refresh_from_db()
    assert [p.shown_title for p in c.phases.all()] == ["Information", "Questionnaire et rencontres", "Analyse",
                                                       "Résultats publiés"]
    assert local(c.opens_at).strftime(fmt) == days[2] and local(c.closes_at).strftime(fmt) == days[12]
    assert "Questionnaire et rencontres" in client.get(c.get_absolute_url()).content.decode()
    rows["etapes-1-DELETE"] = "on"
    missing = client.post(url, rows)
    assert missing.status_code == 400 and "exactement une étape de participation" in missing.content.decode()
    # Consultations made before phases existed get rows from their three dates.
    ConsultationPhase.objects.filter(consultation=c).delete()
    migration = importlib.import_module("ouvert.consultations.migrations.0006_phases_from_dates")
    migration.phases_from_dates(apps, None)
    assert [(p.kind, p.starts_at, p.ends_at) for p in c.phases.all()][1:] == [
        ("participation", c.opens_at, c.closes_at), ("analysis", c.closes_at, None)]


def test_the_timeline_has_an_information_stage_only_when_there_was_one(make_consultation, organizer):
    from ouvert.consultations import services
    from ouvert.consultations.selectors import timeline

    late = make_consultation(opens=-1)  # published once participation had opened
    services.consultation_publish(consultation=late, by=organizer, force=True)
    assert [s["phase"] for s in timeline(consultation=late)] == ["participation", "analysis", "results"]
    early = make_consultation(opens=3, title="Budget participatif")  # announced three days before it opens
    services.consultation_publish(consultation=early, by=organizer, force=True)
    steps = timeline(consultation=early)
    assert [s["phase"] for s in steps] == ["information", "participation", "analysis", "results"]
    assert steps[0]["current"] and steps[0]["date"] <= steps[1]["date"]
