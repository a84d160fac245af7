"""Server-side simplification for the map preview.

For a zoom level ``z`` one screen pixel spans about ``360 / (256 · 2^z)`` degrees of longitude.
Geometries are simplified to a fraction of a pixel (Douglas–Peucker preserving topology), their
coordinates rounded to what a pixel can show, and points closer than two pixels thinned to one:
what the map draws is unchanged, the bytes sent are a small fraction of the file. Everything runs
on shapely's vectorized functions (GEOS), never feature by feature in Python.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

MAX_ZOOM = 20
PIXEL_FRACTION = 0.75
# Whole-layer overviews of larger layers leave attributes out (they would dominate the payload);
# the preview fetches a feature's attributes when its popup opens, one numeric column for a
# choropleth. Windows (zoomed-in boxes) always carry them.
INLINE_PROPERTIES_MAX = 5000


def overview_properties(properties: list[dict[str, Any]], count: int, field: str | None = None
                        ) -> tuple[list[dict[str, Any]], str]:
    """(properties to send, what they are: "all", "none" or the field's name)."""
    if field:
        return [{field: p.get(field)} for p in properties], field
    if count <= INLINE_PROPERTIES_MAX:
        return properties, "all"
    return [{} for _ in properties], "none"


def tolerance(zoom: int) -> float:
    return PIXEL_FRACTION * 360.0 / (256 * 2 ** max(0, min(zoom, MAX_ZOOM)))


def decimals(zoom: int) -> int:
    return max(1, math.ceil(-math.log10(tolerance(zoom)))) + 1


def fit_zoom(bbox: Sequence[float] | None, width: int = 1024, height: int = 640) -> int:
    """The zoom at which ``bbox`` fills a map of ``width`` × ``height`` pixels."""
    if not bbox:
        return 0
    minx, miny, maxx, maxy = bbox
    span_x = max(maxx - minx, 1e-6)
    span_y = max(maxy - miny, 1e-6) / max(math.cos(math.radians((miny + maxy) / 2)), 0.2)
    zoom = math.floor(math.log2(min(width * 360 / (256 * span_x), height * 360 / (256 * span_y))))
    return max(0, min(zoom, 18))


def simplify(geometries: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(simplified geometries, kept positions, original type of features drawn as a point).

    Lines and polygons smaller than two pixels become a point on their surface (what a renderer
    would draw anyway) and, like points, are thinned to one per two-pixel cell; the others are
    simplified to ``tolerance(zoom)``."""
    if len(geometries) == 0:
        return geometries, np.arange(0), np.empty(0, dtype=object)
    tol = tolerance(zoom)
    types = shapely.get_type_id(geometries)
    original = np.array([None] * len(geometries), dtype=object)
    bounds = shapely.bounds(geometries)
    tiny = (types != 0) & (np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) < 2 * tol)
    if tiny.any():
        geometries = geometries.copy()
        original[tiny] = shapely.get_type_id(geometries[tiny])
        geometries[tiny] = shapely.point_on_surface(geometries[tiny])
    keep = np.ones(len(geometries), dtype=bool)
    points = (types == 0) | tiny
    if points.any():
        coords = shapely.get_coordinates(geometries[points])
        cells = np.floor(coords / (2 * tol)).astype(np.int64)
        _, first = np.unique(cells, axis=0, return_index=True)
        kept_points = np.zeros(points.sum(), dtype=bool)
        kept_points[first] = True
        keep[np.nonzero(points)[0]] = kept_points
    positions = np.nonzero(keep)[0]
    chosen = geometries[positions]
    others = ~points[positions]
    if others.any():
        chosen = chosen.copy()
        chosen[others] = shapely.simplify(chosen[others], tol, preserve_topology=True)
    places = decimals(zoom)
    chosen = shapely.transform(chosen, lambda c: np.round(c, places))
    names = {1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
             6: "MultiPolygon", 7: "GeometryCollection"}
    was = np.array([names.get(t) if t is not None else None for t in original[positions]], dtype=object)
    return chosen, positions, was


def collection_bytes(geometries: np.ndarray, ids: Sequence[int], properties: Sequence[dict[str, Any]], *,
                     zoom: int, total: int, extra: dict[str, Any] | None = None) -> bytes:
    """A GeoJSON FeatureCollection, gzipped, with a ``ouvert`` member saying what was done."""
    simplified, positions, was = simplify(geometries, zoom)
    texts: Sequence[str] = shapely.to_geojson(simplified).tolist() if len(simplified) else []
    meta = {"zoom": zoom, "tolerance": tolerance(zoom), "total": total, "returned": len(positions),
            "as_points": int(sum(1 for w in was if w)), **(extra or {})}
    parts = ['{"type":"FeatureCollection","ouvert":', json.dumps(meta), ',"features":[']
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    for n, (position, text, kind) in enumerate(zip(positions, texts, was, strict=True)):
        if n:
            parts.append(",")
        # "drawn_as_point" (a foreign member, RFC 7946 §6.1): the feature's real type, for its style.
        origin = f',"drawn_as_point":"{kind}"' if kind else ""
        parts.append(f'{{"type":"Feature","id":{ids[position]}{origin},"geometry":{text},'
                     f'"properties":{dumps(properties[position])}}}')
    parts.append("]}")
    return gzip.compress("".join(parts).encode(), compresslevel=5)
