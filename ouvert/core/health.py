"""Readiness: can this process serve? Each dependency answers with its latency (``/readyz``).

``/healthz`` only says the process is alive; ``/readyz`` asks the database, the file storage and the task
queue, so that a load balancer stops sending requests to an instance that cannot reach them and an
operator sees a queue that no worker empties (tasks waiting long, or "running" past
``TASK_STUCK_SECONDS`` — a worker that died holding them)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone


@dataclass
class Check:
    ok: bool
    ms: float
    detail: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": self.ok, "ms": round(self.ms, 1), **self.detail}
        if self.error:
            data["error"] = self.error
        return data


def _timed(probe: Callable[[], dict[str, Any]]) -> Check:
    start = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # noqa: BLE001 — any failure of a dependency makes the instance not ready
        return Check(ok=False, ms=(time.perf_counter() - start) * 1000, error=type(exc).__name__)
    ok = bool(detail.pop("ok", True))
    return Check(ok=ok, ms=(time.perf_counter() - start) * 1000, detail=detail)


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _storage() -> dict[str, Any]:
    default_storage.exists("readyz-probe")  # a metadata round trip (local folder or S3 bucket)
    return {}


LEDGER_BACKENDS = {"django_tasks_db.DatabaseBackend", "ouvert.core.task_celery.CeleryBackend"}


def queue_stats(now: dt.datetime | None = None) -> dict[str, Any]:
    """Tasks waiting (due and not started), the age of the oldest, and those "running" longer than
    ``TASK_STUCK_SECONDS``, from the database ledger (the database queue and RabbitMQ alike)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend not in LEDGER_BACKENDS:
        return {"backend": backend}
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    stuck_before = now - dt.timedelta(seconds=int(settings.TASK_STUCK_SECONDS))
    stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=stuck_before).count()
    return {"backend": "rabbitmq" if settings.TASK_BROKER_URL else "database", "waiting": waiting.count(),
            "oldest_seconds": max(0, round((now - oldest).total_seconds())) if oldest else 0, "stuck": stuck,
            "ok": stuck == 0}


def _broker() -> dict[str, Any]:
    from .task_celery import broker_stats

    return broker_stats()


def readiness() -> dict[str, Check]:
    checks = {"database": _timed(_database), "storage": _timed(_storage), "tasks": _timed(queue_stats)}
    if settings.TASK_BROKER_URL:
        checks["broker"] = _timed(_broker)
    return checks
