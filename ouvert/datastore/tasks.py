"""Background ingestion with ``django_tasks``."""

from __future__ import annotations

from django_tasks import task

from .models import IngestJob


@task()
def datastore_ingest_task(job_id: str) -> str:
    """Profile, load, index and check one resource's file; returns the job's final status."""
    from .services import datastore_ingest_run

    job = IngestJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return datastore_ingest_run(job=job).status
