"""Progress backed by evidence: who may post, what "complete" needs, an immutable history, the
commitment's completion derived from its milestones, independent ratings."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.plans import selectors, services
from ouvert.plans.models import Level, Milestone, ProgressUpdate


def _m(plan, number):
    return Milestone.objects.get(commitment__plan=plan, number=number)


@pytest.mark.django_db
def test_only_editors_of_the_responsible_body_post(plan, contact, coordinator, make_user, make_member, body):
    m2 = _m(plan, "1.2")
    member = make_user("membre@banq.qc.ca")
    make_member(member, body, "member")
    for person in (coordinator, member, make_user("citoyen@exemple.qc.ca")):
        with pytest.raises(PermissionDenied):
            services.progress_post(milestone=m2, text="Fait.", level=Level.LIMITED, by=person)
    update = services.progress_post(milestone=m2, text="Travaux commencés.", level=Level.LIMITED, by=contact)
    assert update.author_label == "Julie Côté" and update.organization == body


@pytest.mark.django_db
def test_complete_needs_public_evidence(plan, contact, public_dataset, sct, coordinator):
    from ouvert.catalog import services as catalog

    m2 = _m(plan, "1.2")
    with pytest.raises(ValidationError) as error:
        services.progress_post(milestone=m2, text="Terminé.", level=Level.COMPLETE, by=contact)
    assert "preuve" in str(error.value.message_dict["evidence_key"]).lower()
    draft = catalog.dataset_create(by=coordinator, organization=sct, title="Brouillon", name="brouillon",
                                   notes="Un jeu de données qui n'est pas encore publié sur la plateforme.")
    for kind, key in (("dataset", draft.name), ("dataset", "inexistant"), ("inconnu", "x")):
        with pytest.raises(ValidationError) as error:
            services.progress_post(milestone=m2, text="Terminé.", level=Level.COMPLETE, evidence_kind=kind,
                                   evidence_key=key, by=contact)
        assert "n'est pas un objet public" in str(error.value.message_dict["evidence_key"])
    update = services.progress_post(milestone=m2, text="Terminé.", level=Level.COMPLETE, evidence_kind="dataset",
                                    evidence_key="tutoriels-donnees", by=contact)
    assert (update.evidence_kind, update.evidence_key) == ("dataset", str(public_dataset.pk))
    assert update.evidence_url == public_dataset.get_absolute_url()
    m2.refresh_from_db()
    assert m2.level == Level.COMPLETE and m2.completed_on is not None


@pytest.mark.django_db
def test_document_evidence_follows_the_plan(make_plan, contact, client, coordinator):
    plan = make_plan(publish=False)
    m2 = _m(plan, "1.2")
    with pytest.raises(ValidationError):
        services.progress_post(milestone=m2, text="Rapport.", level=Level.COMPLETE, by=contact,
                               evidence_file=SimpleUploadedFile("rapport.exe", b"MZ"))
    update = services.progress_post(milestone=m2, text="Rapport déposé.", level=Level.COMPLETE, by=contact,
                                    evidence_file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))
    url = update.evidence_file.url
    assert client.get(url).status_code == 404  # the plan is not published yet
    services.plan_publish(plan=plan, by=coordinator)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_reasons_required_and_history_immutable(plan, contact):
    m2 = _m(plan, "1.2")
    for kwargs in ({"level": Level.NOT_PURSUED}, {"level": Level.LIMITED, "delayed": True}):
        with pytest.raises(ValidationError) as error:
            services.progress_post(milestone=m2, text="Abandon.", by=contact, **kwargs)
        assert "delay_reason" in error.value.message_dict
    first = services.progress_post(milestone=m2, text="Commencé.", level=Level.LIMITED, by=contact)
    first.text = "Réécrit"
    with pytest.raises(ValueError, match="immutable"):
        first.save()
    services.progress_post(milestone=m2, text="Correction : pas encore commencé.", level=Level.NOT_STARTED,
                           by=contact)
    assert list(ProgressUpdate.objects.filter(milestone=m2).values_list("text", flat=True)) == [
        "Correction : pas encore commencé.", "Commencé."]


@pytest.mark.django_db
def test_commitment_completion_derived_from_milestones(plan, contact, coordinator, public_dataset):
    m1, m2 = _m(plan, "1.1"), _m(plan, "1.2")
    view = selectors.tracker(plan=plan)
    assert view.commitments[0].percent == 0 and view.commitments[0].level == Level.NOT_STARTED
    services.progress_post(milestone=m2, text="Fait.", level=Level.COMPLETE, evidence_kind="dataset",
                           evidence_key=str(public_dataset.pk), by=contact)
    services.progress_post(milestone=m1, text="En cours.", level=Level.LIMITED, by=coordinator)
    cv = selectors.tracker(plan=plan).commitments[0]
    assert cv.percent == round(100 * (1 + 1 / 3) / 2, 1) and cv.level == Level.SUBSTANTIAL
    services.progress_post(milestone=m1, text="Abandonné.", level=Level.NOT_PURSUED,
                           delay_reason="Remplacé par le jalon 1.2.", by=coordinator)
    cv = selectors.tracker(plan=plan).commitments[0]
    assert cv.percent == 100 and cv.level == Level.COMPLETE


@pytest.mark.django_db
def test_independent_rating_beside_the_government(plan, make_org, make_user, make_member, coordinator):
    civil = make_org("oqi", kind="civil_society")
    rater = make_user("oqi@exemple.qc.ca", full_name="Mathieu Bélanger")
    make_member(rater, civil, "editor")
    commitment = plan.commitments.get()
    with pytest.raises(PermissionDenied):
        services.rating_record(commitment=commitment, organization=plan.organization, level=Level.LIMITED,
                               text="Selon nous.", by=coordinator)
    services.rating_record(commitment=commitment, organization=civil, level=Level.LIMITED,
                           text="Des tutoriels existent déjà.", by=rater)
    cv = selectors.tracker(plan=plan).commitments[0]
    assert cv.rating is not None and cv.rating.level == Level.LIMITED and cv.rating_differs


@pytest.mark.django_db
def test_reminders_before_and_after_deadline(make_plan, contact, mailoutbox):
    import datetime as dt

    from ouvert.plans.models import PlanStatus

    plan = make_plan(deadline=dt.date(2026, 6, 30))
    assert plan.status == PlanStatus.ACTIVE
    assert services.reminders_send(today=dt.date(2026, 5, 1)) == 0
    assert services.reminders_send(today=dt.date(2026, 6, 20)) == 1  # only the body with a contact
    assert mailoutbox[-1].to == ["repondante@banq.qc.ca"] and "1.2" in mailoutbox[-1].subject
    assert services.reminders_send(today=dt.date(2026, 6, 25)) == 0  # once
    assert services.reminders_send(today=dt.date(2026, 7, 2)) == 1
    assert "dépassée" in mailoutbox[-1].subject
    assert services.reminders_send(today=dt.date(2026, 7, 3)) == 0
    view = selectors.tracker(plan=plan, today=dt.date(2026, 7, 2))
    assert view.late_count == 2
