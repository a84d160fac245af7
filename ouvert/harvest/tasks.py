"""Background work: one harvest run (due runs are queued by the ``harvest`` command)."""

from __future__ import annotations

from django_tasks import task


@task()
def harvest_execute(run_id: int) -> str:
    from .services import run_execute

    return run_execute(run_id=run_id).status
