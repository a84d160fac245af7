"""The bridge to the datastore app (issue 5): a layer's attributes plus a ``geometry`` column (WKT,
WGS 84) become the datastore table of the same ``resource_id``, so that ``datastore_search``, its
filters and its exports work on geographic resources too.

Only the datastore's typed write services are called (``datastore_delete`` then
``datastore_create`` and ``datastore_upsert`` with ``method="insert"``), those behind CKAN's
datastore actions. While the datastore app is not installed this does nothing: the layer itself stays
queryable and exportable through the geo API. A datastore refusal never undoes the layer; it is
logged with the resource id."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import shapely
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from ouvert.core import actors

from .models import GeoLayer
from .readers import GeoReadResult
from .readers.csvgeo import LAT_NAMES, LON_NAMES, WKT_NAMES, _norm

logger = logging.getLogger(__name__)
CKAN_TYPES = {"integer": "int", "number": "numeric", "boolean": "bool", "date": "date", "text": "text"}
BATCH = 5000


def datastore_available() -> bool:
    return apps.is_installed("ouvert.datastore")


def datastore_records(layer: GeoLayer, result: GeoReadResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(CKAN fields, records) for the datastore: attributes typed as read, then the WKT geometry."""
    names = [f.name for f in result.fields]
    geometry_name = "geometry" if "geometry" not in names else "geometry_wkt"
    fields: list[dict[str, Any]] = [{"id": f.name, "type": CKAN_TYPES.get(f.type, "text")} for f in result.fields]
    fields.append({"id": geometry_name, "type": "text", "info": {"label": "WKT (WGS 84)"}})
    geometries = [f.geometry for f in result.features]
    wkts: Iterable[str | None] = shapely.to_wkt(geometries, rounding_precision=7, trim=True) if geometries else []
    records = [{**{n: feature.properties.get(n) for n in names}, geometry_name: wkt}
               for feature, wkt in zip(result.features, wkts, strict=True)]
    return fields, records


def datastore_load_layer(layer: GeoLayer, result: GeoReadResult) -> bool:
    """True when the rows were handed to the datastore."""
    if not datastore_available() or not result.features:
        return False
    from ouvert.datastore import services as datastore  # only when installed
    from ouvert.datastore.models import DatastoreTable
    from ouvert.datastore.types import FieldSpec, TableCreate

    if DatastoreTable.objects.filter(resource_id=layer.resource_id, origin="file").exists():
        # a table file (CSV, spreadsheet) already loaded typed by the datastore's own ingestion: the
        # layer's attributes, read as text, must not replace it (its types, full text and report)
        return False
    fields, records = datastore_records(layer, result)
    specs = [FieldSpec(id=f["id"], type=f["type"], label=f.get("info", {}).get("label", "")) for f in fields]
    resource_id = str(layer.resource_id)
    try:
        with contextlib.suppress(Http404, ValidationError, LookupError, ObjectDoesNotExist):  # no previous table
            datastore.datastore_delete(resource_id=resource_id, filters=None, organization=layer.organization,
                                       by=actors.INGEST)
        datastore.datastore_create(table=TableCreate(resource_id=resource_id, fields=specs, records=records[:BATCH]),
                                   organization=layer.organization, by=actors.INGEST)
        for start in range(BATCH, len(records), BATCH):
            datastore.datastore_upsert(resource_id=resource_id, method="insert", records=records[start:start + BATCH],
                                       organization=layer.organization, by=actors.INGEST)
    except (Http404, ValidationError, PermissionDenied, ValueError) as exc:
        logger.warning("geo: datastore refused the layer of resource %s: %s", resource_id, exc)
        return False
    return True



# Map layers of tabular files, from the datastore's typed table ------------------------------------

TABLE_BLOCK = 10_000


@dataclass(frozen=True)
class PointTable:
    """A resource's datastore table (loaded from a CSV) with numeric latitude and longitude columns:
    what a map layer of points is built from, instead of reading and parsing the file again."""

    table_name: str
    fields: list[dict[str, Any]]  # the datastore's fields, ``_id`` excluded
    latitude: str
    longitude: str
    encoding: str
    organization_id: Any
    modified_at: Any


def ingestion_pending(resource_id: uuid.UUID) -> bool:
    """Whether the datastore has a queued or running ingestion of this resource's file."""
    if not datastore_available():
        return False
    from ouvert.datastore.models import ACTIVE_STATUSES, IngestJob

    return IngestJob.objects.filter(resource_id=resource_id, status__in=ACTIVE_STATUSES).exists()


def _picked(fields: list[dict[str, Any]], names: tuple[str, ...], word: str) -> str | None:
    """The numeric column named like the CSV reader's latitude or longitude names (exact first)."""
    numeric = [f for f in fields if f.get("type") in ("numeric", "int")]
    for exact in (True, False):
        for field in numeric:
            for name in (field["id"], field.get("label") or ""):
                norm = _norm(name)
                if (norm in names) if exact else (word in norm):
                    return str(field["id"])
    return None


def csv_table_fields(resource_id: uuid.UUID) -> tuple[Any, list[dict[str, Any]]] | None:
    """(table, fields) of the resource's first table when the datastore loaded it from a CSV file."""
    if not datastore_available():
        return None
    from ouvert.datastore.models import DatastoreTable

    table = DatastoreTable.objects.filter(resource_id=resource_id, sheet=0, origin="file").first()
    if table is None or (table.detected or {}).get("format") != "csv":
        return None
    return table, [f for f in table.fields if f["id"] != "_id"]


def point_table(resource_id: uuid.UUID) -> PointTable | None:
    """The resource's typed table when a layer of points can be read from it: loaded from a CSV with
    no WKT column, latitude and longitude typed as numbers by the datastore (in WGS 84, as the CSV
    reader takes them). ``None`` otherwise: the layer is read from the file."""
    found = csv_table_fields(resource_id)
    if found is None:
        return None
    table, fields = found
    if any(_norm(f["id"]) in WKT_NAMES for f in fields):
        return None
    latitude, longitude = _picked(fields, LAT_NAMES, "latitude"), _picked(fields, LON_NAMES, "longitude")
    if latitude is None or longitude is None or latitude == longitude:
        return None
    return PointTable(table_name=table.table_name, fields=fields, latitude=latitude, longitude=longitude,
                      encoding=str((table.detected or {}).get("encoding") or ""),
                      organization_id=table.organization_id, modified_at=table.modified_at)


def point_table_extent(source: PointTable) -> tuple[int, tuple[float, float, float, float] | None]:
    """(rows with both coordinates, their bounding box), computed by the database."""
    from ouvert.datastore.backends import get_backend, quote

    lat, lon = quote(source.latitude), quote(source.longitude)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*), MIN({lon}), MIN({lat}), MAX({lon}), MAX({lat}) "  # noqa: S608 — quoted identifiers
                    f"FROM {get_backend().table_sql(source.table_name)} "
                    f"WHERE {lat} IS NOT NULL AND {lon} IS NOT NULL")
        count, *box = cur.fetchone()
    if not count:
        return 0, None
    bounds = tuple(round(float(v), 7) for v in box)
    return int(count), (bounds[0], bounds[1], bounds[2], bounds[3])


def point_table_blocks(source: PointTable, block: int | None = None) -> Iterator[list[tuple[Any, ...]]]:
    """Rows (``_id`` first, then the fields in order) in blocks, by ``_id`` ranges: memory stays the
    size of one block whatever the table's."""
    from ouvert.datastore.backends import get_backend, quote

    columns = ", ".join(["_id", *(quote(f["id"]) for f in source.fields)])
    sql = (f"SELECT {columns} FROM {get_backend().table_sql(source.table_name)} "  # noqa: S608 — quoted identifiers
           f"WHERE _id > %s ORDER BY _id LIMIT {int(block or TABLE_BLOCK)}")
    last = 0
    while True:
        with connection.cursor() as cur:
            cur.execute(sql, [last])
            rows = cur.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]
