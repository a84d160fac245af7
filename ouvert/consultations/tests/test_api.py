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


def _statements(queries) -> list[tuple[str, str]]:
    """(verb, table) of each captured statement, savepoints of the test's transaction left out."""
    import re

    shown = []
    for item in queries.captured_queries:
        sql = item["sql"]
        verb = sql.split(None, 1)[0].upper()
        if verb in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"):
            continue
        match = re.search(r'(?:FROM|INTO|UPDATE) "?(\w+)"?', sql)
        shown.append((verb, match.group(1) if match else ""))
    return shown


def test_a_submission_stays_within_its_statement_budget(client, survey, make_user, make_token,
                                                        django_capture_on_commit_callbacks):
    """The query budget of one API submission once its survey is kept by the process: the token, the
    consultation's row, the participation, every answer and the audit entry; the receipt is not
    rendered in the request but by a task queued after the commit."""
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    q = survey.q
    url = f"/api/v1/consultations/{survey.slug}/responses"
    answers = {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 2, f"q{q['short'].pk}": "trottoirs"}
    first, second = make_user(), make_user()
    for person in (first, second):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(person)}"}
        with django_capture_on_commit_callbacks(execute=False) as callbacks, \
                CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"answers": answers, "consent": True}, content_type="application/json",
                                   **headers)
        assert response.status_code == 201, response.content
        assert not [m for m in mail.outbox if person.email in m.to]  # nothing sent inside the request
        for callback in callbacks:
            callback()
        assert [m.to for m in mail.outbox if person.email in m.to] == [[person.email]]
        assert ": 3 réponses." in mail.outbox[-1].body
    assert _statements(queries) == [
        ("SELECT", "core_apitoken"), ("UPDATE", "core_apitoken"),  # first use of the token is recorded
        ("SELECT", "consultations_consultation"),
        ("INSERT", "consultations_participation"), ("INSERT", "consultations_answer"),
        ("INSERT", "core_auditentry"),
    ], [item["sql"][:120] for item in queries.captured_queries]


def test_the_kept_survey_follows_every_change_of_its_questions(survey, organizer, client, make_user, make_token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouvert.consultations.models import Answer, Consultation
    from ouvert.consultations.selectors import survey_plan

    def fresh() -> Consultation:  # as another request (or process) reads it
        return Consultation.objects.get(pk=survey.pk)

    plan = survey_plan(consultation=fresh())
    with CaptureQueriesContext(connection) as queries:
        assert survey_plan(consultation=fresh()) is plan  # kept: only the consultation's row is read
    assert len(queries.captured_queries) == 1
    added = services.question_create(consultation=survey, by=organizer, kind="single", label="Quartier?",
                                     choices=["Nord", "Sud"], required=True)
    assert {x.pk for x in survey_plan(consultation=fresh()).questions} == {x.pk for x in plan.questions} | {added.pk}
    services.question_update(question=added, by=organizer, label="Votre quartier?", choices=["Nord", "Sud", "Est"])
    kept = next(x for x in survey_plan(consultation=fresh()).questions if x.pk == added.pk)
    assert kept.label == "Votre quartier?" and kept.choices == ["Nord", "Sud", "Est"]
    url = f"/api/v1/consultations/{survey.slug}/responses"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(make_user())}"}
    q = survey.q
    payload = {"answers": {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 3}, "consent": True}
    response = client.post(url, payload, content_type="application/json", **headers)
    assert response.status_code == 422 and f"q{added.pk}" in response.json()["detail"]  # the new required one
    payload["answers"][f"q{added.pk}"] = "Est"  # a choice that only the updated question offers
    response = client.post(url, payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    assert Answer.objects.get(question=added).value == "Est"
    services.question_delete(question=q["file"], by=organizer)  # no answers yet: it may still go
    assert q["file"].pk not in {x.pk for x in survey_plan(consultation=fresh()).questions}


def test_a_draft_from_the_web_form_is_completed_by_a_whole_submission(survey, make_user,
                                                                      django_capture_on_commit_callbacks):
    from django.core import mail

    from ouvert.consultations.models import Answer

    q = survey.q
    person = make_user()
    draft = services.participation_start(consultation=survey, user=person, consent=True)
    services.participation_save_page(participation=draft, page=1, draft=True,
                                     data={f"q{q['used'].pk}": "Oui", f"q{q['how'].pk}": ["En ligne"]})
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.participation_submit_all(consultation=survey, user=person, consent=True, answers={
            f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 5})
    assert sent.pk == draft.pk and Participation.objects.filter(user=person).count() == 1
    assert dict(Answer.objects.filter(participation=draft).values_list("question_id", "value")) == {
        q["used"].pk: "Non", q["scale"].pk: 5}  # the conditional answer, no longer shown, is not kept
    assert [m.to for m in mail.outbox] == [[person.email]] and ": 2 réponses." in mail.outbox[0].body
    with pytest.raises(Exception, match="déjà répondu"):
        services.participation_submit_all(consultation=survey, user=person, consent=True, answers={
            f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 5})
    with pytest.raises(Exception, match="déjà répondu"):  # even with a wrong answer: already sent comes first
        services.participation_submit_all(consultation=survey, user=person, consent=True, answers={
            f"q{q['used'].pk}": "Peut-être"})


def test_answers_written_in_several_statements_on_sqlite_are_all_kept(survey, monkeypatch):
    from ouvert.consultations import rows
    from ouvert.consultations.models import Answer

    monkeypatch.setattr(rows, "SQLITE_ROWS_PER_INSERT", 2)
    q = survey.q
    answers = {f"q{q['used'].pk}": "Oui", f"q{q['how'].pk}": ["En ligne", "En personne"], f"q{q['scale'].pk}": 1,
               f"q{q['grid'].pk}": {"Données": "Faible"}, f"q{q['idea'].pk}": "Des données « ouvertes »",
               f"q{q['age'].pk}": "3,5", f"q{q['when'].pk}": "2026-05-14"}
    sent = services.participation_submit_all(consultation=survey, user=None, answers=answers, consent=True)
    stored = {a.question_id: (a.value, a.text) for a in Answer.objects.filter(participation=sent)}
    assert stored == {q["used"].pk: ("Oui", ""), q["how"].pk: (["En ligne", "En personne"], ""),
                      q["scale"].pk: (1, ""), q["grid"].pk: ({"Données": "Faible"}, ""),
                      q["idea"].pk: ("Des données « ouvertes »", "Des données « ouvertes »"),
                      q["age"].pk: (3.5, ""), q["when"].pk: ("2026-05-14", "")}
