"""Background loading of a resource's geographic file (the catalogue enqueues it after an upload
or a link change; the datastore's loader handles the tabular side)."""

from __future__ import annotations

import io
import uuid
import zipfile

from django.core.files.storage import default_storage
from django_tasks import task

from ouvert.core import actors
from ouvert.core.models import Organization

from .catalog_adapter import resource_layer_name
from .readers import detect_format
from .readers.csvgeo import LAT_NAMES, LON_NAMES, WKT_NAMES, X_NAMES, Y_NAMES, _norm
from .services import layer_load_bytes

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
    names = {_norm(c.strip().strip('"')) for c in head[0].replace(";", ",").replace("\t", ",").split(",")}
    has_lat = any(n in LAT_NAMES or "latitude" in n for n in names)
    has_lon = any(n in LON_NAMES or "longitude" in n for n in names)
    has_xy = bool(names & set(X_NAMES)) and bool(names & set(Y_NAMES))
    return bool(names & WKT_NAMES) or (has_lat and has_lon) or has_xy


@task()
def layer_load_task(*, resource_id: str, storage_name: str, filename: str, organization_id: str | None = None,
                    dataset_id: str | None = None, declared_crs: str | None = None, name: str = "") -> dict:
    """Read ``storage_name`` from the default storage and (re)build the layer of ``resource_id``."""
    with default_storage.open(storage_name, "rb") as handle:
        data = handle.read()
    organization = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    name = name or resource_layer_name(uuid.UUID(resource_id))
    layer = layer_load_bytes(resource_id=uuid.UUID(resource_id), data=data, filename=filename,
                             declared_crs=declared_crs, dataset_id=uuid.UUID(dataset_id) if dataset_id else None,
                             organization=organization, name=name, by=actors.INGEST)
    return {"resource_id": resource_id, "features": layer.feature_count, "mappable": layer.mappable_count,
            "errors": sum(1 for issue in layer.report if issue["severity"] == "error")}
