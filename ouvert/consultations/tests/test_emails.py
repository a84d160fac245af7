"""Confirmation e-mails: survey receipts, meeting registrations and moderation decisions, each in
the person's language, with links to the served site."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ouvert.consultations import services

pytestmark = pytest.mark.django_db


def test_receipt_registration_and_moderation_mails_in_each_persons_language(
        survey, organizer, make_user, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8123"
    lea = make_user("lea@exemple.qc.ca")
    john = make_user("john@example.org", preferred_language="en")
    q = survey.q
    answers = {f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 4}
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_submit_all(consultation=survey, user=lea, answers=answers, consent=True)
        services.participation_submit_all(consultation=survey, user=None, answers=answers, consent=True)
    assert [m.to for m in mail.outbox] == [["lea@exemple.qc.ca"]]  # anonymous answers get no mail
    receipt = mail.outbox[0]
    assert receipt.subject == f"Reçu de votre participation : {survey.title}"
    assert f"« {survey.title} »" in receipt.body and "&#x27;" not in receipt.body
    assert "Envoyé le" in receipt.body and "Numéro de reçu" in receipt.body
    assert "http://127.0.0.1:8123/fr/compte/" in receipt.body

    event = services.event_create(consultation=survey, by=organizer, title="Soirée d'échanges", place="Bibliothèque",
                                  starts_at=timezone.now() + dt.timedelta(days=3),
                                  ends_at=timezone.now() + dt.timedelta(days=3, hours=2), capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(event=event, by=lea)
        services.event_register(event=event, by=john)
    fr, en = mail.outbox[1], mail.outbox[2]
    assert fr.subject == "Inscription confirmée : Soirée d'échanges" and "Bibliothèque" in fr.body
    assert en.to == ["john@example.org"] and en.subject == "Waiting list: Soirée d'échanges"
    assert "waiting list" in en.body and "http://127.0.0.1:8123/en/" in en.body

    proposal = services.proposal_create(consultation=survey, by=john, title="More bike lanes", body="Please.")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_moderate(kind="proposal", pk=proposal.pk, by=organizer, hide=True,
                                  reason="Hors sujet")
    decision = mail.outbox[-1]
    assert decision.to == ["john@example.org"] and decision.subject == "Your contribution was hidden"
    assert "Hors sujet" in decision.body and "More bike lanes" in decision.body
