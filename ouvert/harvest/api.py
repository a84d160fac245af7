"""Native API for harvesting (site administrators): sources, starting a run, a run's progress and report."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ouvert.core import permissions
from ouvert.core.api_auth import token_auth
from ouvert.core.typing import TokenHttpRequest

from . import services
from .models import HarvestRun, HarvestRunItem, HarvestSource, ItemAction, RunStatus, Schedule, SourceKind

router = Router(tags=["harvest"], auth=token_auth)


class SourceOut(Schema):
    slug: str
    name: str
    kind: SourceKind
    url: str
    schedule: Schedule
    enabled: bool
    next_run_at: dt.datetime | None


class ItemOut(Schema):
    action: ItemAction
    remote_id: str
    remote_name: str
    local_id: str
    reason: str

    @staticmethod
    def resolve_reason(obj: HarvestRunItem) -> str:
        return obj.shown_reason


class RunOut(Schema):
    id: int
    source: str
    status: RunStatus
    phase: str
    total: int
    done: int
    percent: int
    created: int
    updated: int
    deleted: int
    unchanged: int
    errors: int
    message: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    items: list[ItemOut]

    @staticmethod
    def resolve_source(obj: HarvestRun) -> str:
        return obj.source.slug

    @staticmethod
    def resolve_message(obj: HarvestRun) -> str:
        return obj.shown_message

    @staticmethod
    def resolve_items(obj: HarvestRun) -> list:
        return list(obj.items.all()[:1000])


@router.get("/harvest/sources", response=list[SourceOut], summary="Sources de moissonnage")
def source_list(request: TokenHttpRequest):
    permissions.check_site_admin(request.auth)
    return list(HarvestSource.objects.order_by("name"))


@router.post("/harvest/sources/{slug}/runs", response={202: RunOut}, summary="Lancer un moissonnage")
def run_create(request: TokenHttpRequest, slug: str):
    permissions.check_site_admin(request.auth)
    source = get_object_or_404(HarvestSource, slug=slug)
    run = services.run_request(source=source, by=request.auth)
    run.refresh_from_db()
    return 202, run


@router.get("/harvest/runs/{run_id}", response=RunOut, summary="Progression et rapport d'un moissonnage")
def run_show(request: TokenHttpRequest, run_id: int):
    permissions.check_site_admin(request.auth)
    return get_object_or_404(HarvestRun.objects.select_related("source"), pk=run_id)
