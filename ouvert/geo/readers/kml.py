"""KML 2.2 and KMZ (zipped KML), parsed with defusedxml (no entity expansion, no external DTD).

Placemarks become features: name, description and ExtendedData (Data and SchemaData) are the
attributes; Point, LineString, LinearRing, Polygon and MultiGeometry the geometries. KML is always
WGS 84 longitude, latitude[, altitude]."""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree
from shapely.geometry import (
    GeometryCollection,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

from .base import ERROR, INFO, Feature, GeoReadResult
from .fields import infer_fields
from .geometry import checked

UNSUPPORTED = {"Model", "Track", "MultiTrack"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _coords(element) -> list[tuple[float, float]]:
    node = _child(element, "coordinates")
    points = []
    for chunk in (node.text or "").split() if node is not None else []:
        values = chunk.split(",")
        if len(values) >= 2:
            points.append((float(values[0]), float(values[1])))
    return points


def _geometry(element, result: GeoReadResult, file: str, index: int):
    kind = _local(element.tag)
    if kind == "Point":
        points = _coords(element)
        return Point(points[0]) if points else None
    if kind == "LineString":
        return LineString(_coords(element))
    if kind == "LinearRing":
        return LinearRing(_coords(element))
    if kind == "Polygon":
        outer = _child(element, "outerBoundaryIs")
        ring = _child(outer, "LinearRing") if outer is not None else None
        if ring is None:
            return None
        holes = []
        for inner in element:
            if _local(inner.tag) == "innerBoundaryIs":
                inner_ring = _child(inner, "LinearRing")
                if inner_ring is not None:
                    holes.append(_coords(inner_ring))
        return Polygon(_coords(ring), holes)
    if kind == "MultiGeometry":
        parts = [g for g in (_geometry(child, result, file, index) for child in element) if g is not None]
        types = {p.geom_type for p in parts}
        if types == {"Point"}:
            return MultiPoint(parts)
        if types == {"LineString"}:
            return MultiLineString(parts)
        if types == {"Polygon"}:
            return MultiPolygon(parts)
        return GeometryCollection(parts) if parts else None
    if kind in UNSUPPORTED:
        result.add("kml_unsupported", INFO, file=file, feature=index, element=kind)
    return None


GEOMETRY_TAGS = {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", *UNSUPPORTED}


def read_kml(data: bytes, *, name: str, kmz: bool = False) -> GeoReadResult:
    result = GeoReadResult(format="kmz" if kmz else "kml", name=name, encoding="utf-8")
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError) as exc:
        result.add("kml_invalid", ERROR, file=name, error=str(exc)[:200])
        return result.finish()
    except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden…
        result.add("kml_invalid", ERROR, file=name, error=f"{type(exc).__name__}: {exc}"[:200])
        return result.finish()
    properties = []
    for index, placemark in enumerate(p for p in root.iter() if _local(p.tag) == "Placemark"):
        props: dict[str, Any] = {}
        geometry = None
        for child in placemark:
            tag = _local(child.tag)
            if tag in {"name", "description"}:
                props[tag] = (child.text or "").strip()
            elif tag == "ExtendedData":
                for data_node in child.iter():
                    data_tag = _local(data_node.tag)
                    if data_tag == "Data":
                        value = _child(data_node, "value")
                        props[data_node.get("name", "")] = (value.text or "").strip() if value is not None else ""
                    elif data_tag == "SimpleData":
                        props[data_node.get("name", "")] = (data_node.text or "").strip()
            elif tag in GEOMETRY_TAGS:
                try:
                    geometry = _geometry(child, result, name, index)
                except (ValueError, IndexError) as exc:
                    result.add("geometry_invalid_structure", ERROR, file=name, feature=index, error=str(exc)[:200])
                    geometry = None
                else:
                    geometry = checked(geometry, result, file=name, index=index)
        if not any(_local(child.tag) in GEOMETRY_TAGS for child in placemark):
            result.add("geometry_missing", "warning", file=name, feature=index)
        result.features.append(Feature(geometry=geometry, properties=props, index=index))
        properties.append(props)
    result.fields = infer_fields(properties)
    return result.finish()
