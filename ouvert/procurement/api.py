"""Native API of micro-acquisitions: calls (public once published) and, after opening, their bids
(for the buying body). Before the deadline a call's bids are not found: their content is sealed.
Also the free-software catalogue (published entries, unpublished ones for their body), the market
dashboard (public) and accompaniment requests (never public: the requesting body and the team).
Every read asks the access model through the app's selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from ouvert.core import access
from ouvert.core.api_auth import token_auth
from ouvert.core.models import Organization
from ouvert.core.paging import OffsetParams, offset_page
from ouvert.core.typing import TokenHttpRequest, signed_in_user

from . import accompaniment, dashboard, selectors, software
from .models import (
    Accompaniment,
    AccompanimentState,
    Call,
    CallState,
    Eligibility,
    Pricing,
    Software,
    SoftwareRole,
    SoftwareUse,
)

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


class CallFilters(OffsetParams):
    state: CallState | None = None


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
    return offset_page(rows, filters)


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


# Free-software catalogue -----------------------------------------------------------------------


class SoftwareOut(Schema):
    id: int
    name: str
    short_description: str
    url: str = Field(description="Adresse du code.")
    licence: str = Field(description="Licence (expression SPDX).")
    category: str
    organization: str = Field(description="Organisme qui tient la fiche (nom court).")
    in_support_contract: bool
    from_quebec_body: bool
    accessible: bool
    call: int | None = Field(description="Appel dont la livraison acceptée a créé la fiche, s'il y en a un.")
    n_users: int = Field(description="Nombre d'organismes qui déclarent l'utiliser.")
    page: str

    @staticmethod
    def resolve_organization(obj: Software) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_call(obj: Software) -> int | None:
        return obj.call_id

    @staticmethod
    def resolve_n_users(obj: Software) -> int:
        return int(getattr(obj, "n_users", None) or obj.uses.count())

    @staticmethod
    def resolve_page(obj: Software) -> str:
        return obj.get_absolute_url()


class SoftwareUseOut(Schema):
    organization: str
    organization_name: str
    role: SoftwareRole
    declared_at: dt.datetime

    @staticmethod
    def resolve_organization(obj: SoftwareUse) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_organization_name(obj: SoftwareUse) -> str:
        return obj.organization.name


class SoftwareDetailOut(SoftwareOut):
    long_description: str
    similar_products: str
    support_providers: str
    published: bool
    users: list[SoftwareUseOut]
    publiccode: str = Field(description="Adresse du publiccode.yml exporté.")

    @staticmethod
    def resolve_users(obj: Software) -> list[SoftwareUse]:
        return software.software_users(software=obj)

    @staticmethod
    def resolve_publiccode(obj: Software) -> str:
        return reverse("procurement:software_publiccode", kwargs={"pk": obj.pk})


class SoftwarePage(Schema):
    count: int
    offset: int
    results: list[SoftwareOut]


class SoftwareFiltersIn(OffsetParams):
    q: str = Field("", max_length=200)
    category: str = Field("", max_length=60)
    licence: str = Field("", max_length=200)
    prerogative: Literal["", "in_support_contract", "from_quebec_body", "accessible"] = ""
    organization: str = Field("", max_length=100, description="Nom court d'un organisme qui l'utilise.")


@router.get("/procurement/software", response=SoftwarePage, summary="Lister les logiciels libres du catalogue")
def software_list(request: HttpRequest, filters: Query[SoftwareFiltersIn]) -> dict[str, object]:
    rows = software.software_list(user=signed_in_user(request), filters=software.SoftwareFilters(
        q=filters.q, category=filters.category, licence=filters.licence, prerogative=filters.prerogative,
        organization=filters.organization))
    return offset_page(rows, filters)


@router.get("/procurement/software/{software_id}", response=SoftwareDetailOut, summary="Un logiciel libre")
def software_show(request: HttpRequest, software_id: int) -> Software:
    return software.software_get_for(user=signed_in_user(request), pk=software_id)


# Market dashboard ------------------------------------------------------------------------------


class PointOut(Schema):
    month: str = Field(description="Mois de publication des appels (AAAA-MM).")
    value: float | None
    basis: int = Field(description="Nombre d'appels, d'adjudications ou de livraisons sur lequel porte la valeur.")


class SeriesOut(Schema):
    slug: str
    title: str
    unit: str
    basis_label: str
    overall: float | None
    overall_basis: int
    points: list[PointOut]
    csv: str

    @staticmethod
    def resolve_title(obj: dashboard.Series) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_unit(obj: dashboard.Series) -> str:
        return str(obj.unit)

    @staticmethod
    def resolve_basis_label(obj: dashboard.Series) -> str:
        return str(obj.basis_label)

    @staticmethod
    def resolve_csv(obj: dashboard.Series) -> str:
        return reverse("procurement:dashboard_csv", kwargs={"series": obj.slug})


@router.get("/procurement/dashboard", response=list[SeriesOut],
            summary="Tableau de bord du marché : toutes les séries (appels publics seulement)")
def market_dashboard(request: HttpRequest) -> list[dashboard.Series]:
    return dashboard.market_series()


@router.get("/procurement/dashboard/{series}", response=SeriesOut, summary="Une série du tableau de bord")
def market_series(request: HttpRequest, series: str) -> dashboard.Series:
    if series not in dashboard.SERIES:
        raise Http404
    return next(s for s in dashboard.market_series() if s.slug == series)


# Accompaniment requests (never public) ---------------------------------------------------------


class AccompanimentOut(Schema):
    id: int
    organization: str
    subject: str
    description: str
    state: AccompanimentState
    follow_up: str
    created_at: dt.datetime
    updated_at: dt.datetime
    page: str

    @staticmethod
    def resolve_organization(obj: Accompaniment) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_page(obj: Accompaniment) -> str:
        return obj.get_absolute_url()


class AccompanimentIn(Schema):
    organization: str = Field(max_length=100, description="Nom court de l'organisme qui demande (vous en êtes membre).")
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)


class AccompanimentMoveIn(Schema):
    state: Literal["in_progress", "closed"]
    note: str = Field("", max_length=5000, description="Note de suivi, obligatoire pour fermer.")


@router.get("/procurement/accompaniments", response=list[AccompanimentOut], auth=token_auth,
            summary="Les demandes d'accompagnement de vos organismes (toutes pour l'équipe)")
def accompaniment_list(request: TokenHttpRequest) -> list[Accompaniment]:
    return list(accompaniment.accompaniments_for(user=request.auth)[:500])


@router.get("/procurement/accompaniments/{request_id}", response=AccompanimentOut, auth=token_auth,
            summary="Une demande d'accompagnement")
def accompaniment_show(request: TokenHttpRequest, request_id: int) -> Accompaniment:
    return accompaniment.accompaniment_get_for(user=request.auth, pk=request_id)


@router.post("/procurement/accompaniments", response={201: AccompanimentOut}, auth=token_auth,
             summary="Demander un accompagnement (membre d'un organisme public)")
def accompaniment_create(request: TokenHttpRequest, payload: AccompanimentIn) -> Status:
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise Http404
    item = accompaniment.accompaniment_request(organization=organization, subject=payload.subject,
                                               description=payload.description, by=request.auth)
    return Status(201, item)


@router.post("/procurement/accompaniments/{request_id}/move", response=AccompanimentOut, auth=token_auth,
             summary="Faire avancer une demande (équipe d'accompagnement)")
def accompaniment_advance(request: TokenHttpRequest, request_id: int, payload: AccompanimentMoveIn) -> Accompaniment:
    item = accompaniment.accompaniment_get_for(user=request.auth, pk=request_id)
    return accompaniment.accompaniment_move(request=item, to=payload.state, note=payload.note, by=request.auth)
