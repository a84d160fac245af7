"""A task for the worker tests (imported by worker subprocesses by its path): it records each attempt,
waits until released, then writes its result the same way whichever attempt finishes it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def probe_task(*, folder: str, hold_seconds: float) -> str:
    base = Path(folder)
    with (base / "attempts").open("a") as attempts:
        attempts.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + hold_seconds
    while not (base / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    partial = base / "result.partial"
    partial.write_text("fait")
    partial.replace(base / "result")  # whole or absent, and the same after a second run
    return "fait"
