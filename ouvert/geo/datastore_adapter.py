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
from collections.abc import Iterable
from typing import Any

import shapely
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404

from ouvert.core import actors

from .models import GeoLayer
from .readers import GeoReadResult

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

