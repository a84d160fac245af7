"""Pages of the open-access app (thin: forms in, services and selectors do the work)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core.bounds import int_param
from ouvert.core.forms import apply_errors
from ouvert.core.messages import Message, render_fix
from ouvert.core.messages import render as render_message
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import services
from .access import file_readable
from .compliance import Status, Verdict
from .forms import FilterForm, GrantImportForm, PublicationForm, PublicationImportForm, RouteForm
from .messages import reason_texts
from .models import Funder, Publication
from .permissions import can_edit_publication, can_manage_funder
from .selectors import (
    LEDGER_FIELDS,
    confirmed_links,
    ledger_rows,
    ledger_rows_chunked,
    publication_get,
    publication_list,
    publication_verdict,
    publications_of,
    route_find,
)
from .selectors import dashboard as dashboard_data


def _reasons(verdict: Verdict) -> list[dict[str, str]]:
    return reason_texts(verdict.reasons)


def _row(publication: Publication, verdict: Verdict) -> dict[str, Any]:
    return {"publication": publication, "verdict": verdict, "status_label": Status(verdict.status).label,
            "reasons": _reasons(verdict)}


def index(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = publication_list(q=filters.get("q", ""), status=filters.get("status", ""),
                            funder=filters.get("funder", ""), today=today)
    if request.GET.get("format") == "json":
        return JsonResponse({"count": len(rows), "results": [
            {"id": p.pk, "title": p.title, "doi": p.doi, "published_on": p.published_on.isoformat(),
             "status": v.status, "url": request.build_absolute_uri(p.get_absolute_url())} for p, v in rows]})
    page_number = int_param(request.GET.get("page") or 1, name="page", minimum=1, maximum=10**6)
    page = Paginator([_row(p, v) for p, v in rows], 25).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "openaccess/index.html", {"form": form, "page": page, "query": query.urlencode(),
                                                     "oa_staff": _is_staff(signed_in_user(request))})


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    found = publication_get(pk=pk)
    if found is None:
        raise Http404(_("Article introuvable."))
    user = signed_in_user(request)
    verdict = publication_verdict(publication=found, today=timezone.localdate())
    readable = file_readable(found, user)
    if request.GET.get("format") == "json":
        return JsonResponse({
            "id": found.pk, "title": found.title, "journal": found.journal, "issn": found.issn, "doi": found.doi,
            "published_on": found.published_on.isoformat(), "route": found.route, "licence": found.licence,
            "version": found.version, "repository_url": found.repository_url,
            "embargo_until": found.embargo_until.isoformat() if found.embargo_until else None,
            "file_url": request.build_absolute_uri(found.file.url) if readable else None,
            "authors": [{"name": a.full_name, "orcid": a.orcid or None} for a in found.authors.all()],
            "grants": [link.grant.number for link in confirmed_links(found)],
            "compliance": {"status": verdict.status, "policy": verdict.policy,
                           "deadline": verdict.deadline.isoformat() if verdict.deadline else None,
                           "reasons": _reasons(verdict)},
        })
    return render(request, "openaccess/publication.html", {
        "pub": found, "row": _row(found, verdict), "file_readable": readable,
        "links": confirmed_links(found), "can_edit": can_edit_publication(user, found),
        "today": timezone.localdate()})


def _input(form: PublicationForm) -> services.PublicationInput:
    data = form.cleaned_data
    authors = []
    for line in (data.get("authors") or "").splitlines():
        name, _sep, orcid = line.partition(";")
        if name.strip():
            authors.append(services.AuthorInput(full_name=name.strip(), orcid=orcid.strip()))
    return services.PublicationInput(
        title=data["title"], published_on=data["published_on"], authors=authors, journal=data.get("journal") or "",
        issn=data.get("issn") or "", doi=data.get("doi") or "", licence=data.get("licence") or "",
        version=data.get("version") or "", route=data.get("route") or "none",
        repository_url=data.get("repository_url") or "", opened_on=data.get("opened_on"),
        embargo_until=data.get("embargo_until"),
        grant_numbers=[n for n in (data.get("grant_numbers") or "").split(",") if n.strip()])


@login_required
def declare(request: AuthedHttpRequest) -> HttpResponse:
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.publication_declare(data=_input(form), file=request.FILES.get("file"), by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(created.get_absolute_url())
    return render(request, "openaccess/declare.html", {"form": form, "editing": None})


def _initial(pub: Publication) -> dict[str, Any]:
    return {
        "title": pub.title, "journal": pub.journal, "issn": pub.issn, "doi": pub.doi or "",
        "published_on": pub.published_on, "route": pub.route, "repository_url": pub.repository_url,
        "version": pub.version, "licence": pub.licence, "opened_on": pub.opened_on,
        "embargo_until": pub.embargo_until,
        "authors": "\n".join(f"{a.full_name} ; {a.orcid}" if a.orcid else a.full_name for a in pub.authors.all()),
        "grant_numbers": ", ".join(link.grant.number for link in confirmed_links(pub)),
    }


@login_required
def edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = publication_get(pk=pk)
    if found is None or not can_edit_publication(request.user, found):
        raise Http404(_("Article introuvable."))
    form = PublicationForm(request.POST or None, request.FILES or None, initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(publication=found, data=_input(form), file=request.FILES.get("file"),
                                        by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(found.get_absolute_url())
    return render(request, "openaccess/declare.html", {"form": form, "editing": found})


@login_required
@require_POST
def delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    found = publication_get(pk=pk)
    if found is None or not can_edit_publication(request.user, found):
        raise Http404(_("Article introuvable."))
    services.publication_delete(publication=found, by=request.user)
    return redirect("openaccess:mine")


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    rows = [_row(p, v) for p, v in publications_of(user_id=request.user.pk, today=timezone.localdate())]
    return render(request, "openaccess/mine.html", {"rows": rows, "oa_staff": _is_staff(request.user)})


def dashboard(request: HttpRequest) -> HttpResponse:
    data = dashboard_data(today=timezone.localdate())
    statuses = [(value, label) for value, label in Status.choices]
    if request.GET.get("format") == "json":
        def tally(t: Any) -> dict[str, Any]:
            return {"key": t.key, "label": t.label, "total": t.total, "counts": dict(t.counts)}
        return JsonResponse({"overall": tally(data.overall), "by_funder": [tally(t) for t in data.by_funder],
                             "by_programme": [tally(t) for t in data.by_programme],
                             "by_institution": [tally(t) for t in data.by_institution],
                             "by_year": [tally(t) for t in data.by_year],
                             "routes": dict(data.routes), "licences": dict(data.licences)})
    total = data.overall.total
    from .models import Route

    routes = [{"label": Route(k).label, "count": n, "percent": round(100 * n / total) if total else 0}
              for k, n in data.routes.most_common()]
    licences = [{"label": k, "count": n, "percent": round(100 * n / total) if total else 0}
                for k, n in data.licences.most_common()]
    from .publishing import ledger_dataset

    return render(request, "openaccess/dashboard.html", {"data": data, "statuses": statuses, "routes": routes,
                                                         "licences": licences, "ledger_dataset": ledger_dataset(),
                                                         "oa_staff": _is_staff(signed_in_user(request))})


def route_finder(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.GET or None)
    finding = None
    if form.is_valid():
        finding = route_find(issn=form.cleaned_data["issn"], today=timezone.localdate())
        if finding.error:
            form.add_error("issn", render_message(Message.from_dict(finding.error)))
            finding = None
    advice = []
    if finding is not None:
        from .models import Route, Version

        advice = [{"route": Route(a.route).label, "complies": a.complies, "licence": a.licence,
                   "version": Version(a.version).label, "text": render_message(Message.from_dict(a.reason)),
                   "fix": render_fix(Message.from_dict(a.reason))} for a in finding.advice]
    return render(request, "openaccess/route_finder.html", {"form": form, "finding": finding, "advice": advice})


def guide(request: HttpRequest) -> HttpResponse:
    from .models import FaqEntry
    from .selectors import webinars_upcoming

    return render(request, "openaccess/guide.html", {"webinars": webinars_upcoming(),
                                                     "faq": list(FaqEntry.objects.all())})


def _ledger_csv_lines(today: Any) -> Iterator[str]:
    """The ledger as CSV, a chunk of articles at a time (streamed: constant memory)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LEDGER_FIELDS)
    writer.writeheader()
    for number, row in enumerate(ledger_rows_chunked(today=today), start=1):
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def ledger(request: HttpRequest, fmt: str) -> HttpResponseBase:
    response: HttpResponseBase
    if fmt == "json":
        rows = list(ledger_rows(today=timezone.localdate()))
        response = JsonResponse({"fields": LEDGER_FIELDS, "licence": "CC-BY-4.0", "rows": rows})
    elif fmt == "csv":
        response = StreamingHttpResponse(_ledger_csv_lines(timezone.localdate()),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registre-libre-acces.csv"'
    else:
        raise Http404(_("Format inconnu."))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _report_rows(report: services.ImportReport | None) -> tuple[list[dict[str, Any]], list[str]]:
    if report is None:
        return [], []
    rows = [{"line": r.line, "key": r.key, "ok": r.ok,
             "messages": [render_message(Message.from_dict(m)) for m in r.messages]} for r in report.rows]
    return rows, [render_message(Message.from_dict(m)) for m in report.errors]


def _is_staff(user: Any) -> bool:
    return user is not None and any(can_manage_funder(user, f) for f in Funder.objects.select_related("organization"))


def _staff_funders(user: Any) -> list[Funder]:
    funders = [f for f in Funder.objects.select_related("organization") if can_manage_funder(user, f)]
    if not funders:
        raise PermissionDenied(_("Seul le personnel des Fonds peut faire cela."))
    return funders


@login_required
def publications_import(request: AuthedHttpRequest) -> HttpResponse:
    from .imports import publications_import as run_import

    _staff_funders(request.user)
    form = PublicationImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8")
        except UnicodeDecodeError as exc:
            form.add_error("file", render_message(Message("oa.csv_invalid", {"error": str(exc)})))
        else:
            report = run_import(text=text, kind=form.cleaned_data["kind"], dry_run=form.cleaned_data["dry_run"],
                                by=request.user)
    rows, file_errors = _report_rows(report)
    return render(request, "openaccess/publications_import.html", {"form": form, "report": report, "rows": rows,
                                                                   "file_errors": file_errors, "oa_staff": True})


@login_required
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    from .imports import review_links, review_works

    _staff_funders(request.user)
    links = [{"link": link, "evidence": render_message(Message.from_dict(link.evidence)) if link.evidence else ""}
             for link in review_links()]
    works = [{"review": r, "evidence": render_message(Message.from_dict(r.evidence))} for r in review_works()]
    return render(request, "openaccess/review.html", {"links": links, "works": works, "oa_staff": True})


@login_required
@require_POST
def review_link(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from .imports import link_review
    from .models import MatchState, PublicationGrant

    link = PublicationGrant.objects.filter(pk=pk, state=MatchState.REVIEW).select_related("grant__funder").first()
    if link is None:
        raise Http404(_("Article introuvable."))
    link_review(link=link, accept=request.POST.get("decision") == "accept", by=request.user)
    return redirect("openaccess:review")


@login_required
@require_POST
def review_work(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from .imports import work_review
    from .models import ImportReview

    review = ImportReview.objects.filter(pk=pk).select_related("existing").first()
    if review is None:
        raise Http404(_("Article introuvable."))
    work_review(review=review, same=request.POST.get("decision") == "same", by=request.user)
    return redirect("openaccess:review")


@login_required
@require_POST
def ledger_publish(request: AuthedHttpRequest) -> HttpResponse:
    from .publishing import ledger_publish as publish

    funders = _staff_funders(request.user)
    dataset = publish(funder=funders[0], by=request.user)
    return redirect(dataset.get_absolute_url())


@login_required
def grants_import(request: AuthedHttpRequest) -> HttpResponse:
    funders = [f for f in Funder.objects.select_related("organization") if can_manage_funder(request.user, f)]
    if not funders:
        raise PermissionDenied(_("Seul le personnel des Fonds peut charger des subventions."))
    form = GrantImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            form.add_error("file", render_message(Message("oa.csv_invalid", {"error": str(exc)})))
        else:
            report = services.grants_import_csv(text=text, dry_run=form.cleaned_data["dry_run"], by=request.user)
    rows = []
    if report is not None:
        rows = [{"line": r.line, "key": r.key, "ok": r.ok,
                 "messages": [render_message(Message.from_dict(m)) for m in r.messages]} for r in report.rows]
    file_errors = [render_message(Message.from_dict(m)) for m in report.errors] if report else []
    return render(request, "openaccess/grants_import.html", {"form": form, "report": report, "rows": rows,
                                                             "file_errors": file_errors, "funders": funders,
                                                             "oa_staff": True})


