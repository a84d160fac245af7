"""HTML pages: the map preview of a resource's layer, and spatial search (box or place)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core.typing import signed_in_user

from . import selectors
from .basemap import ATTRIBUTION, MRC_MIN_ZOOM, MRC_STATIC_PATH, STATIC_PATH
from .bbox import BBox, parse_ext_bbox
from .models import GeoLayer
from .readers import issue_message
from .regions import PLACES, place_get

TABLE_PAGE_SIZE = 25


def map_context(layer: GeoLayer, request: HttpRequest | None = None, *, table_page: int = 1) -> dict:
    """What the map include needs; also used by the catalogue pages that embed it."""
    numeric = [f["name"] for f in layer.fields if f["type"] in {"integer", "number"}]
    report = []
    for issue in layer.report:
        what, fix = issue_message(issue)
        report.append({**issue, "message": what, "fix": fix})
    paginator = Paginator(layer.features.order_by("index").only("index", "geometry_type", "properties"),
                          TABLE_PAGE_SIZE)
    page = paginator.get_page(table_page)
    columns = [f["name"] for f in layer.fields]
    rows = [{"index": f.index, "geometry_type": f.geometry_type,
             "values": [f.properties.get(c) for c in columns]} for f in page.object_list]
    return {
        "layer": layer,
        "features_url": reverse("api-v1:layer_features", kwargs={"resource_id": layer.resource_id}),
        "api_url": reverse("api-v1:layer_detail", kwargs={"resource_id": layer.resource_id}),
        "exports": [(fmt, label, reverse("api-v1:layer_export", kwargs={"resource_id": layer.resource_id,
                                                                         "fmt": fmt}))
                    for fmt, label in (("geojson", "GeoJSON"), ("csv", _("CSV avec WKT")),
                                       ("shapefile", _("Shapefile (ZIP)")))],
        "map_config": {
            "featuresUrl": reverse("api-v1:layer_features", kwargs={"resource_id": layer.resource_id}),
            "bbox": list(layer.bbox) if layer.bbox else None,
            "fitZoom": selectors.layer_fit_zoom(layer),
            **basemap_config(),
            "numericFields": numeric,
            "geometryTypes": layer.geometry_types,
        },
        "numeric_fields": numeric,
        "report": report,
        "report_errors": sum(1 for r in report if r["severity"] == "error"),
        "columns": columns,
        "rows": rows,
        "table_page": page,
        "dom_id": f"carte-{layer.resource_id}",
        "config_id": f"carte-{layer.resource_id}-config",
        "i18n_id": f"carte-{layer.resource_id}-config-i18n",
        "map_i18n": map_i18n(),
    }


def basemap_config() -> dict[str, str | int]:
    """The maps' base: the configured tile server, else the offline base of Québec's regions and
    MRC shipped with the package (:mod:`ouvert.geo.basemap`)."""
    if settings.OUVERT_BASEMAP_URL:
        return {"basemapUrl": settings.OUVERT_BASEMAP_URL, "basemapAttribution": settings.OUVERT_BASEMAP_ATTRIBUTION}
    return {"basemapUrl": "", "offlineBasemapUrl": static(STATIC_PATH),
            "offlineBasemapMrcUrl": static(MRC_STATIC_PATH), "offlineBasemapMrcZoom": MRC_MIN_ZOOM,
            "offlineBasemapAttribution": str(ATTRIBUTION)}


def map_i18n() -> dict[str, str]:
    """The map script's strings, in the page's language."""
    return {
        # The three counts the script meets (0, 1, more), each in the page language's plural rule.
        **{key: ngettext("%(returned)s objet affiché sur %(total)s (simplifié pour ce zoom).",
                         "%(returned)s objets affichés sur %(total)s (simplifiés pour ce zoom).", count)
           for key, count in (("shownZero", 0), ("shownOne", 1), ("shown", 2))},
        "failed": _("La carte n'a pas pu être chargée ; le tableau ci-dessous présente les données."),
        "nolib": _("La bibliothèque cartographique est absente ; le tableau ci-dessous présente les données."),
        "Point": _("Points"), "MultiPoint": _("Points"), "LineString": _("Lignes"),
        "MultiLineString": _("Lignes"), "Polygon": _("Polygones"), "MultiPolygon": _("Polygones"),
        "GeometryCollection": _("Géométries mixtes"), "noValue": _("sans valeur"), "feature": _("Objet n°"),
        "attribute": _("Attribut"), "value": _("Valeur"),
        "loading": _("Chargement…"),
        "range": _("%(field)s : de %(low)s à %(high)s"), "noValueFor": _("%(field)s : sans valeur"),
    }


def map_preview(request: HttpRequest, resource_id: uuid.UUID) -> HttpResponse:
    layer = selectors.layer_get(resource_id=resource_id, user=signed_in_user(request))
    if layer is None:
        raise Http404(_("Aucune couche géographique pour cette ressource."))
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return render(request, "geo/map_preview.html", map_context(layer, request, table_page=page))


def spatial_search(request: HttpRequest) -> HttpResponse:
    """Datasets whose coverage intersects a box (typed, or taken from the map) or a place."""
    error = ""
    box: BBox | None = None
    place = place_get(request.GET.get("lieu", ""))
    if place:
        box = place.bbox
    elif request.GET.get("bbox"):
        try:
            box = parse_ext_bbox(request.GET["bbox"])
        except ValueError as exc:
            error = str(exc)
    results = []
    if box is not None:
        for dataset_id in selectors.datasets_intersecting(box, signed_in_user(request)):
            layers = list(selectors.layer_list(user=signed_in_user(request), dataset_id=dataset_id))
            dataset = _catalog_dataset(dataset_id)
            if dataset is None and not layers:
                continue  # nothing to show by name: never a bare identifier
            results.append({"dataset_id": dataset_id, "layers": layers,
                            "coverage": selectors.dataset_spatial_coverage(dataset_id=dataset_id,
                                                                          user=signed_in_user(request)),
                            "dataset": dataset,
                            # Without a catalogue entry, the dataset goes by its layers' names.
                            "title": dataset["title"] if dataset else ", ".join(layer.name for layer in layers)})
    catalogue = ""
    if box is not None and apps.is_installed("ouvert.catalog"):
        catalogue = reverse("catalog:search") + "?" + urlencode(
            dict(zip(("west", "south", "east", "north"), (f"{v:g}" for v in box.as_list()), strict=True)))
    return render(request, "geo/search.html", {
        "catalogue_url": catalogue,
        "places": PLACES, "place": place, "box": box, "bbox_value": request.GET.get("bbox", ""),
        "error": error, "results": results, "searched": box is not None,
        "all_layers": [] if box is not None else list(selectors.layer_list(user=signed_in_user(request))[:200]),
        "bbox_fields": [("minx", _("Longitude ouest (minx)")), ("miny", _("Latitude sud (miny)")),
                        ("maxx", _("Longitude est (maxx)")), ("maxy", _("Latitude nord (maxy)"))],
        "map_config": {"bbox": box.as_list() if box else [-79.8, 44.9, -57.1, 62.6],
                       **basemap_config(),
                       "coverages": [[layer.name, list(layer.bbox or ())] for layer in
                                     selectors.layer_list(user=signed_in_user(request)).filter(
                                         min_lon__isnull=False)[:500]]},
    })


def _catalog_dataset(dataset_id: uuid.UUID):
    """The catalogue's dataset for a UUID, when the catalogue app provides one (title and URL)."""
    from .catalog_adapter import dataset_summary

    return dataset_summary(dataset_id)
