"""Datastore reads, typed (:mod:`ouvert.datastore.types`): searches (CKAN's ``datastore_search``
envelope is built from them in ``ouvert/api/ckan/``), table info, the native API's keyset pages and
typed filters, chart aggregation, and constant-memory row iteration for exports. One SELECT over
tables (``datastore_search_sql``) lives in :mod:`ouvert.datastore.sql`.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.utils.translation import gettext as _

from ouvert.core import access
from ouvert.core.bounds import in_int64, int_message, int_param
from ouvert.core.models import User
from ouvert.core.replica import on_replica

from .backends import Backend, QueryTimeout, get_backend, quote
from .infer import ConversionError, make_normalizer
from .models import ACTIVE_STATUSES, DatastoreTable, IngestJob
from .types import FieldSpec, SearchQuery, SearchResult

MAX_LIMIT = 32000
DEFAULT_LIMIT = 100
QUERY_SECONDS = settings.DATASTORE_QUERY_SECONDS


def table_for_read(resource_id: Any, user: User | None, sheet: int = 0) -> DatastoreTable:
    try:
        rid = resource_id if isinstance(resource_id, uuid.UUID) else uuid.UUID(str(resource_id))
    except (ValueError, TypeError, AttributeError) as exc:
        raise Http404(_("Identifiant de ressource invalide : « %(v)s ».") % {"v": resource_id}) from exc
    _check_read(rid, user)
    table = DatastoreTable.objects.select_related("organization").filter(resource_id=rid, sheet=sheet).first()
    if table is None:
        raise _not_found(rid)
    return table


def _not_found(rid: Any) -> Http404:
    return Http404(_("Aucune table de données pour la ressource %(id)s.") % {"id": rid})


def _check_read(rid: uuid.UUID, user: User | None) -> None:
    """A table is readable when its resource is, now (:mod:`ouvert.core.access`): absent and
    forbidden give the same 404, and a table whose resource is gone is readable by nobody."""
    access.check_read(user, "resource", rid, not_found=lambda: _not_found(rid))


_SHARED_TABLES: dict[tuple[Any, ...], tuple[tuple[Any, ...], DatastoreTable]] = {}
_VERSION_COLUMNS = ("id", "table_name", "version", "row_count", "modified_at", "organization_id")


def table_for_query(resource_id: Any, user: User | None, sheet: int = 0) -> DatastoreTable:
    """:func:`table_for_read` for the query path: the table's row is kept per process and checked
    with one plain query (its name, version, size, modification time, privacy and owner), which
    costs a tenth of building the model instance again; who may read it is asked every time. The
    instance is shared: read it, never change it."""
    try:
        rid = resource_id if isinstance(resource_id, uuid.UUID) else uuid.UUID(str(resource_id))
    except (ValueError, TypeError, AttributeError):
        return table_for_read(resource_id, user, sheet)
    if not isinstance(sheet, int) or not -(2**31) <= sheet < 2**31:
        return table_for_read(resource_id, user, sheet)  # the ORM's answer (not found) for a number no column holds
    key = (connection.alias, connection.settings_dict.get("NAME"), rid, sheet)
    model = DatastoreTable._meta
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(quote(c) for c in _VERSION_COLUMNS)} FROM {quote(model.db_table)} "  # noqa: S608 — quoted identifiers, bound values
                    "WHERE resource_id = %s AND sheet = %s",
                    [model.get_field("resource_id").get_db_prep_value(rid, connection), sheet])
        row = cur.fetchone()
    cached = _SHARED_TABLES.get(key)
    if row is not None and cached is not None and cached[0] == tuple(row):
        _check_read(rid, user)
        return cached[1]
    table = table_for_read(rid, user, sheet)  # raises when absent or not readable
    if row is not None:
        if len(_SHARED_TABLES) > 1000:
            _SHARED_TABLES.clear()
        _SHARED_TABLES[key] = (tuple(row), table)
    return table


def tables_for_resource(resource_id: uuid.UUID) -> list[DatastoreTable]:
    return list(DatastoreTable.objects.filter(resource_id=resource_id).order_by("sheet"))


def latest_job(resource_id: uuid.UUID) -> IngestJob | None:
    return IngestJob.objects.filter(resource_id=resource_id).order_by("-created_at").first()


def latest_jobs(resource_ids: list[uuid.UUID]) -> dict[uuid.UUID, IngestJob]:
    """The latest load of each resource, in one query (a dataset page lists its resources' states)."""
    out: dict[uuid.UUID, IngestJob] = {}
    for job in IngestJob.objects.filter(resource_id__in=resource_ids).order_by("resource_id", "-created_at"):
        out.setdefault(job.resource_id, job)
    return out


# Values -------------------------------------------------------------------------------------------

def _out_converter(kind: str) -> Callable[[Any], Any] | None:
    if kind in ("numeric", "date") and connection.vendor == "sqlite":
        return None  # SQLite hands back floats, integers and text: nothing to convert
    if kind == "bool":
        return lambda v: None if v is None else bool(v)
    if kind == "numeric":
        return lambda v: float(v) if isinstance(v, decimal.Decimal) else v
    if kind == "timestamp":
        return lambda v: v.isoformat() if isinstance(v, dt.datetime) else (v.replace(" ", "T", 1) if v else v)
    if kind == "date":
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    return None


def _from_json(value: Any) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value  # written before the column was declared JSON: the text as it is


def row_converters(fields: list[dict[str, Any]]) -> list[Callable[[Any], Any] | None]:
    return [_from_json if f.get("json") else _out_converter(f["type"]) for f in fields]


def _convert_rows(rows: list[tuple[Any, ...]], converters: list[Callable[[Any], Any] | None]) -> list[list[Any]]:
    active = [(i, fn) for i, fn in enumerate(converters) if fn is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, fn in active:
            values[i] = fn(values[i])
        out.append(values)
    return out


def typed_value(field: dict[str, Any], value: Any, backend: Backend) -> Any:
    """A filter value as the column's type, or a ValidationError naming the field."""
    kind = field["type"]
    if value is None:
        return None
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    fn = make_normalizer(kind)
    if fn is None:
        return text
    try:
        normalized = fn(text)
    except ConversionError as exc:
        raise ValidationError({field["id"]: [_("« %(v)s » n'est pas %(e)s.") % {"v": value, "e": exc.expected}]}
                              ) from exc
    if normalized is None:
        return None
    if kind == "int":
        number = int(normalized)
        if not in_int64(number):  # beyond what the database stores: a 4xx, not an OverflowError
            raise ValidationError({field["id"]: [int_message(field["id"], value, None, None)]})
        return number
    if kind == "numeric":
        return decimal.Decimal(normalized) if backend.vendor == "postgresql" else float(normalized)
    if kind == "bool":
        return normalized == "1"
    return normalized


def _fields_by_id(table: DatastoreTable) -> dict[str, dict[str, Any]]:
    return {"_id": {"id": "_id", "type": "int"}, **{f["id"]: f for f in table.fields}}


def _check_filters(table: DatastoreTable, filters: Mapping[str, Sequence[Any]]) -> None:
    by_id = _fields_by_id(table)
    for name in filters:
        if name not in by_id:
            raise ValidationError({"filters": [_("Champ inconnu : « %(f)s ».") % {"f": name}]})


def build_where(table: DatastoreTable, backend: Backend, *, filters: Mapping[str, Sequence[Any]],
                q: str | Mapping[str, str] | None, unindexed: frozenset[str] | set[str] = frozenset(),
                fts_first: int | None = None) -> tuple[str, list[Any]]:
    """``filters`` (column → values, several mean OR) and ``q`` (full text, or column → substring)
    as SQL. Columns in ``unindexed`` are written so that the planner leaves their index alone (see
    :meth:`Backend.filters_to_scan`); ``fts_first``: see :meth:`Backend.fts_first_condition`."""
    by_id = _fields_by_id(table)
    _check_filters(table, filters)
    clauses: list[str] = []
    params: list[Any] = []
    for name, values in filters.items():
        field = by_id[name]
        if not values:
            clauses.append("1 = 0")
            continue
        column = backend.column_unindexed(quote(name)) if name in unindexed else quote(name)
        typed = [typed_value(field, v, backend) for v in values]
        non_null = [v for v in typed if v is not None]
        parts = []
        if non_null:
            if len(non_null) == 1:
                parts.append(f"{column} = %s")
            else:
                parts.append(f"{column} IN ({', '.join(['%s'] * len(non_null))})")
            params.extend(non_null)
        if len(non_null) < len(typed):
            parts.append(f"{column} IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    texts = [f["id"] for f in table.fields if f["type"] == "text"]
    if isinstance(q, Mapping):
        for name, text in q.items():
            if name not in by_id:
                raise ValidationError({"q": [_("Champ inconnu : « %(f)s ».") % {"f": name}]})
            clauses.append(f"{backend.text_expression(quote(name))} {backend.like_operator()} %s")
            params.append(f"%{text}%")
    elif q:
        if fts_first:
            sql, extra = backend.fts_first_condition(table.table_name, texts, q, first=fts_first)
        else:
            sql, extra = backend.fts_condition(table.table_name, texts, q)
        clauses.append(sql)
        params.extend(extra)
    return (" AND ".join(clauses) or "1 = 1"), params


def _run(backend: Backend, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    try:
        with backend.limited(seconds=QUERY_SECONDS, read_only=False), connection.cursor() as cur:
            cur.execute(sql, params)
            rows: list[tuple[Any, ...]] = cur.fetchall()
            return rows
    except QueryTimeout as exc:
        raise ValidationError({"query": [_("Requête trop longue (plus de %(s)s s) : précisez les filtres.")
                                         % {"s": QUERY_SECONDS}]}) from exc


class _ResultCache:
    """Results of recent queries, per process (exact counts, chart aggregates). The key holds the
    table's physical name, ``row_count`` and ``modified_at``, which every write to its rows changes
    (load, upsert, delete), so a result is never served for data it was not taken on, once that
    write is recorded."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.flights: dict[tuple[Any, ...], threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def get_or_compute(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """The remembered value, or ``compute()`` run once for all the threads asking at the same time
        (a chart opened by many visitors at once reads the table once per process, not once each)."""
        value = self.get(key)
        if value is not None:
            return value
        with self.lock:
            flight = self.flights.setdefault(key, threading.Lock())
        with flight:
            value = self.get(key)
            if value is None:
                value = compute()
                self.put(key, value)
        with self.lock:
            self.flights.pop(key, None)
        return value


def _result_key(table: DatastoreTable, sql: str, params: list[Any]) -> tuple[Any, ...]:
    return (connection.alias, connection.settings_dict.get("NAME"), table.table_name, table.row_count,
            table.modified_at.isoformat(), sql, tuple((type(p).__name__, str(p)) for p in params))


COUNTS = _ResultCache()
AGGREGATES = _ResultCache(size=512)  # a chart's GROUP BY reads every matching row: 0.1 to 1 s on 1M rows
# Pages of rows as served (converted), of at most PAGE_CACHE_ROWS rows: a dataset page's preview and the
# first pages of a search are asked for by every visitor, with the same SQL, on the same table version.
PAGES = _ResultCache(size=256)
PAGE_CACHE_ROWS = 200  # at most 256 × 200 rows a process


def _count(backend: Backend, table: DatastoreTable, sql: str, params: list[Any]) -> int:
    """``COUNT(*)`` of a filtered query: counting 66,000 matches costs a few milliseconds, more than
    the page of rows itself, and paging repeats the same count."""
    key = _result_key(table, sql, params)
    total = COUNTS.get(key)
    if total is None:
        total = _run(backend, sql, params)[0][0]
        COUNTS.put(key, total)
    return int(total)


@on_replica  # a read replica when configured (DATABASE_REPLICA_URL)
def datastore_search(*, query: SearchQuery, user: User | None) -> SearchResult:
    """Rows of a table (``Http404`` when the person may not read it, ``ValidationError`` naming the
    parameter at fault). CKAN's ``datastore_search`` envelope is built in ``ouvert/api/ckan/``."""
    table = table_for_query(query.resource_id, user)
    backend = get_backend()
    by_id = _fields_by_id(table)
    limit, offset, distinct = min(query.limit, MAX_LIMIT), query.offset, query.distinct
    filters, q = query.filters, query.q
    if query.fields is None:
        selected = ["_id", *(f["id"] for f in table.fields)]
        if distinct:
            selected.remove("_id")
    else:
        selected = list(query.fields)
        unknown = [str(w) for w in selected if not isinstance(w, str) or w not in by_id]
        if unknown:
            raise ValidationError({"fields": [_("Champs inconnus : %(f)s.") % {"f": ", ".join(unknown)}]})
        if not selected:
            raise ValidationError({"fields": [_("« fields » ne nomme aucun champ : donnez des noms de champs séparés "
                                                "par des virgules, ou omettez-le pour tous les champs.")]})
    for key in query.sort:
        if key.field not in by_id:
            raise ValidationError({"sort": [_("Tri invalide : « %(s)s » (champ [asc|desc]).") % {"s": key.field}]})
    sort = [(key.field, key.descending) for key in query.sort]
    nulls = {key.field: key.nulls_first for key in query.sort}
    _check_filters(table, filters)
    unindexed: set[str] = set()
    if sort and not distinct and q in (None, ""):
        equal = {name: len(values) for name, values in filters.items()}
        unindexed = backend.filters_to_scan(table.table_name, row_count=table.row_count, filters=equal,
                                            sort=sort[0][0], rows_wanted=limit + offset)
    where, params = build_where(table, backend, filters=filters, q=q)
    rows_where = where
    fts_first = None
    if not sort and not distinct and not filters:
        fts_first = limit + offset  # rows come in _id order and the full-text match is the only condition
    if unindexed or fts_first:  # the count keeps the plain condition
        rows_where = build_where(table, backend, filters=filters, q=q, unindexed=unindexed, fts_first=fts_first)[0]
    # NULLs sort as PostgreSQL (and so CKAN) sorts them, on both engines: last ascending, first descending.
    order = ", ".join(
        f"{quote(n)} {'DESC' if d else 'ASC'} "
        f"{'NULLS FIRST' if (nulls[n] if nulls[n] is not None else d) else 'NULLS LAST'}" for n, d in sort)
    if not order and not distinct:
        order = '"_id"'
    target = backend.table_sql(table.table_name)
    columns = ", ".join(quote(s) for s in selected)
    try:
        return _search_rows(table, backend, query=query, by_id=by_id, selected=selected, columns=columns,
                            target=target, where=where, rows_where=rows_where, params=params, order=order)
    except ValidationError:
        if q and _fulltext_being_built(table):
            raise ValidationError({"q": [_(
                "L'index plein texte de cette table est en construction, juste après son chargement : une "
                "recherche « q » sur toute la table sera rapide dans quelques minutes. Les filtres, le tri "
                "et les pages répondent déjà.")]}) from None
        raise


def _fulltext_being_built(table: DatastoreTable) -> bool:
    """Whether the table's ingestion is building its full-text index after the swap (PostgreSQL), when a
    ``q`` is matched row by row and may pass the time limit on a large table."""
    return IngestJob.objects.filter(resource_id=table.resource_id, status__in=ACTIVE_STATUSES,
                                    phase="fulltext").exists()


def _search_rows(table: DatastoreTable, backend: Backend, *, query: SearchQuery, by_id: dict[str, Any],
                 selected: list[str], columns: str, target: str, where: str, rows_where: str,
                 params: list[Any], order: str) -> SearchResult:
    """The count and the page of ``datastore_search``, its conditions built."""
    limit, offset, distinct, q = min(query.limit, MAX_LIMIT), query.offset, query.distinct, query.q
    total = None
    if query.include_total:
        if where == "1 = 1" and not distinct:
            total = table.row_count
        else:
            inner = f"SELECT {'DISTINCT ' + columns if distinct else '1'} FROM {target} WHERE {where}"  # noqa: S608 — quoted identifiers, bound values
            total = _count(backend, table, f"SELECT COUNT(*) FROM ({inner}) AS _t", params)  # noqa: S608 — quoted identifiers, bound values
    source = target
    if isinstance(q, str) and q:
        source, rows_where = backend.fulltext_rows_source(target, rows_where, matches=total,
                                                          row_count=table.row_count, rows_wanted=limit + offset)
    sql = f"SELECT {'DISTINCT ' if distinct else ''}{columns} FROM {source} WHERE {rows_where}"  # noqa: S608 — quoted identifiers, bound values
    if order:
        sql += f" ORDER BY {order}"
    sql += f" LIMIT {limit} OFFSET {offset}"
    cache_key = _result_key(table, sql, params)
    rows = PAGES.get(cache_key)
    if rows is None:
        rows = _convert_rows(_run(backend, sql, params), row_converters([by_id[s] for s in selected]))
        if limit <= PAGE_CACHE_ROWS:
            PAGES.put(cache_key, rows)
    return SearchResult(resource_id=table.resource_id, fields=tuple(FieldSpec.of(by_id[s]) for s in selected),
                        records=rows, total=total, limit=limit, offset=offset)


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a table, with its data dictionary."""

    id: str
    type: str
    native_type: str
    label: str
    description: str
    unit: str
    type_override: str  # the type chosen when it differs from the detected one, else ""


@dataclass(frozen=True)
class TableInfo:
    resource_id: uuid.UUID
    row_count: int
    version: int
    sheet_name: str
    columns: tuple[ColumnInfo, ...]


def datastore_table_info(*, resource_id: Any, user: User | None) -> TableInfo:
    """A table's size and its columns with their data dictionary (``Http404`` when the person may
    not read it). CKAN's ``datastore_info`` envelope is built in ``ouvert/api/ckan/actions_datastore.py``."""
    table = table_for_read(resource_id, user)
    backend = get_backend()
    columns = tuple(ColumnInfo(
        id=f["id"], type=f["type"], native_type=backend.types[f["type"]], label=f.get("label") or "",
        description=f.get("description") or "", unit=f.get("unit") or "",
        type_override=f["type"] if f.get("type") != f.get("detected_type") else "") for f in table.fields)
    return TableInfo(resource_id=table.resource_id, row_count=table.row_count, version=table.version,
                     sheet_name=table.sheet_name, columns=columns)


# Native API ---------------------------------------------------------------------------------------

FILTER_OPS = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def parse_filter(text: str, table: DatastoreTable) -> tuple[str, str, str | None]:
    """``column:op:value`` with op among eq, ne, lt, lte, gt, gte, contains, null, notnull."""
    by_id = _fields_by_id(table)
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise ValidationError({"filter": [_("Filtre invalide « %(f)s » : attendu colonne:opération:valeur.")
                                          % {"f": text}]})
    name, op = parts[0], parts[1]
    value = parts[2] if len(parts) == 3 else None
    if name not in by_id:
        raise ValidationError({"filter": [_("Champ inconnu : « %(f)s ».") % {"f": name}]})
    if op not in FILTER_OPS and op not in ("contains", "null", "notnull"):
        raise ValidationError({"filter": [_("Opération inconnue « %(o)s » (eq, ne, lt, lte, gt, gte, contains, null, "
                                            "notnull).") % {"o": op}]})
    if op not in ("null", "notnull") and value is None:
        raise ValidationError({"filter": [_("Valeur manquante dans le filtre « %(f)s ».") % {"f": text}]})
    return name, op, value


def typed_where(table: DatastoreTable, backend: Backend, filters: list[str],
                unindexed: frozenset[str] | set[str] = frozenset()) -> tuple[list[str], list[Any]]:
    """``column:op:value`` filters as SQL conditions; ``unindexed``: see :func:`build_where`."""
    by_id = _fields_by_id(table)
    clauses, params = [], []
    for text in filters:
        name, op, value = parse_filter(text, table)
        col = backend.column_unindexed(quote(name)) if name in unindexed and op == "eq" else quote(name)
        if op == "null":
            clauses.append(f"{col} IS NULL")
        elif op == "notnull":
            clauses.append(f"{col} IS NOT NULL")
        elif op == "contains":
            clauses.append(f"{backend.text_expression(col)} {backend.like_operator()} %s")
            params.append("%" + (value or "").replace("%", r"\%").replace("_", r"\_") + "%")
            if backend.vendor == "sqlite":
                clauses[-1] += " ESCAPE '\\'"
        else:
            clauses.append(f"{col} {FILTER_OPS[op]} %s")
            params.append(typed_value(by_id[name], value, backend))
    return clauses, params


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        last_value, last_id = values
        # Ours hold a sort value (a scalar) and an _id; anything else was not made by us.
        if last_value is not None and not isinstance(last_value, (str, int, float)):
            raise ValueError
        if isinstance(last_value, int) and not in_int64(last_value):
            raise ValueError
        int_param(last_id, name="cursor", minimum=0)
        return values
    except (ValueError, TypeError) as exc:
        raise ValidationError({"cursor": [_("Curseur invalide : reprenez la valeur « next_cursor » d'une réponse "
                                            "précédente, sans la modifier, ou omettez « cursor » pour la première "
                                            "page.")]}) from exc


def datastore_rows(*, table: DatastoreTable, filters: list[str], q: str | None = None, sort: str | None = None,
                   desc: bool = False, cursor: str | None = None, limit: int = 100,
                   fields: list[str] | None = None, count: bool = True) -> dict[str, Any]:
    """A keyset page: rows ordered by ``sort`` (NULLs last) then ``_id``; ``next_cursor`` resumes."""
    backend = get_backend()
    by_id = _fields_by_id(table)
    if sort and sort not in by_id:
        raise ValidationError({"sort": [_("Champ inconnu : « %(f)s ».") % {"f": sort}]})
    selected = fields or ["_id", *(f["id"] for f in table.fields)]
    unknown = [f for f in selected if f not in by_id]
    if unknown:
        raise ValidationError({"fields": [_("Champs inconnus : %(f)s.") % {"f": ", ".join(unknown)}]})
    if "_id" not in selected:
        selected = ["_id", *selected]
    clauses, params = typed_where(table, backend, filters)
    if q:
        sql, extra = backend.fts_condition(table.table_name, [f["id"] for f in table.fields if f["type"] == "text"], q)
        clauses.append(sql)
        params.extend(extra)
    base_where = " AND ".join(clauses) or "1 = 1"
    page_clauses, page_params = list(clauses), list(params)
    if sort and sort != "_id" and not q:
        equal = {parse_filter(f, table)[0]: 1 for f in filters if parse_filter(f, table)[1] == "eq"}
        unindexed = backend.filters_to_scan(table.table_name, row_count=table.row_count, filters=equal, sort=sort,
                                            rows_wanted=int(limit) + 1)
        if unindexed:
            page_clauses, page_params = typed_where(table, backend, filters, unindexed)
    target = backend.table_sql(table.table_name)
    columns = ", ".join(quote(s) for s in selected)
    wanted = int(limit) + 1

    def page(conditions: list[str], values: list[Any], order: str, count: int) -> list[tuple[Any, ...]]:
        sql = (f"SELECT {columns} FROM {target} WHERE {' AND '.join(conditions) or '1 = 1'} "  # noqa: S608 — quoted identifiers, bound values
               f"ORDER BY {order} LIMIT {count}")
        return _run(backend, sql, values)

    last_value, last_id = _decode_cursor(cursor) if cursor else (None, None)
    if sort and sort != "_id":
        # Rows with a value, in the sort column's index order, then the NULLs by _id: two index
        # range scans that stop after a page, instead of sorting the whole table on every page.
        col = quote(sort)
        raw = []
        if not (cursor and last_value is None):
            keyset, keyset_params = [f"{col} IS NOT NULL"], []
            if cursor:
                typed = typed_value(by_id[sort], last_value, backend)
                cmp = "<" if desc else ">"
                keyset.append(f'{col} {cmp}= %s AND ({col} {cmp} %s OR "_id" > %s)')
                keyset_params.extend([typed, typed, last_id])
            raw = page([*page_clauses, *keyset], [*page_params, *keyset_params],
                       f"{col} {'DESC' if desc else 'ASC'}, \"_id\"", wanted)
        if len(raw) < wanted:
            nulls, nulls_params = [f"{col} IS NULL"], []
            if cursor and last_value is None:
                nulls.append('"_id" > %s')
                nulls_params.append(last_id)
            raw += page([*page_clauses, *nulls], [*page_params, *nulls_params], '"_id"', wanted - len(raw))
    else:
        keyset, keyset_params = [], []
        if cursor:
            keyset, keyset_params = ['"_id" < %s' if desc else '"_id" > %s'], [last_id]
        raw = page([*page_clauses, *keyset], [*page_params, *keyset_params], '"_id" DESC' if desc else '"_id"',
                   wanted)
    rows = _convert_rows(raw, row_converters([by_id[s] for s in selected]))
    more = len(rows) > limit
    rows = rows[:limit]
    records = [dict(zip(selected, r, strict=True)) for r in rows]
    next_cursor = None
    if more and records:
        last = records[-1]
        next_cursor = _encode_cursor([last.get(sort) if sort and sort != "_id" else None, last["_id"]])
    total = None
    if count:
        if base_where == "1 = 1":
            total = table.row_count
        else:
            total = _count(backend, table, f"SELECT COUNT(*) FROM {target} WHERE {base_where}", params)  # noqa: S608 — quoted identifiers, bound values
    return {"fields": [by_id[s] for s in selected], "records": records, "next_cursor": next_cursor,
            "count": total}


AGGREGATE_SQL = {"count": "COUNT", "sum": "SUM", "avg": "AVG", "min": "MIN", "max": "MAX"}


def datastore_aggregate(*, table: DatastoreTable, group: str, agg: str = "count", value: str | None = None,
                        bucket: str | None = None, filters: list[str] | None = None, limit: int = 50
                        ) -> dict[str, Any]:
    """Server-side aggregation for charts: ``agg(value)`` per ``group`` (dates bucketed by year/month)."""
    backend = get_backend()
    by_id = _fields_by_id(table)
    if group not in by_id:
        raise ValidationError({"group": [_("Champ inconnu : « %(f)s ».") % {"f": group}]})
    if agg not in AGGREGATE_SQL:
        raise ValidationError({"agg": [_("Agrégat inconnu « %(a)s » (count, sum, avg, min, max).") % {"a": agg}]})
    if agg != "count":
        if not value or value not in by_id:
            raise ValidationError({"value": [_("Choisissez une colonne numérique à agréger.")]})
        if by_id[value]["type"] not in ("int", "numeric"):
            raise ValidationError({"value": [_("« %(f)s » n'est pas numérique.") % {"f": value}]})
    key = quote(group)
    kind = by_id[group]["type"]
    if bucket:
        if kind not in ("date", "timestamp"):
            raise ValidationError({"bucket": [_("Le regroupement par période demande une colonne de dates.")]})
        if bucket not in ("year", "month", "day"):
            raise ValidationError({"bucket": [_("Période inconnue (year, month, day).")]})
        length = {"year": 4, "month": 7, "day": 10}[bucket]
        key = (f"substr({key}, 1, {length})" if backend.vendor == "sqlite"
               else f"substr(CAST({key} AS text), 1, {length})")
    clauses, params = typed_where(table, backend, filters or [])
    measure = "COUNT(*)" if agg == "count" else f"{AGGREGATE_SQL[agg]}({quote(value or '')})"  # value: checked above
    ordered = bucket or kind in ("date", "timestamp", "int")
    order = "1" if ordered else "2 DESC"
    sql = (f"SELECT {key} AS k, {measure} AS v FROM {backend.table_sql(table.table_name)} "  # noqa: S608 — quoted identifiers, bound values
           f"WHERE {' AND '.join(clauses) or '1 = 1'} GROUP BY 1 ORDER BY {order} LIMIT {int(min(limit, 1000))}")
    rows = AGGREGATES.get_or_compute(_result_key(table, sql, params), lambda: _run(backend, sql, params))
    conv = _out_converter("text" if bucket else kind)
    data = [{"key": conv(k) if conv else k, "value": float(v) if isinstance(v, decimal.Decimal) else v}
            for k, v in rows]
    return {"group": group, "agg": agg, "value": value, "bucket": bucket, "rows": data}


def iter_rows(table: DatastoreTable, *, filters: list[str] | None = None, chunk: int = 5000,
              fields: list[str] | None = None) -> Iterator[list[Any]]:
    """Every matching row in ``_id`` order, fetched ``chunk`` rows at a time (constant memory)."""
    backend = get_backend()
    by_id = _fields_by_id(table)
    selected = fields or [f["id"] for f in table.fields]
    clauses, params = typed_where(table, backend, filters or [])
    converters = row_converters([by_id[s] for s in selected])
    target = backend.table_sql(table.table_name)
    columns = ", ".join(["_id", *(quote(s) for s in selected)])
    last = 0
    while True:
        where = " AND ".join([*clauses, '"_id" > %s'])
        with connection.cursor() as cur:
            cur.execute(f"SELECT {columns} FROM {target} WHERE {where} ORDER BY \"_id\" LIMIT {chunk}",  # noqa: S608 — quoted identifiers, bound values
                        [*params, last])
            rows = cur.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield from _convert_rows([r[1:] for r in rows], converters)
        if len(rows) < chunk:
            return


def first_sheet_fields(*, resource_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The typed columns of each resource's table (first sheet), in one query, for descriptors such as
    ``datapackage.json``. No access check: pass only resources the reader may see."""
    ids = list(resource_ids)
    if not ids:
        return {}
    rows = DatastoreTable.objects.filter(resource_id__in=ids, sheet=0).values_list("resource_id", "fields")
    return {rid: [f for f in fields if isinstance(f, dict) and not str(f.get("id", "")).startswith("_")]
            for rid, fields in rows}
