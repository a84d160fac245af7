"""Native API for action plans (read-only): the plans a caller may read, one plan in the JSON
format of ``schema/plan.schema.json``, and the barometer's indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ouvert.core.paging import OffsetParams, offset_page
from ouvert.core.typing import signed_in_user

from . import exports, selectors

router = Router(tags=["plans"])


class PlanOut(Schema):
    slug: str
    title: str
    organization: str
    period_start: dt.date
    period_end: dt.date
    status: str
    completion: float = Field(description="Avancement dérivé des jalons, en %.")
    commitments: int
    milestones: int
    late_milestones: int
    url: str


class PlanPage(Schema):
    count: int
    offset: int
    results: list[PlanOut]


class PlanFilters(OffsetParams):
    """Plans are listed by page only."""


class IndicatorOut(Schema):
    key: str
    title: str
    unit: str
    target: float
    target_date: dt.date
    baseline: float | None
    version: int | None = Field(description="Version de la fiche méthodologique (une version = une série).")
    measure: str
    current: float | None = Field(description="Valeur calculée en direct (ou dernière valeur saisie).")
    progress: float | None = Field(description="Atteinte de la cible depuis la valeur de départ, en %.")
    csv: str


@router.get("/plans", response=PlanPage, summary="Lister les plans d'action")
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    page = offset_page(selectors.plan_summaries(user=signed_in_user(request)), filters)
    page["results"] = [{
        "slug": s.plan.slug, "title": s.plan.title, "organization": s.plan.organization.slug,
        "period_start": s.plan.period_start, "period_end": s.plan.period_end, "status": s.plan.status,
        "completion": s.percent, "commitments": s.commitment_count, "milestones": s.milestone_count,
        "late_milestones": s.late_count, "url": s.plan.get_absolute_url()} for s in page["results"]]
    return page


@router.get("/plans/indicators", response=list[IndicatorOut], summary="Les indicateurs du baromètre")
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    from django.urls import reverse

    return [{"key": v.indicator.key, "title": v.indicator.title, "unit": v.indicator.unit,
             "target": v.indicator.target, "target_date": v.indicator.target_date, "baseline": v.indicator.baseline,
             "version": v.series.version if v.series else None, "measure": v.series.measure if v.series else "",
             "current": v.current, "progress": v.progress,
             "csv": reverse("plans:indicator_csv", kwargs={"key": v.indicator.key})} for v in selectors.barometer()]


@router.get("/plans/{slug}", response=dict[str, Any],
            summary="Un plan d'action (format du schéma plan.schema.json)")
def plan_show(request: HttpRequest, slug: str) -> dict[str, Any]:
    plan = selectors.plan_get(slug=slug[:80], user=signed_in_user(request))
    return exports.plan_json(plan)
