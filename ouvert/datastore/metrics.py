"""Ingestion throughput for ``/metrics`` (read from the finished jobs at scrape time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

WINDOW_SECONDS = 3600  # the jobs of the last hour
MAX_JOBS = 1000


def ingestion_metrics() -> Iterable[Metric]:
    from .models import IngestJob, JobStatus

    since = timezone.now() - dt.timedelta(seconds=WINDOW_SECONDS)
    finished = IngestJob.objects.filter(status=JobStatus.SUCCEEDED, finished_at__gte=since, started_at__isnull=False)
    jobs: list[tuple[int, dt.datetime, dt.datetime]] = list(
        finished.order_by("-finished_at").values_list("rows_done", "started_at", "finished_at")[:MAX_JOBS],  # type: ignore[arg-type]
    )
    rows = sum(row for row, _start, _end in jobs)
    seconds = sum(max((end - start).total_seconds(), 0.0) for _row, start, end in jobs)
    count = GaugeMetricFamily("ouvert_ingest_jobs_finished_last_hour", "Ingestion jobs succeeded in the last hour.")
    count.add_metric([], len(jobs))
    loaded = GaugeMetricFamily("ouvert_ingest_rows_last_hour", "Rows loaded by the jobs succeeded in the last hour.")
    loaded.add_metric([], rows)
    rate = GaugeMetricFamily("ouvert_ingest_rows_per_second",
                             "Rows per second of the jobs succeeded in the last hour (their rows over their run time).")
    rate.add_metric([], rows / seconds if seconds > 0 else 0.0)
    last = GaugeMetricFamily("ouvert_ingest_last_job_rows_per_second", "Rows per second of the last job succeeded.")
    if jobs:
        row, start, end = jobs[0]
        span = (end - start).total_seconds()
        last.add_metric([], row / span if span > 0 else 0.0)
    return [count, loaded, rate, last] if jobs else [count, loaded, rate]
