"""Typed reads of public calls for open-contracting formats (the API layer's OCDS builder turns
them into releases; this module knows nothing of OCDS's wire shape). Only public calls (not
drafts), and bids' content never: counts, tenderers' names and scale, the award, the delivery."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from .models import Bid, BidState, Call, CallChange, CallState, Delivery, Question


@dataclass(frozen=True)
class PartyView:
    key: str  # "org-<uuid>" or "supplier-<id>"
    name: str
    roles: tuple[str, ...]
    scale: str = ""  # supplier size: micro, small, medium, large
    identifier: str = ""  # NEQ for suppliers
    region: str = ""


@dataclass(frozen=True)
class ChangeView:
    seq: int
    state: str
    at: dt.datetime


@dataclass(frozen=True)
class AmendmentView:
    id: int
    at: dt.datetime
    question: str
    answer: str


@dataclass(frozen=True)
class DocumentView:
    id: int
    title: str
    url: str  # path on this site (the stored file's view)
    filename: str


@dataclass(frozen=True)
class CallView:
    id: int
    title: str
    summary: str
    description: str
    deliverables: str
    state: str
    pricing: str
    amount: Decimal
    buyer: PartyView
    published_at: dt.datetime
    questions_deadline: dt.datetime
    bid_deadline: dt.datetime
    delivery_date: dt.date
    criteria: tuple[tuple[str, int], ...]
    tie_break: str
    url: str
    changes: tuple[ChangeView, ...]
    amendments: tuple[AmendmentView, ...]
    tenderers: tuple[PartyView, ...]  # only once the bids are open
    winner: PartyView | None
    awarded_price: Decimal | None
    awarded_at: dt.datetime | None
    repository_url: str
    accepted_at: dt.datetime | None
    paid_on: dt.date | None
    documents: tuple[DocumentView, ...] = ()


def _at(changes: list[CallChange], state: str) -> dt.datetime | None:
    return next((c.at for c in changes if c.state == state), None)


def _view(call: Call) -> CallView:
    org = call.organization
    changes = list(call.changes.all())
    buyer = PartyView(key=f"org-{org.pk}", name=org.name_fr, roles=("buyer",))
    opened = call.opened_at is not None
    bids = [b for b in call.bids.all() if b.state == BidState.SUBMITTED] if opened else []
    winner_id = call.awarded_bid.supplier_id if call.awarded_bid else None
    tenderers = tuple(PartyView(key=f"supplier-{b.supplier.pk}", name=b.supplier.name,
                                roles=("tenderer", "supplier") if b.supplier.pk == winner_id else ("tenderer",),
                                scale=b.supplier.size, identifier=b.supplier.neq, region=b.supplier.region)
                      for b in bids)
    winner = next((t for t in tenderers if "supplier" in t.roles), None)
    delivery: Delivery | None = getattr(call, "delivery", None) if hasattr(call, "delivery") else None
    return CallView(
        id=call.pk, title=call.title, summary=call.summary, description=call.description,
        deliverables=call.deliverables, state=call.state, pricing=call.pricing, amount=call.amount, buyer=buyer,
        published_at=call.published_at or call.created_at, questions_deadline=call.questions_deadline,
        bid_deadline=call.bid_deadline, delivery_date=call.delivery_date,
        criteria=tuple((c.name, c.weight) for c in call.evaluation_criteria.all()), tie_break=str(call.tie_break),
        url=call.get_absolute_url(),
        changes=tuple(ChangeView(seq=i, state=c.state, at=c.at) for i, c in enumerate(changes, start=1)),
        amendments=tuple(AmendmentView(id=q.pk, at=q.answered_at, question=q.text, answer=q.answer)
                         for q in call.questions.all() if q.answered_at is not None),
        tenderers=tenderers, winner=winner, awarded_price=call.awarded_bid.price if call.awarded_bid else None,
        awarded_at=_at(changes, CallState.AWARDED), repository_url=delivery.repository_url if delivery else "",
        accepted_at=delivery.accepted_at if delivery else None, paid_on=delivery.paid_on if delivery else None,
        documents=tuple(DocumentView(id=a.pk, title=a.title, url=a.file.url, filename=a.filename)
                        for a in call.attachments.all()))


def public_calls(*, ids: list[int] | None = None) -> list[CallView]:
    """Every public call (or those of ``ids``), oldest first, in a constant number of queries."""
    rows = (Call.objects.exclude(state=CallState.DRAFT).select_related("organization", "awarded_bid", "delivery")
            .prefetch_related("changes", "evaluation_criteria", "attachments",
                              Prefetch("questions", queryset=Question.objects.order_by("answered_at", "pk")),
                              Prefetch("bids", queryset=Bid.objects.select_related("supplier").order_by("pk")))
            .order_by("published_at", "pk"))
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return [_view(call) for call in rows]
