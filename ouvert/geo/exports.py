"""Exports of a layer in WGS 84: GeoJSON and CSV with a WKT column stream in constant memory;
the zipped shapefile (one shapefile per geometry family, UTF-8 attributes, .prj and .cpg) is built
in a temporary folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import shapefile as pyshp
import shapely
from pyproj import CRS
from pyproj.enums import WktVersion

from .models import GeoLayer

CHUNK = 2000
FAMILIES = {  # geometry type -> (file suffix, pyshp shape type)
    "Point": ("points", pyshp.POINT), "MultiPoint": ("multipoints", pyshp.MULTIPOINT),
    "LineString": ("lignes", pyshp.POLYLINE), "MultiLineString": ("lignes", pyshp.POLYLINE),
    "Polygon": ("polygones", pyshp.POLYGON), "MultiPolygon": ("polygones", pyshp.POLYGON),
}


def _rows(layer: GeoLayer):
    return layer.features.order_by("index").values_list("index", "geometry", "properties").iterator(CHUNK)


def _field_names(layer: GeoLayer) -> list[str]:
    return [f["name"] for f in layer.fields]


def export_geojson(layer: GeoLayer) -> Iterator[str]:
    yield '{"type":"FeatureCollection","name":' + json.dumps(layer.name, ensure_ascii=False)
    if layer.bbox:
        yield ',"bbox":' + json.dumps(list(layer.bbox))
    yield ',"features":['
    for n, (index, geometry, properties) in enumerate(_rows(layer)):
        yield ("," if n else "") + '{"type":"Feature","id":' + str(index) + ',"geometry":' + (geometry or "null") \
            + ',"properties":' + json.dumps(properties, ensure_ascii=False) + "}"
    yield "]}\n"


def export_csv_wkt(layer: GeoLayer) -> Iterator[str]:
    """UTF-8 CSV: the attributes, then ``geometry_wkt`` (WGS 84); cells starting with = + - @ are
    not altered (this is data, not a spreadsheet formula: the datastore export offers protection)."""
    names = _field_names(layer)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*names, "geometry_wkt"])
    batch: list = []

    def flush():
        geometries = shapely.from_geojson([g or None for _, g, _ in batch]) if batch else np.array([], dtype=object)
        wkts: Iterable[str | None] = shapely.to_wkt(geometries, rounding_precision=7, trim=True) if len(batch) else []
        for (_, _, properties), wkt in zip(batch, wkts, strict=True):
            writer.writerow([_cell(properties.get(n)) for n in names] + [wkt or ""])

    for row in _rows(layer):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
            batch = []
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    flush()
    yield buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _dbf_names(names: list[str]) -> list[str]:
    """DBF field names: 10 characters at most, unique."""
    out: list[str] = []
    for name in names:
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in name)[:10] or "champ"
        candidate, n = base, 1
        while candidate.upper() in {o.upper() for o in out}:
            suffix = str(n)
            candidate, n = base[: 10 - len(suffix)] + suffix, n + 1
        out.append(candidate)
    return out


def export_shapefile_zip(layer: GeoLayer) -> bytes:
    names = _field_names(layer)
    dbf_names = _dbf_names(names)
    types = {f["name"]: f["type"] for f in layer.fields}
    prj = CRS.from_epsg(4326).to_wkt(WktVersion.WKT1_ESRI)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in layer.name)[:60] or "couche"
    with tempfile.TemporaryDirectory() as directory:
        writers: dict[str, pyshp.Writer] = {}
        for index, geometry, properties in _rows(layer):
            if not geometry:
                continue
            shape = shapely.from_geojson(geometry)
            family, shape_type = FAMILIES.get(shape.geom_type, (None, None))
            if family is None:
                continue
            writer = writers.get(family)
            if writer is None:
                writer = pyshp.Writer(str(Path(directory) / f"{stem}-{family}"), shapeType=shape_type,
                                      encoding="utf-8")
                if not names:  # a dBASE table needs one column: the feature's position
                    writer.field("ID", "N", 18, 0)
                for name, dbf_name in zip(names, dbf_names, strict=True):
                    kind = types.get(name)
                    if kind == "integer":
                        writer.field(dbf_name, "N", 18, 0)
                    elif kind == "number":
                        writer.field(dbf_name, "F", 19, 8)
                    else:
                        writer.field(dbf_name, "C", 254)
                writers[family] = writer
            writer.shape(_lists(shape.__geo_interface__))
            values = [_dbf_value(properties.get(n), types.get(n)) for n in names]
            writer.record(*(values or [index]))
        for family, writer in writers.items():
            writer.close()
            (Path(directory) / f"{stem}-{family}.prj").write_text(prj)
            (Path(directory) / f"{stem}-{family}.cpg").write_text("UTF-8")
        buffer = io.BytesIO()
        # The same bytes for the same layer version: a client reading the archive in byte ranges
        # (GDAL's /vsizip//vsicurl/) asks for it several times, so no member may carry "now".
        stamp = layer.updated_at.astimezone(dt.UTC).timetuple()[:6] if layer.updated_at else (1980, 1, 1, 0, 0, 0)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(directory).iterdir()):
                member = zipfile.ZipInfo(path.name, date_time=stamp)
                member.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(member, path.read_bytes())
    return buffer.getvalue()


def _lists(value):
    """pyshp reads coordinates from lists (shapely's ``__geo_interface__`` gives tuples)."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(item) for item in value]
    return value


def _dbf_value(value, kind: str | None):
    if value is None or value == "":
        return None if kind in {"integer", "number"} else ""
    if kind in {"integer", "number"}:
        try:
            return int(value) if kind == "integer" else float(value)
        except (TypeError, ValueError):
            return None
    return str(value)[:254]
