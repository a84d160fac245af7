"""Thin HTML views (each with a JSON twin) for the catalogue."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core import follows
from ouvert.core import permissions as core_permissions
from ouvert.core import selectors as core_selectors
from ouvert.core.forms import apply_errors
from ouvert.core.http import safe_next
from ouvert.core.http_ranges import is_head
from ouvert.core.metrics import observe_search
from ouvert.core.models import Frequency, Organization
from ouvert.core.replica import replica_reads
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import dictionary, learning, permissions, selectors, services
from .api_snippets import resource_snippets
from .forms import (
    AnswerForm,
    CommentForm,
    DatasetForm,
    DictionaryForm,
    RequestForm,
    ResourceEditForm,
    ResourceForm,
    ReuseForm,
    dictionary_text,
)
from .markup import render_markdown
from .models import (
    Dataset,
    DatasetRequest,
    DatasetState,
    Hackathon,
    RequestVote,
    Resource,
    Reuse,
    Theme,
    Tutorial,
)
from .serializers import dataset_detail_json, datasets_json, request_json, resources_json, reuse_json


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json"


# Search -------------------------------------------------------------------------------------------


def _bbox_fields(raw: dict[str, str], errors: dict[str, str]) -> list[dict]:
    labels = {"west": _("Ouest (longitude)"), "south": _("Sud (latitude)"), "east": _("Est (longitude)"),
              "north": _("Nord (latitude)")}
    return [{"key": key, "label": labels[key], "value": raw[key], "error": errors.get(key, ""),
             "limit": 180 if key in {"west", "east"} else 90} for key in selectors.BBOX_KEYS]


def search(request: HttpRequest) -> HttpResponse:
    params = selectors.SearchParams.from_querydict(request.GET)
    _bbox, bbox_raw, bbox_errors = selectors.bbox_from_querydict(request.GET)
    with observe_search("catalog"), replica_reads():  # replica if any; match, facets, count, rows
        result = selectors.search_datasets(params=params, user=signed_in_user(request),
                                           facets=not _wants_json(request))
        paginator = Paginator(result.queryset, selectors.PAGE_SIZE)
        if result.total is not None:
            paginator.count = result.total  # counted with the facets: no second COUNT (a cached property)
        page = paginator.get_page(params.page)
        page.object_list = result.rows(offset=(page.number - 1) * paginator.per_page, limit=paginator.per_page)
    # An invalid rectangle is not applied; the page says why (400, like a form with errors).
    status = 400 if bbox_errors else 200
    if _wants_json(request):
        return JsonResponse({"count": paginator.count, "page": page.number, "num_pages": paginator.num_pages,
                             "results": datasets_json(page.object_list, request),
                             **({"errors": bbox_errors} if bbox_errors else {})}, status=status)
    following = request.user.is_authenticated and follows.follow_get(
        user=request.user, kind="search", key=params.querystring()) is not None
    facet_titles = {
        "organization": _("Organisation"), "kind": _("Type d'organisation"), "keyword": _("Mot-clé"),
        "theme": _("Thème"), "format": _("Format"), "licence": _("Licence"), "frequency": _("Fréquence de mise à jour"),
        "reference": _("Badge"),
    }
    filtered = [key for key, _value in params.items() if key not in {"q", "sort"}]
    nothing = paginator.count == 0
    return render(request, "catalog/search.html", {
        "params": params, "page": page, "query": params.querystring(), "count": paginator.count,
        "other_language": result.other_language, "result_language": result.language,
        # A search that found nothing: spellings close to the words, the same words without the
        # filters, and asking for the data.
        "suggestions": selectors.search_suggestions(params=params) if nothing else [],
        "without_filters": urlencode([("q", params.q.strip())]) if nothing and filtered and params.q.strip() else "",
        "request_query": urlencode([("title", params.q.strip()[:250])]) if params.q.strip() else "",
        "facets": [(name, facet_titles[name], items) for name, items in result.facets.items() if items],
        "sorts": selectors.SORTS.items(), "sort": params.effective_sort(), "following": following,
        "themes": Theme.objects.all(),
        "spatial_search": apps.is_installed("ouvert.geo"), "bbox_fields": _bbox_fields(bbox_raw, bbox_errors),
        "bbox_errors": bbox_errors, "bbox_clear": params.querystring(**dict.fromkeys(selectors.BBOX_KEYS, "")),
        "map_search_url": _map_search_url(params),
    }, status=status)


def _map_search_url(params: selectors.SearchParams) -> str:
    """The geo app's map picker (spatial search), starting from the rectangle in force if any."""
    if not apps.is_installed("ouvert.geo"):
        return ""
    url = reverse("geo:search")
    return url + ("?" + urlencode([("bbox", ",".join(f"{v:g}" for v in params.bbox))]) if params.bbox else "")


# Datasets -----------------------------------------------------------------------------------------


def _dataset_or_404(request: HttpRequest, name: str) -> Dataset:
    dataset = selectors.dataset_get(name=name, user=signed_in_user(request))
    if dataset is None or not permissions.can_view_dataset(signed_in_user(request), dataset):
        raise Http404(_("Aucun jeu de données visible à cette adresse."))
    return dataset


def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    if _wants_json(request):
        return JsonResponse(dataset_detail_json(dataset, request))
    resources = list(selectors.dataset_resources(dataset=dataset))
    preview = request.GET.get("apercu") == "1"
    if dataset.is_public and not preview:
        services.dataset_record_view(dataset=dataset)
    can_edit = permissions.can_edit_dataset(signed_in_user(request), dataset) and not preview
    following = request.user.is_authenticated and follows.follow_get(
        user=request.user, kind="dataset", key=str(dataset.pk)) is not None
    # The publisher sees where each upload stands, and a quality report as of now (the stored one
    # may predate the last upload until the background task runs).
    loads = selectors.resource_loads(resources=resources) if can_edit else []
    if selectors.quality_is_stale(dataset=dataset, resources=resources, loads=loads):
        selectors.dataset_quality_current(dataset=dataset)
    return render(request, "catalog/dataset_detail.html", {
        "loads": loads, "loading": any(load.state in ("queued", "loading") for load in loads),
        "dataset": dataset, "resources": resources, "notes_html": render_markdown(dataset.notes_local),
        "can_edit": can_edit, "preview": preview, "following": following,
        "late": selectors.is_late(dataset), "requests": dataset.requests.all(),
        "can_manage_trash": permissions.can_manage_trash(signed_in_user(request), dataset.organization),
        "activity": selectors.activity(dataset=dataset, limit=5),
        "reuses": learning.reuses_public(dataset=dataset),
        "quality": selectors.quality_summary(dataset=dataset, language=get_language() or "fr"),
        "quality_stars": range(dataset.openness_stars),
        # The checklist of rules to fix is for the publishing organization; others get a summary.
        "quality_members_view": core_permissions.is_member_of(signed_in_user(request), dataset.organization)
        and not preview,
    })


@login_required
def dataset_create(request: AuthedHttpRequest) -> HttpResponse:
    organizations = core_selectors.user_organizations(user=request.user, roles=["admin", "editor"])
    if not organizations.exists():
        raise PermissionDenied(_("Vous devez être éditeur ou administrateur d'une organisation pour publier."))
    form = DatasetForm(request.POST or None, organizations=organizations,
                       initial={"organization": request.GET.get("organisation")} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        data.pop("keywords_text")
        themes = data.pop("themes")
        licence = data.pop("licence")
        try:
            dataset = services.dataset_create(by=request.user, organization=organization, keywords=form.keyword_list(),
                                              themes=list(themes), licence=licence, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Brouillon créé. Ajoutez maintenant des ressources, puis publiez."))
            return redirect(dataset.get_absolute_url())
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": None},
                  status=400 if form.errors else 200)


@login_required
def dataset_edit(request: AuthedHttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    permissions.check_edit_dataset(request.user, dataset)
    form = DatasetForm(request.POST or None, instance=dataset,
                       organizations=Organization.objects.filter(pk=dataset.organization_id))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organization")
        data.pop("keywords_text")
        themes = data.pop("themes")
        licence = data.pop("licence")
        try:
            dataset = services.dataset_update(dataset=dataset, by=request.user, keywords=form.keyword_list(),
                                              themes=list(themes), licence=licence, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(dataset.get_absolute_url())
    elif request.method == "POST":
        dataset.refresh_from_db()
    return render(request, "catalog/dataset_form.html", {"form": form, "dataset": dataset},
                  status=400 if form.errors else 200)


def _dataset_action(request: HttpRequest, name: str, action, message: str, target: str | None = None):
    dataset = get_object_or_404(Dataset, name=name)
    try:
        action(dataset=dataset, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect(target or dataset.get_absolute_url())


@login_required
def dataset_publish(request: AuthedHttpRequest, name: str) -> HttpResponse:
    """Publish a draft. A dataset that does not conform to the guidelines is published only after
    its publisher has read the summary of the failed rules and confirmed (the rules confirmed must
    be those failing now: a change meanwhile shows the summary again)."""
    dataset = _dataset_or_404(request, name)
    permissions.check_edit_dataset(request.user, dataset)
    if dataset.state != DatasetState.DRAFT:
        return redirect(dataset.get_absolute_url())
    selectors.dataset_quality_current(dataset=dataset)
    failed = list(dataset.quality_report.get("failed_rules", []))
    confirmed = request.POST.get("confirmer_regles")
    if request.method == "POST" and (dataset.conforms or confirmed == ",".join(failed)):
        return _dataset_action(request, name, services.dataset_publish, _("Jeu de données publié."))
    summary = selectors.quality_summary(dataset=dataset, language=get_language() or "fr")
    return render(request, "catalog/dataset_publish.html", {
        "dataset": dataset, "failed": failed, "rules": ",".join(failed),
        "findings": [f for f in summary["findings"] if f["status"] == "fail"],
        "changed": confirmed is not None and confirmed != ",".join(failed)})


@login_required
@require_POST
def dataset_unpublish(request: AuthedHttpRequest, name: str) -> HttpResponse:
    return _dataset_action(request, name, services.dataset_unpublish, _("Jeu de données remis en brouillon."))


@login_required
@require_POST
def dataset_delete(request: AuthedHttpRequest, name: str) -> HttpResponse:
    dataset = get_object_or_404(Dataset, name=name)
    return _dataset_action(request, name, services.dataset_delete, _("Jeu de données mis à la corbeille."),
                           target=reverse("core:organization_detail", args=[dataset.organization.slug]))


@login_required
@require_POST
def dataset_restore(request: AuthedHttpRequest, name: str) -> HttpResponse:
    return _dataset_action(request, name, services.dataset_restore, _("Jeu de données restauré (en brouillon)."))


@login_required
@require_POST
def dataset_purge(request: AuthedHttpRequest, name: str) -> HttpResponse:
    return _dataset_action(request, name, services.dataset_purge, _("Jeu de données supprimé définitivement."),
                           target=reverse("catalog:trash"))


@login_required
def my_datasets(request: AuthedHttpRequest) -> HttpResponse:
    """My datasets and drafts: those of my organizations, drafts first."""
    datasets = list(selectors.my_datasets(user=request.user)[:500])
    if _wants_json(request):
        return JsonResponse({"results": [
            {"name": d.name, "title": d.title, "organization": d.organization.slug, "state": d.state,
             "private": d.private, "conforms": d.conforms, "quality_score": d.quality_score,
             "updated_at": d.updated_at.isoformat()} for d in datasets]})
    drafts = sum(1 for d in datasets if d.state == DatasetState.DRAFT)
    can_create = core_selectors.user_organizations(user=request.user, roles=["admin", "editor"]).exists()
    return render(request, "catalog/my_datasets.html", {"datasets": datasets, "drafts": drafts,
                                                        "can_create": can_create})


@login_required
def trash(request: AuthedHttpRequest) -> HttpResponse:
    if core_permissions.is_site_admin(request.user):
        datasets = selectors.trash()
    else:
        orgs = core_selectors.user_organizations(user=request.user, roles=["admin"])
        datasets = selectors.trash().filter(organization__in=orgs)
    return render(request, "catalog/trash.html", {"datasets": datasets})


def dataset_history(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    versions = list(selectors.dataset_versions(dataset=dataset))
    numbers = {v.number: v for v in versions}
    diff = None
    older = newer = None
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    if a in numbers and b in numbers:
        older, newer = sorted([numbers[a], numbers[b]], key=lambda v: v.number)
        diff = selectors.version_diff_display(older=older, newer=newer)
    if _wants_json(request):
        return JsonResponse({"dataset": dataset.name, "versions": [
            {"number": v.number, "action": v.action, "created_at": v.created_at.isoformat(),
             "changes": v.changes} for v in versions]})
    rows = [(v, selectors.version_changed_fields(v)) for v in versions]
    return render(request, "catalog/dataset_history.html", {
        "dataset": dataset, "versions": versions, "rows": rows, "diff": diff, "older": older, "newer": newer})


# Resources ----------------------------------------------------------------------------------------


@login_required
def resource_create(request: AuthedHttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    permissions.check_edit_dataset(request.user, dataset)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_create(dataset=dataset, by=request.user, name=data["name"],
                                     description=data["description"], file=data["file"], url=data["url"],
                                     format=data["format"], encoding=data["encoding"],
                                     data_dictionary=data["data_dictionary"],
                                     is_documentation=data["is_documentation"], name_en=data["name_en"],
                                     description_en=data["description_en"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Ressource ajoutée."))
            return redirect(dataset.get_absolute_url())
    return render(request, "catalog/resource_form.html", {"form": form, "dataset": dataset, "resource": None},
                  status=400 if form.errors else 200)


def _resource_or_404(request: HttpRequest, name: str, pk) -> Resource:
    dataset = _dataset_or_404(request, name)
    return get_object_or_404(Resource.objects.select_related("dataset__organization"), pk=pk, dataset=dataset)


@login_required
def resource_edit(request: AuthedHttpRequest, name: str, pk) -> HttpResponse:
    resource = _resource_or_404(request, name, pk)
    permissions.check_edit_dataset(request.user, resource.dataset)
    initial = {"name": resource.name, "description": resource.description, "url": resource.url,
               "format": resource.format, "encoding": resource.encoding,
               "data_dictionary": dictionary_text(resource.data_dictionary),
               "is_documentation": resource.is_documentation, "name_en": resource.name_en,
               "description_en": resource.description_en}
    form = ResourceEditForm(request.POST or None, initial=initial)
    del form.fields["file"]
    if resource.file:
        del form.fields["url"]
    # A loaded resource's dictionary is its table's: an editable table instead of the text list.
    tables = dictionary.resource_tables(resource)
    columns = dictionary.resource_columns(resource, tables)
    dictionary_form = DictionaryForm(request.POST or None, columns=columns) if tables else None
    if dictionary_form is not None:
        del form.fields["data_dictionary"]
    if request.method == "POST" and form.is_valid() and (dictionary_form is None or dictionary_form.is_valid()):
        data = {k: v for k, v in form.cleaned_data.items() if k in form.fields}
        reloads = 0
        try:
            with transaction.atomic():
                services.resource_update(resource=resource, by=request.user, **data)
                if dictionary_form is not None:
                    reloads = _dictionary_save(request, resource, dictionary_form, columns)
        except ValidationError as error:
            if dictionary_form is None or not dictionary_form.errors:
                apply_errors(form, error)
            resource.refresh_from_db()
        else:
            messages.success(request, _("Ressource modifiée."))
            if reloads:
                messages.info(request, _("Un type ou une lecture des valeurs a changé : le fichier est rechargé dans "
                                         "le magasin de données ; l'état du chargement est affiché ci-dessous."))
            return redirect(resource.get_absolute_url())
    invalid = bool(form.errors or (dictionary_form is not None and dictionary_form.errors))
    return render(request, "catalog/resource_form.html",
                  {"form": form, "dataset": resource.dataset, "resource": resource,
                   "dictionary_form": dictionary_form, "type_choices": dictionary.TYPE_CHOICES},
                  status=400 if invalid else 200)


def _dictionary_save(request: AuthedHttpRequest, resource: Resource, form: DictionaryForm,
                     columns: list[dictionary.Column]) -> int:
    """Save each sheet's dictionary changes; the number of reloads started. A refusal is shown on the
    form's fields, then raised (the caller's transaction undoes what was saved)."""
    reloads = 0
    for sheet in sorted({c.sheet for c in columns}):
        try:
            job = dictionary.resource_dictionary_update(resource=resource, columns=form.changes(sheet),
                                                        by=request.user, sheet=sheet)
        except ValidationError as error:
            apply_errors(form, error, field_map={c.id: form.field_of(c.id, sheet) or "" for c in columns})
            raise
        reloads += job is not None
    return reloads


@login_required
@require_POST
def resource_move(request: AuthedHttpRequest, name: str, pk) -> HttpResponse:
    resource = _resource_or_404(request, name, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.resource_move(resource=resource, by=request.user, offset=offset)
    return redirect(resource.dataset.get_absolute_url() + "#ressources")


@login_required
@require_POST
def resource_delete(request: AuthedHttpRequest, name: str, pk) -> HttpResponse:
    resource = _resource_or_404(request, name, pk)
    dataset = resource.dataset
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, _("Ressource retirée."))
    return redirect(dataset.get_absolute_url())


def resource_detail(request: HttpRequest, name: str, pk) -> HttpResponse:
    resource = _resource_or_404(request, name, pk)
    if _wants_json(request):
        return JsonResponse(resources_json([resource], request)[0])
    previews = _resource_previews(resource, request.user)
    return render(request, "catalog/resource_detail.html", {
        "resource": resource, "dataset": resource.dataset, **previews,
        "columns": dictionary.resource_columns(resource),
        "can_edit": permissions.can_edit_dataset(signed_in_user(request), resource.dataset),
        "api": _resource_api(request, resource, queryable=previews["table"] is not None)})


def _resource_api(request: HttpRequest, resource: Resource, *, queryable: bool) -> dict:
    """The "Utiliser l'API" panel: examples with this resource's id and this site's address."""
    download = request.build_absolute_uri(
        reverse("catalog:resource_download", kwargs={"name": resource.dataset.name, "pk": resource.pk}))
    return {"queryable": queryable, "snippets": resource_snippets(
        site_url=request.build_absolute_uri("/"), resource_id=str(resource.pk), download_url=download,
        queryable=queryable)}


def _resource_previews(resource: Resource, user) -> dict:
    """The datastore table (first sheet), its latest load for the organization's editors, and
    whether a map layer exists, for the resource page."""
    from django.apps import apps

    previews: dict = {"table": None, "has_map": False, "job": None}
    if apps.is_installed("ouvert.datastore"):
        from ouvert.datastore.selectors import tables_for_resource
        from ouvert.datastore.views import job_context

        previews["table"] = next(iter(tables_for_resource(resource.pk)), None)
        previews.update(job_context(user, resource.pk))
    if apps.is_installed("ouvert.geo"):
        from ouvert.geo.models import GeoLayer

        previews["has_map"] = GeoLayer.objects.filter(resource_id=resource.pk).exists()
    return previews


def resource_download(request: HttpRequest, name: str, pk: uuid.UUID) -> HttpResponseBase:
    resource = _resource_or_404(request, name, pk)
    if resource.dataset.is_public and not is_head(request) and "HTTP_RANGE" not in request.META:
        services.resource_record_download(resource=resource)  # a download, not a probe or a part
    if resource.file:
        try:
            handle = resource.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("Le fichier est introuvable dans le stockage.")) from error
        return FileResponse(handle, as_attachment=True, filename=(resource.file.name or "").rsplit("/", 1)[-1])
    return HttpResponseRedirect(resource.url)


# Follow -------------------------------------------------------------------------------------------


@login_required
@require_POST
def follow(request: AuthedHttpRequest) -> HttpResponse:
    kind, target = request.POST.get("kind", ""), request.POST.get("target", "")
    back = safe_next(request, request.POST.get("next"), reverse("catalog:search"))
    existing = follows.follow_get(user=request.user, kind=kind, key=target)
    if request.POST.get("action") == "unfollow":
        if existing:
            services.follow_delete(follow=existing, by=request.user)
        messages.success(request, _("Vous ne suivez plus cet élément."))
    else:
        try:
            services.follow_create(by=request.user, kind=kind, target=target,
                                   frequency=request.POST.get("frequency", Frequency.IMMEDIATE))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Suivi enregistré : vous recevrez un courriel à chaque changement."))
    return redirect(back)


@login_required
def follows_page(request: AuthedHttpRequest) -> HttpResponse:
    rows = []
    for item in follows.follows_of(user=request.user):
        registered = follows.follow_kind(item.kind)
        obj = registered.lookup(item.key) if registered is not None else None
        rows.append({"follow": item, "label": follows.kind_label(item.kind),
                     "title": registered.title(obj) if registered and obj is not None else item.key,
                     "url": registered.url(obj) if registered and obj is not None else ""})
    return render(request, "catalog/follows.html", {
        "follows": rows, "activity": selectors.activity(user=request.user, limit=30)})


def unsubscribe(request: HttpRequest, token) -> HttpResponse:
    """The link of e-mails sent before follows moved to core: the same page as core's signed link."""
    from ouvert.core.models import Follow
    from ouvert.core.views_follows import unsubscribe as core_unsubscribe

    item = Follow.objects.filter(token=token).first()
    return core_unsubscribe(request, follows.unsubscribe_token(item) if item else "-")


# Requests -----------------------------------------------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    theme, org, status = request.GET.get("theme") or None, request.GET.get("organisation") or None, \
        request.GET.get("statut") or None
    paginator = Paginator(selectors.requests_ranked(theme=theme, organization=org, status=status), 25)
    page = paginator.get_page(request.GET.get("page"))
    if _wants_json(request):
        return JsonResponse({"count": paginator.count, "results": [request_json(r) for r in page.object_list]})
    voted = set()
    if request.user.is_authenticated:
        voted = set(RequestVote.objects.filter(user=request.user, request__in=page.object_list)
                    .values_list("request_id", flat=True))
    query = "&".join(f"{k}={v}" for k, v in [("theme", theme), ("organisation", org), ("statut", status)] if v)
    return render(request, "catalog/request_list.html", {
        "page": page, "query": query, "voted": voted, "themes": Theme.objects.all(),
        "organizations": Organization.objects.filter(dataset_requests__isnull=False).distinct(),
        "theme": theme, "organization": org, "status": status,
        "statuses": DatasetRequest._meta.get_field("status").choices})


@login_required
def request_create(request: AuthedHttpRequest) -> HttpResponse:
    # A search that found nothing links here with its words as the title (?title=…).
    form = RequestForm(request.POST or None, initial={"title": request.GET.get("title", "")[:250]})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.request_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Demande enregistrée. Invitez d'autres personnes à voter pour elle."))
            return redirect(item.get_absolute_url())
    return render(request, "catalog/request_form.html", {"form": form}, status=400 if form.errors else 200)


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(DatasetRequest.objects.select_related("organization", "theme", "dataset"), pk=pk)
    if _wants_json(request):
        return JsonResponse(request_json(item))
    comment_form = CommentForm(request.POST or None if request.POST.get("form") == "comment" else None)
    answer_form = AnswerForm(request.POST or None if request.POST.get("form") == "answer" else None)
    can_answer = permissions.can_answer_request(signed_in_user(request), item)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        which = request.POST.get("form")
        try:
            if which == "vote":
                services.request_vote(request=item, by=request.user)
                messages.success(request, _("Vote enregistré."))
                return redirect(item.get_absolute_url())
            if which == "unvote":
                services.request_unvote(request=item, by=request.user)
                messages.success(request, _("Vote retiré."))
                return redirect(item.get_absolute_url())
            if which == "comment" and comment_form.is_valid():
                services.request_comment(request=item, by=request.user, body=comment_form.cleaned_data["body"])
                return redirect(item.get_absolute_url() + "#commentaires")
            if which == "answer" and answer_form.is_valid():
                data = answer_form.cleaned_data
                dataset = Dataset.objects.filter(name=data["dataset"]).first() if data["dataset"] else None
                services.request_answer(request=item, by=request.user, status=data["status"], answer=data["answer"],
                                        target_date=data["target_date"], decline_reason=data["decline_reason"],
                                        dataset=dataset)
                messages.success(request, _("Réponse publiée."))
                return redirect(item.get_absolute_url())
        except ValidationError as error:
            apply_errors(answer_form if which == "answer" else comment_form, error)
    has_voted = request.user.is_authenticated and item.votes.filter(user=request.user).exists()
    return render(request, "catalog/request_detail.html", {
        "item": item, "comments": item.comments.select_related("author"), "comment_form": comment_form,
        "answer_form": answer_form, "can_answer": can_answer, "has_voted": has_voted,
    }, status=400 if (comment_form.errors or answer_form.errors) else 200)


# Organization page section ------------------------------------------------------------------------


def organization_section(request: HttpRequest, organization: Organization) -> str:
    datasets = selectors.organization_datasets(organization=organization, user=signed_in_user(request))
    start, end = selectors.quality_period()
    return render_to_string("catalog/includes/organization_section.html", {
        "organization": organization, "datasets": datasets[:50], "dataset_count": datasets.count(),
        "stats": selectors.organization_stats(organization=organization),
        "conformity": selectors.conformity_rates(start=start, end=end, organization=organization),
        "calendar": selectors.publication_calendar(organization=organization)[:20],
        "requests": selectors.requests_ranked(organization=organization.slug)[:10],
        "can_edit": core_permissions.can_edit_in_organization(signed_in_user(request), organization),
        "activity": selectors.activity(
            organization=organization, limit=10,
            public_only=not core_permissions.is_member_of(signed_in_user(request), organization)),
        "DatasetState": DatasetState,
    }, request=request)


# Quality and conformity ---------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, list[str]]:
    errors, dates = [], {}
    for key, label in (("from", _("début")), ("to", _("fin"))):
        raw = request.GET.get(key, "").strip()
        try:
            dates[key] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            dates[key] = None
            errors.append(_("Date de %(label)s invalide : « %(value)s » (format AAAA-MM-JJ).")
                          % {"label": label, "value": raw[:20]})
    start, end = selectors.quality_period(start=dates["from"], end=dates["to"])
    return start, end, errors


def _rates_json(rates: selectors.ConformityRates) -> dict:
    return {"datasets": rates.datasets, "conforming": rates.conforming, "conformity_rate": rates.conformity_rate,
            "tabular_resources": rates.tabular_resources, "queryable_resources": rates.queryable_resources,
            "queryable_rate": rates.queryable_rate, "unchecked": rates.unchecked}


def quality(request: HttpRequest) -> HttpResponse:
    """Conformity rates of the portal and of each organization for a period (``from``, ``to``)."""
    start, end, errors = _period(request)
    portal = selectors.conformity_rates(start=start, end=end)
    table = selectors.conformity_table(start=start, end=end)
    if _wants_json(request):
        return JsonResponse({"from": start.isoformat(), "to": end.isoformat(), "portal": _rates_json(portal),
                             "organizations": [{"organization": org.slug, **_rates_json(rates)}
                                               for org, rates in table]})
    return render(request, "catalog/quality.html", {"start": start, "end": end, "errors": errors,
                                                    "portal": portal, "table": table})


# Reuses, hackathons, learning --------------------------------------------------------------------


def reuse_list(request: HttpRequest) -> HttpResponse:
    reuses = learning.reuses_public()
    if _wants_json(request):
        return JsonResponse({"results": [reuse_json(r) for r in reuses[:200]]})
    user = signed_in_user(request)
    is_admin = core_permissions.is_site_admin(user)
    if request.method == "POST" and user is not None and is_admin:
        reuse = get_object_or_404(Reuse, pk=request.POST.get("reuse"))
        learning.reuse_moderate(reuse=reuse, by=user, approve=request.POST.get("decision") == "approve")
        messages.success(request, _("Décision de modération enregistrée."))
        return redirect("catalog:reuse_list")
    return render(request, "catalog/reuse_list.html", {
        "reuses": reuses, "pending": learning.reuses_pending() if is_admin else [],
        "hackathons": Hackathon.objects.all()})


@login_required
def reuse_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ReuseForm(request.POST or None, request.FILES or None, initial={"datasets": request.GET.get("jeu", "")})
    if request.method == "POST" and form.is_valid():
        try:
            learning.reuse_propose(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Merci! Votre réutilisation sera publiée après modération."))
            return redirect("catalog:reuse_list")
    return render(request, "catalog/reuse_form.html", {"form": form}, status=400 if form.errors else 200)


def hackathon_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Hackathon, slug=slug)
    projects = event.projects.filter(status=Reuse.Status.APPROVED).order_by("-is_winner", "title")
    if _wants_json(request):
        return JsonResponse({"slug": event.slug, "title": event.title, "theme": event.theme,
                             "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
                             "datasets": [d.name for d in event.datasets.all()],
                             "projects": [reuse_json(r) for r in projects]})
    return render(request, "catalog/hackathon_detail.html", {
        "event": event, "projects": projects, "description_html": render_markdown(event.description),
        "datasets": event.datasets.filter(state=DatasetState.ACTIVE, private=False)})


def tutorial_list(request: HttpRequest) -> HttpResponse:
    tutorials = Tutorial.objects.all()
    if _wants_json(request):
        return JsonResponse({"results": [{"slug": t.slug, "title": t.title, "track": t.track, "summary": t.summary}
                                         for t in tutorials]})
    tracks = [(value, label, [t for t in tutorials if t.track == value]) for value, label in Tutorial.Track.choices]
    return render(request, "catalog/tutorial_list.html", {"tracks": tracks})


def tutorial_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tutorial = get_object_or_404(Tutorial, slug=slug)
    if _wants_json(request):
        return JsonResponse({"slug": tutorial.slug, "title": tutorial.title, "track": tutorial.track,
                             "body": tutorial.body, "updated_at": tutorial.updated_at.isoformat()})
    body = tutorial.body.replace("{{ site_url }}", request.build_absolute_uri("/").rstrip("/"))
    return render(request, "catalog/tutorial_detail.html", {"tutorial": tutorial, "body_html": render_markdown(body)})
