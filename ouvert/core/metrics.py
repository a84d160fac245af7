"""Prometheus metrics (``/metrics``): request latency by route template, the task queue, ingestion
throughput, search latency.

Labels are bounded: a request is counted under its resolver's route template
(``fr/donnees/<slug:slug>/``, never the raw path), its method (one of the usual verbs, else
``other``) and its status class (``2xx`` … ``5xx``); an address that matches no pattern counts as
``<unmatched>``.

**Processes.** By default each process keeps its own registry (``ouvert serve`` is one process with
threads): scrape every app server (Prometheus's ``instance`` label tells them apart). With several
worker processes behind one address (gunicorn), set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
writable by them all before they start: ``prometheus_client`` then writes each process's counters
there and ``/metrics`` adds them up (:func:`exposition`). Queue and ingestion figures are read from
the database at scrape time, so every instance answers the same for them.

Apps add scrape-time figures with :func:`register_collector` (the datastore adds ingestion)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

# request latency: from a cached page to a slow export
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUEST_SECONDS = Histogram("ouvert_http_request_duration_seconds",
                            "Time to answer a request, by route template, method and status class.",
                            ["route", "method", "status"], buckets=LATENCY_BUCKETS)
SEARCH_SECONDS = Histogram("ouvert_search_duration_seconds", "Time of one search, by kind of search.",
                           ["kind"], buckets=LATENCY_BUCKETS)

_collectors: list[Callable[[], Iterable[Metric]]] = []


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Add scrape-time metrics (read from the database when ``/metrics`` is asked). Idempotent."""
    if collect not in _collectors:
        _collectors.append(collect)


def route_of(request: Any) -> str:
    """The route template that served ``request`` (bounded), or ``<unmatched>``."""
    match = getattr(request, "resolver_match", None)
    if match is None or not getattr(match, "route", ""):
        return "<unmatched>"
    return str(match.route)


def observe_request(request: Any, status: int, seconds: float) -> None:
    method = request.method if request.method in METHODS else "other"
    REQUEST_SECONDS.labels(route=route_of(request), method=method, status=f"{status // 100}xx").observe(seconds)


@contextlib.contextmanager
def observe_search(kind: str) -> Iterator[None]:
    """Time the block as one search of ``kind`` (a fixed name such as ``catalog``)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        SEARCH_SECONDS.labels(kind=kind).observe(time.perf_counter() - start)


def queue_metrics() -> Iterable[Metric]:
    from .health import queue_stats

    stats = queue_stats()
    if "waiting" not in stats:
        return []
    waiting = GaugeMetricFamily("ouvert_tasks_waiting", "Tasks due and not started.")
    waiting.add_metric([], stats["waiting"])
    oldest = GaugeMetricFamily("ouvert_tasks_oldest_waiting_seconds", "How long the oldest waiting task has waited.")
    oldest.add_metric([], stats["oldest_seconds"])
    stuck = GaugeMetricFamily("ouvert_tasks_stuck", "Tasks running longer than TASK_STUCK_SECONDS.")
    stuck.add_metric([], stats["stuck"])
    families: list[Metric] = [waiting, oldest, stuck]
    from django.conf import settings

    if settings.TASK_BROKER_URL:
        from .task_celery import broker_stats

        try:
            broker = broker_stats()
        except Exception:  # noqa: BLE001 — /readyz reports the broker's failure; here it is only absent
            return families
        messages = GaugeMetricFamily("ouvert_tasks_broker_messages", "Messages waiting in the broker's queue.")
        messages.add_metric([], broker["messages"])
        consumers = GaugeMetricFamily("ouvert_tasks_broker_consumers", "Workers consuming the broker's queue.")
        consumers.add_metric([], broker["consumers"])
        families += [messages, consumers]
    return families


class _ScrapeTime(Collector):
    def collect(self) -> Iterable[Metric]:
        for collect in [queue_metrics, *_collectors]:
            yield from collect()


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric, and its content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    scrape = CollectorRegistry()
    scrape.register(_ScrapeTime())
    return body + generate_latest(scrape), CONTENT_TYPE_LATEST


class MetricsMiddleware:
    """Times every request (first in ``MIDDLEWARE``, so the whole stack is measured)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        start = time.perf_counter()
        response = self.get_response(request)
        observe_request(request, response.status_code, time.perf_counter() - start)
        return response
