"""Native API of micro-acquisitions: calls (public once published) and, after opening, their bids
(for the buying body). Before the deadline a call's bids are not found: their content is sealed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from ouvert.core import access
from ouvert.core.typing import signed_in_user

from . import selectors
from .models import Call, CallState, Eligibility, Pricing

router = Router(tags=["procurement"])


class CallOut(Schema):
    id: int
    title: str
    summary: str
    organization: str
    state: CallState
    pricing: Pricing
    amount: Decimal
    questions_deadline: dt.datetime
    bid_deadline: dt.datetime
    delivery_date: dt.date
    licence: str
    eligibility: Eligibility
    published_at: dt.datetime | None
    opened_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_organization(obj: Call) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_url(obj: Call) -> str:
        return obj.get_absolute_url()


class CriterionOut(Schema):
    name: str
    weight: int


class QuestionOut(Schema):
    text: str
    asked_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class CallDetailOut(CallOut):
    description: str
    deliverables: str
    skills: str
    repository_url: str
    tie_break: str
    reuse_comparison: str
    acceptance_criteria: list[str]
    evaluation_criteria: list[CriterionOut]
    questions: list[QuestionOut]
    bids_submitted: int | None = Field(description="Nombre de soumissions, publié seulement après l'ouverture.")

    @staticmethod
    def resolve_acceptance_criteria(obj: Call) -> list[str]:
        return [c.text for c in obj.acceptance_criteria.all()]

    @staticmethod
    def resolve_evaluation_criteria(obj: Call) -> list[dict[str, object]]:
        return [{"name": c.name, "weight": c.weight} for c in obj.evaluation_criteria.all()]

    @staticmethod
    def resolve_questions(obj: Call) -> list[object]:
        return list(obj.questions.all())

    @staticmethod
    def resolve_bids_submitted(obj: Call) -> int | None:
        stats = selectors.call_bid_statistics(call=obj)
        return stats.submitted if stats.opened else None


class CallPage(Schema):
    count: int
    offset: int
    results: list[CallOut]


class CallFilters(Schema):
    state: CallState | None = None
    offset: int = Field(0, ge=0, le=1_000_000_000)
    limit: int = Field(50, ge=1, le=200)


class BidOut(Schema):
    supplier: str
    supplier_size: str
    submitted_at: dt.datetime
    price: Decimal | None
    proposal: str

    @staticmethod
    def resolve_supplier(obj: object) -> str:
        return obj.supplier.name  # type: ignore[attr-defined]  # a Bid

    @staticmethod
    def resolve_supplier_size(obj: object) -> str:
        return obj.supplier.size  # type: ignore[attr-defined]  # a Bid


def _call(request: HttpRequest, call_id: int) -> Call:
    from .services import call_open_bids

    call = selectors.call_get_for(user=signed_in_user(request), pk=call_id)
    if call.state == CallState.PUBLISHED and call.opened_at is None and not selectors.call_is_open_for_bids(call):
        call_open_bids(call=call)
    return call


@router.get("/procurement/calls", response=CallPage, summary="Lister les appels de micro-acquisition")
def call_list(request: HttpRequest, filters: Query[CallFilters]) -> dict[str, object]:
    rows = selectors.calls_visible(user=signed_in_user(request), state=filters.state or "")
    return {"count": rows.count(), "offset": filters.offset,
            "results": list(rows[filters.offset: filters.offset + filters.limit])}


@router.get("/procurement/calls/{call_id}", response=CallDetailOut, summary="Un appel")
def call_show(request: HttpRequest, call_id: int) -> Call:
    return _call(request, call_id)


@router.get("/procurement/calls/{call_id}/bids", response=list[BidOut],
            summary="Les soumissions ouvertes d'un appel (organisme acheteur, après la date limite)")
def call_bids(request: HttpRequest, call_id: int) -> list[object]:
    user = signed_in_user(request)
    call = _call(request, call_id)
    if not access.may_read(user, "procurement_bids", call.pk):
        raise Http404
    return list(selectors.call_bids_opened(user=user, call=call))
