"""Harvest sources and runs, for site administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core import permissions
from ouvert.core.forms import apply_errors
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import services
from .forms import HarvestSourceForm
from .models import HarvestRun, HarvestSource


def _admin(request: HttpRequest) -> None:
    permissions.check_site_admin(signed_in_user(request))


@login_required
def source_list(request: AuthedHttpRequest) -> HttpResponse:
    _admin(request)
    sources = HarvestSource.objects.select_related("default_organization").order_by("name")
    latest: dict[Any, HarvestRun] = {}
    for run in HarvestRun.objects.filter(source__in=sources).order_by("source_id", "-created_at"):
        latest.setdefault(run.source_id, run)
    rows = [(source, latest.get(source.pk)) for source in sources]
    return render(request, "harvest/source_list.html", {"rows": rows})


def _data(form: HarvestSourceForm) -> dict:
    data = dict(form.cleaned_data)
    if data.get("upload") in (None, False):
        data.pop("upload", None)
    return data


@login_required
def source_create(request: AuthedHttpRequest) -> HttpResponse:
    _admin(request)
    form = HarvestSourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(by=request.user, **_data(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Source enregistrée."))
            return redirect(source)
    return render(request, "harvest/source_form.html", {"form": form})


@login_required
def source_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    _admin(request)
    source = get_object_or_404(HarvestSource, slug=slug)
    form = HarvestSourceForm(request.POST or None, request.FILES or None, instance=source)
    if request.method == "POST" and form.is_valid():
        fresh = HarvestSource.objects.get(pk=source.pk)
        try:
            services.source_update(source=fresh, by=request.user, **_data(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Source enregistrée."))
            return redirect(fresh)
    return render(request, "harvest/source_form.html", {"form": form, "source": source})


@login_required
def source_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    _admin(request)
    source = get_object_or_404(HarvestSource, slug=slug)
    return render(request, "harvest/source_detail.html", {
        "source": source, "runs": source.runs.all()[:50], "harvested": source.harvested.count(),
    })


@login_required
@require_POST
def source_run(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    _admin(request)
    source = get_object_or_404(HarvestSource, slug=slug)
    try:
        run = services.run_request(source=source, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(source)
    return redirect(run)


@login_required
@require_POST
def source_delete(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    _admin(request)
    source = get_object_or_404(HarvestSource, slug=slug)
    services.source_delete(source=source, by=request.user)
    messages.success(request, _("Source supprimée ; les jeux moissonnés restent publiés."))
    return redirect("harvest:source_list")


def run_json(run: HarvestRun) -> dict:
    return {
        "id": run.pk, "source": run.source.slug, "status": run.status, "phase": run.phase,
        "total": run.total, "done": run.done, "percent": run.percent,
        "created": run.created, "updated": run.updated, "deleted": run.deleted, "unchanged": run.unchanged,
        "errors": run.errors, "message": run.shown_message,
        "started_at": run.started_at, "finished_at": run.finished_at,
        "items": [{"action": i.action, "remote_id": i.remote_id, "remote_name": i.remote_name,
                   "local_id": i.local_id, "reason": i.shown_reason} for i in run.items.all()[:1000]],
    }


@login_required
def run_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    _admin(request)
    run = get_object_or_404(HarvestRun.objects.select_related("source"), source__slug=slug, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(run_json(run))
    return render(request, "harvest/run_detail.html", {"run": run, "source": run.source,
                                                       "items": run.items.all()[:1000]})
