"""Scheduled work: the daily indicator snapshot and the deadline reminders (also run by cron as
``ouvert plans snapshot`` and ``ouvert plans remind``)."""

from __future__ import annotations

from django_tasks import task

from ouvert.core import actors


@task()
def snapshot_task() -> int:
    from .services import snapshot_take

    return snapshot_take(by=actors.SCHEDULE)


@task()
def reminders_task() -> int:
    from .services import reminders_send

    return reminders_send(by=actors.SCHEDULE)
