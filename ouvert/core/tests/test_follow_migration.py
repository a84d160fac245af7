"""The data migrations (catalog 0006, consultations 0003): follows and pending notices made in the
catalogue's and the consultations' old tables, at main's schema, land in core's tables and still
notify once the database has migrated forward."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase
from django.utils import timezone

from ouvert.catalog import services as catalog_services
from ouvert.catalog import tasks as catalog_tasks
from ouvert.consultations import services as consultation_services
from ouvert.core.follows import unsubscribe_token
from ouvert.core.models import Follow, PendingNotice

BEFORE = [("core", "0002_user_email_verified_at"), ("catalog", "0005_resource_is_documentation"),
          ("consultations", "0002_participant_audit_without_organization")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.slow  # migrates the whole graph back and forth
@pytest.mark.django_db(transaction=True)
def test_old_follows_are_migrated_and_still_notify(make_user, make_org, make_member):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval")
    editor = make_user("editeur@laval.ca")
    make_member(editor, org, "editor")
    dataset = catalog_services.dataset_create(by=editor, organization=org, title="Écoles primaires",
                                              notes="Les écoles.", keywords=["écoles"])
    catalog_services.dataset_publish(dataset=dataset, by=editor)
    now = timezone.now()
    consultation = consultation_services.consultation_create(
        organization=org, by=editor, title="Budget participatif", summary="Vos idées.", body="Le budget.",
        topic="governance", region="all", contact_name="Équipe", contact_email="go@laval.ca",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
        feedback_planned=True, has_survey=False, has_proposals=True, consent_text="Pour le budget.")
    instant, daily, citizen = (make_user("instant@exemple.qc.ca"), make_user("quotidien@exemple.qc.ca"),
                               make_user("citoyen@exemple.qc.ca"))
    legacy_token = uuid.uuid4()
    try:
        # main's schema: the old tables, filled as the old services did.
        old_apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
        OldFollow = old_apps.get_model("catalog", "Follow")
        OldNotice = old_apps.get_model("catalog", "PendingNotice")
        OldConsultationFollow = old_apps.get_model("consultations", "Follow")
        OldFollow.objects.create(user_id=instant.pk, kind="dataset", target=str(dataset.pk), token=legacy_token)
        kept = OldFollow.objects.create(user_id=daily.pk, kind="keyword", target="écoles", frequency="daily")
        OldNotice.objects.create(follow=kept, dataset_id=dataset.pk, summary="« Écoles primaires » a été modifié.")
        OldConsultationFollow.objects.create(consultation_id=consultation.pk, user_id=citizen.pk)
    finally:
        _migrate(_leaves())
    # One Follow model: every old follow is there, with its token and frequency.
    assert sorted(Follow.objects.values_list("kind", "key", "frequency")) == [
        ("consultation", str(consultation.pk), "immediate"), ("dataset", str(dataset.pk), "immediate"),
        ("keyword", "écoles", "daily")]
    assert Follow.objects.get(user=instant).token == legacy_token
    assert PendingNotice.objects.get().follow.user == daily
    # They still notify: the dataset's follower at once, the keyword's in the digest (the migrated
    # notice and the new one), the consultation's when it opens.
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        catalog_services.dataset_update(dataset=dataset, by=editor, notes="Nouvelle version.")
    assert [m.to for m in mail.outbox] == [[instant.email]]
    assert f"/suivis/desabonnement/{unsubscribe_token(Follow.objects.get(user=instant))}/" in mail.outbox[0].body
    mail.outbox.clear()
    assert catalog_tasks.send_daily_digests.call() == 1
    assert mail.outbox[0].to == [daily.email] and mail.outbox[0].body.count("Écoles primaires") == 2
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        consultation_services.consultation_publish(consultation=consultation, by=editor)
    assert [m.to for m in mail.outbox] == [[citizen.email]] and "est ouverte" in mail.outbox[0].subject
