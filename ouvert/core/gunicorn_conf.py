"""gunicorn's hooks for ``ouvert serve`` in the production profile (read by gunicorn's master, which
does not load Django: each worker process imports ``ouvert.wsgi`` on its own)."""

from __future__ import annotations

import os
from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    """A worker process ended: its live gauges leave the Prometheus figures of ``/metrics``."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
