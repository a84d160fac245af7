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
