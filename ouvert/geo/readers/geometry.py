"""Geometry helpers shared by the readers: GeoJSON and WKT to shapely, validation and repair."""

from __future__ import annotations

import re
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from .base import ERROR, WARNING, GeoReadResult

_WKT_HEAD = re.compile(r"^\s*(MULTI)?(POINT|LINESTRING|POLYGON|GEOMETRYCOLLECTION)\s*(Z|M|ZM)?\s*\(", re.IGNORECASE)
_POLYGON_SINGLE = re.compile(r"^\s*POLYGON\s*(Z|M|ZM)?\s*\(\s*(-?[\d.]+)", re.IGNORECASE)
_LINE_ONE_POINT = re.compile(r"^\s*LINESTRING\s*\(\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\)\s*$", re.IGNORECASE)


def looks_like_wkt(value: str) -> bool:
    return bool(_WKT_HEAD.match(value or ""))


def from_geojson(obj: Any, result: GeoReadResult, *, file: str, index: int):
    """A shapely geometry from a GeoJSON geometry object; None (with an issue) when impossible."""
    if obj is None:
        result.add("geometry_missing", WARNING, file=file, feature=index)
        return None
    try:
        geometry = shape(obj)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        result.add("geometry_invalid_structure", ERROR, file=file, feature=index,
                   error=str(exc)[:200] or type(exc).__name__)
        return None
    return checked(geometry, result, file=file, index=index)


def from_wkt(value: str, result: GeoReadResult, *, file: str, index: int, column: str):
    """Parse WKT, accepting the common "POLYGON (x y, …)" with one level of parentheses (reported)."""
    text = (value or "").strip()
    if not text:
        result.add("geometry_missing", WARNING, file=file, feature=index)
        return None
    try:
        geometry = shapely.from_wkt(text)
    except shapely.errors.ShapelyError:
        geometry = None
        if _POLYGON_SINGLE.match(text):
            opening = text.index("(")
            repaired = text[:opening] + "((" + text[opening + 1:].rstrip().rstrip(")") + "))"
            try:
                geometry = shapely.from_wkt(repaired)
            except shapely.errors.ShapelyError:
                geometry = None
            if geometry is not None:
                result.add("wkt_fixed", WARNING, file=file, feature=index, column=column,
                           what="POLYGON (x y, …) → POLYGON ((x y, …))",
                           fix="polygon_parentheses")
        elif line := _LINE_ONE_POINT.match(text):
            geometry = shapely.Point(float(line.group(1)), float(line.group(2)))
            result.add("wkt_fixed", WARNING, file=file, feature=index, column=column,
                       what="LINESTRING (x y) → POINT (x y)",
                       fix="line_one_point")
        if geometry is None:
            result.add("wkt_invalid", ERROR, file=file, feature=index, column=column, value=text[:60])
            return None
    return checked(geometry, result, file=file, index=index)


def checked(geometry, result: GeoReadResult, *, file: str, index: int):
    """Repair invalid geometries (reported) so that they can still be drawn."""
    if geometry is None or geometry.is_empty:
        result.add("geometry_missing", WARNING, file=file, feature=index)
        return None
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        result.add("geometry_invalid", WARNING, file=file, feature=index, reason=reason)
        geometry = shapely.make_valid(geometry)
    return geometry
