"""The small task of the multi-host test (imported by the workers by its path): it holds its worker for
a moment, then returns a value that depends only on its argument, whichever attempt finishes it."""

from __future__ import annotations

import time

from django_tasks import task

from .multihost import tick_value


@task()
def multihost_tick(*, index: int, hold_seconds: float) -> str:
    time.sleep(hold_seconds)
    return tick_value(index)
