"""Reads of micro-acquisitions, each asking the access model."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ouvert.core import access
from ouvert.core.bounds import INT64_MAX
from ouvert.core.models import User

from .models import Bid, BidState, Call, CallState, Question, Supplier

OPEN_FOR_BIDS = (CallState.PUBLISHED,)
AWARDED_STATES = (CallState.AWARDED, CallState.DELIVERED, CallState.ACCEPTED, CallState.REJECTED, CallState.PAID)


def calls_visible(*, user: User | None, state: str = "") -> QuerySet[Call]:
    rows = (Call.objects.filter(pk__in=access.readable_keys(user, "procurement_call"))
            .select_related("organization"))
    if state:
        rows = rows.filter(state=state)
    return rows


def call_count_open() -> int:
    return Call.objects.filter(state=CallState.PUBLISHED, bid_deadline__gt=timezone.now()).count()


def call_get_for(*, user: User | None, pk: object) -> Call:
    """The call when the person may read it; the same 404 for absent and forbidden."""
    access.check_read(user, "procurement_call", pk, not_found=Http404)
    call = Call.objects.select_related("organization").filter(pk=int(str(pk))).first()
    if call is None:
        raise Http404
    return call


def call_is_open_for_bids(call: Call) -> bool:
    return call.state == CallState.PUBLISHED and timezone.now() < call.bid_deadline


def call_questions(*, call: Call) -> list[Question]:
    return list(call.questions.all())


def call_bids_opened(*, user: User | None, call: Call) -> list[Bid]:
    """The opened bids (content included), for who may read them, only after opening."""
    if not access.may_read(user, "procurement_bids", call.pk):
        return []
    return list(call.bids.filter(state=BidState.SUBMITTED).select_related("supplier").order_by("price", "submitted_at"))


@dataclass(frozen=True)
class BidStatistics:
    submitted: int
    sme: int
    opened: bool


def call_bid_statistics(*, call: Call) -> BidStatistics:
    """Counts are published only once the bids are open (before, even the number stays sealed)."""
    if call.opened_at is None:
        return BidStatistics(submitted=0, sme=0, opened=False)
    bids = call.bids.filter(state=BidState.SUBMITTED)
    return BidStatistics(submitted=bids.count(), sme=bids.exclude(supplier__size="large").count(), opened=True)


@dataclass(frozen=True)
class MyBid:
    supplier: Supplier
    bid: Bid | None


def my_bids(*, user: User | None, call: Call) -> list[MyBid]:
    """The person's suppliers and the state (never the content) of their bid on this call."""
    if user is None or not user.is_authenticated:
        return []
    suppliers = list(Supplier.objects.filter(members=user))
    bids = {b.supplier_id: b for b in Bid.objects.filter(call=call, supplier__in=suppliers).only(
        "id", "supplier_id", "state", "submitted_at", "versions", "withdrawn_at", "call_id")}
    return [MyBid(supplier=s, bid=bids.get(s.pk)) for s in suppliers]


def suppliers_of(*, user: User | None) -> list[Supplier]:
    if user is None or not user.is_authenticated:
        return []
    return list(Supplier.objects.filter(members=user))


def supplier_get(*, pk: object) -> Supplier:
    try:
        number = int(str(pk))
    except ValueError:
        number = 0
    supplier = Supplier.objects.filter(pk=number).first() if 0 < number <= INT64_MAX else None
    if supplier is None:
        raise Http404
    return supplier


def supplier_past_deliveries(*, supplier: Supplier) -> list[Call]:
    return list(Call.objects.filter(bids__supplier=supplier, state__in=(CallState.ACCEPTED, CallState.PAID))
                .select_related("organization").distinct())


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def reuse_matches(*, call: Call, limit: int = 8) -> list[Call]:
    """Past deliveries (accepted or paid calls) sharing words with this call's title and skills."""
    words = sorted({w.lower() for w in _WORD.findall(f"{call.title} {call.skills}")})[:12]
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(title__icontains=word) | Q(skills__icontains=word) | Q(summary__icontains=word)
    return list(Call.objects.filter(query, state__in=(CallState.ACCEPTED, CallState.PAID)).exclude(pk=call.pk)
                .select_related("organization")[:limit])


def awarded_calls_summary(*, start: dt.date, end: dt.date) -> tuple[int, Decimal]:
    """For the action-plan app: calls awarded (published within [start, end]) and their total value
    (the awarded bid's price, else the call's amount)."""
    calls = Call.objects.filter(state__in=AWARDED_STATES, published_at__date__gte=start, published_at__date__lte=end)
    count = calls.count()
    total = calls.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return count, Decimal(total)
