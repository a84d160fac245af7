"""Background work: quality reports (follower notices are core's: :mod:`ouvert.core.notices`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from .models import Dataset, Resource


@task()
def send_daily_digests() -> int:
    """Send every pending daily digest now. Kept for existing callers; digests are core's
    (:func:`ouvert.core.notices.digests_send`, scheduled by ``ouvert notices due``)."""
    from ouvert.core.notices import digests_send

    return digests_send()


@task()
def dataset_quality_task(*, dataset_id: str) -> int | None:
    """Recompute one dataset's quality report and reference badge; returns its score."""
    from .services import dataset_quality_refresh

    dataset = Dataset.objects.select_related("organization", "licence").filter(pk=dataset_id).first()
    if dataset is None:
        return None
    return dataset_quality_refresh(dataset=dataset).quality_score


def dataset_quality_schedule(*, dataset_id: Any) -> None:
    """Queue a quality recomputation once the current transaction commits."""
    pk = str(dataset_id)
    transaction.on_commit(lambda: dataset_quality_task.enqueue(dataset_id=pk))


def resource_quality_schedule(*, resource_id: Any) -> None:
    """The same, for the dataset owning a resource (called when its datastore table changes)."""
    dataset_id = Resource.objects.filter(pk=resource_id).values_list("dataset_id", flat=True).first()
    if dataset_id is not None:
        dataset_quality_schedule(dataset_id=dataset_id)


@task()
def catalogue_page_warm(*, version: int) -> bool:
    """Kept for tasks queued before the catalogue page's counts were kept current on write (see
    ``facet_rows``): nothing is left to count; it says whether ``version`` is still the catalogue's."""
    from .search import catalogue_version

    return catalogue_version() == version
