"""Waking the embedded worker when a task is queued, instead of leaving it to its next poll.

``ouvert serve`` on the embedded default runs one ``ouvert worker`` child that polls the database
queue (every second, ``--interval``). A queued upload would wait up to that long before anything
happens, and that wait is part of what a publisher feels (issue 18). So the serving process, which
knows its worker's pid, sends it ``SIGUSR1`` once the transaction that queued a task commits; the
worker's sleep between polls is a ``select()`` on a self-pipe that the signal writes to
(``signal.set_wakeup_fd``), so it wakes at once and polls. A lost or early signal costs nothing: the
worker still polls at its interval. Workers started on their own (``ouvert worker`` in production)
are not signalled and keep polling, or use the broker (``OUVERT_TASK_BROKER_URL``)."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from typing import Any

WAKE_SIGNAL = signal.SIGUSR1
_worker_pid: int | None = None


class _WakeableClock:
    """Stands in for the ``time`` module in django-tasks-db's worker loop: ``sleep`` returns early
    when the wake signal arrives; everything else is ``time``'s."""

    def __init__(self, read_fd: int) -> None:
        self._read_fd = read_fd

    def sleep(self, seconds: float) -> None:
        ready, _, _ = select.select([self._read_fd], [], [], seconds)
        if ready:
            with contextlib.suppress(BlockingIOError):
                while os.read(self._read_fd, 512):
                    pass

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def install_in_worker() -> None:
    """In the worker process, before its loop starts: make its sleeps wake on :data:`WAKE_SIGNAL`."""
    from django_tasks_db.management.commands import db_worker

    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    signal.signal(WAKE_SIGNAL, lambda signum, frame: None)  # the wakeup fd does the work
    db_worker.time = _WakeableClock(read_fd)  # type: ignore[assignment]  # a stand-in with time's interface


def ignore_until_installed() -> None:
    """``preexec_fn`` of the worker's ``Popen``: the child starts with :data:`WAKE_SIGNAL` ignored
    (kept across ``exec``) until :func:`install_in_worker` sets its handler. Without it, a signal sent
    while the worker still imports Django (seconds on a busy machine) killed it, SIGUSR1's default."""
    signal.signal(WAKE_SIGNAL, signal.SIG_IGN)


def _on_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from django.db import transaction

    transaction.on_commit(wake)


def watch(worker_pid: int) -> None:
    """In the serving process: signal ``worker_pid`` after each task queued here is committed."""
    from django_tasks.signals import task_enqueued

    global _worker_pid
    _worker_pid = worker_pid
    task_enqueued.connect(_on_enqueued, dispatch_uid="ouvert-wake-embedded-worker")


def wake() -> None:
    if _worker_pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(_worker_pid, WAKE_SIGNAL)
