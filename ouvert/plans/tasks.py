"""Scheduled work: the daily indicator snapshot and the deadline reminders (also run by cron as
``ouvert plans snapshot`` and ``ouvert plans remind``)."""

from __future__ import annotations

from django_tasks import task

from ouvert.core import actors


@task()
def snapshot_task() -> int:
    from .publishing import barometer_open_data_refresh
    from .services import snapshot_take

    stored = snapshot_take(by=actors.SCHEDULE)
    barometer_open_data_refresh()
    return stored


@task()
def reminders_task() -> int:
    from .services import reminders_send

    return reminders_send(by=actors.SCHEDULE)
