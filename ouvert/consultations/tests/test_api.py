"""The native API: list, show, filter; answer with a token; organizers read results with a token."""

import pytest

from ouvert.consultations import services
from ouvert.consultations.models import Participation

pytestmark = pytest.mark.django_db


def test_list_show_filter_and_questions(client, survey):
    data = client.get("/api/v1/consultations", {"status": "open", "organization": "sct"}).json()
    assert data["count"] == 1 and data["results"][0]["phase"] == "participation"
    assert client.get("/api/v1/consultations", {"status": "closed"}).json()["count"] == 0
    detail = client.get(f"/api/v1/consultations/{survey.slug}").json()
    assert "<script>" not in detail["body_html"] and detail["organization"] == "sct"
    questions = client.get(f"/api/v1/consultations/{survey.slug}/questions").json()
    assert questions[0]["field"].startswith("q") and questions[1]["condition_question"] == questions[0]["id"]
    assert client.get("/api/v1/consultations/inconnue").status_code == 404


def test_participant_answers_once_with_token(client, survey, make_user, make_token):
    q = survey.q
    person = make_user()
    token = make_token(person)
    url = f"/api/v1/consultations/{survey.slug}/responses"
    payload = {"answers": {f"q{q['used'].pk}": "Oui", f"q{q['scale'].pk}": 9}, "consent": True}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(url, payload, content_type="application/json", **headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert f"q{q['scale'].pk}" in detail and f"q{q['how'].pk}" in detail  # scale out of range; conditional required
    payload["answers"].update({f"q{q['scale'].pk}": 4, f"q{q['how'].pk}": ["En ligne"]})
    response = client.post(url, payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    response = client.post(url, payload, content_type="application/json", **headers)
    assert response.status_code == 422
    assert Participation.objects.filter(user=person, submitted_at__isnull=False).count() == 1


def test_organizer_reads_results_with_token(client, survey, organizer, make_user, make_token):
    q = survey.q
    services.participation_submit_all(consultation=survey, user=None, consent=True,
                                      answers={f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 3})
    url = f"/api/v1/consultations/{survey.slug}/results"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {make_token(make_user())}").status_code == 403
    data = client.get(url, HTTP_AUTHORIZATION=f"Bearer {make_token(organizer)}").json()
    assert data["participants"] == 1
    used = next(item for item in data["questions"] if item["id"] == q["used"].pk)
    assert used["bars"][1] == {"label": "Non", "count": 1, "percent": 100.0}
    rows = client.get(f"/api/v1/consultations/{survey.slug}/responses",
                      HTTP_AUTHORIZATION=f"Bearer {make_token(organizer)}").json()
    assert len(rows["rows"]) == 1 and "Déjà participé?" in rows["columns"]
    assert client.get("/api/v1/consultations/metrics").json()["participants"] == 1


def test_a_whole_submission_is_written_in_one_pass_and_stored_once(client, survey, make_user, make_token,
                                                                     django_capture_on_commit_callbacks):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouvert.consultations.models import Answer

    q = survey.q
    person = make_user()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(person)}"}
    url = f"/api/v1/consultations/{survey.slug}/responses"
    answers = {f"q{q['used'].pk}": "Oui", f"q{q['how'].pk}": ["En ligne"], f"q{q['scale'].pk}": 4,
               f"q{q['rank'].pk}": ["Innovation", "Transparence", "Participation"],
               f"q{q['grid'].pk}": {"Données": "Élevée", "Recherche": "Faible"}, f"q{q['short'].pk}": "vélo"}
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"answers": answers, "consent": True}, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    sql = [item["sql"] for item in queries.captured_queries]
    answer_table = Answer._meta.db_table
    assert sum(s.startswith("SELECT") and f'FROM "{answer_table}"' in s for s in sql) == 0  # nothing read back
    assert sum("FOR UPDATE" in s for s in sql) == 0  # created in this transaction: nobody else sees it yet
    assert sum(s.startswith("INSERT") and answer_table in s for s in sql) == 1  # every answer in one INSERT
    stored = dict(Answer.objects.filter(participation__user=person).values_list("question_id", "value"))
    assert stored == {int(k[1:]): v for k, v in answers.items()}
    receipt = [m for m in mail.outbox if person.email in m.to]
    assert len(receipt) == 1 and ": 6 réponses." in receipt[0].body  # the receipt counts the six answers kept
    again = client.post(url, {"answers": answers, "consent": True}, content_type="application/json", **headers)
    assert again.status_code == 422
    assert Participation.objects.filter(user=person, submitted_at__isnull=False).count() == 1
    assert Answer.objects.filter(participation__user=person).count() == 6
