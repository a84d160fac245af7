"""GeoJSON (RFC 7946, and the 2008 draft's ``crs`` member), in any encoding."""

from __future__ import annotations

import json
from typing import Any

from .base import ERROR, Feature, GeoReadResult
from .crs import choose_crs, crs_from_geojson, geometries_bounds, reproject
from .fields import infer_fields
from .geometry import from_geojson
from .text import decode


def read_geojson(data: bytes, *, name: str, declared_crs: str | None = None) -> GeoReadResult:
    result = GeoReadResult(format="geojson", name=name)
    text = decode(data, result, file=name)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        result.add("json_invalid", ERROR, file=name, line=exc.lineno, column=exc.colno, error=exc.msg)
        return result.finish()
    items = _features(obj, result, name)
    if items is None:
        return result.finish()
    geometries, properties = [], []
    for index, item in enumerate(items):
        geometries.append(from_geojson(item.get("geometry"), result, file=name, index=index))
        props = item.get("properties")
        props = dict(props) if isinstance(props, dict) else {}
        if item.get("id") is not None and "id" not in props:
            props = {"id": item["id"], **props}
        properties.append(props)
    source = declared_crs or crs_from_geojson(obj, result, file=name)
    if source is None:
        source = choose_crs(geometries_bounds(geometries), result, file=name, announce_geographic=False)
    result.source_crs = source
    geometries = reproject(geometries, source, result, file=name)
    result.features = [Feature(geometry=g, properties=p, index=i)
                       for i, (g, p) in enumerate(zip(geometries, properties, strict=True))]
    result.fields = infer_fields(properties)
    return result.finish()


def _features(obj: Any, result: GeoReadResult, name: str) -> list[dict] | None:
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind == "FeatureCollection" and isinstance(obj.get("features"), list):
        return [f if isinstance(f, dict) else {} for f in obj["features"]]
    if kind == "Feature":
        return [obj]
    if kind in {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                "GeometryCollection"}:
        return [{"geometry": obj, "properties": {}}]
    result.add("geojson_not_geojson", ERROR, file=name, type=str(kind)[:40])
    return None
