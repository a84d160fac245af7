"""Background work: one harvest run, and the scheduler that queues due sources."""

from __future__ import annotations

from django_tasks import task


@task()
def harvest_execute(run_id: int) -> str:
    from .services import run_execute

    return run_execute(run_id=run_id).status


@task()
def harvest_due() -> int:
    from .services import runs_due

    return len(runs_due())
