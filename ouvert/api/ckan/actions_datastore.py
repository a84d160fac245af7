"""The datastore actions, on the datastore app's typed functions through :mod:`.datastore_wire`
(CKAN's parameters in, CKAN's envelopes out). Writes are checked against the organization of the
resource's dataset (editors of that organization)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ouvert.datastore import selectors as datastore_selectors

from . import datastore_wire, errors
from .packages_read import get_resource
from .params import required
from .registry import Context


def _organization(context: Context, data: dict[str, Any]):
    resource_data = data.get("resource")
    ref = data.get("resource_id") or (resource_data.get("id") if isinstance(resource_data, dict) else None)
    ref = str(required({"resource_id": ref}, "resource_id"))
    resource = get_resource(ref, context)
    data["resource_id"] = ref
    return resource.dataset.organization


def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a resource's table: ``resource_id``, ``filters``, ``q``, ``distinct``, ``fields``, ``sort``,
    ``limit`` (≤ 32000), ``offset``, ``include_total``, ``records_format``."""
    return datastore_wire.search(data=data, user=context.user)


def datastore_info(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A table's size and fields with their data dictionary (``resource_id``)."""
    resource_id = data.get("resource_id") or data.get("id")
    if not resource_id:
        raise errors.ValidationError({"resource_id": [_("Paramètre obligatoire.")]})
    info = datastore_selectors.datastore_table_info(resource_id=resource_id, user=context.user)
    fields = [{"id": c.id, "type": c.type,
               "info": {"label": c.label, "notes": c.description, "unit": c.unit, "type_override": c.type_override},
               "schema": {"native_type": c.native_type, "is_index": False, "notnull": False}} for c in info.columns]
    return {"meta": {"id": str(info.resource_id), "count": info.row_count, "table_type": "BASE TABLE",
                     "aliases": [], "version": info.version, "sheet": info.sheet_name},
            "fields": fields}


def datastore_search_sql(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One read-only ``SELECT`` over resource tables (``sql``), with the datastore's limits."""
    return datastore_wire.search_sql(data=data, user=context.user)


def datastore_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create or extend a resource's table: ``resource_id``, ``fields``, ``records``, ``primary_key``; or,
    instead of ``resource_id``, a ``resource`` dict with its ``package_id``: the resource is created first
    (as CKAN and frictionless's CKAN adapter do), then its table."""
    resource_data = data.get("resource")
    if not data.get("resource_id") and isinstance(resource_data, dict) and not resource_data.get("id"):
        from .packages_write import resource_create

        created = resource_create(context, {"url": "", **resource_data})
        data = {**data, "resource_id": created["id"]}
    organization = _organization(context, data)
    return datastore_wire.create(data=data, organization=organization, by=context.user)


def datastore_upsert(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Write rows: ``resource_id``, ``records``, ``method`` (upsert, insert, update)."""
    organization = _organization(context, data)
    return datastore_wire.upsert(data=data, organization=organization, by=context.user)


def datastore_delete(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Delete rows matching ``filters``, or the whole table without ``filters``."""
    organization = _organization(context, data)
    return datastore_wire.delete(data=data, organization=organization, by=context.user)
