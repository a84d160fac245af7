"""``ouvert synthetic-check`` publishes a test dataset with a file, waits for its table, cleans up."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db(transaction=True)  # ingestion runs after each commit, as in production


def test_the_probe_publishes_waits_for_its_table_and_cleans_up(capsys):
    from ouvert.catalog.models import Dataset
    from ouvert.core.models import AuditEntry

    call_command("synthetic-check", "--json", "--timeout", "30")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["ok"] and report["rows"] == 50
    assert set(report["ms"]) == {"account", "publish", "ingest", "query", "cleanup"}
    assert all(ms >= 0 for ms in report["ms"].values())
    assert not Dataset.objects.filter(title__startswith="Vérification synthétique").exists()  # purged
    assert AuditEntry.objects.filter(actor_label="system:synthetic").exists()
    from ouvert.core.models import User
    from ouvert.core.synthetic import ACCOUNT_EMAIL, synthetic_account

    assert synthetic_account() == User.objects.get(email=ACCOUNT_EMAIL)  # the next run reuses its account


def test_the_probe_fails_with_a_clear_message_when_no_worker_ingests(settings, capsys):
    from ouvert.catalog.models import Dataset

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    with pytest.raises(CommandError, match="ingest: TimeoutError.*worker"):
        call_command("synthetic-check", "--timeout", "0.5")
    assert "cleanup" in capsys.readouterr().out
    assert not Dataset.objects.filter(title__startswith="Vérification synthétique").exists()
    with pytest.raises(CommandError, match="--timeout"):
        call_command("synthetic-check", "--timeout", "0")
