"""CKAN's datastore wire format on the datastore's typed functions: an action's data dict becomes a
:mod:`ouvert.datastore.types` input (JSON given as text, comma lists, ``"true"``), and the typed
result becomes CKAN's envelope (``fields``, ``records`` as objects, lists, CSV or TSV, ``total``,
``_links``…). The native API's CKAN-shaped search (``/api/v1/datastore/{id}/search``) answers with
the same envelope."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ouvert.core.actors import Actor
from ouvert.core.bounds import int_param
from ouvert.core.models import Organization, User
from ouvert.datastore import selectors, services
from ouvert.datastore.selectors import DEFAULT_LIMIT, MAX_LIMIT
from ouvert.datastore.sql import datastore_search_sql
from ouvert.datastore.types import FieldSpec, SearchQuery, SearchResult, SortKey, SqlResult, TableCreate, TableState

SEARCH_URL = "/api/3/action/datastore_search"
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")


# Parameters ---------------------------------------------------------------------------------------

def _json_param(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationError({name: [_("JSON invalide.")]}) from exc
    return value


def _int(data: Mapping[str, Any], name: str, default: int, maximum: int | None = None) -> int:
    value = data.get(name, default)
    try:
        return int_param(default if value in (None, "") else value, name=name, minimum=0, maximum=maximum)
    except ValueError as exc:
        raise ValidationError({name: [str(exc)]}) from None


def _bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "oui", "vrai"):
        return True
    if text in ("false", "0", "no", "off", "non", "faux"):
        return False
    raise ValidationError({name: [_("Doit être true ou false.")]})


def filters_param(raw: Any) -> dict[str, list[Any]]:
    """``filters``: ``{field: value or [values]}``, possibly as JSON text (a list means OR)."""
    filters = _json_param(raw, "filters") if raw not in (None, "") else {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("« filters » doit être un objet {champ: valeur}.")]})
    return {str(name): value if isinstance(value, list) else [value] for name, value in filters.items()}


def _q_param(raw: Any) -> str | dict[str, str] | None:
    """``q``: full text, or ``{field: text}`` (possibly as JSON text)."""
    if isinstance(raw, str) and raw.strip().startswith("{"):
        raw = _json_param(raw, "q")
    if raw is None or isinstance(raw, dict):
        return raw
    return str(raw)


SORT_ITEM = re.compile(r'\s*("(?:[^"]|"")+"|[^\s",]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*(?:,|$)',
                       re.IGNORECASE)


LOOSE_SORT = re.compile(r"^(?P<name>[^\",]*?\s[^\",]*?)(?:\s+(?P<dir>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?$",
                        re.IGNORECASE)


def _loose_sort(text: str) -> SortKey | None:
    """One unquoted item whose field name has spaces (``Berri 1 desc``): the trailing direction and
    ``nulls`` clause are read, the rest is the name. None when the item is not of that form."""
    match = LOOSE_SORT.match(text)
    if not match:
        return None
    name = match.group("name").strip()
    if not name or name.lower() in {"asc", "desc"} or " " not in name or re.search(r"\s(asc|desc|nulls)\b", name, re.I):
        return None
    nulls = match.group("nulls")
    return SortKey(field=name, descending=(match.group("dir") or "asc").lower() == "desc",
                   nulls_first=None if nulls is None else nulls.lower() == "first")


def _sort_param(raw: Any) -> list[SortKey]:
    """``sort``: ``field [asc|desc] [nulls first|last]`` items, as a list or separated by commas; a field
    whose name has spaces or commas is written in double quotes (``"Berri 1" desc``), as in SQL."""
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list) else [str(raw)]
    keys = []
    for item in items:
        text, position = str(item).strip(), 0
        loose = _loose_sort(text)
        if loose is not None:
            keys.append(loose)
            continue
        while position < len(text):
            match = SORT_ITEM.match(text, position)
            if not match or match.end() == position:
                raise ValidationError({"sort": [_("Tri invalide : « %(s)s » (champ [asc|desc] [nulls first|last], "
                                                  "entre guillemets doubles s'il a des espaces).") % {"s": item}]})
            name = match.group(1)
            if name.startswith('"'):
                name = name[1:-1].replace('""', '"')
            nulls = match.group(3)
            keys.append(SortKey(field=name, descending=(match.group(2) or "asc").lower() == "desc",
                                nulls_first=None if nulls is None else nulls.lower() == "first"))
            position = match.end()
    return keys


def _fields_param(raw: Any) -> list[str] | None:
    if raw in (None, "", []):
        return None
    return raw if isinstance(raw, list) else [w.strip() for w in str(raw).split(",") if w.strip()]


def _resource_id(data: Mapping[str, Any]) -> str:
    value = data.get("resource_id")
    if value in (None, ""):
        raise ValidationError({"resource_id": [_("Paramètre obligatoire.")]})
    return str(value)


def _records_param(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise ValidationError({"records": [_("« records » doit être une liste.")]})
    return raw


def _field_specs(raw: Any) -> list[FieldSpec]:
    """``fields``: ``[{id, type, info: {label, notes, unit}}]``."""
    if not isinstance(raw, list):
        raise ValidationError({"fields": [_("« fields » doit être une liste de {id, type}.")]})
    specs = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"].strip():
            raise ValidationError({"fields": [_("Chaque champ doit avoir un « id » non vide.")]})
        info = item.get("info")
        if not isinstance(info, dict):
            info = {}
        specs.append(FieldSpec(id=item["id"], type=str(item.get("type", "text")), label=str(info.get("label", "")),
                               description=str(info.get("notes", "")), unit=str(info.get("unit", ""))))
    return specs


# Envelopes ----------------------------------------------------------------------------------------

def field_dict(field: FieldSpec) -> dict[str, Any]:
    """A field as CKAN writes it: ``{id, type}`` and ``info`` when there is a data dictionary."""
    item: dict[str, Any] = {"id": field.id, "type": field.declared_type or field.type}
    info = {k: v for k, v in (("label", field.label), ("notes", field.description), ("unit", field.unit)) if v}
    if info:
        item["info"] = info
    return item


def search_envelope(result: SearchResult, data: Mapping[str, Any], *, records_format: str,
                    include_total: bool) -> dict[str, Any]:
    """CKAN's ``datastore_search`` answer; ``data`` (the request's parameters) is echoed as CKAN does."""
    envelope: dict[str, Any] = {
        "include_total": include_total, "limit": result.limit, "records_format": records_format,
        "resource_id": str(result.resource_id), "total_estimation_threshold": None,
        "fields": [field_dict(f) for f in result.fields],
    }
    if result.offset:
        envelope["offset"] = result.offset
    for key in ("filters", "q", "sort", "distinct"):
        if data.get(key) not in (None, "", {}, False):
            envelope[key] = data[key]
    if records_format == "objects":
        names = result.names
        envelope["records"] = [dict(zip(names, r, strict=True)) for r in result.records]
    elif records_format == "lists":
        envelope["records"] = result.records
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if records_format == "csv" else "\t", lineterminator="\n")
        writer.writerows(result.records)
        envelope["records"] = buffer.getvalue()
    if include_total:
        envelope["total"] = result.total
        envelope["total_was_estimated"] = False
    base = {"resource_id": str(result.resource_id)}
    for key in ("filters", "q", "sort", "fields"):
        if data.get(key) not in (None, "", {}):
            value = data[key]
            base[key] = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
    if "limit" in data:
        base["limit"] = str(result.limit)
    envelope["_links"] = {"start": f"{SEARCH_URL}?{urlencode(base)}",
                          "next": f"{SEARCH_URL}?{urlencode({**base, 'offset': result.offset + result.limit})}"}
    return envelope


def sql_envelope(result: SqlResult) -> dict[str, Any]:
    envelope: dict[str, Any] = {"sql": result.sql, "records": result.records,
                                "fields": [{"id": f.id, "type": f.type} for f in result.fields]}
    if result.truncated:
        envelope["records_truncated"] = True
    if result.bytes_max is not None:
        envelope["records_truncated_bytes"] = result.bytes_max
    return envelope


# The actions' bodies ------------------------------------------------------------------------------

def search(*, data: Mapping[str, Any], user: User | None) -> dict[str, Any]:
    """``datastore_search``: ``resource_id``, ``filters``, ``q``, ``distinct``, ``fields``, ``sort``,
    ``limit`` (≤ 32000), ``offset``, ``include_total``, ``records_format``."""
    resource_id = data.get("resource_id") or data.get("id")
    if not resource_id:
        raise ValidationError({"resource_id": [_("Paramètre obligatoire.")]})
    records_format = data.get("records_format", "objects")
    if records_format not in RECORDS_FORMATS:
        raise ValidationError({"records_format": [_("Valeurs permises : objects, lists, csv, tsv.")]})
    include_total = _bool(data, "include_total", True)
    query = SearchQuery(
        resource_id=str(resource_id), filters=filters_param(data.get("filters")), q=_q_param(data.get("q")),
        fields=_fields_param(data.get("fields")), sort=_sort_param(data.get("sort")),
        limit=_int(data, "limit", DEFAULT_LIMIT, MAX_LIMIT), offset=_int(data, "offset", 0),
        distinct=_bool(data, "distinct", False), include_total=include_total)
    result = selectors.datastore_search(query=query, user=user)
    return search_envelope(result, data, records_format=records_format, include_total=include_total)


def search_sql(*, data: Mapping[str, Any], user: User | None) -> dict[str, Any]:
    """``datastore_search_sql``: one read-only ``SELECT`` (``sql``)."""
    sql = data.get("sql")
    return sql_envelope(datastore_search_sql(sql=sql if isinstance(sql, str) else "", user=user))


def _table_envelope(state: TableState) -> dict[str, Any]:
    return {"resource_id": str(state.resource_id), "fields": [field_dict(f) for f in state.fields],
            "method": "insert", "primary_key": list(state.primary_key)}


def create(*, data: Mapping[str, Any], organization: Organization | None, by: Actor | None) -> dict[str, Any]:
    """``datastore_create``: ``resource_id``, ``fields``, ``records``, ``primary_key``."""
    records = _records_param(data.get("records") or [])
    primary_key: Any = data.get("primary_key") or []
    if isinstance(primary_key, str):
        primary_key = [p.strip() for p in primary_key.split(",") if p.strip()]
    elif not isinstance(primary_key, Sequence):
        primary_key = [primary_key]
    fields = _field_specs(data["fields"]) if "fields" in data else None
    state = services.datastore_create(
        table=TableCreate(resource_id=_resource_id(data), fields=fields, records=records,
                          primary_key=[str(p) for p in primary_key]),
        organization=organization, by=by)
    envelope = _table_envelope(state)
    if records:
        envelope["records"] = records
    return envelope


def upsert(*, data: Mapping[str, Any], organization: Organization | None, by: Actor | None) -> dict[str, Any]:
    """``datastore_upsert``: ``resource_id``, ``records``, ``method`` (upsert, insert, update)."""
    method = data.get("method", "upsert")
    records = data.get("records")
    written = services.datastore_upsert(resource_id=_resource_id(data), records=_records_param(records),
                                        method=str(method), organization=organization, by=by)
    return {"resource_id": str(written.resource_id), "method": method, "records": records}


def delete(*, data: Mapping[str, Any], organization: Organization | None, by: Actor | None) -> dict[str, Any]:
    """``datastore_delete``: the rows matching ``filters``, or the whole table without ``filters``."""
    raw = data.get("filters")
    deleted = services.datastore_delete(resource_id=_resource_id(data),
                                        filters=None if raw is None else filters_param(raw),
                                        organization=organization, by=by)
    return {"resource_id": str(deleted.resource_id)} if deleted.dropped else {
        "resource_id": str(deleted.resource_id), "filters": raw}
