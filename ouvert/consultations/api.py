"""Native API for consultations: list, show, filter; answer a survey; read results (organizers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ouvert.core.api_auth import token_auth
from ouvert.core.paging import OffsetParams, offset_page
from ouvert.core.ratelimit import rate_limit_hit
from ouvert.core.typing import TokenHttpRequest

from . import permissions, selectors, services
from .models import Consultation, Phase, QuestionKind, Region, Topic

router = Router(tags=["consultations"])


class ConsultationOut(Schema):
    slug: str
    title: str
    summary: str
    organization: str
    topic: Topic
    region: Region
    target_public: str
    phase: Phase
    opens_at: dt.datetime
    closes_at: dt.datetime
    results_published_at: dt.datetime | None
    has_survey: bool
    has_proposals: bool
    has_discussion: bool
    has_briefs: bool
    allow_anonymous: bool
    url: str

    @staticmethod
    def resolve_organization(obj: Consultation) -> str:
        return obj.organization.slug

    @staticmethod
    def resolve_url(obj: Consultation) -> str:
        return obj.get_absolute_url()


class ConsultationDetailOut(ConsultationOut):
    body_html: str
    contact_name: str
    contact_email: str
    consent_text: str
    ask_demographics: bool
    what_we_heard: str
    what_we_did: str


class ConsultationPage(Schema):
    count: int
    offset: int
    results: list[ConsultationOut]


class ConsultationFilters(OffsetParams):
    q: str | None = Field(None, description="Texte cherché dans le titre, le résumé, la présentation.")
    status: str | None = Field(None, description="`open`, `upcoming` ou `closed`.")
    organization: str | None = Field(None, description="Identifiant (slug) de l'organisation.")
    topic: Topic | None = None
    region: Region | None = None


class QuestionOut(Schema):
    id: int
    field: str = Field(description="Clé à utiliser dans `answers` (`q<id>`).")
    page: int
    kind: QuestionKind
    label: str
    help_text: str
    required: bool
    choices: list[str]
    rows: list[str]
    scale_min: int
    scale_max: int
    condition_question: int | None = Field(None, alias="condition_question_id")
    condition_value: str

    @staticmethod
    def resolve_field(obj) -> str:
        return obj.field_name


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(description="`{\"q12\": \"Oui\", \"q13\": [\"A\", \"B\"], \"q14\": 4, "
                                                "\"q15\": {\"Ligne\": \"Colonne\"}, \"q16\": [\"2e\", \"1er\"]}`")
    consent: bool = False
    age_band: str = ""
    region: str = ""
    gender: str = ""


class ResponseOut(Schema):
    id: int
    submitted_at: dt.datetime


class ResultsOut(Schema):
    participants: int
    questions: list[dict[str, Any]]


class ResponseRowsOut(Schema):
    columns: list[str]
    rows: list[list[Any]]


def _get(slug: str, user) -> Consultation:
    consultation = selectors.consultation_get(slug=slug, user=user)
    if consultation is None:
        raise Http404("Consultation introuvable.")
    return consultation


@router.get("/consultations", response=ConsultationPage, summary="Lister et filtrer les consultations publiées")
def consultation_list(request: HttpRequest, filters: Query[ConsultationFilters]):
    qs = selectors.consultation_list(q=filters.q or "", status=filters.status or "",
                                     organization=filters.organization or "", topic=filters.topic or "",
                                     region=filters.region or "")
    return offset_page(qs, filters)


@router.get("/consultations/metrics", response=dict, summary="Indicateurs de participation de la plateforme")
def consultation_metrics(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    return selectors.platform_metrics(year=year)


@router.get("/consultations/{slug}", response=ConsultationDetailOut, summary="Une consultation")
def consultation_show(request: HttpRequest, slug: str):
    return _get(slug, request.user)


@router.get("/consultations/{slug}/questions", response=list[QuestionOut], summary="Les questions du questionnaire")
def consultation_questions(request: HttpRequest, slug: str):
    return list(_get(slug, request.user).questions.all())


@router.post("/consultations/{slug}/responses", response={201: ResponseOut, 429: dict}, auth=token_auth,
             summary="Répondre au questionnaire (une fois par compte)")
def consultation_respond(request: TokenHttpRequest, slug: str, payload: ResponseIn):
    wait = rate_limit_hit(request, "consultation_answer")
    if wait:
        return Status(429, {"detail": f"Trop de requêtes; réessayez dans {wait} s."})
    consultation = selectors.consultation_get_for_answers(slug=slug, user=request.auth)
    if consultation is None:
        raise Http404("Consultation introuvable.")
    participation = services.participation_submit_all(
        consultation=consultation, user=request.auth, answers=payload.answers, consent=payload.consent,
        demographics={"age_band": payload.age_band, "region": payload.region, "gender": payload.gender}
        if (payload.age_band or payload.region or payload.gender) else None)
    return Status(201, {"id": participation.pk, "submitted_at": participation.submitted_at})


@router.get("/consultations/{slug}/results", response=ResultsOut, auth=token_auth,
            summary="Résultats agrégés par question (organisateurs)")
def consultation_results(request: TokenHttpRequest, slug: str, age_band: str = "", region: str = "", gender: str = ""):
    consultation = _get(slug, request.auth)
    permissions.check_organize(request.auth, consultation)
    data = selectors.consultation_results(consultation=consultation,
                                          demographic={"age_band": age_band, "region": region, "gender": gender})
    questions = []
    for item in data["questions"]:
        entry = {k: v for k, v in item.items() if k not in ("question",)}
        entry["id"] = item["question"].pk
        entry["label"] = item["question"].label
        questions.append(entry)
    return {"participants": data["total"], "questions": questions}


@router.get("/consultations/{slug}/responses", response=ResponseRowsOut, auth=token_auth,
            summary="Réponses, une ligne par participant et une colonne par question (organisateurs)")
def consultation_responses(request: TokenHttpRequest, slug: str):
    consultation = _get(slug, request.auth)
    permissions.check_organize(request.auth, consultation)
    columns, rows = selectors.consultation_results_rows(consultation=consultation)
    return {"columns": columns, "rows": rows}
