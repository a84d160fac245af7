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

from .models import Bid, BidState, Call, CallState, Question, Software, Solution, Supplier

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
    from .evaluation import evaluator_may_see_bids, is_scoring_evaluator

    body_reader = access.may_read(user, "procurement_bids", call.pk) and evaluator_may_see_bids(call=call, user=user)
    if not body_reader and not (call.opened_at is not None and is_scoring_evaluator(call=call, user=user)):
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


def _words(call: Call) -> list[str]:
    return sorted({w.lower() for w in _WORD.findall(f"{call.title} {call.skills}")})[:12]


def reuse_matches(*, call: Call, limit: int = 8) -> list[Call]:
    """Past deliveries (accepted or paid calls) sharing words with this call's title and skills."""
    words = _words(call)
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(title__icontains=word) | Q(skills__icontains=word) | Q(summary__icontains=word)
    return list(Call.objects.filter(query, state__in=(CallState.ACCEPTED, CallState.PAID)).exclude(pk=call.pk)
                .select_related("organization")[:limit])


def reuse_solution_matches(*, call: Call, limit: int = 8) -> list[Solution]:
    """Solutions of the catalogue sharing words with this call's title and skills."""
    words = _words(call)
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(name__icontains=word) | Q(short_description__icontains=word) | Q(long_description__icontains=word)
    return list(Solution.objects.filter(query).select_related("funded_by")[:limit])


def reuse_software_matches(*, call: Call, user: User | None, limit: int = 8) -> list[Software]:
    """Entries of the free-software catalogue (those ``user`` may read) sharing words with this
    call's title and skills: by name, descriptions, category or the proprietary products they replace."""
    words = _words(call)
    if not words:
        return []
    query = Q()
    for word in words:
        query |= (Q(name__icontains=word) | Q(short_description__icontains=word) | Q(long_description__icontains=word)
                  | Q(category__icontains=word) | Q(similar_products__icontains=word))
    return list(Software.objects.filter(query, pk__in=access.readable_keys(user, "procurement_software"))
                .exclude(call=call).select_related("organization").order_by("name")[:limit])


@dataclass(frozen=True)
class ReuseCandidates:
    """What the reuse-first search offers before a call is published."""

    software: list[Software]
    solutions: list[Solution]
    deliveries: list[Call]

    @property
    def empty(self) -> bool:
        return not (self.software or self.solutions or self.deliveries)


def reuse_candidates(*, call: Call, user: User | None) -> ReuseCandidates:
    return ReuseCandidates(software=reuse_software_matches(call=call, user=user),
                           solutions=reuse_solution_matches(call=call), deliveries=reuse_matches(call=call))


def awarded_calls_summary(*, start: dt.date, end: dt.date) -> tuple[int, Decimal]:
    """For the action-plan app: the calls awarded whose publication falls within [start, end]
    (dates inclusive) and their total value, the sum of the awarded bids' prices (CAD)."""
    calls = Call.objects.filter(state__in=AWARDED_STATES, awarded_bid__isnull=False,
                                published_at__date__gte=start, published_at__date__lte=end)
    total = calls.aggregate(total=Sum("awarded_bid__price"))["total"] or Decimal("0")
    return calls.count(), Decimal(total)


@dataclass(frozen=True)
class SheetLine:
    criterion: str
    weight: int
    score: int
    justification: str


@dataclass(frozen=True)
class ScoreSheet:
    bid: Bid
    total_bids: int
    lines: list[SheetLine]


def score_sheet_for(*, user: User | None, call: Call) -> ScoreSheet | None:
    """The signed-in supplier member's own score sheet, once debriefed (or awarded to them)."""
    if user is None or not user.is_authenticated:
        return None
    bid = (Bid.objects.filter(call=call, supplier__members=user, rank__isnull=False)
           .select_related("supplier").first())
    if bid is None or (bid.debriefed_at is None and call.awarded_bid_id != bid.pk):
        return None
    lines = [SheetLine(criterion=c.criterion.name, weight=c.criterion.weight, score=c.score,
                       justification=c.justification)
             for c in bid.consensus.select_related("criterion").order_by("criterion__position")]
    return ScoreSheet(bid=bid, total_bids=call.bids.filter(rank__isnull=False).count(), lines=lines)
