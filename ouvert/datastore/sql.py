"""One SELECT over datastore tables (CKAN's ``datastore_search_sql``), checked before it runs.

Defence in depth (``docs/security.md`` states the guarantees):

1. :mod:`ouvert.datastore.sql_guard` parses the statement and refuses anything but one SELECT made
   of allowed constructions and functions, whose tables are resource ids or CTEs in scope;
2. each resource is checked with :func:`~ouvert.datastore.selectors.table_for_read` and its
   reference rewritten to the physical table;
3. it runs read-only with a time limit (``DATASTORE_SQL_SECONDS``): on SQLite an authorizer lets it
   read the resolved tables and nothing else; on PostgreSQL in a read-only transaction as the
   reader role of :mod:`ouvert.datastore.reader_role` — or not at all when that role cannot be used —
   after the planner confirmed (``EXPLAIN``) that it reads the resolved tables only;
4. the answer is capped in rows (``DATASTORE_SQL_ROWS_MAX``) and bytes (``DATASTORE_SQL_BYTES_MAX``):
   the database measures each row and a running total, and blanks every row past the cap before
   it is sent, so neither a huge cell nor many rows reach this process.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from sqlglot import exp

from ouvert.core.models import User
from ouvert.core.replica import on_replica

from .backends import (
    PG_SCHEMA,
    SANDBOX_PREFIX,
    Backend,
    QueryTimeout,
    ReaderRoleMissing,
    RelationRefused,
    get_backend,
    quote,
)
from .models import DatastoreTable
from .reader_role import reader_role_name
from .selectors import _out_converter, table_for_read
from .sql_guard import ALLOWED_FUNCTIONS as ALLOWED_FUNCTIONS  # re-exported: the documented allow-list
from .sql_guard import ParsedSql, parse_sql, refuse
from .types import FieldSpec, SqlResult

ROWS_MAX = settings.DATASTORE_SQL_ROWS_MAX
SQL_SECONDS = settings.DATASTORE_SQL_SECONDS
BYTES_MAX = settings.DATASTORE_SQL_BYTES_MAX
FETCH_ROWS = 500


def _dialect(backend: Backend) -> str:
    return "postgres" if backend.vendor == "postgresql" else "sqlite"


def sql_resource_ids(sql: str) -> list[str]:
    """The resource ids a query reads (for the CKAN layer's permission checks)."""
    return parse_sql(sql, dialect=_dialect(get_backend())).resource_ids


def _physical_sql(parsed: ParsedSql, tables: dict[str, DatastoreTable], backend: Backend) -> str:
    """The statement with each resource reference replaced by its physical table and each CTE renamed
    ``_sandbox_cte<n>`` (references keep their name as alias), so that nothing it reads can be
    confused with a table of the database, and SQLite's authorizer can tell CTEs apart."""
    for node in parsed.tables:
        target = tables[node.name]
        alias = node.alias or node.name
        node.set("this", exp.to_identifier(target.table_name, quoted=True))
        node.set("db", exp.to_identifier(PG_SCHEMA, quoted=True) if backend.vendor == "postgresql" else None)
        node.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    renamed = {id(cte): f"{SANDBOX_PREFIX}cte{n}" for n, cte in enumerate(parsed.tree.find_all(exp.CTE))}
    for node, cte in parsed.cte_references:
        alias = node.alias or node.name
        node.set("this", exp.to_identifier(renamed[id(cte)], quoted=True))
        node.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
    for cte in parsed.tree.find_all(exp.CTE):
        cte.args["alias"].set("this", exp.to_identifier(renamed[id(cte)], quoted=True))
    # generated from the checked tree, without the user's comments (PostgreSQL nests /* */)
    return parsed.tree.sql(dialect=parsed.dialect, comments=False)


def capped_sql(inner: str, columns: int, backend: Backend, *, rows: int, max_bytes: int) -> str:
    """``inner`` wrapped so that the database sends ``_size`` (the row's bytes), ``_total`` (the running
    total) and the columns, blanked (NULL) on every row past ``max_bytes``, ``rows`` rows at most."""
    names = [f"c{i}" for i in range(columns)]
    q, s, r = (f"{SANDBOX_PREFIX}{n}" for n in "qsr")
    size = " + ".join(backend.byte_length_sql(quote(n)) for n in names) or "0"
    blanked = ", ".join(f"CASE WHEN _total > {int(max_bytes)} THEN NULL ELSE {quote(n)} END" for n in names)
    return (f"WITH {q}({', '.join(quote(n) for n in names)}) AS ({inner}), "  # noqa: S608 — quoted identifiers, no values
            f"{s} AS (SELECT {q}.*, {size} AS _size FROM {q} LIMIT {int(rows)}), "
            f"{r} AS (SELECT {s}.*, SUM(_size) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS _total "
            f"FROM {s}) SELECT _size, _total{', ' if blanked else ''}{blanked} FROM {r}")


def _database_error(exc: DatabaseError) -> ValidationError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if any(word in message for word in ("not authorized", "prohibited", "permission denied")):
        message = _("opération non permise en lecture seule")
    return refuse(_("Erreur de la base de données : %(error)s.") % {"error": message})


def _run(sql: str, *, backend: Backend, readable: list[str]) -> tuple[list[str], list[tuple], bool, bool]:
    """Column names, rows, whether rows were left out for the row cap, and for the byte cap."""
    try:
        with backend.limited(seconds=SQL_SECONDS, read_only=True, tables=readable), connection.cursor() as cur:
            # no parameters: the driver leaves every "%" of the statement alone
            probe = f"SELECT * FROM ({sql}) AS {SANDBOX_PREFIX}probe LIMIT 0"  # noqa: S608 — checked statement
            backend.check_relations(probe, readable)
            cur.execute(probe)
            names = [c[0] for c in cur.description]
            cur.execute(capped_sql(sql, len(names), backend, rows=ROWS_MAX + 1, max_bytes=BYTES_MAX))
            rows: list[tuple] = []
            over_bytes = False
            per_row = sum(len(name) + 6 for name in names)  # what JSON adds around the cells of a record
            while not over_bytes and len(rows) <= ROWS_MAX:
                batch = cur.fetchmany(FETCH_ROWS)
                if not batch:
                    break
                for row in batch:
                    if row[1] + (len(rows) + 1) * per_row > BYTES_MAX:
                        over_bytes = True
                        break
                    rows.append(row[2:])
    except ReaderRoleMissing as exc:
        raise PermissionDenied(
            _("L'interface SQL (datastore_search_sql) n'est pas disponible : le rôle en lecture seule %(role)s "
              "de PostgreSQL est absent ou inutilisable, et aucune requête ne s'exécute sans lui. "
              "Un administrateur doit lancer « ouvert migrate » avec un utilisateur autorisé à créer des rôles, "
              "puis « ouvert check ». datastore_search reste disponible.") % {"role": reader_role_name()}
        ) from exc
    except RelationRefused as exc:
        raise refuse(_("La requête lit « %(what)s », qui n'est pas une table de ressource nommée dans la requête. "
                       "Lisez seulement des ressources, par leur identifiant.") % {"what": exc.what}) from exc
    except QueryTimeout as exc:
        raise refuse(_("Requête trop longue (plus de %(s)s s) : ajoutez des filtres ou une limite.")
                     % {"s": SQL_SECONDS}) from exc
    except DatabaseError as exc:
        raise _database_error(exc) from exc
    if over_bytes and not rows:
        raise refuse(ngettext("La première ligne du résultat dépasse %(n)s octet : choisissez moins de colonnes ou "
                              "raccourcissez les textes (substr).",
                              "La première ligne du résultat dépasse %(n)s octets : choisissez moins de colonnes ou "
                              "raccourcissez les textes (substr).", BYTES_MAX) % {"n": BYTES_MAX})
    truncated = len(rows) > ROWS_MAX
    return names, rows[:ROWS_MAX], truncated, over_bytes


def _fields(names: list[str], rows: list[tuple], tables: dict[str, DatastoreTable]) -> list[dict[str, str]]:
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
    return fields


@on_replica  # a read replica when configured (DATABASE_REPLICA_URL)
def datastore_search_sql(*, sql: str, user: User | None) -> SqlResult:
    """One read-only SELECT over the tables of resources ``user`` may read (``ValidationError``
    saying what is refused and how to fix it). CKAN's envelope is built in ``ouvert/api/ckan/``."""
    backend = get_backend()
    parsed = parse_sql(sql, dialect=_dialect(backend))
    tables = {name: table_for_read(name, user) for name in parsed.resource_ids}
    inner = _physical_sql(parsed, tables, backend)
    names, rows, truncated, over_bytes = _run(inner, backend=backend,
                                              readable=sorted({t.table_name for t in tables.values()}))
    fields = _fields(names, rows, tables)
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
    return SqlResult(sql=sql, fields=tuple(FieldSpec(id=f["id"], type=f["type"]) for f in fields), records=records,
                     truncated=truncated or over_bytes, bytes_max=BYTES_MAX if over_bytes else None)
