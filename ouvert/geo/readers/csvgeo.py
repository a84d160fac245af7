"""CSV files carrying geometry: a WKT column, latitude/longitude columns in decimal degrees, or
X/Y columns in a declared (or guessed) coordinate system. Attributes stay as text: typing them is
the datastore's job; here they are shown in popups and tables."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata

from shapely.geometry import Point

from .base import ERROR, INFO, Feature, GeoReadResult
from .crs import WGS84, choose_crs, geometries_bounds, reproject
from .fields import infer_fields
from .geometry import checked, from_wkt, looks_like_wkt
from .text import decode

csv.field_size_limit(sys.maxsize)

WKT_NAMES = {"geom", "geometry", "geometrie", "wkt", "the_geom", "shape", "geo_shape", "wkt_geom"}
LAT_NAMES = ("latitude", "lat", "y_lat", "lat_dd", "latitude_dd")
LON_NAMES = ("longitude", "lon", "long", "lng", "x_long", "lon_dd", "longitude_dd")
X_NAMES = ("x", "coord_x", "x_coord", "xcoord", "easting", "est", "x_mtm", "x_lambert")
Y_NAMES = ("y", "coord_y", "y_coord", "ycoord", "northing", "nord", "y_mtm", "y_lambert")


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


def _number(value: str) -> float | None:
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _numeric_share(rows: list[dict], column: str) -> float:
    values = [r.get(column) or "" for r in rows[:200]]
    values = [v for v in values if v.strip()]
    return sum(_number(v) is not None for v in values) / len(values) if values else 0.0


def _pick(headers: list[str], rows: list[dict], names: tuple[str, ...], word: str) -> str | None:
    """A numeric column named exactly like one of ``names``, else one whose name contains ``word``."""
    normalized = {h: _norm(h) for h in headers}
    exact = [h for h in headers if normalized[h] in names]
    loose = [h for h in headers if word and word in normalized[h] and h not in exact]
    for column in exact + loose:
        if _numeric_share(rows, column) >= 0.9:
            return column
    return None


def sniff(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample.split("\n", 20)[0] + "\n", delimiters=",;|\t").delimiter
    except csv.Error:
        return ","


def read_csv(data: bytes, *, name: str, declared_crs: str | None = None, wkt_column: str | None = None,
             x_column: str | None = None, y_column: str | None = None) -> GeoReadResult:
    result = GeoReadResult(format="csv", name=name)
    text = decode(data, result, file=name)
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff(text))
    headers = [h for h in (reader.fieldnames or []) if h is not None]
    rows = [{k: v for k, v in row.items() if k is not None} for row in reader]
    first = next((r for r in rows if any((v or "").strip() for v in r.values())), {})
    if not wkt_column and not (x_column and y_column):
        wkt_column = next((h for h in headers if _norm(h) in WKT_NAMES and looks_like_wkt(first.get(h) or "")), None)
        wkt_column = wkt_column or next((h for h in headers if looks_like_wkt(first.get(h) or "")), None)
    crs = declared_crs
    if not wkt_column and not (x_column and y_column):
        y_column = _pick(headers, rows, LAT_NAMES, "latitude")
        x_column = _pick(headers, rows, LON_NAMES, "longitude")
        if x_column and y_column:
            crs = crs or WGS84
        else:
            y_column = _pick(headers, rows, Y_NAMES, "")
            x_column = _pick(headers, rows, X_NAMES, "")
    geometries = []
    if wkt_column:
        result.add("csv_geometry_columns", INFO, file=name, columns=f"« {wkt_column} » (WKT)")
        geometries = [from_wkt(row.get(wkt_column) or "", result, file=name, index=i, column=wkt_column)
                      for i, row in enumerate(rows)]
    elif x_column and y_column:
        result.add("csv_geometry_columns", INFO, file=name, columns=f"« {x_column} » / « {y_column} »")
        for index, row in enumerate(rows):
            x, y = _number(row.get(x_column) or ""), _number(row.get(y_column) or "")
            if x is None or y is None:
                result.add("coordinates_invalid", ERROR if (row.get(x_column) or row.get(y_column)) else "warning",
                           file=name, feature=index, x=row.get(x_column) or "", y=row.get(y_column) or "",
                           x_column=x_column, y_column=y_column)
                geometries.append(None)
            else:
                geometries.append(checked(Point(x, y), result, file=name, index=index))
    else:
        result.add("csv_no_geometry", ERROR, file=name, columns=", ".join(headers[:30]))
        geometries = [None] * len(rows)
    if any(g is not None for g in geometries):
        source = crs or choose_crs(geometries_bounds(geometries), result, file=name)
        result.source_crs = source
        geometries = reproject(geometries, source, result, file=name)
    skip = {c for c in (wkt_column,) if c}
    properties = [{k: v for k, v in row.items() if k not in skip} for row in rows]
    result.features = [Feature(geometry=g, properties=p, index=i)
                       for i, (g, p) in enumerate(zip(geometries, properties, strict=True))]
    result.fields = infer_fields(properties) if properties else []
    return result.finish()
