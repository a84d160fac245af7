"""CKAN ``datastore_search_sql``: one SELECT over datastore tables, checked before it runs.

Defence in depth: (1) the statement is parsed with sqlglot and refused unless it is a single
SELECT (UNION allowed) whose tables are all datastore resources and whose functions are all in
:data:`ALLOWED_FUNCTIONS`; (2) table names are rewritten to the physical tables; (3) it runs
read-only with a statement time limit and a row cap: on SQLite an authorizer lets it read the
resolved tables and nothing else; on PostgreSQL ``SET TRANSACTION READ ONLY`` when outermost,
always inside a savepoint, as the reader role of :mod:`ouvert.datastore.reader_role`, which may
read schema ``datastore`` only.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlglot
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from sqlglot import exp

from ouvert.core.models import User

from .backends import PG_SCHEMA, QueryTimeout, get_backend
from .models import DatastoreTable
from .selectors import _out_converter, table_for_read

ROWS_MAX = int(getattr(settings, "DATASTORE_SQL_ROWS_MAX", 32000))
SQL_SECONDS = float(getattr(settings, "DATASTORE_SQL_SECONDS", 5))

ALLOWED_FUNCTIONS = frozenset({
    # aggregates
    "count", "sum", "avg", "min", "max", "total", "group_concat", "string_agg", "array_agg", "stddev",
    "variance", "median", "percentile_cont", "percentile_disc", "bool_and", "bool_or", "every",
    # scalar
    "abs", "round", "ceil", "ceiling", "floor", "trunc", "sign", "sqrt", "power", "pow", "exp", "ln", "log",
    "mod", "greatest", "least", "coalesce", "nullif", "ifnull", "if", "iif", "cast", "trycast", "case",
    "lower", "upper", "length", "char_length", "substr", "substring", "trim", "ltrim", "rtrim", "replace",
    "concat", "concat_ws", "left", "right", "position", "strpos", "instr", "lpad", "rpad", "initcap",
    "split_part", "regexp_replace", "unaccent", "dpipe", "stringtoarray",
    # dates
    "date", "datetime", "strftime", "julianday", "date_trunc", "datetrunc", "timestamptrunc", "extract",
    "date_part", "to_char", "to_date", "to_timestamp", "now", "current_date", "current_timestamp", "age",
    "datediff", "dateadd", "timestampadd", "timestampdiff", "strtotime", "timetostr", "strtodate", "date_add",
    "date_sub", "tsordstodate", "tsordstotime", "year", "month", "day", "timestrtotime",
    # window
    "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value",
    # full text (PostgreSQL)
    "to_tsvector", "to_tsquery", "plainto_tsquery", "websearch_to_tsquery", "ts_rank",
})
_STATEMENT_KINDS = (exp.Select, exp.Union, exp.Intersect, exp.Except)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"sql": [message]})


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def parse_sql(sql: str) -> tuple[exp.Expression, list[str]]:
    """The parsed statement and the resource ids it reads, or a ValidationError saying why not."""
    if not isinstance(sql, str) or not sql.strip():
        raise _refuse(_("Le paramètre « sql » est obligatoire."))
    if len(sql) > 20_000:
        raise _refuse(_("Requête trop longue (20 000 caractères au plus)."))
    dialect = "postgres" if connection.vendor == "postgresql" else "sqlite"
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        raise _refuse(_("Requête SQL invalide (ligne %(line)s, colonne %(col)s) : %(error)s.")
                      % {"line": first.get("line", "?"), "col": first.get("col", "?"),
                         "error": first.get("description", str(exc))}) from exc
    if len(statements) != 1:
        raise _refuse(_("Une seule instruction est permise (pas de « ; » entre plusieurs requêtes)."))
    tree = statements[0]
    if not isinstance(tree, _STATEMENT_KINDS):
        raise _refuse(_("Seules les requêtes SELECT sont permises (reçu : %(kind)s).")
                      % {"kind": tree.key.upper()})
    for node in tree.walk():
        if isinstance(node, (exp.Into, exp.Lock)):
            raise _refuse(_("SELECT … INTO et FOR UPDATE ne sont pas permis."))
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter, exp.Command,
                             exp.Pragma, exp.Set, exp.Transaction)):
            raise _refuse(_("Seules les lectures sont permises (trouvé : %(kind)s).") % {"kind": node.key.upper()})
        if isinstance(node, exp.Func) and not isinstance(node, (exp.Cast, exp.Case, exp.Paren)):
            name = _function_name(node)
            if name not in ALLOWED_FUNCTIONS:
                raise _refuse(_("Fonction non permise : %(name)s.") % {"name": name.upper()})
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    resources: list[str] = []
    for table in tree.find_all(exp.Table):
        name = table.name
        if not table.db and name.lower() in ctes:
            continue
        if table.db or table.catalog:
            raise _refuse(_("Nommez les tables par leur identifiant de ressource, sans schéma : « %(n)s ».")
                          % {"n": table.sql()})
        try:
            uuid.UUID(name)
        except ValueError as exc:
            raise _refuse(_("Table inconnue : « %(n)s ». Utilisez l'identifiant d'une ressource entre guillemets "
                            "doubles, par exemple \"%(example)s\".") % {"n": name, "example": uuid.uuid4()}) from exc
        resources.append(name)
    if not resources:
        raise _refuse(_("La requête doit lire au moins une table de ressource."))
    return tree, resources


def sql_resource_ids(sql: str) -> list[str]:
    """The resource ids a query reads (for the CKAN layer's permission checks)."""
    return sorted(set(parse_sql(sql)[1]))


def datastore_search_sql(*, data: dict[str, Any], user: User | None) -> dict[str, Any]:
    sql = data.get("sql")
    tree, resources = parse_sql(sql)
    tables: dict[str, DatastoreTable] = {}
    for rid in resources:
        tables[rid] = table_for_read(rid, user)
    backend = get_backend()
    for node in list(tree.find_all(exp.Table)):
        target = tables.get(node.name)
        if target is None:
            continue
        alias = node.alias or node.name
        replacement = exp.Table(this=exp.to_identifier(target.table_name, quoted=True),
                                db=exp.to_identifier(PG_SCHEMA) if backend.vendor == "postgresql" else None,
                                alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        node.replace(replacement)
    dialect = "postgres" if backend.vendor == "postgresql" else "sqlite"
    inner = tree.sql(dialect=dialect)
    final = f"SELECT * FROM ({inner}) AS _q LIMIT {ROWS_MAX + 1}"  # noqa: S608 — quoted identifiers, bound values
    try:
        readable = [t.table_name for t in tables.values()]
        with backend.limited(seconds=SQL_SECONDS, read_only=True, tables=readable), connection.cursor() as cur:
            cur.execute(final.replace("%", "%%"))
            names = [c[0] for c in cur.description]
            rows = cur.fetchall()
    except QueryTimeout as exc:
        raise _refuse(_("Requête trop longue (plus de %(s)s s) : ajoutez des filtres ou une limite.")
                      % {"s": SQL_SECONDS}) from exc
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if any(word in message for word in ("not authorized", "prohibited", "permission denied")):
            message = _("opération non permise en lecture seule")
        raise _refuse(_("Erreur de la base de données : %(error)s.") % {"error": message}) from exc
    truncated = len(rows) > ROWS_MAX
    rows = rows[:ROWS_MAX]
    known = {}
    for table in tables.values():
        known.update({f["id"]: f["type"] for f in table.fields})
    known["_id"] = "int"
    fields = []
    for position, name in enumerate(names):
        kind = known.get(name)
        if kind is None:
            sample = next((r[position] for r in rows if r[position] is not None), None)
            kind = ("int" if isinstance(sample, int) and not isinstance(sample, bool) else
                    "numeric" if isinstance(sample, float) or type(sample).__name__ == "Decimal" else
                    "bool" if isinstance(sample, bool) else "text")
        fields.append({"id": name, "type": kind})
    converters = [_out_converter(f["type"]) for f in fields]
    records = []
    for row in rows:
        record = {}
        for name, value, fn in zip(names, row, converters, strict=True):
            if fn is not None:
                value = fn(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif type(value).__name__ == "Decimal":
                value = float(value)
            record[name] = value
        records.append(record)
    result: dict[str, Any] = {"sql": sql, "records": records, "fields": fields}
    if truncated:
        result["records_truncated"] = True
    return result
