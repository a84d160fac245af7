"""Results, exports, metrics, feedback dashboards and feeds."""

from __future__ import annotations

import csv
import io
import json
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ouvert.core.http import safe_next
from ouvert.core.models import Organization
from ouvert.core.permissions import can_edit_in_organization, is_site_admin
from ouvert.core.ratelimit import rate_limit_hit
from ouvert.core.typing import signed_in_user

from . import exports, permissions, selectors, services
from .forms import DemographicsForm, ServiceFeedbackForm, ServiceForm
from .models import Consultation, PageFeedback, Phase, Service
from .publishing import consultation_open_dataset
from .views import get_consultation, too_many


def _results_visible(request: HttpRequest, consultation: Consultation) -> bool:
    return consultation.phase in (Phase.ANALYSIS, Phase.RESULTS) or permissions.can_organize(signed_in_user(request),
                                                                                               consultation)


def results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if not _results_visible(request, consultation):
        raise Http404(_("Les résultats seront publiés après la participation."))
    group_form = DemographicsForm(request.GET or None)
    group = group_form.cleaned_data if group_form.is_valid() else {}
    search = request.GET.get("recherche", "").strip()[:100]
    data = selectors.consultation_results(consultation=consultation, demographic=group, search=search)
    if request.GET.get("format") == "json":
        return JsonResponse(_results_json(data))
    return render(request, "consultations/results.html", {
        "c": consultation, "data": data, "group_form": group_form, "search": search,
        "can_organize": permissions.can_organize(signed_in_user(request), consultation),
        "metrics": selectors.consultation_metrics(consultation=consultation),
        "open_dataset": consultation_open_dataset(consultation=consultation),
    })


def _results_json(data: dict) -> dict:
    out = []
    for item in data["questions"]:
        entry = {k: v for k, v in item.items() if k not in ("question", "texts")}
        entry["question"] = item["question"].label
        entry["id"] = item["question"].pk
        out.append(entry)
    return {"participants": data["total"], "questions": out}


def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if fmt == "donnees-ouvertes":
        if consultation.phase != Phase.RESULTS and not permissions.can_organize(signed_in_user(request), consultation):
            raise Http404
        package = exports.consultation_open_data_export(consultation=consultation)
        file = package["files"][0]
        response = HttpResponse(file["content"], content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{file["name"]}"'
        return response
    if not permissions.can_organize(signed_in_user(request), consultation):
        raise PermissionDenied(_("Les exports complets sont réservés aux organisateurs."))
    builders = {"csv": (exports.results_csv, "text/csv; charset=utf-8"),
                "xlsx": (exports.results_xlsx,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                "json": (exports.results_json, "application/json")}
    if fmt not in builders:
        raise Http404
    builder, media_type = builders[fmt]
    response = HttpResponse(builder(consultation=consultation), content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-reponses.{fmt}"'
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    platform = selectors.platform_metrics()
    organizations = []
    for org in Organization.objects.filter(consultations__published_at__isnull=False).distinct():
        organizations.append((org, selectors.organization_metrics(organization=org)))
    if request.GET.get("format") == "json":
        return JsonResponse({"platform": platform, "organizations": [m for _o, m in organizations]})
    return render(request, "consultations/metrics.html", {"platform": platform, "organizations": organizations})


# "Was this page useful?" ---------------------------------------------------------------------------


def page_feedback(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("consultations:index")
    wait = rate_limit_hit(request, "page_feedback")
    if wait:
        return too_many(request, wait)
    path = safe_next(request, request.POST.get("path"), "/")
    if not path.startswith("/"):  # only a path on this site is recorded (and followed)
        path = "/"
    useful = request.POST.get("useful")
    if useful in ("1", "0") and not request.POST.get("website"):
        services.page_feedback_record(path=path, useful=useful == "1", comment=request.POST.get("comment", ""),
                                      language=(request.LANGUAGE_CODE or "")[:2])
    messages.success(request, _("Merci pour votre réponse. Elle nous aide à améliorer le site."))
    return redirect(f"{path}#retroaction")


def feedback_dashboard(request: HttpRequest) -> HttpResponse:
    if not is_site_admin(signed_in_user(request)):
        raise PermissionDenied(_("Réservé aux administrateurs du site."))
    pages = [{**row, "percent": round(100 * row["useful"] / row["total"]) if row["total"] else 0}
             for row in PageFeedback.objects.values("path").annotate(
                 total=Count("id"), useful=Count("id", filter=Q(useful=True))).order_by("-total")[:50]]
    from .models import Participation

    satisfaction = Participation.objects.exclude(satisfaction=None).aggregate(avg=Avg("satisfaction"), n=Count("id"))
    recent = PageFeedback.objects.exclude(comment="").order_by("-created_at")[:30]
    comments = Participation.objects.exclude(satisfaction_comment="").select_related("consultation") \
        .order_by("-updated_at")[:30]
    return render(request, "consultations/feedback_dashboard.html", {
        "pages": pages, "satisfaction": satisfaction, "recent": recent, "comments": comments,
        "total": PageFeedback.objects.count(), "useful": PageFeedback.objects.filter(useful=True).count(),
    })


# Service feedback -------------------------------------------------------------------------------------


def services_list(request: HttpRequest) -> HttpResponse:
    form = None
    if request.user.is_authenticated:
        orgs = Organization.objects.all() if request.user.is_superuser else Organization.objects.filter(
            memberships__user=request.user, memberships__role__in=["admin", "editor"])
        if orgs.exists():
            form = ServiceForm(request.POST or None)
            cast(forms.ModelChoiceField, form.fields["organization"]).queryset = orgs
            if request.method == "POST" and form.is_valid():
                service = services.service_create(by=request.user, **form.cleaned_data)
                messages.success(request, _("Service ajouté. Partagez l'adresse de son formulaire d'appréciation."))
                return redirect("consultations:service", slug=service.slug)
    items = Service.objects.select_related("organization").annotate(n=Count("feedback"), avg=Avg("feedback__rating"))
    return render(request, "consultations/services.html", {"services": items, "form": form})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("organization"), slug=slug)
    form = ServiceFeedbackForm(request.POST or None)
    if request.method == "POST":
        wait = rate_limit_hit(request, "page_feedback")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            if not form.cleaned_data.get("website"):
                try:
                    services.service_feedback_record(service=service, rating=form.cleaned_data["rating"],
                                                     comment=form.cleaned_data["comment"])
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
            messages.success(request, _("Merci pour votre appréciation."))
            return redirect("consultations:service", slug=slug)
    can_see = can_edit_in_organization(signed_in_user(request), service.organization)
    stats = service.feedback.aggregate(n=Count("id"), avg=Avg("rating"))
    distribution = [{"rating": r, "count": service.feedback.filter(rating=r).count()} for r in range(1, 6)]
    for row in distribution:
        row["percent"] = round(100 * row["count"] / stats["n"]) if stats["n"] else 0
    return render(request, "consultations/service.html", {
        "service": service, "form": form, "honeypot": True, "stats": stats, "distribution": distribution,
        "can_see": can_see, "recent": service.feedback.exclude(comment="").order_by("-created_at")[:20] if can_see
        else [],
    }, status=400 if form.errors else 200)


def service_export(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    if not can_edit_in_organization(signed_in_user(request), service.organization):
        raise PermissionDenied(_("Réservé à l'organisation responsable du service."))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["date", "note", "commentaire"])
    for item in service.feedback.order_by("created_at"):
        writer.writerow([item.created_at.isoformat(), item.rating, item.comment])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{service.slug}-appreciations.csv"'
    return response


# Feeds ----------------------------------------------------------------------------------------------


class ConsultationsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Consultations publiques — Ouvert")
    subtitle = gettext_lazy("Les dernières consultations publiées et leurs résultats.")
    author_name = "Ouvert"
    url_name = "consultations:feed"

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpRequest:
        return request  # the "object" of these feeds: the request, for the feed's own address

    def feed_guid(self, request: HttpRequest) -> str:
        """Each feed is its own Atom ``id`` (its address): two feeds never share one."""
        return request.build_absolute_uri(reverse(self.url_name))

    def feed_url(self) -> str:
        return reverse(self.url_name)

    def link(self) -> str:
        return reverse("consultations:index")

    def item_author_name(self, item: Consultation) -> str:
        return item.organization.name

    def items(self):
        return selectors.published().select_related("organization").order_by("-published_at")[:30]

    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        return f"{item.organization.name} — {item.get_phase_display()}. {item.summary}"

    def item_updateddate(self, item: Consultation):
        return item.updated_at

    def item_pubdate(self, item: Consultation):
        return item.published_at


class ResultsFeed(ConsultationsFeed):
    url_name = "consultations:results_feed"
    title = gettext_lazy("Résultats de consultations — Ouvert")
    subtitle = gettext_lazy("Les consultations dont les résultats viennent d'être publiés.")

    def items(self):
        return selectors.published().filter(results_published_at__isnull=False).select_related("organization") \
            .order_by("-results_published_at")[:30]

    def item_pubdate(self, item: Consultation):
        return item.results_published_at


@require_POST
def open_data_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Organizers publish the anonymized results as a catalogue dataset."""
    from .publishing import consultation_open_data_publish

    consultation = get_consultation(request, slug)
    user = signed_in_user(request)
    permissions.check_organize(user, consultation)
    if user is None:  # check_organize already refused anonymous visitors; this tells the type checker
        raise PermissionDenied
    try:
        dataset = consultation_open_data_publish(consultation=consultation, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("consultations:results", slug=consultation.slug)
    messages.success(request, _("Les résultats anonymisés sont publiés dans le catalogue de données ouvertes."))
    return redirect(dataset.get_absolute_url())


def open_data_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if consultation.phase != Phase.RESULTS and not permissions.can_organize(signed_in_user(request), consultation):
        raise Http404
    package = exports.consultation_open_data_export(consultation=consultation)
    return HttpResponse(json.dumps(package["metadata"], ensure_ascii=False, indent=1),
                        content_type="application/json")
