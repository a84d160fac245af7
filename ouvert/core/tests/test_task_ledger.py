"""The RabbitMQ backend's ledger rules, in-process and fast: what a delivered message does to its row
(run it, or skip it because it finished or runs under a live worker), and what ``/readyz`` shows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from conftest import IN_CI

from .test_task_broker import BROKER, _rabbitmq_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_backend(settings):
    settings.TASK_BROKER_URL = BROKER
    settings.TASK_QUEUE = f"ouvert-test-{uuid.uuid4().hex[:12]}"
    settings.TASKS = {"default": {"BACKEND": "ouvert.core.task_celery.CeleryBackend", "QUEUES": ["default"]}}
    from ouvert.core import task_celery

    task_celery.celery_app.cache_clear()
    yield settings
    task_celery.celery_app.cache_clear()


def _row(status: str, **fields):
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult.objects.create(
        id=uuid.uuid4(), status=status, args_kwargs={"args": [], "kwargs": {"to": ["a@exemple.qc.ca"],
                                                                              "subject": "s", "body": "b"}},
        task_path="ouvert.core.tasks.email_send", queue_name="default", backend_name="default",
        run_after=fields.pop("run_after", get_date_max()), **fields)


def test_a_delivery_runs_its_task_once_and_a_second_one_skips_it(broker_backend, mailoutbox):
    from ouvert.core.task_celery import run_delivered

    row = _row("READY")
    assert run_delivered(str(row.pk), redelivered=False, worker_id="w1") == "ran"
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == 1 and row.worker_ids == ["w1"]
    # the worker died after recording the result, before acknowledging: the redelivery does nothing
    assert run_delivered(str(row.pk), redelivered=True, worker_id="w2") == "finished"
    assert len(mailoutbox) == 1


def test_a_running_task_is_taken_over_only_on_redelivery(broker_backend, mailoutbox):
    from ouvert.core.task_celery import run_delivered

    row = _row("RUNNING", started_at=timezone.now(), worker_ids=["w1"])
    assert run_delivered(str(row.pk), redelivered=False, worker_id="w2") == "running"  # a duplicate message
    assert run_delivered(str(row.pk), redelivered=True, worker_id="w3") == "ran"  # w1's connection closed
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.worker_ids == ["w1", "w3"] and len(mailoutbox) == 1
    later = _row("READY", run_after=timezone.now() + dt.timedelta(hours=1))
    assert run_delivered(str(later.pk), redelivered=False, worker_id="w2") == "not-due"
    assert run_delivered(str(uuid.uuid4()), redelivered=False, worker_id="w2") == "missing"


def test_readyz_counts_waiting_tasks_and_shows_the_broker_queue(broker_backend, client):
    if not _rabbitmq_up():
        if IN_CI:
            pytest.fail("RabbitMQ does not answer on 127.0.0.1:5672")
        pytest.skip("RabbitMQ does not answer on 127.0.0.1:5672")
    _row("READY")  # not deferred: due at once
    _row("READY", run_after=timezone.now() + dt.timedelta(days=1))  # deferred: not waiting yet
    body = client.get("/readyz").json()["checks"]
    assert body["tasks"]["backend"] == "rabbitmq" and body["tasks"]["waiting"] == 1
    assert body["broker"]["ok"] and body["broker"]["messages"] == 0 and body["broker"]["consumers"] == 0
    assert body["broker"]["ms"] >= 0
    broker_backend.METRICS_TOKEN = "jeton-de-supervision"
    metrics = client.get("/metrics", headers={"Authorization": "Bearer jeton-de-supervision"}).content.decode()
    assert "ouvert_tasks_waiting 1.0" in metrics and "ouvert_tasks_broker_consumers 0.0" in metrics


def test_readyz_is_not_ready_when_the_broker_is_unreachable(broker_backend, client):
    from ouvert.core import task_celery

    broker_backend.TASK_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    task_celery.celery_app.cache_clear()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["broker"]["ok"] is False
