"""Opening the bids at the deadline."""

from __future__ import annotations

from django_tasks import task


@task()
def open_call_bids(*, call_id: int) -> bool:
    from .models import Call
    from .services import call_open_bids

    call = Call.objects.filter(pk=call_id).first()
    return bool(call is not None and call_open_bids(call=call))


@task()
def open_due_calls() -> int:
    from .services import calls_open_due

    return calls_open_due()


@task()
def refresh_ocds_dataset() -> bool:
    """Bring the OCDS catalogue dataset up to date (nothing when it is not configured)."""
    from .ocds_dataset import configured_publisher, ocds_dataset_refresh

    publisher = configured_publisher()
    if publisher is None:
        return False
    organization, user = publisher
    ocds_dataset_refresh(organization=organization, by=user)
    return True


def schedule_ocds_dataset_refresh() -> None:
    """After the current transaction commits (a new release), refresh the dataset in a task."""
    import logging

    from django.conf import settings
    from django.db import transaction

    if not (settings.PROCUREMENT_OCDS_DATASET_ORGANIZATION and settings.PROCUREMENT_OCDS_DATASET_PUBLISHER):
        return

    def enqueue() -> None:
        try:
            refresh_ocds_dataset.enqueue()
        except Exception:  # a failed refresh never fails the call's change; the next release retries
            logging.getLogger(__name__).exception("OCDS dataset refresh failed")

    transaction.on_commit(enqueue)
