"""Timing helpers shared by the benches: the median wall time of repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(function: Callable[[], object], rounds: int) -> float:
    """Median wall-clock seconds of ``rounds`` calls of ``function``."""
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
