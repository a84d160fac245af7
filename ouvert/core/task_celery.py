"""Background tasks on RabbitMQ through Celery, acknowledged after completion (``OUVERT_TASK_BROKER_URL``).

The database stays the ledger: every task is a row of ``django_tasks_db`` (status, arguments, result,
times), so ``task.enqueue()``, ``get_result()``, ``/readyz`` and ``/metrics`` work as with the embedded
database queue. What changes is who hands a task to a worker: the broker, not a polling loop.

- **Enqueue**: the row is written in the caller's transaction; once it commits, a message carrying the
  row's id goes to the broker's durable queue ``OUVERT_TASK_QUEUE`` (persistent, publisher confirms). A
  task deferred with ``run_after`` is not published until it is due (:func:`sweep`).
- **Run**: a worker takes one message at a time (prefetch 1), locks the row, marks it running, runs the
  task, records the result, and only then acknowledges the message (``acks_late``). A worker that dies
  (SIGKILL, lost machine) never acknowledges: RabbitMQ hands the message to another worker as soon as
  the dead one's connection closes, with the ``redelivered`` flag. The new worker sees the row
  "running", knows from the flag that its holder is gone, and runs the task again. Every task is
  idempotent (docs/operations.md), so running it twice gives the same result.
- **Duplicates**: a message whose row is already finished (the worker died between recording the
  result and acknowledging) or is running under a live worker (a second message for the same row, not
  redelivered) is acknowledged without running anything: a task completes once.
- **Sweep**: each worker, every ``SWEEP_SECONDS``, publishes the deferred tasks that became due and
  the rows still waiting ``REPUBLISH_SECONDS`` after their enqueue (their message was never published:
  the broker was down when the transaction committed). Extra messages cost one skipped delivery.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks.signals import task_finished, task_started
from django_tasks_db.backend import DatabaseBackend

if TYPE_CHECKING:
    from celery import Celery
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("ouvert.tasks")

RUN_TASK = "ouvert.run_task"
SWEEP_SECONDS = 15.0
REPUBLISH_SECONDS = 300.0


@functools.cache
def celery_app() -> Celery:
    """The Celery application of this process, configured from the settings."""
    from celery import Celery

    app = Celery("ouvert", broker=settings.TASK_BROKER_URL, set_as_current=False)
    app.conf.update(
        task_acks_late=True,  # acknowledge after the task ran, never before
        task_reject_on_worker_lost=True,  # a pool child killed mid-task: the message goes back to the queue
        worker_prefetch_multiplier=1,  # a worker holds one message per process, so a death strands no others
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_ignore_result=True,  # results live in the database ledger
        task_default_queue=settings.TASK_QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        broker_transport_options={"confirm_publish": True},
        worker_hijack_root_logger=False,
    )
    app.task(name=RUN_TASK, bind=True)(_deliver)
    return app


def publish(result_id: str) -> bool:
    """Send the message for one ledger row; False (logged) if the broker cannot be reached, in which
    case the sweep publishes it later."""
    try:
        celery_app().send_task(RUN_TASK, args=[result_id], queue=settings.TASK_QUEUE)
    except Exception:  # noqa: BLE001 — the row is committed; the sweep republishes it
        logger.warning("task %s not published (broker unreachable); the sweep will publish it", result_id,
                       exc_info=True)
        return False
    return True


class CeleryBackend(DatabaseBackend):
    """django-tasks backend: the row in the database, the delivery through RabbitMQ."""

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        result: Any = super().enqueue(task, args, kwargs)
        if task.run_after is None or task.run_after <= timezone.now():
            result_id = str(result.id)
            transaction.on_commit(lambda: publish(result_id))
        return result


def _deliver(self: Any, result_id: str) -> str:
    delivery = getattr(self.request, "delivery_info", None) or {}
    close_old_connections()  # as Django does around a request
    try:
        return run_delivered(result_id, redelivered=bool(delivery.get("redelivered")),
                             worker_id=str(self.request.hostname or socket.gethostname())[:64])
    finally:
        close_old_connections()


def run_delivered(result_id: str, *, redelivered: bool, worker_id: str) -> str:
    """Run the task of one delivered message, at most once per delivery; returns what was done
    (``ran``, ``finished``, ``running``, ``missing``, ``not-due``)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=result_id).first()
        if row is None:
            return "missing"
        if row.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return "finished"
        if row.status == TaskResultStatus.RUNNING and not redelivered:
            return "running"
        if row.run_after != get_date_max() and row.run_after > timezone.now():
            return "not-due"
        if row.status == TaskResultStatus.RUNNING:
            logger.warning("task %s redelivered: its worker %s died; running it again", result_id,
                           (row.worker_ids or ["?"])[-1])
        row.claim(worker_id)
    _run(row)
    return "ran"


def _run(row: DBTaskResult) -> None:
    from django_tasks.base import TaskContext

    try:
        task = row.task
        result: Any = row.task_result  # django_tasks_db's TaskResult, a django_tasks one at run time
        backend = type(task.get_backend())
        task_started.send(sender=backend, task_result=result)
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = task.call(*result.args, **result.kwargs)
        row.set_successful(value)
        task_finished.send(sender=backend, task_result=row.task_result)
    except Exception as exc:  # noqa: BLE001 — recorded on the row, as the database worker does
        logger.exception("task %s failed", row.pk)
        row.set_failed(exc)


def sweep(*, since: dt.datetime, now: dt.datetime | None = None) -> int:
    """Publish the deferred tasks that fell due after ``since`` and the rows enqueued in that window
    minus ``REPUBLISH_SECONDS`` that still wait (never published). Returns how many were sent."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    ready = DBTaskResult.objects.ready().filter(backend_name="default")
    due = ready.filter(run_after__gt=since, run_after__lte=now).exclude(run_after=get_date_max())
    late = dt.timedelta(seconds=REPUBLISH_SECONDS)
    lost = ready.filter(run_after=get_date_max(), enqueued_at__gt=since - late, enqueued_at__lte=now - late)
    sent = 0
    for result_id in [*due.values_list("pk", flat=True), *lost.values_list("pk", flat=True)]:
        sent += publish(str(result_id))
    return sent


def _sweeper(stop: threading.Event) -> None:
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # the first sweep publishes everything due
    while not stop.is_set():
        now = timezone.now()
        try:
            sweep(since=since, now=now)
            since = now
        except Exception:  # noqa: BLE001 — a database hiccup: try again at the next sweep
            logger.warning("task sweep failed", exc_info=True)
        finally:
            close_old_connections()
        stop.wait(SWEEP_SECONDS)


def broker_stats() -> dict[str, Any]:
    """Messages waiting in the broker's queue and the workers consuming it (for ``/readyz``): one
    connection, no retry, so that a broker that does not answer shows at once."""
    from kombu import Connection

    with Connection(settings.TASK_BROKER_URL, connect_timeout=3) as conn:
        conn.ensure_connection(max_retries=0)
        try:
            declared = conn.default_channel.queue_declare(queue=settings.TASK_QUEUE, passive=True)
        except conn.channel_errors:  # no worker ever declared the queue: nothing waits in it
            return {"broker": str(conn.transport_cls), "messages": 0, "consumers": 0}
        return {"broker": str(conn.transport_cls), "messages": declared.message_count,
                "consumers": declared.consumer_count}


def run_worker(*, concurrency: int, pool: str, loglevel: str = "INFO") -> None:
    """``ouvert worker`` on the broker: a Celery worker on ``OUVERT_TASK_QUEUE`` plus the sweep."""
    from celery.signals import worker_ready, worker_shutdown
    from django.db import connections

    stop = threading.Event()

    def started(**kwargs: Any) -> None:
        threading.Thread(target=_sweeper, args=(stop,), name="ouvert-task-sweep", daemon=True).start()

    def stopping(**kwargs: Any) -> None:
        stop.set()

    worker_ready.connect(started, weak=False)
    worker_shutdown.connect(stopping, weak=False)
    connections.close_all()  # nothing open is shared with the pool's children
    name = f"ouvert-{os.getpid()}@{socket.gethostname()}"
    celery_app().worker_main(argv=["worker", "-Q", settings.TASK_QUEUE, "-c", str(concurrency), "-P", pool,
                                   "-n", name, "-l", loglevel, "--without-gossip", "--without-mingle"])
