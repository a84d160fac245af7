"""The map layer of a CSV with latitude and longitude, built from the datastore's typed table.

The datastore has already read, decoded and typed every row; reading the file again cost 13–615 s
per upload (bench/ingest_e2e.py, 2026-12-03) and delayed the next ingestion in the same worker.
Here the table is read in blocks of rows by ``_id`` (never whole), points are made and written block
by block, and the overviews the preview asks for first are thinned as the blocks go by, keeping one
point per two-pixel cell (what :func:`ouvert.geo.simplify.simplify` keeps): memory grows with the
number of cells of a map, never with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import transaction

from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization

from .datastore_adapter import PointTable, point_table_blocks, point_table_extent
from .models import GeoFeature, GeoLayer, GeoOverview
from .readers.base import ERROR, INFO, WARNING, GeoReadResult
from .readers.crs import WGS84
from .services import COORDINATE_DECIMALS, check_can_load, layer_for_rebuild
from .simplify import INLINE_PROPERTIES_MAX, collection_bytes, fit_zoom, tolerance

FIELD_TYPES = {"int": "integer", "numeric": "number", "bool": "boolean", "date": "date", "timestamp": "date",
               "text": "text"}
UTF8 = {"", "utf-8", "utf-8-sig", "ascii"}


def _cell_value(value: Any, kind: str) -> Any:
    """A typed cell as the layer's JSON properties hold it."""
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if isinstance(value, Decimal):
        return int(value) if kind == "int" else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class _Thinned:
    """The first point of each two-pixel cell at one zoom level, over blocks in file order."""

    def __init__(self, zoom: int):
        self.zoom = zoom
        self.size = 2 * tolerance(zoom)
        self.keys = np.empty(0, dtype=np.int64)
        self.ids: list[np.ndarray] = []
        self.coords: list[np.ndarray] = []

    def add(self, ids: np.ndarray, coords: np.ndarray) -> None:
        cells = np.floor(coords / self.size).astype(np.int64)
        keys = cells[:, 0] * 4_000_000_007 + cells[:, 1]
        _, first = np.unique(keys, return_index=True)
        first.sort()
        fresh = first[~np.isin(keys[first], self.keys)]
        if len(fresh):
            self.keys = np.concatenate([self.keys, keys[fresh]])
            self.ids.append(ids[fresh])
            self.coords.append(coords[fresh])

    def kept(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.ids:
            return np.empty(0, dtype=np.int64), np.empty((0, 2))
        return np.concatenate(self.ids), np.concatenate(self.coords)


def layer_from_point_table(*, resource_id: uuid.UUID, source: PointTable, filename: str,
                           dataset_id: uuid.UUID | None = None, organization: Organization | None = None,
                           name: str = "", by: Actor | None) -> GeoLayer:
    """Replace the layer of ``resource_id`` by the points of its typed table, in one transaction
    (readers see the old version until the commit), overviews included."""
    check_can_load(by, organization, resource_id)
    report = GeoReadResult(format="csv", name=filename)
    if source.encoding.lower() not in UTF8:
        report.add("encoding_not_utf8", WARNING, file=filename, encoding=source.encoding)
    report.add("csv_geometry_columns", INFO, file=filename, columns=f"« {source.longitude} » / « {source.latitude} »")
    kinds = [f["type"] for f in source.fields]
    names = [str(f["id"]) for f in source.fields]
    lat_at, lon_at = names.index(source.latitude) + 1, names.index(source.longitude) + 1
    with transaction.atomic():
        mappable, total = point_table_extent(source)
        zoom = fit_zoom(total) if total else 0
        levels = [_Thinned(level) for level in (zoom - 1, zoom, zoom + 1) if level >= 0] if total else []
        inline: dict[int, dict[str, Any]] = {}  # every feature's properties, for a small layer's overviews
        layer, created = layer_for_rebuild(resource_id=resource_id, by=by)
        layer.name = name or layer.name or Path(filename).stem
        layer.dataset_id = dataset_id or layer.dataset_id
        layer.organization = organization or layer.organization
        layer.source_filename, layer.source_format, layer.source_crs = filename[:300], "csv", WGS84
        layer.encoding = source.encoding
        layer.save()
        count = 0
        for rows in point_table_blocks(source):
            lats = np.array([np.nan if r[lat_at] is None else float(r[lat_at]) for r in rows])
            lons = np.array([np.nan if r[lon_at] is None else float(r[lon_at]) for r in rows])
            present = ~(np.isnan(lats) | np.isnan(lons))
            coords = np.round(np.column_stack([lons, lats]), COORDINATE_DECIMALS)
            texts = np.full(len(rows), "", dtype=object)
            if present.any():
                texts[present] = shapely.to_geojson(shapely.points(coords[present]))
            features = []
            for n, row in enumerate(rows):
                index = int(row[0]) - 1
                properties = {name: _cell_value(v, kind) for name, v, kind in zip(names, row[1:], kinds, strict=True)}
                if present[n]:
                    x, y = float(coords[n, 0]), float(coords[n, 1])
                    features.append(GeoFeature(layer=layer, index=index, properties=properties, geometry=texts[n],
                                               geometry_type="Point", min_lon=x, min_lat=y, max_lon=x, max_lat=y))
                    if mappable <= INLINE_PROPERTIES_MAX:
                        inline[index] = properties
                else:
                    raw_lat, raw_lon = row[lat_at], row[lon_at]
                    report.add("coordinates_invalid", ERROR if raw_lat is not None or raw_lon is not None else WARNING,
                               file=filename, feature=index, x="" if raw_lon is None else str(raw_lon),
                               y="" if raw_lat is None else str(raw_lat), x_column=source.longitude,
                               y_column=source.latitude)
                    features.append(GeoFeature(layer=layer, index=index, properties=properties, geometry=""))
            GeoFeature.objects.bulk_create(features)
            ids = np.array([int(r[0]) - 1 for r in rows], dtype=np.int64)
            for level in levels:
                level.add(ids[present], coords[present])
            count += len(rows)
        report.finish()
        layer.feature_count, layer.mappable_count = count, mappable
        layer.geometry_types = ["Point"] if mappable else []
        layer.fields = [{"name": n, "type": FIELD_TYPES.get(k, "text")} for n, k in zip(names, kinds, strict=True)]
        layer.report = [issue.as_dict() for issue in report.issues]
        layer.min_lon, layer.min_lat, layer.max_lon, layer.max_lat = total or (None, None, None, None)
        layer.save()
        for level in levels:
            ids, coords = level.kept()
            geometries = np.asarray(shapely.points(coords), dtype=object) if len(coords) else np.empty(0, dtype=object)
            carried = "all" if mappable <= INLINE_PROPERTIES_MAX else "none"
            shown = [inline[int(i)] if carried == "all" else {} for i in ids]
            body = collection_bytes(geometries, [int(i) for i in ids], shown, zoom=level.zoom,
                                    total=mappable, extra={"bbox": list(total or ()), "properties": carried})
            GeoOverview.objects.create(layer=layer, version=layer.version, zoom=level.zoom, body=body)
        audit_record(actor=by, action="geo.layer_load" if created else "geo.layer_reload", obj=layer,
                     organization=organization,
                     changes={"features": layer.feature_count, "format": "csv", "crs": WGS84,
                              "errors": sum(1 for i in layer.report if i["severity"] == ERROR)})
    return layer
