"""Background loading of a resource's geographic file (the catalogue enqueues it after an upload
or a link change; the datastore's loader handles the tabular side)."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django_tasks import task

from ouvert.core import actors
from ouvert.core.models import Organization

from .catalog_adapter import resource_dataset_id, resource_layer_name
from .datastore_adapter import csv_table_fields, ingestion_pending, point_table
from .readers import detect_format
from .readers.csvgeo import LAT_NAMES, LON_NAMES, WKT_NAMES, X_NAMES, Y_NAMES, _norm
from .services import layer_load_bytes
from .table_layer import layer_from_point_table

GEOGRAPHIC_FORMATS = {"geojson", "shapefile", "kml", "kmz", "gpkg", "zip"}
GEOGRAPHIC_MEMBERS = (".shp", ".kml", ".geojson", ".json", ".gpkg", ".csv")
OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".docx", ".odt", ".pptx")


def _zip_holds_geography(data: bytes, filename: str) -> bool:
    """A ZIP is mapped when it holds a geographic file: an office document (.xlsx…) is a ZIP too. Given
    only the first bytes (no central directory), the file's name decides."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return not filename.lower().endswith(OFFICE_SUFFIXES)
    return any(name.lower().endswith(GEOGRAPHIC_MEMBERS) for name in names)


def is_geographic(data: bytes, filename: str) -> bool:
    """Whether a file (its first bytes are enough) should get a map preview: a geographic format, or
    a ZIP holding one, or a CSV whose header names a WKT, latitude/longitude or X/Y column."""
    kind = detect_format(data[:65536], filename)
    if kind == "zip":
        return _zip_holds_geography(data, filename)
    if kind in GEOGRAPHIC_FORMATS:
        return kind != "geojson" or b'"type"' in data[:65536]
    if kind != "csv":
        return False
    head = data[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff").splitlines()[:1]
    if not head:
        return False
    return names_are_geographic(c.strip().strip('"') for c in head[0].replace(";", ",").replace("\t", ",").split(","))


def names_are_geographic(columns: Iterable[str]) -> bool:
    """Whether a table's column names include a WKT, latitude/longitude or X/Y pair."""
    names = {_norm(c) for c in columns}
    has_lat = any(n in LAT_NAMES or "latitude" in n for n in names)
    has_lon = any(n in LON_NAMES or "longitude" in n for n in names)
    has_xy = bool(names & set(X_NAMES)) and bool(names & set(Y_NAMES))
    return bool(names & WKT_NAMES) or (has_lat and has_lon) or has_xy


@task()
def layer_load_task(*, resource_id: str, storage_name: str, filename: str, organization_id: str | None = None,
                    dataset_id: str | None = None, declared_crs: str | None = None, name: str = "",
                    after_ingestion: bool = False) -> dict:
    """(Re)build the layer of ``resource_id``: from its datastore table when the datastore typed it
    from a CSV with latitude and longitude (streaming, the file is not read again), else by reading
    ``storage_name`` from the default storage. A CSV whose ingestion is still queued or running is
    left to it: its end calls this task again (:func:`layer_after_table_change`)."""
    rid = uuid.UUID(resource_id)
    organization = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    name = name or resource_layer_name(rid)
    if filename.lower().endswith((".csv", ".tsv", ".txt")) and not declared_crs:
        if not after_ingestion and ingestion_pending(rid):
            return {"resource_id": resource_id, "deferred": "datastore"}
        source = point_table(rid)
        if source is not None and _layer_newer_than(rid, source.modified_at):
            # built since the table was loaded: the upload's own task and the one the ingestion's end
            # queued both come here, in either order; only the first builds
            return {"resource_id": resource_id, "current": True}
        if source is not None:
            layer = layer_from_point_table(resource_id=rid, source=source, filename=filename, organization=organization,
                                           dataset_id=uuid.UUID(dataset_id) if dataset_id else None, name=name,
                                           by=actors.INGEST)
            return {"resource_id": resource_id, "features": layer.feature_count, "mappable": layer.mappable_count,
                    "errors": sum(1 for issue in layer.report if issue["severity"] == "error"), "from": "datastore"}
    local = Path(storage_name)
    if local.is_absolute() and local.is_file():  # a local path the datastore was given (CLI, tests)
        data = local.read_bytes()
    else:
        with default_storage.open(storage_name, "rb") as handle:
            data = handle.read()
    layer = layer_load_bytes(resource_id=rid, data=data, filename=filename,
                             declared_crs=declared_crs, dataset_id=uuid.UUID(dataset_id) if dataset_id else None,
                             organization=organization, name=name, by=actors.INGEST)
    return {"resource_id": resource_id, "features": layer.feature_count, "mappable": layer.mappable_count,
            "errors": sum(1 for issue in layer.report if issue["severity"] == "error")}


def layer_after_table_change(*, resource_id: uuid.UUID) -> None:
    """After the datastore (re)loaded a resource's table from a CSV file whose columns are
    geographic: queue its layer, built from the table when it can be, unless the layer is already
    newer than the table (a change of labels only)."""
    found = csv_table_fields(resource_id)
    if found is None:
        return
    table, fields = found
    if not table.source_name or "://" in table.source_name:
        return  # a linked file: the catalogue maps uploads only
    if not names_are_geographic([str(f["id"]) for f in fields] + [str(f.get("label") or "") for f in fields]):
        return
    if _layer_newer_than(resource_id, table.modified_at):
        return
    dataset_id = resource_dataset_id(resource_id)
    layer_load_task.enqueue(resource_id=str(resource_id), storage_name=table.source_name,
                            filename=Path(table.source_name).name,
                            organization_id=str(table.organization_id) if table.organization_id else None,
                            dataset_id=str(dataset_id) if dataset_id else None, after_ingestion=True)


def _layer_newer_than(resource_id: uuid.UUID, moment: Any) -> bool:
    from .models import GeoLayer

    updated = GeoLayer.objects.filter(resource_id=resource_id).values_list("updated_at", flat=True).first()
    return updated is not None and updated >= moment
