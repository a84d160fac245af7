"""Linked-data documents: the DCAT catalogue (paged), each dataset in DCAT, schema.org and
Frictionless, and content negotiation on ``/dataset/<name>``."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ouvert.api.ckan import bridge, errors
from ouvert.api.ckan.registry import Context
from ouvert.core.bounds import INT64_MAX

from .datapackage import datapackage
from .graph import Agent, catalog_graph, dataset_graph, serialize

if TYPE_CHECKING:
    from ouvert.catalog.read_model import DatasetView

PER_PAGE = 100
NEGOTIATED = [("text/turtle", "ttl"), ("application/x-turtle", "ttl"), ("application/ld+json", "jsonld"),
              ("application/rdf+xml", "rdf"), ("application/json", "json")]


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _context(request: HttpRequest) -> Context:
    user = request.user if request.user.is_authenticated else None
    return Context(request=request, user=user)


def _dataset(request: HttpRequest, name: str) -> DatasetView:
    try:
        return bridge.dataset_get(name, _context(request))
    except errors.ActionError:
        raise Http404(_("Jeu de données introuvable.")) from None


def _rdf_response(graph, fmt: str) -> HttpResponse:
    body, content_type = serialize(graph, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Vary"] = "Accept"
    return response


@require_safe
def catalog_document(request: HttpRequest, fmt: str) -> HttpResponse:
    """The public catalogue in DCAT-AP, ``PER_PAGE`` datasets a page (``?page=N``)."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    if page > INT64_MAX // PER_PAGE:  # its offset would not fit the database's integers: no such page
        raise Http404(_("Cette page du catalogue n'existe pas."))
    anonymous = Context(request=request, user=None)
    total, datasets = bridge.dataset_page(anonymous, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    if page > 1 and not datasets:
        raise Http404(_("Cette page du catalogue n'existe pas."))
    base = base_url(request)
    graph = catalog_graph(
        base, datasets, title=_("Catalogue de données ouvertes"),
        description=_("Jeux de données publiés sur Ouvert, la plateforme de gouvernement ouvert du Québec."),
        publisher=Agent(slug="ouvert", names={"fr": "Ouvert"}, website=settings.SITE_URL),
        page=page, per_page=PER_PAGE, total=total, page_url=f"{base}/catalog.{fmt}",
        extents=_extents([d.id for d in datasets]),
    )
    return _rdf_response(graph, fmt)


@require_safe
def dataset_document(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    dataset = _dataset(request, name)
    return _rdf_response(dataset_graph(base_url(request), dataset, _extents([dataset.id]).get(dataset.id)), fmt)


def _extents(dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[float, float, float, float]]:
    """The box of each dataset's map layers that anyone may read (DCAT documents are public)."""
    if not apps.is_installed("ouvert.geo"):
        return {}
    from ouvert.geo.selectors import dataset_extents

    return {k: (b.minx, b.miny, b.maxx, b.maxy) for k, b in dataset_extents(dataset_ids=dataset_ids).items()}


@require_safe
def dataset_datapackage(request: HttpRequest, name: str) -> JsonResponse:
    dataset = _dataset(request, name)
    tables: dict[uuid.UUID, list[dict[str, Any]]] = {}
    if apps.is_installed("ouvert.datastore"):
        from ouvert.datastore.selectors import first_sheet_fields

        tables = first_sheet_fields(resource_ids=[r.id for r in dataset.resources if r.datastore_active])
    descriptor = datapackage(dataset, base=base_url(request), tables=tables)
    return JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 2})


def negotiate(accept: str) -> str | None:
    """The format asked for in an ``Accept`` header (first match by q-value, then order)."""
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, _sep, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        choices.append((-q, position, media.strip().lower()))
    for _q, _position, media in sorted(choices):
        if media in {"text/html", "application/xhtml+xml", "*/*"}:
            return None
        for known, fmt in NEGOTIATED:
            if media == known:
                return fmt
    return None


@require_safe
def dataset_negotiated(request: HttpRequest, name: str) -> HttpResponse:
    """``/dataset/<name>``: RDF or JSON by ``Accept``; browsers go to the dataset's page."""
    dataset = _dataset(request, name)
    fmt = negotiate(request.headers.get("Accept", ""))
    response: HttpResponse
    if fmt == "json":
        response = JsonResponse(bridge.package_of(dataset, _context(request)),
                                json_dumps_params={"ensure_ascii": False})
    elif fmt:
        return _rdf_response(dataset_graph(base_url(request), dataset, _extents([dataset.id]).get(dataset.id)), fmt)
    else:
        target = bridge.dataset_page_url(dataset)
        if not target:
            raise Http404(_("Jeu de données introuvable."))
        response = HttpResponseRedirect(target)
        response.status_code = 303
    response["Vary"] = "Accept"
    return response


def schemaorg_script(dataset: DatasetView, request: HttpRequest) -> str:
    """The ``<script type="application/ld+json">`` element for a dataset page."""
    from .schemaorg import dataset_jsonld

    data = dataset_jsonld(dataset, base=base_url(request), page_url=request.build_absolute_uri(request.path))
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
