"""The participant's survey journey through HTTP: pages, errors, conditions, resume, one submission."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.consultations.models import Answer, Participation

pytestmark = pytest.mark.django_db


def start(client, survey):
    response = client.post(f"/fr/consultations/{survey.slug}/participer/", {"consent": "1"})
    assert response.status_code == 302, response.content
    return response["Location"]


def test_consent_is_required_and_explained(client, survey):
    response = client.post(f"/fr/consultations/{survey.slug}/participer/", {})
    assert response.status_code == 400
    assert "Cochez la case de consentement" in response.content.decode()
    assert not Participation.objects.exists()


def test_anonymous_journey_with_conditions_errors_and_submission(client, survey):
    q = survey.q
    page1 = start(client, survey)
    html = client.get(page1).content.decode()
    assert "<fieldset" in html and "<legend>Déjà participé?" in html
    assert f'data-condition-name="q{q["used"].pk}"' in html  # shown/hidden as the person answers
    # Errors: required scale missing, condition met but "Comment?" empty, ranking with duplicates
    response = client.post(page1, {f"q{q['used'].pk}": "Oui", f"q{q['rank'].pk}_0": "1", f"q{q['rank'].pk}_1": "1",
                                   f"q{q['rank'].pk}_2": "2", "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "3 réponses à corriger" in html
    assert "rang différent" in html
    assert 'value="Oui" checked' in html  # what was typed is kept
    response = client.post(page1, {
        f"q{q['used'].pk}": "Oui", f"q{q['how'].pk}": ["En ligne", "En personne"],
        f"q{q['rank'].pk}_0": "2", f"q{q['rank'].pk}_1": "1", f"q{q['rank'].pk}_2": "3",
        f"q{q['scale'].pk}": "4", "action": "next"})
    assert response.status_code == 302 and response["Location"].endswith("/page-2/")
    page2 = response["Location"]
    response = client.post(page2, {f"q{q['age'].pk}": "douze", f"q{q['when'].pk}": "14/05/2026", "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Écrivez un nombre" in html and "AAAA-MM-JJ" in html and 'value="douze"' in html
    upload = SimpleUploadedFile("avis.txt", b"Mon avis", content_type="text/plain")
    response = client.post(page2, {
        f"q{q['grid'].pk}_0": "Élevée", f"q{q['grid'].pk}_1": "Faible", f"q{q['idea'].pk}": "Un tableau de bord public",
        f"q{q['age'].pk}": "3,5", f"q{q['when'].pk}": "2026-05-14", f"q{q['file'].pk}": upload, "action": "next"})
    assert response.status_code == 302 and "/merci/" in response["Location"]
    participation = Participation.objects.get()
    assert participation.submitted_at and participation.user is None
    answers = {a.question_id: a.value for a in Answer.objects.all()}
    assert answers[q["rank"].pk] == ["Participation", "Transparence", "Innovation"]
    assert answers[q["grid"].pk] == {"Données": "Élevée", "Recherche": "Faible"}
    assert answers[q["age"].pk] == 3.5 and answers[q["when"].pk] == "2026-05-14"
    assert Answer.objects.get(question=q["file"]).file.name.endswith(".txt")
    # Once sent, the same browser cannot answer again
    response = client.get(f"/fr/consultations/{survey.slug}/participer/")
    assert response.status_code == 302 and "/merci/" in response["Location"]
    response = client.post(page2, {"action": "next"})
    assert response.status_code == 302 and "/merci/" in response["Location"]
    assert Participation.objects.count() == 1


def test_condition_not_met_drops_question_and_answer(client, survey):
    q = survey.q
    page1 = start(client, survey)
    response = client.post(page1, {f"q{q['used'].pk}": "Non", f"q{q['how'].pk}": "En ligne",
                                   f"q{q['scale'].pk}": "2", "action": "next"})
    assert response.status_code == 302
    assert not Answer.objects.filter(question=q["how"]).exists()


def test_save_and_resume_later_with_link(client, survey):
    q = survey.q
    page1 = start(client, survey)
    response = client.post(page1, {f"q{q['used'].pk}": "Non", "action": "save"})
    assert response.status_code == 200
    html = response.content.decode()
    resume = re.search(r'id="lien-reprise" readonly value="([^"]+)"', html).group(1)
    assert "/questionnaire/" in resume
    other = client.__class__()  # another device, no session
    html = other.get(resume).content.decode()
    assert 'value="Non" checked' in html


def test_honeypot_and_timing_stop_bots(client, survey, settings):
    q = survey.q
    page1 = start(client, survey)
    client.post(page1, {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": "2", "website": "http://spam",
                        "action": "next"})
    assert not Answer.objects.exists()
    settings.CONSULTATIONS_MIN_SECONDS_PER_PAGE = 30
    html = client.get(page1).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', html).group(1)
    response = client.post(page1, {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": "2", "stamp": stamp,
                                   "action": "next"}, follow=True)
    assert "trop vite" in response.content.decode()
    assert not Answer.objects.exists()


def test_signed_in_person_has_one_participation(client, survey, make_user):
    person = make_user()
    client.force_login(person)
    first = start(client, survey)
    client.logout()
    client.force_login(person)
    response = client.get(f"/fr/consultations/{survey.slug}/participer/")
    assert response["Location"] == first
    assert Participation.objects.filter(user=person).count() == 1
    other = make_user()
    client.force_login(other)
    assert client.get(first).status_code == 403


def test_account_required_consultation(client, make_consultation, organizer):
    from ouvert.consultations import services

    c = make_consultation(allow_anonymous=False)
    services.question_create(consultation=c, by=organizer, kind="short_text", label="Un mot")
    services.consultation_publish(consultation=c, by=organizer)
    response = client.post(f"/fr/consultations/{c.slug}/participer/", {"consent": "1"})
    assert response.status_code == 400
    assert "Connectez-vous" in response.content.decode()


def test_closed_consultation_refuses_answers(client, make_consultation, organizer):
    from ouvert.consultations import services

    c = make_consultation(opens=5, closes=30)
    services.question_create(consultation=c, by=organizer, kind="short_text", label="Un mot")
    services.consultation_publish(consultation=c, by=organizer)
    html = client.get(c.get_absolute_url()).content.decode()
    assert "Information" in html and "Le questionnaire n'est pas ouvert" in html
    response = client.post(f"/fr/consultations/{c.slug}/participer/", {"consent": "1"})
    assert response.status_code == 400 and not Participation.objects.exists()


def test_thanks_page_satisfaction_and_demographics_stored_apart(client, make_consultation, organizer):
    from ouvert.consultations import services
    from ouvert.consultations.models import Demographics

    c = make_consultation(ask_demographics=True)
    question = services.question_create(consultation=c, by=organizer, kind="short_text", label="Un mot")
    services.consultation_publish(consultation=c, by=organizer)
    page = start(client, c)
    thanks = client.post(page, {f"q{question.pk}": "vélo", "action": "next"})["Location"]
    html = client.get(thanks).content.decode()
    assert "Questions sociodémographiques (facultatives)" in html
    client.post(thanks, {"form": "demographics", "age_band": "35-54", "region": "06", "gender": ""})
    response = client.post(thanks, {"form": "satisfaction", "satisfaction": "5", "comment": "Écrivez-moi à a@b.ca"})
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.satisfaction == 5 and "a@b.ca" not in participation.satisfaction_comment
    assert Demographics.objects.get().age_band == "35-54"


def test_english_survey(client, survey):
    response = client.post(f"/en/consultations/{survey.slug}/participate/", {"consent": "1"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Page 1 of 2" in html and "Save and continue later" in html and "required" in html


def test_an_english_survey_page_marks_the_questions_as_french(client, survey):
    """The organizer's questions and choices are French: a screen reader on the English page must read
    them as French, and the error summary writes the colon as English does."""
    response = client.post(f"/en/consultations/{survey.slug}/participate/", {"consent": "1"})
    assert response.status_code == 302, response.content
    page1 = response["Location"]
    assert page1.startswith("/en/")
    html = client.get(page1).content.decode()
    assert '<legend><span lang="fr">Déjà participé?</span> <span class="required">(required)</span></legend>' in html
    assert 'lang="fr">Oui</label>' in html
    errors = client.post(page1, {"action": "next"}).content.decode()
    assert re.search(r'<a href="#question-\d+"><span lang="fr">Déjà participé\?</span>: ', errors)
