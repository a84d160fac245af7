"""The standalone page of a datastore table (the catalogue's resource page embeds the same include),
and the load panel: progress while a file loads, its report when it failed, cancel and retry."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core.http import safe_next
from ouvert.core.permissions import can_edit_in_organization
from ouvert.core.typing import signed_in_user

from . import selectors, services
from .models import IngestJob
from .report import job_messages


def table_page(request: HttpRequest, resource_id: uuid.UUID) -> HttpResponse:
    sheet = request.GET.get("feuille") or request.GET.get("sheet") or "0"
    table = selectors.table_for_read(resource_id, signed_in_user(request), int(sheet) if sheet.isdigit() else 0)
    sheets = selectors.tables_for_resource(table.resource_id)
    return render(request, "datastore/table.html", {"table": table, "sheets": sheets})


def job_context(user, resource_id: uuid.UUID) -> dict:
    """What the load panel shows: the latest job, to its organization's editors only."""
    job = selectors.latest_job(resource_id)
    if job is None or job.organization is None or not can_edit_in_organization(user, job.organization):
        return {"job": None}
    shown = job_messages(job.report, job.error)
    return {"job": job, "job_error": shown["error"], "job_errors": shown["errors"][:20]}


def job_panel(request: HttpRequest, resource_id: uuid.UUID) -> HttpResponse:
    """The panel alone, fetched again every few seconds by the page while a load runs."""
    context = job_context(request.user, resource_id)
    if context["job"] is None:
        raise Http404
    response = render(request, "datastore/includes/job.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _back(request: HttpRequest, job: IngestJob) -> HttpResponse:
    return redirect(safe_next(request, request.POST.get("next"),
                              reverse("datastore:table", kwargs={"resource_id": job.resource_id})))


def _act(request: HttpRequest, job_id: uuid.UUID, action, done: str) -> HttpResponse:
    job = get_object_or_404(IngestJob, pk=job_id)
    if not request.user.is_authenticated:
        raise PermissionDenied
    action(job=job, by=request.user)
    messages.success(request, done)
    return _back(request, job)


@require_POST
def job_cancel(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    return _act(request, job_id, services.datastore_ingest_cancel,
                _("Annulation demandée : la version précédente reste en ligne."))


@require_POST
def job_retry(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    return _act(request, job_id, services.datastore_ingest_retry, _("Chargement relancé."))
