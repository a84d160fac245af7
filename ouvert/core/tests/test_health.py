"""/healthz and /readyz as a load balancer and an operator read them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_tasks(settings):
    """Production's task backend (tests run tasks immediately otherwise)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _task(status: str, *, enqueued_ago: int = 0, started_ago: int | None = None):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    task = DBTaskResult.objects.create(
        id=uuid.uuid4(), status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="ouvert.x.y",
        queue_name="default", backend_name="default", run_after=now - dt.timedelta(seconds=enqueued_ago),
        started_at=now - dt.timedelta(seconds=started_ago) if started_ago is not None else None)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - dt.timedelta(seconds=enqueued_ago))
    return task


def test_readyz_reports_each_dependency_with_its_latency(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "storage", "tasks"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["tasks"]["waiting"] == 0 and body["checks"]["tasks"]["stuck"] == 0


def test_readyz_shows_queue_depth_and_fails_on_a_stuck_task(client, settings):
    _task("READY", enqueued_ago=120)
    _task("READY", enqueued_ago=5)
    tasks = client.get("/readyz").json()["checks"]["tasks"]
    assert tasks["waiting"] == 2 and 119 <= tasks["oldest_seconds"] <= 130
    settings.TASK_STUCK_SECONDS = 60
    _task("RUNNING", started_ago=600)  # its worker died: nobody will finish it
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["tasks"]["stuck"] == 1


def test_readyz_fails_when_the_database_does_not_answer(client, monkeypatch):
    from ouvert.core import health

    def broken():
        raise OSError("connexion refusée")

    monkeypatch.setattr(health, "_database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "ms": response.json()["checks"]["database"]["ms"],
                                                     "error": "OSError"}
