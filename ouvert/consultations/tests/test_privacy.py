"""Participants' privacy and the robustness of participation: who sees whom, what exports contain,
auto-hiding by reports, hidden content, anti-bot stamps."""

import csv
import datetime as dt
import importlib
import io
import re
import time

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouvert.consultations import services
from ouvert.consultations.exports import consultation_open_data_export
from ouvert.consultations.models import Answer, Proposal
from ouvert.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ESTABLISHED = {"date_joined": timezone.now() - dt.timedelta(days=30)}


@pytest.fixture
def open_c(make_consultation, organizer):
    c = make_consultation(has_survey=False)
    services.consultation_publish(consultation=c, by=organizer)
    return c


@pytest.fixture
def org_admin(make_user, make_member, org):
    user = make_user("admin.org@exemple.qc.ca")
    make_member(user, org, "admin")
    return user


def _answers(survey, **extra):
    q = survey.q
    return {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 3, **extra}


# Finding 3: the organization cannot tie a respondent to their answers -----------------------------


def test_org_admins_cannot_tie_a_respondent_to_their_answers(client, survey, make_user, org_admin, organizer,
                                                             site_admin):
    respondent = make_user("repondante@exemple.qc.ca")
    idea = survey.q["idea"]
    services.participation_submit_all(consultation=survey, user=respondent, consent=True,
                                      answers=_answers(survey, **{f"q{idea.pk}": "Mon idée à moi"}))
    proposal = services.proposal_create(consultation=survey, by=respondent, title="Idée", body="Texte")
    services.proposal_support(proposal=proposal, by=make_user("appui@exemple.qc.ca"))
    client.force_login(org_admin)
    log = client.get("/fr/journal/").content.decode()
    assert "consultation.create" in log  # the organization's own work is there
    assert "repondante@" not in log and "appui@" not in log
    from ouvert.core.selectors import audit_list

    seen = set(audit_list(viewer=org_admin).values_list("action", flat=True))
    assert "consultation.create" in seen
    assert not seen & {"consultation.participation_submit", "consultation.proposal_create",
                       "consultation.proposal_support"}
    # The answers export has the day, never a time that could be joined to anything.
    client.force_login(organizer)
    rows = list(csv.reader(io.StringIO(client.get(
        f"/fr/consultations/{survey.slug}/resultats/export.csv").content.decode("utf-8-sig"))))
    assert rows[0][2] == "envoyé le"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[1][2])
    assert "repondante" not in str(rows)
    api = client.get(f"/api/v1/consultations/{survey.slug}/responses",
                     HTTP_AUTHORIZATION=services_token(organizer)).json()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", api["rows"][0][2])
    # Site administrators still see who did what.
    client.force_login(site_admin)
    assert "repondante@exemple.qc.ca" in client.get("/fr/journal/", {"action": "consultation."}).content.decode()


def services_token(user) -> str:
    from ouvert.core.services import token_create

    return token_create(user=user, by=user, name="test")[1]


def test_existing_participant_entries_leave_the_organization(survey, make_user, org):
    migration = importlib.import_module(
        "ouvert.consultations.migrations.0002_participant_audit_without_organization")
    entry = AuditEntry.objects.create(actor_label="x@exemple.qc.ca", action="consultation.participation_submit",
                                      object_type="consultations.participation", object_id="1", organization=org)
    kept = AuditEntry.objects.create(actor_label="o@exemple.qc.ca", action="consultation.update",
                                     object_type="consultations.consultation", object_id="1", organization=org)
    from django.apps import apps

    migration.detach(apps, None)
    entry.refresh_from_db()
    kept.refresh_from_db()
    assert entry.organization is None and kept.organization == org


# Finding 4: the open-data export -----------------------------------------------------------------


def test_open_data_export_coarsens_and_carries_no_personal_data(survey, make_user, settings):
    from ouvert.consultations.models import Consultation

    settings.CONSULTATIONS_OPEN_DATA_MIN_GROUP = 2
    Consultation.objects.filter(pk=survey.pk).update(ask_demographics=True)
    survey.refresh_from_db()
    q = survey.q
    people = [make_user(f"p{n}@exemple.qc.ca", full_name=f"Personne Nommée {n}") for n in range(3)]
    given = [(37, "1984-05-12", "35-54", "06"), (41, "1990-01-02", "35-54", "06"), (62, "1961-07-30", "55-74", "09")]
    for person, (number, date, age, region) in zip(people, given, strict=True):
        services.participation_submit_all(
            consultation=survey, user=person, consent=True, demographics={"age_band": age, "region": region},
            answers=_answers(survey, **{f"q{q['age'].pk}": number, f"q{q['when'].pk}": date,
                                        f"q{q['idea'].pk}": f"Écrivez-moi à p{number}@exemple.qc.ca",
                                        f"q{q['short'].pk}": "H2X 1Y4"}))
    package = consultation_open_data_export(consultation=survey)
    content = package["files"][0]["content"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    assert "@" not in content and "Nommée" not in content and "H2X" not in content
    assert all(str(p.pk) not in row[1:3] for p in people for row in body)
    assert [row[0] for row in body] == ["1", "2", "3"]
    assert {row[2] for row in body} == {timezone.localdate().isoformat()}  # the day, no time
    numbers = {row[header.index("Nombre")] for row in body}
    assert numbers == {"30–39", "40–49", "60–69"}
    assert {row[header.index("Date")] for row in body} == {"1984", "1990", "1961"}
    groups = sorted((row[header.index("groupe d'âge")], row[header.index("région")]) for row in body)
    assert groups == [("35-54", "06"), ("35-54", "06"), ("masqué", "masqué")]  # alone in its group
    assert "masqués" in package["metadata"]["description"]


def test_number_ranges():
    from ouvert.consultations.selectors import _number_range

    assert [_number_range(v) for v in ("7", "37", "37.5", "100", "55230", "-3", "x", "nan")] == [
        "0–9", "30–39", "30–39", "100–199", "50000–59999", "-10–-1", "", ""]


# Finding 5: auto-hide counts established accounts once --------------------------------------------


def test_fresh_accounts_cannot_auto_hide(open_c, make_user, settings):
    settings.CONSULTATIONS_AUTO_HIDE_REPORTS = 3
    settings.CONSULTATIONS_REPORT_MIN_ACCOUNT_DAYS = 7
    proposal = services.proposal_create(consultation=open_c, by=make_user(), title="Critique", body="Gênante")
    for _ in range(3):  # three fresh accounts
        services.content_report(kind="proposal", pk=proposal.pk, by=make_user(), reason="Spam")
    unconfirmed = make_user(email_verified_at=None, **ESTABLISHED)
    inactive = make_user(is_active=False, **ESTABLISHED)
    for person in (unconfirmed, inactive):
        services.content_report(kind="proposal", pk=proposal.pk, by=person, reason="Spam")
    old = make_user(**ESTABLISHED)
    services.content_report(kind="proposal", pk=proposal.pk, by=old, reason="Spam")
    assert services.content_report(kind="proposal", pk=proposal.pk, by=old, reason="Encore") is False
    proposal.refresh_from_db()
    assert not proposal.hidden and proposal.report_count == 6  # all reach the moderators' queue
    for _ in range(2):
        services.content_report(kind="proposal", pk=proposal.pk, by=make_user(**ESTABLISHED), reason="Spam")
    proposal.refresh_from_db()
    assert proposal.hidden and "3 signalements" in proposal.moderation_reason


# Finding 6: hidden content is hidden everywhere but to moderators --------------------------------


def test_hidden_content_is_hidden_on_every_page_but_to_moderators(client, open_c, make_user, organizer):
    author = make_user()
    proposal = services.proposal_create(consultation=open_c, by=author, title="Titre masqué", body="Corps masqué")
    comment = services.comment_create(consultation=open_c, by=author, body="Texte du commentaire retiré")
    for kind, pk in (("proposal", proposal.pk), ("comment", comment.pk)):
        services.content_moderate(kind=kind, pk=pk, by=organizer, hide=True, reason="Hors sujet")
    stranger = make_user()
    client.force_login(stranger)
    for url in (f"/fr/consultations/signaler/proposal/{proposal.pk}/",
                f"/fr/consultations/signaler/comment/{comment.pk}/",
                f"/fr/consultations/{open_c.slug}/propositions/{proposal.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/fr/consultations/signaler/proposal/{proposal.pk}/", {"reason": "x"}).status_code == 404
    assert client.post(f"/fr/consultations/{open_c.slug}/propositions/{proposal.pk}/appuyer/").status_code == 404
    assert client.post(f"/fr/consultations/{open_c.slug}/commentaires/",
                       {"proposal": proposal.pk, "body": "Réponse"}).status_code == 404
    assert client.post(f"/fr/consultations/{open_c.slug}/commentaires/",
                       {"parent": comment.pk, "body": "Réponse"}).status_code == 404
    with pytest.raises(PermissionDenied):  # the service checks too
        services.content_report(kind="proposal", pk=proposal.pk, by=stranger, reason="x")
    pages = [client.get(f"/fr/consultations/{open_c.slug}/").content.decode(),
             client.get(f"/fr/consultations/{open_c.slug}/propositions/").content.decode(),
             client.get("/fr/consultations/fil.atom").content.decode()]
    for text in ("Titre masqué", "Corps masqué", "Texte du commentaire retiré"):
        assert not any(text in p for p in pages), text
    client.logout()
    assert client.get(f"/fr/consultations/{open_c.slug}/propositions/{proposal.pk}/").status_code == 404
    # The author sees their own, with the reason; moderators see it and may review it.
    client.force_login(author)
    assert "Hors sujet" in client.get(f"/fr/consultations/{open_c.slug}/propositions/{proposal.pk}/").content.decode()
    assert client.get(f"/fr/consultations/signaler/proposal/{proposal.pk}/").status_code == 404
    client.force_login(organizer)
    assert "Titre masqué" in client.get(f"/fr/consultations/signaler/proposal/{proposal.pk}/").content.decode()
    assert Proposal.objects.get(pk=proposal.pk).hidden


def test_report_page_of_an_unpublished_consultation_is_not_found(client, make_consultation, make_user, organizer):
    draft = make_consultation()
    proposal = Proposal.objects.create(consultation=draft, author=organizer, title="Brouillon", body="Texte")
    client.force_login(make_user())
    assert client.get(f"/fr/consultations/signaler/proposal/{proposal.pk}/").status_code == 404
    assert client.get("/fr/consultations/signaler/nothing/1/").status_code == 404


# Finding 7: anti-bot stamps are single-use --------------------------------------------------------


def _page_and_token(client, survey) -> tuple[str, str]:
    response = client.post(f"/fr/consultations/{survey.slug}/participer/", {"consent": "1"})
    url = response["Location"]
    match = re.search(r"/questionnaire/([^/]+)/page-", url)
    assert match is not None, url
    return url, match.group(1)


def _stamp(token: str, page: int = 1, *, age: float = 10, nonce: str = "n1") -> str:
    from ouvert.consultations.views import STAMP_SALT

    return signing.dumps({"t": time.time() - age, "n": nonce, "p": f"{token}:{page}"}, salt=STAMP_SALT)


def test_anti_bot_stamps_are_single_use_and_bound_to_their_page(client, survey, settings):
    settings.CONSULTATIONS_MIN_SECONDS_PER_PAGE = 2
    q = survey.q
    page1, token = _page_and_token(client, survey)
    html = client.get(page1).content.decode()
    assert re.search(r'name="stamp" value="([^"]+)"', html)
    stamp = _stamp(token)
    data = {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": "2", "action": "next", "stamp": stamp}
    assert client.post(page1, data).status_code == 302
    replay = client.post(page1, {**data, f"q{q['scale'].pk}": "5"}, follow=True)
    assert "déjà été envoyée" in replay.content.decode()
    assert Answer.objects.get(question=q["scale"]).value == 2  # the replay stored nothing
    # Fresh but too fast: refused, and the minimum time is kept.
    too_fast = client.post(page1, {**data, "stamp": _stamp(token, age=0.5, nonce="n2")}, follow=True)
    assert "trop vite" in too_fast.content.decode()
    # Forged, for another page, or for another participation: refused.
    other = client.__class__()
    page1_other, token_other = _page_and_token(other, survey)
    for bad in ("forgé", _stamp(token, page=2, nonce="n3"), _stamp(token_other, nonce="n4")):
        response = client.post(page1, {**data, "stamp": bad, f"q{q['scale'].pk}": "4"}, follow=True)
        assert "déjà été envoyée" in response.content.decode()
    assert Answer.objects.get(question=q["scale"]).value == 2
    # A good fresh stamp works.
    assert client.post(page1, {**data, "stamp": _stamp(token, nonce="n5"), f"q{q['scale'].pk}": "4"}
                       ).status_code == 302
    assert Answer.objects.get(question=q["scale"]).value == 4
