"""Thin views of the free-software catalogue; writes go through :mod:`.software`."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ouvert.core.messages import render as render_message
from ouvert.core.messages import render_fix
from ouvert.core.models import Organization, User
from ouvert.core.permissions import can_edit_in_organization, is_site_admin
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import software as catalogue
from .forms import AccompanimentForm, AccompanimentMoveForm, SoftwareImportForm, SoftwareUseForm
from .models import Software


def _errors(stored: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Each stored error as (field, what, how to fix)."""
    return [(str((e.get("params") or {}).get("key", "")), render_message(e), render_fix(e)) for e in stored]


def _member_organizations(user: User | None) -> list[Organization]:
    if user is None:
        return []
    if is_site_admin(user):
        return list(Organization.objects.order_by("name_fr")[:300])
    return list(Organization.objects.filter(memberships__user=user).distinct().order_by("name_fr"))


def _editor_organizations(user: User) -> list[Organization]:
    return [o for o in _member_organizations(user) if can_edit_in_organization(user, o)]


def software_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    get = request.GET
    filters = catalogue.SoftwareFilters(
        q=get.get("q", "")[:100].strip(), category=get.get("categorie", "")[:60],
        licence=get.get("licence", "")[:200], prerogative=get.get("prerogative", "")[:30],
        organization=get.get("organisme", "")[:100])
    categories, licences = catalogue.software_facets(user=user)
    return render(request, "procurement/software_list.html", {
        "entries": list(catalogue.software_list(user=user, filters=filters)[:500]), "filters": filters,
        "categories": categories, "licences": licences,
        "organizations": Organization.objects.filter(software_uses__isnull=False).distinct().order_by("name_fr"),
        "can_import": bool(user and _editor_organizations(user))})


def software_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = catalogue.software_get_for(user=user, pk=pk)
    users = catalogue.software_users(software=entry)
    using = {u.organization_id for u in users}
    bodies = [o for o in _member_organizations(user) if o.pk not in using]
    form = SoftwareUseForm(request.POST or None, organizations=bodies)
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('core:login')}?next={entry.get_absolute_url()}")
        if form.is_valid():
            try:
                catalogue.software_use_declare(software=entry, organization=form.cleaned_data["organization"],
                                               role=form.cleaned_data["role"], by=user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Utilisation déclarée."))
                return redirect(entry)
    return render(request, "procurement/software_detail.html", {
        "entry": entry, "users": users, "form": form if bodies else None,
        "is_maintainer": user is not None and can_edit_in_organization(user, entry.organization),
        "import_errors": _errors(entry.import_errors)})


def _import(request: AuthedHttpRequest, entry: Software | None) -> HttpResponse:
    organizations = _editor_organizations(request.user)
    if entry is not None and not can_edit_in_organization(request.user, entry.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme qui tient la fiche la mettent à jour."))
    if entry is None and not organizations:
        raise PermissionDenied(_("Seuls les éditeurs et administrateurs d'un organisme public ajoutent des fiches."))
    initial = {} if entry is None else {
        "publiccode": entry.publiccode, "similar_products": entry.similar_products,
        "support_providers": entry.support_providers, "in_support_contract": entry.in_support_contract,
        "from_quebec_body": entry.from_quebec_body, "accessible": entry.accessible}
    form = SoftwareImportForm(request.POST or None, request.FILES or None, organizations=organizations,
                              fixed=entry is not None, initial=initial)
    errors: list[tuple[str, str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extras = catalogue.SoftwareExtras(
            similar_products=data["similar_products"], support_providers=data["support_providers"],
            in_support_contract=data["in_support_contract"], from_quebec_body=data["from_quebec_body"],
            accessible=data["accessible"])
        organization = entry.organization if entry is not None else data["organization"]
        try:
            result = catalogue.software_import(text=data["publiccode"], organization=organization, software=entry,
                                               extras=extras, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.valid and result.software is not None:
                messages.success(request, _("publiccode.yml importé : la fiche est à jour."))
                return redirect(result.software)
            errors = _errors(result.errors)
    return render(request, "procurement/software_import.html", {
        "form": form, "entry": entry, "errors": errors}, status=422 if errors else 200)


@login_required
def software_import(request: AuthedHttpRequest) -> HttpResponse:
    return _import(request, None)


@login_required
def software_reimport(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _import(request, catalogue.software_get_for(user=request.user, pk=pk))


def software_publiccode(request: HttpRequest, pk: int) -> HttpResponse:
    entry = catalogue.software_get_for(user=signed_in_user(request), pk=pk)
    response = HttpResponse(catalogue.software_export(software=entry), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="publiccode.yml"'
    return response


def market_dashboard(request: HttpRequest) -> HttpResponse:
    from .dashboard import market_series

    return render(request, "procurement/dashboard.html", {"series": market_series()})


def market_series_csv(request: HttpRequest, series: str) -> HttpResponse:
    from .dashboard import SERIES, market_series

    if series not in SERIES:
        raise Http404
    chosen = next(s for s in market_series() if s.slug == series)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="acquisitions-{series}.csv"'
    writer = csv.writer(response)
    writer.writerow(["month", series, "basis"])
    for point in chosen.points:
        writer.writerow([point.month, "" if point.value is None else point.value, point.basis])
    return response


def guide_use(request: HttpRequest) -> HttpResponse:
    """Best practice 5.1: using free software in a public body (static guidance, our wording)."""
    return render(request, "procurement/guide_use.html")


def guide_share(request: HttpRequest) -> HttpResponse:
    """Best practice 5.2: sharing the code a public body owns (static guidance, our wording)."""
    return render(request, "procurement/guide_share.html")


@login_required
def accompaniment_list(request: AuthedHttpRequest) -> HttpResponse:
    from .accompaniment import accompaniment_request, accompaniments_for

    bodies = _member_organizations(request.user)
    form = AccompanimentForm(request.POST or None, organizations=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            created = accompaniment_request(organization=form.cleaned_data["organization"],
                                            subject=form.cleaned_data["subject"],
                                            description=form.cleaned_data["description"], by=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Demande reçue. Vous serez avisé à chaque étape."))
            return redirect(created)
    return render(request, "procurement/accompaniment_list.html", {
        "requests": list(accompaniments_for(user=request.user)[:200]), "form": form if bodies else None})


@login_required
def accompaniment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from .accompaniment import MOVES, accompaniment_get_for, accompaniment_move
    from .models import AccompanimentState

    item = accompaniment_get_for(user=request.user, pk=pk)
    team = is_site_admin(request.user)
    form = AccompanimentMoveForm(request.POST or None) if team else None
    if form is not None:
        field = form.fields["state"]
        field.choices = [(s, AccompanimentState(s).label)  # type: ignore[attr-defined]  # a ChoiceField
                         for s in sorted(MOVES[AccompanimentState(item.state)])]
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Seule l'équipe d'accompagnement fait avancer une demande."))
        if form.is_valid():
            try:
                accompaniment_move(request=item, to=form.cleaned_data["state"], note=form.cleaned_data["note"],
                                   by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Demande mise à jour ; l'organisme est avisé."))
                return redirect(item)
    return render(request, "procurement/accompaniment_detail.html", {
        "item": item, "form": form if form is not None and MOVES[AccompanimentState(item.state)] else None})
