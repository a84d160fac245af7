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
