"""The data migrations that turn stored texts into messages (datastore 0005, harvest 0002): a load
error and a harvest run's reasons written as text keep their words, shown in both languages, and a
load error whose report already held a code gets that code."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from ouvert.datastore.models import IngestJob
from ouvert.harvest.models import HarvestRun, HarvestRunItem

BEFORE = [("datastore", "0004_quality_messages_as_codes"), ("harvest", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.slow  # migrates the whole graph back and forth
@pytest.mark.django_db(transaction=True)
def test_old_texts_become_legacy_messages(make_user, make_org):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval")
    owner = make_user("admin@laval.ca")
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        Job = old.get_model("datastore", "IngestJob")
        Job.objects.create(resource_id=uuid.uuid4(), organization_id=org.pk, source_name="a.csv",
                           original_name="a.csv", status="failed", error="Fichier illisible.")
        Job.objects.create(resource_id=uuid.uuid4(), organization_id=org.pk, source_name="b.csv",
                           original_name="b.csv", status="cancelled", error="Annulé avant le début.",
                           report={"error": {"code": "ingest.cancelled_before_start", "params": {}}})
        Source = old.get_model("harvest", "HarvestSource")
        source = Source.objects.create(name="Portail", slug="portail", kind="ckan", url="https://portail.example",
                                       owner_id=owner.pk)
        run = old.get_model("harvest", "HarvestRun").objects.create(source=source, status="failed",
                                                                   message="Source injoignable.")
        old.get_model("harvest", "HarvestRunItem").objects.create(run=run, action="error", remote_id="x",
                                                                  reason="Titre manquant.")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    by_name = {j.source_name: j for j in IngestJob.objects.all()}
    assert by_name["a.csv"].error == {"code": "legacy_text",
                                      "params": {"what": {"fr": "Fichier illisible.", "en": "Fichier illisible."}}}
    assert by_name["b.csv"].error == {"code": "ingest.cancelled_before_start", "params": {}}
    with translation.override("en"):
        assert by_name["a.csv"].shown_error == "Fichier illisible."
        assert by_name["b.csv"].shown_error == "Cancelled before it started."
        assert HarvestRun.objects.get().shown_message == "Source injoignable."
        assert HarvestRunItem.objects.get().shown_reason == "Titre manquant."
