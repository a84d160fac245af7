"""Thin HTML views of the plans app: the public tracker, a commitment's page, progress and rating
forms, the CSV export and import, the JSON twin and its schema, the barometer."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ouvert.core import follows as core_follows
from ouvert.core.forms import apply_errors
from ouvert.core.models import Organization, OrganizationKind, User
from ouvert.core.permissions import is_site_admin
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import charts, csvio, exports, measures, permissions, publishing, selectors, services
from .forms import (
    ChallengeForm,
    CommitmentForm,
    ImportForm,
    IndicatorForm,
    MeetingForm,
    MemberForm,
    MethodologyForm,
    MilestoneForm,
    MinutesForm,
    PlanForm,
    ProgressForm,
    RatingForm,
    ValueForm,
)
from .models import Challenge, Commitment, Committee, Level, Meeting, Milestone, Plan


def _plan(request: HttpRequest, slug: str) -> Plan:
    return selectors.plan_get(slug=slug, user=signed_in_user(request))


def index(request: HttpRequest) -> HttpResponse:
    summaries = selectors.plan_summaries(user=signed_in_user(request))
    user = signed_in_user(request)
    return render(request, "plans/index.html", {
        "views": summaries, "committees": selectors.committees(),
        "can_create": user is not None and _editable_organizations(user).exists()})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    body, status = request.GET.get("organisme", "")[:100], request.GET.get("statut", "")[:20]
    problems = []
    if status and status not in selectors.STATUS_FILTERS:
        problems.append(_("Statut « %(s)s » inconnu : choisissez-en un dans la liste.") % {"s": status})
        status = ""
    view = selectors.tracker(plan=plan, body=body, status=status)
    if body and body not in {o.slug for o in view.bodies}:
        problems.append(_("Organisme « %(b)s » absent de ce plan : choisissez-en un dans la liste.") % {"b": body})
    user = signed_in_user(request)
    return render(request, "plans/detail.html", {
        "view": view, "plan": plan, "body": body, "status": status, "problems": problems,
        "levels": Level.choices, "can_manage": permissions.can_manage_plan(user, plan),
        "following": user is not None and core_follows.follow_get(user=user, kind="plan", key=str(plan.pk)) is not None,
        "feed_url": reverse("core:follow_feed", kwargs={"kind": "plan", "key": str(plan.pk)}),
        "open_dataset": publishing.plan_open_dataset(plan=plan),
    })


def _commitment_view(plan: Plan, pk: int) -> selectors.CommitmentView:
    view = selectors.tracker(plan=plan, commitment_id=pk)
    if not view.commitments:
        raise Http404
    return view.commitments[0]


def commitment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    cv = _commitment_view(plan, pk)
    user = signed_in_user(request)
    postable = {mv.milestone.pk for mv in cv.milestones if permissions.can_post_progress(user, mv.milestone)}
    can_rate = user is not None and (is_site_admin(user) or user.memberships.filter(
        organization__kind=OrganizationKind.CIVIL_SOCIETY, role__in=["admin", "editor"]).exists())
    return render(request, "plans/commitment.html", {"plan": plan, "cv": cv, "postable": postable,
                                                     "can_rate": can_rate,
                                                     "can_manage": permissions.can_manage_plan(user, plan),
                                                     "origin": selectors.origin_of(commitment=cv.commitment)})


@login_required
def progress(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    milestone = get_object_or_404(Milestone.objects.select_related("commitment", "responsible_body"),
                                  pk=pk, commitment__plan=plan)
    if not permissions.can_post_progress(request.user, milestone):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme responsable du jalon peuvent publier "
                                 "son avancement."))
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"level": milestone.level})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_post(milestone=milestone, text=data["text"], level=data["level"],
                                   delayed=data["delayed"], delay_reason=data["delay_reason"],
                                   evidence_kind=data["evidence_kind"], evidence_key=data["evidence_key"],
                                   evidence_file=data["evidence_file"], by=request.user)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for text in errors:
                    form.add_error(name if name in form.fields else None, text)
        else:
            messages.success(request, _("L'avancement du jalon %(n)s est publié.") % {"n": milestone.number})
            return redirect(milestone.commitment.get_absolute_url() + f"#jalon-{milestone.pk}")
    return render(request, "plans/progress_form.html", {"plan": plan, "milestone": milestone, "form": form},
                  status=400 if form.errors else 200)


def _rating_organizations(user: User) -> QuerySet[Organization]:
    if is_site_admin(user):
        return Organization.objects.all().order_by("name_fr")
    return Organization.objects.filter(kind=OrganizationKind.CIVIL_SOCIETY, memberships__user=user,
                                       memberships__role__in=["admin", "editor"]).order_by("name_fr")


@login_required
def rating(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    commitment = get_object_or_404(Commitment, pk=pk, plan=plan)
    organizations = _rating_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Seuls les éditeurs d'une organisation de la société civile peuvent "
                                 "publier une évaluation indépendante."))
    form = RatingForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_record(commitment=commitment, organization=form.cleaned_data["organization"],
                                   level=form.cleaned_data["level"], text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for text in errors:
                    form.add_error(name if name in form.fields else None, text)
        else:
            messages.success(request, _("L'évaluation indépendante est publiée."))
            return redirect(commitment)
    return render(request, "plans/rating_form.html", {"plan": plan, "commitment": commitment, "form": form},
                  status=400 if form.errors else 200)


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    user = signed_in_user(request)
    if user is None:
        return redirect(f"{reverse('core:login')}?next={plan.get_absolute_url()}")
    existing = core_follows.follow_get(user=user, kind="plan", key=str(plan.pk))
    if request.POST.get("follow") == "1":
        core_follows.follow_create(user=user, kind="plan", key=str(plan.pk), by=user)
        messages.success(request, _("Vous suivez ce plan."))
    elif existing is not None:
        core_follows.follow_delete(follow=existing, by=user)
        messages.success(request, _("Vous ne suivez plus ce plan."))
    return redirect(plan)


def plan_json(request: HttpRequest, slug: str) -> JsonResponse:
    plan = _plan(request, slug)
    return JsonResponse(exports.plan_json(plan), json_dumps_params={"ensure_ascii": False, "indent": 1})


def schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(exports.schema(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    response = HttpResponse(csvio.export_csv(plan).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.csv"'
    return response


@login_required
def import_csv(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    permissions.check_manage_plan(request.user, plan)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.plan_csv_import(plan=plan, content=form.cleaned_data["file"].read(),
                                          dry_run=form.cleaned_data["dry_run"], by=request.user)
        if report.ok and not report.dry_run:
            messages.success(request, _("Import terminé."))
    return render(request, "plans/import.html", {"plan": plan, "form": form, "report": report},
                  status=400 if form.errors or (report is not None and not report.ok) else 200)


def barometer(request: HttpRequest) -> HttpResponse:
    views = selectors.barometer()
    items = [{"view": v, "chart": charts.chart([row.value for row in v.values], v.indicator.target)} for v in views]
    user = signed_in_user(request)
    manageable = {v.indicator.key for v in views if permissions.can_edit_in(user, v.indicator.organization)}
    bodies = {v.indicator.organization_id: v.indicator.organization for v in views if v.indicator.plan_id is None}
    datasets = [(org, publishing.barometer_open_dataset(organization=org), permissions.can_edit_in(user, org))
                for org in sorted(bodies.values(), key=lambda o: o.name)]
    return render(request, "plans/barometer.html", {
        "items": items, "manageable": manageable, "datasets": datasets,
        "can_create": user is not None and _editable_organizations(user).exists()})


@require_POST
@login_required
def barometer_open_data_publish(request: AuthedHttpRequest, org: str) -> HttpResponse:
    """Publish (or refresh) a body's indicators outside any plan as an open dataset (its editors)."""
    organization = get_object_or_404(Organization, slug=org)
    try:
        dataset = publishing.barometer_open_data_publish(organization=organization, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:barometer")
    messages.success(request, _("Les indicateurs sont publiés comme jeu de données ouvertes."))
    return redirect(dataset.get_absolute_url())


def indicator_csv(request: HttpRequest, key: str) -> HttpResponse:
    indicator = selectors.indicator_get(key=key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(publishing.SERIES_COLUMNS)
    for row in selectors.indicator_rows(indicator=indicator):
        writer.writerow([indicator.key, indicator.title, row.series.version, row.series.measure, row.date.isoformat(),
                         row.value, indicator.unit, indicator.target, indicator.target_date.isoformat(),
                         "true" if row.computed else "false", row.source])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{indicator.key}.csv"'
    return response




@require_POST
@login_required
def open_data_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    try:
        dataset = publishing.plan_open_data_publish(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(plan)
    messages.success(request, _("Le plan est publié comme jeu de données ouvertes."))
    return redirect(dataset.get_absolute_url())


@login_required
def indicator_manage(request: AuthedHttpRequest, key: str) -> HttpResponse:
    """Enter a value by hand (with its source and date) or publish a new methodology version (a
    new series): editors of the indicator's responsible body."""
    indicator = selectors.indicator_get(key=key)
    if not permissions.can_edit_in(request.user, indicator.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme responsable peuvent gérer cet indicateur."))
    choices = [(m.key, str(m.label)) for m in measures.measures()]
    action = request.POST.get("action", "")
    value_form = ValueForm(request.POST if action == "value" else None, prefix="value")
    method_form = MethodologyForm(request.POST if action == "method" else None, prefix="method", measures=choices)
    current = indicator.versions.order_by("-version").first()
    if not method_form.is_bound and current is not None:
        method_form.initial = {"definition": current.definition, "measure": current.measure, "source": current.source}
    form = value_form if action == "value" else method_form if action == "method" else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "value":
                services.value_record(indicator=indicator, on=data["date"], value=data["value"], source=data["source"],
                                      by=request.user)
                messages.success(request, _("La valeur est enregistrée."))
            else:
                version = services.methodology_publish(indicator=indicator, definition=data["definition"],
                                                       measure=data["measure"], source=data["source"], by=request.user)
                messages.success(request, _("La version %(n)s de la fiche méthodologique commence une nouvelle "
                                            "série.") % {"n": version.version})
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for text in errors:
                    form.add_error(name if name in form.fields else None, text)
        else:
            return redirect(reverse("plans:barometer") + f"#i-{indicator.key}")
    return render(request, "plans/indicator_manage.html", {
        "indicator": indicator, "current": current, "value_form": value_form, "method_form": method_form},
        status=400 if form is not None and form.errors else 200)


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/dashboard.html", {"rows": selectors.dashboard()})


def committee(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.committee_get(slug=slug)
    user = signed_in_user(request)
    return render(request, "plans/committee.html", {
        "committee": found, "members": selectors.committee_members(committee=found),
        "meetings": selectors.meetings_visible(committee=found, user=user),
        "can_manage": permissions.can_edit_in(user, found.organization),
        "today": timezone.localdate()})


def meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = selectors.committee_get(slug=slug)
    user = signed_in_user(request)
    item = selectors.meeting_get(committee=found, pk=pk, user=user)
    show_minutes = item.minutes_published_at is not None or permissions.can_edit_in(user, found.organization)
    return render(request, "plans/meeting.html", {"committee": found, "meeting": item, "show_minutes": show_minutes,
                                                  "can_manage": permissions.can_edit_in(user, found.organization)})


# Forms for those who run plans, indicators and the committee ------------------------------------

def _form_page(request: HttpRequest, form: forms.Form, *, heading: str, submit: str,
               crumbs: list[tuple[str, str]], intro: str = "",
               deletions: list[tuple[str, str]] | None = None) -> HttpResponse:
    return render(request, "plans/manage_form.html", {"form": form, "heading": heading, "submit": submit,
                                                      "crumbs": crumbs, "intro": intro,
                                                      "deletions": deletions or []},
                  status=400 if form.errors else 200)


def _confirm_delete(request: AuthedHttpRequest, *, plan: Plan, what: str, consequences: list[str],
                    delete: Callable[[], None], done: str, back: str, after: str) -> HttpResponse:
    """The confirmation page of a deletion (GET), the deletion itself (POST). Only the plan's
    managers, only on a draft: on a published plan the page says why not."""
    permissions.check_manage_plan(request.user, plan)
    refusal = "" if plan.published_at is None else _(
        "Un plan publié ne se supprime pas, ni ses défis, engagements ou jalons : son historique est public. "
        "Marquez plutôt le jalon « non poursuivi » en donnant la raison publique.")
    if request.method == "POST" and not refusal:
        try:
            delete()
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, done)
            return redirect(after)
    return render(request, "plans/confirm_delete.html", {
        "what": what, "consequences": consequences, "refusal": refusal, "back": back,
        "crumbs": [*_index_crumbs(), (plan.get_absolute_url(), plan.title)]},
        status=400 if refusal and request.method == "POST" else 200)


@login_required
def plan_delete(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    commitments = plan.commitments.count()
    milestones = Milestone.objects.filter(commitment__plan=plan).count()
    return _confirm_delete(
        request, plan=plan, what=_("le plan « %(title)s »") % {"title": plan.title},
        consequences=[ngettext("%(n)s engagement sera supprimé avec lui.",
                               "%(n)s engagements seront supprimés avec lui.", commitments) % {"n": commitments},
                      ngettext("%(n)s jalon et son avancement seront supprimés.",
                               "%(n)s jalons et leur avancement seront supprimés.", milestones) % {"n": milestones},
                      _("Ses indicateurs restent au baromètre, sans plan.")],
        delete=lambda: services.plan_delete(plan=plan, by=request.user), done=_("Le plan est supprimé."),
        back=reverse("plans:plan_edit", kwargs={"slug": plan.slug}), after=reverse("plans:index"))


@login_required
def challenge_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    item = get_object_or_404(Challenge, pk=pk, plan=plan)
    return _confirm_delete(
        request, plan=plan, what=_("le défi %(n)s, « %(title)s »") % {"n": item.number, "title": item.title},
        consequences=[_("Ses engagements restent dans le plan, sans défi.")],
        delete=lambda: services.challenge_delete(challenge=item, by=request.user), done=_("Le défi est supprimé."),
        back=reverse("plans:plan_edit", kwargs={"slug": plan.slug}), after=plan.get_absolute_url())


@login_required
def commitment_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    item = get_object_or_404(Commitment, pk=pk, plan=plan)
    milestones = item.milestones.count()
    return _confirm_delete(
        request, plan=plan, what=_("l'engagement %(n)s, « %(title)s »") % {"n": item.number, "title": item.title},
        consequences=[ngettext("%(n)s jalon et son avancement seront supprimés avec lui.",
                               "%(n)s jalons et leur avancement seront supprimés avec lui.", milestones)
                      % {"n": milestones}],
        delete=lambda: services.commitment_delete(commitment=item, by=request.user),
        done=_("L'engagement est supprimé."), back=item.get_absolute_url(), after=plan.get_absolute_url())


@login_required
def milestone_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    item = get_object_or_404(Milestone.objects.select_related("commitment"), pk=pk, commitment__plan=plan)
    updates = item.updates.count()
    return _confirm_delete(
        request, plan=plan, what=_("le jalon %(n)s") % {"n": item.number},
        consequences=[ngettext("%(n)s mise à jour d'avancement sera supprimée avec lui.",
                               "%(n)s mises à jour d'avancement seront supprimées avec lui.", updates)
                      % {"n": updates}],
        delete=lambda: services.milestone_delete(milestone=item, by=request.user), done=_("Le jalon est supprimé."),
        back=item.commitment.get_absolute_url(), after=item.commitment.get_absolute_url())


def _editable_organizations(user: User) -> QuerySet[Organization]:
    if is_site_admin(user):
        return Organization.objects.order_by("name_fr")
    return Organization.objects.filter(memberships__user=user,
                                       memberships__role__in=["admin", "editor"]).distinct().order_by("name_fr")


def _index_crumbs() -> list[tuple[str, str]]:
    return [(reverse("plans:index"), _("Plans d'action"))]


@login_required
def plan_new(request: AuthedHttpRequest) -> HttpResponse:
    organizations = _editable_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Seuls les éditeurs d'une organisation peuvent créer un plan."))
    form = PlanForm(request.POST or None, organizations=organizations, initial={"status": "draft"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Plan.objects.filter(slug=data["slug"]).exists():
            form.add_error("slug", _("Un plan porte déjà l'identifiant « %(s)s » : choisissez-en un autre.")
                           % {"s": data["slug"]})
        else:
            try:
                plan = services.plan_create(organization=data["organization"], slug=data["slug"],
                                            title=data["title"], summary=data["summary"],
                                            period_start=data["period_start"], period_end=data["period_end"],
                                            status=data["status"], ogp_values=data["ogp_values"], by=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Le plan est créé. Il reste non publié tant que vous ne le publiez pas."))
                return redirect(plan)
    return _form_page(request, form, heading=_("Nouveau plan d'action"), submit=_("Créer le plan"),
                      crumbs=_index_crumbs())


@login_required
def plan_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    permissions.check_manage_plan(request.user, plan)
    if request.method == "POST" and request.POST.get("action") == "publish":
        services.plan_publish(plan=plan, by=request.user)
        messages.success(request, _("Le plan est publié."))
        return redirect(plan)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    form = PlanForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Le plan est enregistré."))
            return redirect(plan)
    deletions: list[tuple[str, str]] = []
    if plan.published_at is None:
        deletions = [(reverse("plans:challenge_delete", kwargs={"slug": plan.slug, "pk": c.pk}),
                      _("Supprimer le défi %(n)s") % {"n": c.number}) for c in plan.challenges.all()]
        deletions.append((reverse("plans:plan_delete", kwargs={"slug": plan.slug}), _("Supprimer ce plan (brouillon)")))
    return _form_page(request, form, heading=_("Modifier le plan"), submit=_("Enregistrer"),
                      crumbs=[*_index_crumbs(), (plan.get_absolute_url(), plan.title)], deletions=deletions)


@login_required
def challenge_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    permissions.check_manage_plan(request.user, plan)
    following = (plan.challenges.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = ChallengeForm(request.POST or None, initial={"number": following})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if plan.challenges.filter(number=data["number"]).exists():
            form.add_error("number", _("Ce plan a déjà un défi numéro %(n)s : choisissez un autre numéro.")
                           % {"n": data["number"]})
        else:
            services.challenge_create(plan=plan, number=data["number"], title=data["title"],
                                      description=data["description"], by=request.user)
            messages.success(request, _("Le défi est ajouté."))
            return redirect(plan)
    return _form_page(request, form, heading=_("Nouveau défi"), submit=_("Ajouter le défi"),
                      crumbs=[*_index_crumbs(), (plan.get_absolute_url(), plan.title)])


def _commitment_fields(data: dict[str, object]) -> dict[str, object]:
    return {name: data[name] for name in ("number", "title", "problem", "description", "why", "start", "end")}


@login_required
def commitment_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _commitment_form(request, _plan(request, slug), None)


@login_required
def commitment_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    return _commitment_form(request, plan, get_object_or_404(Commitment, pk=pk, plan=plan))


def _commitment_form(request: AuthedHttpRequest, plan: Plan, item: Commitment | None) -> HttpResponse:
    permissions.check_manage_plan(request.user, plan)
    initial: dict[str, object] = {}
    if item is not None:
        initial = {name: getattr(item, name) for name in ("external_id", "number", "title", "problem", "description",
                                                          "why", "start", "end", "challenge", "lead_body")}
        initial["supporting_bodies"] = list(item.supporting_bodies.all())
    else:
        following = plan.commitments.count() + 1
        initial = {"external_id": f"c{following}", "number": str(following), "lead_body": plan.organization}
    form = CommitmentForm(request.POST or None, plan=plan, editing=item is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        external_id = item.external_id if item is not None else data["external_id"]
        if item is None and plan.commitments.filter(external_id=external_id).exists():
            form.add_error("external_id", _("Un engagement de ce plan a déjà l'identifiant « %(s)s » : "
                                            "choisissez-en un autre.") % {"s": external_id})
        else:
            try:
                saved, _changed = services.commitment_save(
                    plan=plan, external_id=external_id, lead_body=data["lead_body"],
                    supporting_bodies=list(data["supporting_bodies"]), challenge=data["challenge"],
                    by=request.user, **_commitment_fields(data))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("L'engagement est enregistré."))
                return redirect(saved)
    crumbs = [*_index_crumbs(), (plan.get_absolute_url(), plan.title)]
    if item is not None:
        crumbs.append((item.get_absolute_url(), str(item)))
    deletions = [(reverse("plans:commitment_delete", kwargs={"slug": plan.slug, "pk": item.pk}),
                  _("Supprimer cet engagement (brouillon)"))] if item is not None and plan.published_at is None else []
    return _form_page(request, form, heading=_("Modifier l'engagement") if item else _("Nouvel engagement"),
                      submit=_("Enregistrer l'engagement"), crumbs=crumbs, deletions=deletions)


@login_required
def milestone_new(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    return _milestone_form(request, get_object_or_404(Commitment, pk=pk, plan=plan), None)


@login_required
def milestone_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug)
    item = get_object_or_404(Milestone.objects.select_related("commitment"), pk=pk, commitment__plan=plan)
    return _milestone_form(request, item.commitment, item)


def _milestone_form(request: AuthedHttpRequest, parent: Commitment, item: Milestone | None) -> HttpResponse:
    permissions.check_manage_plan(request.user, parent.plan)
    if item is not None:
        initial: dict[str, object] = {name: getattr(item, name) for name in (
            "external_id", "number", "description", "start", "deadline", "deliverable", "responsible_body")}
        initial["collaborators"] = list(item.collaborators.all())
    else:
        count = parent.milestones.count() + 1
        initial = {"external_id": f"{parent.external_id}-m{count}", "number": f"{parent.number}.{count}",
                   "responsible_body": parent.lead_body}
    form = MilestoneForm(request.POST or None, editing=item is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        external_id = item.external_id if item is not None else data["external_id"]
        if item is None and parent.milestones.filter(external_id=external_id).exists():
            form.add_error("external_id", _("Un jalon de cet engagement a déjà l'identifiant « %(s)s » : "
                                            "choisissez-en un autre.") % {"s": external_id})
        else:
            try:
                services.milestone_save(commitment=parent, external_id=external_id,
                                        responsible_body=data["responsible_body"],
                                        collaborators=list(data["collaborators"]), by=request.user,
                                        **{n: data[n] for n in ("number", "description", "start", "deadline",
                                                                "deliverable")})
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Le jalon est enregistré."))
                return redirect(parent)
    crumbs = [*_index_crumbs(), (parent.plan.get_absolute_url(), parent.plan.title),
              (parent.get_absolute_url(), str(parent))]
    deletions = [(reverse("plans:milestone_delete", kwargs={"slug": parent.plan.slug, "pk": item.pk}),
                  _("Supprimer ce jalon (brouillon)"))] if item is not None and parent.plan.published_at is None else []
    return _form_page(request, form, heading=_("Modifier le jalon") if item else _("Nouveau jalon"),
                      submit=_("Enregistrer le jalon"), crumbs=crumbs, deletions=deletions,
                      intro=_("L'avancement du jalon ne se modifie pas ici : l'organisme responsable le publie, "
                              "avec ses preuves, depuis la page de l'engagement."))


@login_required
def indicator_new(request: AuthedHttpRequest) -> HttpResponse:
    organizations = _editable_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Seuls les éditeurs d'une organisation peuvent créer un indicateur."))
    choices = [(m.key, str(m.label)) for m in measures.measures()]
    form = IndicatorForm(request.POST or None, organizations=organizations, measures=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator = services.indicator_create(by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("L'indicateur est créé avec la version 1 de sa fiche méthodologique."))
            return redirect(reverse("plans:barometer") + f"#i-{indicator.key}")
    return _form_page(request, form, heading=_("Nouvel indicateur"), submit=_("Créer l'indicateur"),
                      crumbs=[(reverse("plans:barometer"), _("Baromètre du gouvernement ouvert"))],
                      intro=_("Pour changer plus tard la définition d'un indicateur, publiez une nouvelle version "
                              "de sa fiche : elle commence une nouvelle série, visible sur le baromètre."))


def _committee_managed(request: AuthedHttpRequest, slug: str) -> Committee:
    found = selectors.committee_get(slug=slug)
    if not permissions.can_edit_in(request.user, found.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation qui coordonne le comité peuvent faire cela."))
    return found


@login_required
def member_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    found = _committee_managed(request, slug)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(committee=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Le membre est ajouté au comité."))
            return redirect(reverse("plans:committee", kwargs={"slug": found.slug}))
    return _form_page(request, form, heading=_("Ajouter un membre"), submit=_("Ajouter le membre"),
                      crumbs=[(reverse("plans:committee", kwargs={"slug": found.slug}), found.name)])


@login_required
def meeting_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    found = _committee_managed(request, slug)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.meeting_announce(committee=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("La rencontre est annoncée avec son ordre du jour."))
            return redirect(reverse("plans:meeting", kwargs={"slug": found.slug, "pk": item.pk}))
    return _form_page(request, form, heading=_("Annoncer une rencontre"), submit=_("Annoncer la rencontre"),
                      crumbs=[(reverse("plans:committee", kwargs={"slug": found.slug}), found.name)])


@login_required
def minutes_edit(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _committee_managed(request, slug)
    item = get_object_or_404(Meeting, pk=pk, committee=found)
    form = MinutesForm(request.POST or None, initial={"minutes": item.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_publish(meeting=item, minutes=form.cleaned_data["minutes"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Le compte rendu est publié."))
            return redirect(reverse("plans:meeting", kwargs={"slug": found.slug, "pk": item.pk}))
    url = reverse("plans:meeting", kwargs={"slug": found.slug, "pk": item.pk})
    return _form_page(request, form, heading=_("Compte rendu : %(t)s") % {"t": item.title},
                      submit=_("Publier le compte rendu"),
                      crumbs=[(reverse("plans:committee", kwargs={"slug": found.slug}), found.name), (url, item.title)])
