"""Reads: layers, their features (paged, by bounding box), simplified collections for the map
preview (cached per layer version and zoom), spatial coverage and spatial search."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Max, Min, Q, QuerySet

from ouvert.core import access
from ouvert.core.models import User

from .bbox import BBox
from .models import GeoFeature, GeoLayer, GeoOverview
from .simplify import MAX_ZOOM, collection_bytes, fit_zoom, overview_properties

WINDOW_CACHE_SECONDS = 24 * 3600
MAX_WINDOW_FEATURES = 200_000


def readable_layers(user: User | None) -> QuerySet[GeoLayer]:
    """The layers whose resource the person may read now (:mod:`ouvert.core.access`); a layer whose
    resource is gone is nobody's."""
    return GeoLayer.objects.filter(resource_id__in=access.readable_keys(user, "resource"))


def layer_get(*, resource_id: uuid.UUID | str, user: User | None) -> GeoLayer | None:
    """The layer of a resource the person may read, or None (absent and forbidden alike)."""
    if not access.may_read(user, "resource", resource_id):
        return None
    try:
        return GeoLayer.objects.select_related("organization").get(resource_id=resource_id)
    except (GeoLayer.DoesNotExist, ValueError):
        return None


def layer_list(*, user: User | None, dataset_id: uuid.UUID | None = None) -> QuerySet[GeoLayer]:
    layers = readable_layers(user).order_by("name")
    return layers.filter(dataset_id=dataset_id) if dataset_id else layers


def layer_fit_zoom(layer: GeoLayer) -> int:
    return fit_zoom(layer.bbox)


def features_in_bbox(*, layer: GeoLayer, bbox: BBox | None = None) -> QuerySet[GeoFeature]:
    features = layer.features.all()
    if bbox is not None:
        features = features.filter(min_lon__lte=bbox.maxx, max_lon__gte=bbox.minx,
                                   min_lat__lte=bbox.maxy, max_lat__gte=bbox.miny)
    return features.order_by("index")


def _collection(layer: GeoLayer, features: Iterable[GeoFeature], zoom: int, extra: dict[str, Any], *,
                overview: bool = False, field: str | None = None) -> bytes:
    rows = [(f.index, f.geometry, f.properties) for f in features if f.geometry]
    geometries = shapely.from_geojson([r[1] for r in rows]) if rows else np.empty(0, dtype=object)
    properties = [r[2] for r in rows]
    carried = "all"
    if overview:
        properties, carried = overview_properties(properties, len(rows), field)
    return collection_bytes(np.asarray(geometries, dtype=object), [r[0] for r in rows], properties,
                            zoom=zoom, total=len(rows), extra={**extra, "properties": carried})


def layer_overview(*, layer: GeoLayer, zoom: int, field: str | None = None) -> bytes:
    """The whole layer simplified for ``zoom``, gzipped GeoJSON; computed once per layer version
    (with one attribute ``field`` for a choropleth: computed on demand, then cached)."""
    zoom = max(0, min(zoom, MAX_ZOOM))
    features = layer.features.exclude(geometry="").order_by("index")
    if field:
        key = f"geo:o:{layer.pk}:{layer.version}:{zoom}:{field}"
        body: bytes | None = cache.get(key)
        if body is None:
            body = _collection(layer, features, zoom, {"bbox": list(layer.bbox or [])}, overview=True, field=field)
            cache.set(key, body, WINDOW_CACHE_SECONDS)
        return body
    stored = GeoOverview.objects.filter(layer=layer, version=layer.version, zoom=zoom).values_list(
        "body", flat=True).first()
    if stored is not None:
        return bytes(stored)
    body = _collection(layer, features, zoom, {"bbox": list(layer.bbox or [])}, overview=True)
    GeoOverview.objects.get_or_create(layer=layer, version=layer.version, zoom=zoom, defaults={"body": body})
    return body


def feature_get(*, layer: GeoLayer, index: int) -> GeoFeature | None:
    return layer.features.filter(index=index).only("index", "geometry_type", "properties").first()


def snap_to_tiles(bbox: BBox, zoom: int) -> BBox:
    """``bbox`` widened to the grid of 256-pixel tiles at ``zoom`` (in degrees), for stable cache keys."""
    step = 360.0 / 2 ** max(0, min(zoom, MAX_ZOOM))
    return BBox(max(-180.0, np.floor(bbox.minx / step) * step), max(-90.0, np.floor(bbox.miny / step) * step),
                min(180.0, np.ceil(bbox.maxx / step) * step), min(90.0, np.ceil(bbox.maxy / step) * step))


def layer_window(*, layer: GeoLayer, zoom: int, bbox: BBox, field: str | None = None) -> bytes:
    """Features intersecting ``bbox`` simplified for ``zoom`` (gzipped GeoJSON), cached per layer
    version, zoom and tile-snapped box. At or below the layer's fit zoom, the whole-layer overview."""
    zoom = max(0, min(zoom, MAX_ZOOM))
    fit = layer_fit_zoom(layer)
    if zoom <= fit + 1 or (layer.bbox and _contains(bbox, layer.bbox)):
        return layer_overview(layer=layer, zoom=zoom, field=field)
    window = snap_to_tiles(bbox, zoom)
    key = f"geo:w:{layer.pk}:{layer.version}:{zoom}:{window.as_ckan()}"
    body: bytes | None = cache.get(key)
    if body is None:
        features = features_in_bbox(layer=layer, bbox=window)[:MAX_WINDOW_FEATURES]
        body = _collection(layer, features, zoom, {"bbox": window.as_list(), "window": True})
        cache.set(key, body, WINDOW_CACHE_SECONDS)
    return body


def _contains(outer: BBox, inner: tuple[float, float, float, float]) -> bool:
    return outer.minx <= inner[0] and outer.miny <= inner[1] and outer.maxx >= inner[2] and outer.maxy >= inner[3]


def decompress(body: bytes) -> bytes:
    return gzip.decompress(body)


# Spatial coverage and search ---------------------------------------------------------------------

def dataset_spatial_coverage(*, dataset_id: uuid.UUID | str, user: User | None = None) -> BBox | None:
    """The bounding box of every layer of a dataset the person may read (its spatial coverage), or
    None."""
    agg = readable_layers(user).filter(dataset_id=dataset_id, min_lon__isnull=False).aggregate(
        minx=Min("min_lon"), miny=Min("min_lat"), maxx=Max("max_lon"), maxy=Max("max_lat"))
    if agg["minx"] is None:
        return None
    return BBox(agg["minx"], agg["miny"], agg["maxx"], agg["maxy"])


def datasets_intersecting(bbox: BBox, user: User | None = None) -> list[uuid.UUID]:
    """Datasets (by UUID) at least one of whose layers, readable by the person, intersects ``bbox``
    (ckanext-spatial's semantics for ``ext_bbox``: intersection of bounding boxes), most
    overlapping first."""
    layers = readable_layers(user).filter(
        Q(dataset_id__isnull=False), min_lon__lte=bbox.maxx, max_lon__gte=bbox.minx,
        min_lat__lte=bbox.maxy, max_lat__gte=bbox.miny,
    ).values_list("dataset_id", "min_lon", "min_lat", "max_lon", "max_lat")
    best: dict[uuid.UUID, float] = {}
    for dataset_id, x0, y0, x1, y1 in layers:
        if dataset_id is None or x0 is None or y0 is None or x1 is None or y1 is None:
            continue  # the filter above already leaves these out
        overlap = max(0.0, min(x1, bbox.maxx) - max(x0, bbox.minx)) * max(0.0, min(y1, bbox.maxy) - max(y0, bbox.miny))
        area = max((x1 - x0) * (y1 - y0), 1e-12)
        best[dataset_id] = max(best.get(dataset_id, 0.0), overlap / area)
    return sorted(best, key=lambda d: (-best[d], str(d)))


def datasets_for_search_params(params: Mapping[str, Any], user: User | None = None) -> list[uuid.UUID] | None:
    """The spatial filter of a dataset search, from request parameters: CKAN's ``ext_bbox``
    (ckanext-spatial: ``minx,miny,maxx,maxy``) or our ``ext_place`` (a code of
    :mod:`ouvert.geo.regions`). None when neither is given (no spatial filter); otherwise the UUIDs
    of the matching datasets, most covered first. Raises ValueError (message in the active
    language) for an invalid value: CKAN answers it with a 409 "Search error"."""
    from .bbox import parse_ext_bbox
    from .regions import place_get

    if params.get("ext_bbox"):
        return datasets_intersecting(parse_ext_bbox(params["ext_bbox"]), user)
    if params.get("ext_place"):
        place = place_get(params["ext_place"])
        if place is None:
            raise ValueError(f"ext_place: {params['ext_place']}")
        return datasets_intersecting(place.bbox, user)
    return None


def dataset_extents(*, dataset_ids: Iterable[uuid.UUID] | None, user: User | None = None) -> dict[uuid.UUID, BBox]:
    """The box covering the map layers ``user`` may read of each dataset (``None``: every dataset with
    one), in one query: :func:`dataset_spatial_coverage` for many datasets."""
    layers = readable_layers(user).filter(dataset_id__isnull=False, min_lon__isnull=False)
    if dataset_ids is not None:
        ids = list(dataset_ids)
        if not ids:
            return {}
        layers = layers.filter(dataset_id__in=ids)
    rows = (layers.values("dataset_id").order_by("dataset_id")
            .annotate(w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")))
    return {row["dataset_id"]: BBox(row["w"], row["s"], row["e"], row["n"]) for row in rows
            if row["dataset_id"] is not None}
