"""The web forms of those who run plans: create and edit a plan, its challenges, commitments and
milestones; create an indicator (version 1 of its methodology) and a new version (a new series);
the committee's members, meetings and minutes. Every write is audited; outsiders are refused;
bad input comes back as a 400 with a message saying what to fix."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest

from ouvert.core.models import AuditEntry
from ouvert.plans.models import Challenge, Commitment, Committee, Indicator, Meeting, Milestone, Plan

pytestmark = pytest.mark.django_db


def _actions(obj) -> list[str]:
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .order_by("id").values_list("action", flat=True))


def test_coordinator_creates_a_plan_then_edits_and_publishes_it(client, coordinator, sct):
    client.force_login(coordinator)
    page = client.get("/fr/plans-action/")
    assert "/fr/plans-action/nouveau/" in unescape(page.content.decode())
    bad = client.post("/fr/plans-action/nouveau/", {
        "organization": sct.pk, "slug": "2024-2026", "title": "Plan 2024-2026", "period_start": "2024-06-01",
        "period_end": "2024-01-01", "status": "draft"})
    assert bad.status_code == 400
    assert "La fin de la période précède son début" in unescape(bad.content.decode())
    assert not Plan.objects.exists()
    response = client.post("/fr/plans-action/nouveau/", {
        "organization": sct.pk, "slug": "2024-2026", "title": "Plan 2024-2026", "period_start": "2024-06-01",
        "period_end": "2026-05-31", "status": "draft", "ogp_values": ["transparency", "participation"]})
    plan = Plan.objects.get(slug="2024-2026")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.organization == sct and plan.ogp_values == ["transparency", "participation"]
    assert plan.published_at is None
    again = client.post("/fr/plans-action/nouveau/", {
        "organization": sct.pk, "slug": "2024-2026", "title": "Autre", "period_start": "2024-06-01",
        "period_end": "2026-05-31", "status": "draft"})
    assert again.status_code == 400 and "déjà l'identifiant « 2024-2026 »" in unescape(again.content.decode())
    edit = client.post("/fr/plans-action/2024-2026/modifier/", {
        "title": "Plan d'action 2024-2026", "summary": "Quatre engagements.", "period_start": "2024-06-01",
        "period_end": "2026-05-31", "status": "active", "ogp_values": ["transparency"]})
    assert edit.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.ogp_values) == ("Plan d'action 2024-2026", "active", ["transparency"])
    entry = AuditEntry.objects.get(action="plan.update", object_id=str(plan.pk))
    assert entry.changes["title"] == ["Plan 2024-2026", "Plan d'action 2024-2026"]
    assert client.post("/fr/plans-action/2024-2026/modifier/", {"action": "publish"}).status_code == 302
    plan.refresh_from_db()
    assert plan.published_at is not None
    assert _actions(plan) == ["plan.create", "plan.update", "plan.publish"]


def test_plan_forms_refuse_outsiders(client, plan, make_user, contact):
    outsider = make_user("citoyen@exemple.qc.ca")
    for person in (outsider, contact):  # contact edits another body, not the coordinating one
        client.force_login(person)
        for path in (f"/fr/plans-action/{plan.slug}/modifier/", f"/fr/plans-action/{plan.slug}/defis/nouveau/",
                     f"/fr/plans-action/{plan.slug}/engagements/nouveau/"):
            assert client.get(path).status_code == 403, (person, path)
            assert client.post(path, {"title": "x"}).status_code == 403, (person, path)
    client.force_login(outsider)
    assert client.get("/fr/plans-action/nouveau/").status_code == 403
    client.logout()
    response = client.get(f"/fr/plans-action/{plan.slug}/modifier/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_challenges_commitments_and_milestones_through_the_forms(client, plan, coordinator, sct, body, contact):
    client.force_login(coordinator)
    base = f"/fr/plans-action/{plan.slug}/"
    assert client.post(base + "defis/nouveau/", {"number": 1, "title": "Doublon"}).status_code == 400
    assert client.post(base + "defis/nouveau/", {"number": 2, "title": "Participation citoyenne"}).status_code == 302
    challenge = Challenge.objects.get(plan=plan, number=2)
    missing = client.post(base + "engagements/nouveau/", {"external_id": "c2", "number": "2"})
    assert missing.status_code == 400
    text = unescape(missing.content.decode())
    assert 'href="#id_title"' in text and 'href="#id_lead_body"' in text  # the summary links to each field
    response = client.post(base + "engagements/nouveau/", {
        "external_id": "c2", "number": "2", "title": "Consulter en ligne", "challenge": challenge.pk,
        "lead_body": sct.pk, "supporting_bodies": [body.pk], "start": "2022-01-01", "end": "2023-03-31",
        "problem": "Peu de consultations en ligne."})
    commitment = Commitment.objects.get(plan=plan, external_id="c2")
    assert response.status_code == 302 and response["Location"] == commitment.get_absolute_url()
    assert list(commitment.supporting_bodies.all()) == [body] and commitment.challenge == challenge
    page = unescape(client.get(commitment.get_absolute_url()).content.decode())
    assert f"engagements/{commitment.pk}/modifier/" in page and f"engagements/{commitment.pk}/jalons/nouveau/" in page
    edit = client.post(base + f"engagements/{commitment.pk}/modifier/", {
        "external_id": "ignored", "number": "2", "title": "Consulter en ligne davantage", "lead_body": sct.pk,
        "start": "2022-01-01", "end": "2021-01-01"})
    assert edit.status_code == 400 and "La fin précède le début" in unescape(edit.content.decode())
    edit = client.post(base + f"engagements/{commitment.pk}/modifier/", {
        "external_id": "ignored", "number": "2", "title": "Consulter en ligne davantage", "lead_body": sct.pk,
        "start": "2022-01-01", "end": "2023-03-31"})
    commitment.refresh_from_db()
    assert edit.status_code == 302 and commitment.title == "Consulter en ligne davantage"
    assert commitment.external_id == "c2"  # the external id (the CSV's key) does not change
    assert not commitment.supporting_bodies.exists()
    assert _actions(commitment) == ["plan.commitment_create", "plan.commitment_update"]
    new = client.post(base + f"engagements/{commitment.pk}/jalons/nouveau/", {
        "external_id": "c2-m1", "number": "2.1", "description": "Ouvrir une plateforme de consultation",
        "responsible_body": body.pk, "collaborators": [sct.pk], "start": "2022-02-01", "deadline": "2022-12-31",
        "deliverable": "La plateforme en ligne"})
    assert new.status_code == 302
    milestone = Milestone.objects.get(commitment=commitment, external_id="c2-m1")
    assert milestone.responsible_body == body and list(milestone.collaborators.all()) == [sct]
    late = client.post(base + f"jalons/{milestone.pk}/modifier/", {
        "number": "2.1", "description": "Ouvrir une plateforme", "responsible_body": body.pk,
        "start": "2022-02-01", "deadline": "2022-01-01"})
    assert late.status_code == 400 and "L'échéance précède le début" in unescape(late.content.decode())
    edit = client.post(base + f"jalons/{milestone.pk}/modifier/", {
        "number": "2.1", "description": "Ouvrir une plateforme", "responsible_body": body.pk,
        "deadline": "2023-01-31"})
    milestone.refresh_from_db()
    assert edit.status_code == 302 and milestone.deadline == dt.date(2023, 1, 31) and milestone.level == "not_started"
    assert _actions(milestone) == ["plan.milestone_create", "plan.milestone_update"]
    client.force_login(contact)  # the responsible body posts progress, but does not edit the plan
    assert client.get(base + f"jalons/{milestone.pk}/modifier/").status_code == 403


def test_indicator_and_new_methodology_version_through_the_forms(client, coordinator, sct, make_user):
    client.force_login(coordinator)
    page = unescape(client.get("/fr/plans-action/barometre/").content.decode())
    assert "/fr/plans-action/barometre/nouvel-indicateur/" in page
    bad = client.post("/fr/plans-action/barometre/nouvel-indicateur/", {
        "organization": sct.pk, "key": "Pas une clé", "title": "Consultations", "unit": "%", "target": "beaucoup",
        "target_date": "2026-03-31", "definition": "Part."})
    assert bad.status_code == 400
    assert 'href="#id_key"' in unescape(bad.content.decode()) and 'href="#id_target"' in unescape(bad.content.decode())
    response = client.post("/fr/plans-action/barometre/nouvel-indicateur/", {
        "organization": sct.pk, "key": "jalons-completes", "title": "Jalons complétés", "unit": "%",
        "target": "100", "target_date": "2026-03-31", "baseline": "0", "baseline_date": "2024-01-01",
        "definition": "Part des jalons complétés.", "measure": "plans.milestones_complete"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(key="jalons-completes")
    assert [(v.version, v.measure) for v in indicator.versions.all()] == [(1, "plans.milestones_complete")]
    again = client.post("/fr/plans-action/barometre/nouvel-indicateur/", {
        "organization": sct.pk, "key": "jalons-completes", "title": "x", "unit": "%", "target": "1",
        "target_date": "2026-03-31", "definition": "x"})
    assert again.status_code == 400 and "déjà l'identifiant" in unescape(again.content.decode())
    client.post("/fr/plans-action/barometre/jalons-completes/gerer/", {
        "action": "method", "method-definition": "Part des jalons complétés, abandonnés exclus.",
        "method-measure": "plans.milestones_complete", "method-source": "Guide 2025"})
    assert sorted(indicator.versions.values_list("version", flat=True)) == [1, 2]
    barometer = unescape(client.get("/fr/plans-action/barometre/").content.decode())
    assert "Part des jalons complétés, abandonnés exclus." in barometer
    client.force_login(make_user("citoyen@exemple.qc.ca"))
    assert client.get("/fr/plans-action/barometre/nouvel-indicateur/").status_code == 403


def test_committee_members_meetings_and_minutes_through_the_forms(client, coordinator, sct, make_org, contact):
    from ouvert.plans import services

    committee = services.committee_create(organization=sct, slug="comite", name="Comité", by=coordinator)
    civil = make_org("oqi", kind="civil_society", name_fr="Observatoire québécois de l'information")
    client.force_login(coordinator)
    page = unescape(client.get("/fr/plans-action/comite/comite/").content.decode())
    assert "membres/ajouter/" in page and "rencontres/nouvelle/" in page
    bad = client.post("/fr/plans-action/comite/comite/membres/ajouter/", {
        "organization": civil.pk, "sector": "civil_society", "term_start": "2024-01-01", "term_end": "2023-01-01"})
    assert bad.status_code == 400 and "La fin du mandat précède son début" in unescape(bad.content.decode())
    assert client.post("/fr/plans-action/comite/comite/membres/ajouter/", {
        "organization": civil.pk, "sector": "civil_society", "representative": "Marie Roy",
        "term_start": "2024-01-01", "term_end": "2026-01-01"}).status_code == 302
    assert committee.members.get().representative == "Marie Roy"
    assert client.post("/fr/plans-action/comite/comite/rencontres/nouvelle/", {
        "held_on": "2024-03-01", "title": "Première rencontre", "agenda": ""}).status_code == 400
    response = client.post("/fr/plans-action/comite/comite/rencontres/nouvelle/", {
        "held_on": "2024-03-01", "title": "Première rencontre", "agenda": "1. Mandat\n2. Plan 2024-2026"})
    meeting = Meeting.objects.get(committee=committee)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert "compte-rendu/" in unescape(client.get(meeting.get_absolute_url()).content.decode())
    minutes = f"/fr/plans-action/comite/comite/rencontres/{meeting.pk}/compte-rendu/"
    assert client.post(minutes, {"minutes": "   "}).status_code == 400
    assert client.post(minutes, {"minutes": "Le mandat est adopté."}).status_code == 302
    client.logout()
    assert "Le mandat est adopté." in unescape(client.get(meeting.get_absolute_url()).content.decode())
    assert _actions(meeting) == ["plan.meeting_announce", "plan.minutes_publish"]
    client.force_login(contact)
    for path in ("/fr/plans-action/comite/comite/membres/ajouter/", "/fr/plans-action/comite/comite/rencontres/nouvelle/",
                 minutes):
        assert client.get(path).status_code == 403, path
    assert Committee.objects.count() == 1


def test_english_addresses_of_the_forms(client, plan, coordinator):
    client.force_login(coordinator)
    commitment = plan.commitments.get()
    for path in ("/en/action-plans/new/", f"/en/action-plans/{plan.slug}/edit/",
                 f"/en/action-plans/{plan.slug}/challenges/new/", f"/en/action-plans/{plan.slug}/commitments/new/",
                 f"/en/action-plans/{plan.slug}/commitments/{commitment.pk}/edit/",
                 f"/en/action-plans/{plan.slug}/commitments/{commitment.pk}/milestones/new/",
                 "/en/action-plans/barometer/new-indicator/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="en"' in unescape(response.content.decode())
