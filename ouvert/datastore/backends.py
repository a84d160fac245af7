"""Database adapters for datastore tables: SQLite (tables in the same database file, FTS5) and
PostgreSQL (tables in the ``datastore`` schema, COPY, GIN full-text index). Same interface, so the
domain code never branches on the engine.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction

BATCH = 10_000
PG_SCHEMA = "datastore"
SANDBOX_PREFIX = "_sandbox_"  # names user SQL is given for its CTEs: never a table of the database
FTS_CONFIG = "french"

SQLITE_TYPES = {"int": "INTEGER", "numeric": "REAL", "bool": "INTEGER", "date": "TEXT", "timestamp": "TEXT",
                "text": "TEXT"}
PG_TYPES = {"int": "bigint", "numeric": "numeric", "bool": "boolean", "date": "date", "timestamp": "timestamp",
            "text": "text"}


class QueryTimeout(Exception):
    """A user query ran past its time limit."""


class ReaderRoleMissing(Exception):
    """User SQL cannot run as the restricted reader role (PostgreSQL): it must not run at all."""


class RelationRefused(Exception):
    """The planner resolved a user statement to a relation or function outside what was checked."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fts_words(q: str) -> list[str]:
    return re.findall(r"\w+", q.lower())[:20]


class Backend(Protocol):
    """What the domain code (loading, queries, exports, user SQL) asks of a datastore engine.
    :class:`SqliteBackend` and :class:`PostgresBackend` implement it; the type checker holds them
    to every member, so a method called on one engine cannot be missing from the other."""

    vendor: str
    types: dict[str, str]  # our column types → the engine's
    # True when an ingestion builds the full-text index after the new table is swapped in (the
    # table answers filters and sorts at once; ``q`` matches row by row until the index exists)
    fulltext_after_swap: bool

    def table_sql(self, table: str) -> str: ...
    def fts_table_sql(self, table: str) -> str: ...
    def create_table(self, table: str, columns: Sequence[Any]) -> None: ...
    def id_column_sql(self) -> str: ...
    def finish_load(self, table: str) -> None: ...
    def raw_cell_sql(self, n: int, *, nullable: bool) -> str: ...
    def create_indexes(self, table: str, column_ids: Sequence[str]) -> None: ...
    def create_fulltext(self, table: str, columns: Sequence[Any]) -> None: ...

    def fulltext_rows_changed(self, table: str, columns: Sequence[Any], ids: Sequence[int] | None,
                              deleted: dict[int, str] | None = None) -> None:
        """Bring the full-text index up to date after a write to the table's rows (``ids``: the rows
        written, ``None`` for any; both engines currently refresh the whole index or need nothing)."""
        ...

    def drop_table(self, table: str) -> None: ...
    def fts_condition(self, table: str, text_columns: Sequence[str], q: str) -> tuple[str, list[Any]]: ...
    def like_operator(self) -> str: ...

    def limited(self, *, seconds: float, read_only: bool = True,
                tables: Collection[str] | None = None) -> contextlib.AbstractContextManager[None]: ...

    def text_expression(self, column_sql: str) -> str: ...
    def byte_length_sql(self, column_sql: str) -> str: ...
    def check_relations(self, sql: str, tables: Collection[str]) -> None: ...

    def filters_to_scan(self, table: str, *, row_count: int, filters: dict[str, int], sort: str,
                        rows_wanted: int) -> set[str]: ...

    def column_unindexed(self, column_sql: str) -> str: ...

    def fulltext_rows_source(self, table_sql: str, where: str, *, matches: int | None, row_count: int,
                             rows_wanted: int) -> tuple[str, str]: ...

    def fts_first_condition(self, table: str, text_columns: Sequence[str], q: str, *,
                            first: int) -> tuple[str, list[Any]]: ...

    def analyze(self, table: str) -> None: ...


class BackendBase(ABC):
    """What both engines share; each subclass implements the abstract rest of :class:`Backend`."""

    vendor = ""
    types: dict[str, str] = {}
    placeholder = "%s"
    fulltext_after_swap = False

    @abstractmethod
    def table_sql(self, table: str) -> str: ...

    def fts_table_sql(self, table: str) -> str:
        return quote(f"{table}_fts")

    def create_table(self, table: str, columns: Sequence[Any]) -> None:
        cols = ", ".join(f"{quote(c.id)} {self.types[c.type]}" for c in columns)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.table_sql(table)}")
            cur.execute(f"CREATE TABLE {self.table_sql(table)} ({self.id_column_sql()}, {cols})")

    @abstractmethod
    def id_column_sql(self) -> str: ...

    def finish_load(self, table: str) -> None:
        """Called once every row is in (a load commits group by group)."""
        return

    def raw_cell_sql(self, n: int, *, nullable: bool) -> str:
        """The insert's SQL for raw cell ``?n`` of a column the database parses itself (PostgreSQL's
        COPY reads an empty CSV field as NULL by itself)."""
        return f"?{n}"

    def create_indexes(self, table: str, column_ids: Sequence[str]) -> None:
        with connection.cursor() as cur:
            for n, name in enumerate(column_ids):
                cur.execute(f"CREATE INDEX {quote(f'{table}_i{n}')} ON {self.table_sql(table)} ({quote(name)})")

    @abstractmethod
    def create_fulltext(self, table: str, columns: Sequence[Any]) -> None: ...

    @abstractmethod
    def fulltext_rows_changed(self, table: str, columns: Sequence[Any], ids: Sequence[int] | None,
                              deleted: dict[int, str] | None = None) -> None: ...

    def drop_table(self, table: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.table_sql(table)}")

    @abstractmethod
    def fts_condition(self, table: str, text_columns: Sequence[str], q: str) -> tuple[str, list[Any]]: ...

    def like_operator(self) -> str:
        return "LIKE"

    @abstractmethod
    def limited(self, *, seconds: float, read_only: bool = True,
                tables: Collection[str] | None = None) -> contextlib.AbstractContextManager[None]:
        """Run the block with a time limit. ``read_only`` is for user SQL: nothing but reads of
        ``tables`` (physical names; by default the datastore tables of public resources)."""

    def text_expression(self, column_sql: str) -> str:
        return f"CAST({column_sql} AS TEXT)"

    def byte_length_sql(self, column_sql: str) -> str:
        """The size in bytes of a value as text (0 for NULL), computed by the database."""
        return f"coalesce(length(CAST({column_sql} AS BLOB)), 0)"

    def check_relations(self, sql: str, tables: Collection[str]) -> None:
        """Inside :meth:`limited`: raise :class:`RelationRefused` if ``sql`` would read anything
        but ``tables``. SQLite's authorizer already refuses every other read while it runs."""
        return

    def filters_to_scan(self, table: str, *, row_count: int, filters: dict[str, int], sort: str,
                        rows_wanted: int) -> set[str]:
        """Filtered columns whose index the planner should not use, so that it walks the sort
        column's index instead and stops after ``rows_wanted`` rows. ``filters`` maps each column
        compared for equality to its number of values. PostgreSQL's planner weighs LIMIT itself."""
        return set()

    def column_unindexed(self, column_sql: str) -> str:
        """The column in a condition, written so that the planner does not use its index."""
        return column_sql

    def fulltext_rows_source(self, table_sql: str, where: str, *, matches: int | None, row_count: int,
                             rows_wanted: int) -> tuple[str, str]:
        """``FROM`` and ``WHERE`` for a page of rows matching a full-text condition (in ``where``),
        given the number of ``matches`` when known."""
        return table_sql, where

    def fts_first_condition(self, table: str, text_columns: Sequence[str], q: str, *,
                            first: int) -> tuple[str, list[Any]]:
        """:meth:`fts_condition` when the caller orders by ``_id`` ascending, has no other condition
        and wants ``first`` rows at most, so the match may stop there."""
        return self.fts_condition(table, text_columns, q)

    def analyze(self, table: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {self.table_sql(table)}")


class SqliteBackend(BackendBase):
    vendor = "sqlite"
    types = SQLITE_TYPES

    def table_sql(self, table: str) -> str:
        return quote(table)

    def id_column_sql(self) -> str:
        return '"_id" INTEGER PRIMARY KEY'

    def raw_cell_sql(self, n: int, *, nullable: bool) -> str:
        return f"NULLIF(?{n}, '')" if nullable else f"?{n}"

    def insert_sql(self, table: str, column_ids: Sequence[str], expressions: Sequence[str]) -> str:
        names = ", ".join(quote(c) for c in column_ids)
        return f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(expressions)})"  # noqa: S608 — quoted identifiers

    def insert_rows(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """``executemany`` on the raw connection, inside the caller's transaction."""
        connection.ensure_connection()
        connection.connection.executemany(sql, rows)

    def create_fulltext(self, table: str, columns: Sequence[Any]) -> None:
        texts = [c.id for c in columns if c.type == "text"]
        if not texts:
            return
        body = " || ' ' || ".join(f"coalesce({quote(t)}, '')" for t in texts)
        fts = self.fts_table_sql(table)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {fts}")
            # contentless, and without the per-row token counts (``columnsize=0``) that only bm25
            # ranking reads: matches are filtered by rowid, never ranked (-40 % of the build's CPU)
            cur.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(body, content='', columnsize=0, "
                        "tokenize='unicode61 remove_diacritics 2')")
            cur.execute(f"INSERT INTO {fts}(rowid, body) SELECT _id, {body} FROM {quote(table)}")  # noqa: S608 — quoted identifiers, bound values

    def fulltext_rows_changed(self, table: str, columns: Sequence[Any], ids: Sequence[int] | None,
                              deleted: dict[int, str] | None = None) -> None:
        """Rebuild the full-text index (contentless FTS5 cannot delete one row cheaply on 3.40)."""
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.fts_table_sql(table)}")
        self.create_fulltext(table, columns)

    def drop_table(self, table: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.fts_table_sql(table)}")
            cur.execute(f"DROP TABLE IF EXISTS {quote(table)}")

    def fts_condition(self, table: str, text_columns: Sequence[str], q: str) -> tuple[str, list[Any]]:
        words = fts_words(q)
        if not words:
            return "1 = 1", []
        if not text_columns:
            return "0 = 1", []
        match = " ".join(f'"{w}"*' for w in words)
        return f'"_id" IN (SELECT rowid FROM {self.fts_table_sql(table)} WHERE body MATCH %s)', [match]  # noqa: S608 — quoted identifiers, bound values

    def index_stats(self, table: str) -> dict[str, float]:
        """Average rows per value of the first column of each index, from ``ANALYZE`` (cached per
        physical table, a new load being a new table name, once every index has its statistics:
        the indexes of a new table are built after it goes live). Columns indexed without
        statistics: 0."""
        cached = _SQLITE_INDEX_STATS.get(table)
        if cached is not None:
            return cached
        stats: dict[str, float] = {"_id": 1.0}
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            has_stats = cur.fetchone() is not None
            cur.execute("SELECT il.name, ii.name FROM pragma_index_list(%s) il, pragma_index_info(il.name) ii "
                        "WHERE ii.seqno = 0", [table])
            firsts = cur.fetchall()
            by_index = {}
            if has_stats:
                cur.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s", [table])
                by_index = dict(cur.fetchall())
        for index, column in firsts:
            parts = str(by_index.get(index) or "").split()
            average = float(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0.0
            stats[column] = max(stats.get(column, 0.0), average)
        if not firsts or any(stats.get(column, 0.0) <= 0 for _index, column in firsts):
            return stats  # indexes still to come, or not analyzed yet: ask again next time
        if len(_SQLITE_INDEX_STATS) > 1000:
            _SQLITE_INDEX_STATS.clear()
        _SQLITE_INDEX_STATS[table] = stats
        return stats

    def filters_to_scan(self, table: str, *, row_count: int, filters: dict[str, int], sort: str,
                        rows_wanted: int) -> set[str]:
        # SQLite's planner picks the filter's index and sorts every match, even for LIMIT 100 out
        # of 66,000 matches (60 ms on 1M rows). Walking the sort index visits about
        # rows_wanted × row_count / matches rows instead; worth it when that is fewer than matches.
        if not filters or row_count <= 0:
            return set()
        stats = self.index_stats(table)
        if sort not in stats:
            return set()
        matches = float(row_count)
        for column, values in filters.items():
            average = stats.get(column)
            if average is None:
                continue  # not indexed: the planner cannot pick it anyway
            if average <= 0:
                return set()  # indexed but never analyzed: no estimate, leave the planner alone
            matches *= min(1.0, values * average / row_count)
        if matches * matches > rows_wanted * row_count:
            return {c for c in filters if c in stats}
        return set()

    def column_unindexed(self, column_sql: str) -> str:
        return f"+{column_sql}"

    def fts_first_condition(self, table: str, text_columns: Sequence[str], q: str, *,
                            first: int) -> tuple[str, list[Any]]:
        # FTS5 gives rowids in order: stopping after ``first`` avoids collecting every match (266,000
        # for a common word on 1M rows: 34 ms against 6 ms).
        sql, params = self.fts_condition(table, text_columns, q)
        if sql.endswith("MATCH %s)"):
            sql = sql[:-1] + f" ORDER BY rowid LIMIT {int(first)})"
        return sql, params

    @contextlib.contextmanager
    def limited(self, *, seconds: float, read_only: bool = True,
                tables: Collection[str] | None = None) -> Iterator[None]:
        if read_only and tables is None:
            tables = public_table_names()
        connection.ensure_connection()
        raw: sqlite3.Connection = connection.connection
        deadline = time.monotonic() + seconds
        timed_out = {"hit": False}

        def check() -> int:
            if time.monotonic() > deadline:
                timed_out["hit"] = True
                return 1
            return 0

        raw.set_progress_handler(check, 20_000)
        if read_only:
            raw.set_authorizer(_sqlite_reader(tables or ()))
        try:
            yield
        except Exception as exc:
            if timed_out["hit"]:
                raise QueryTimeout from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)
            if read_only:
                raw.set_authorizer(None)


_SQLITE_INDEX_STATS: dict[str, dict[str, float]] = {}
_SQLITE_ALLOWED_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION}
if hasattr(sqlite3, "SQLITE_RECURSIVE"):
    _SQLITE_ALLOWED_ACTIONS.add(sqlite3.SQLITE_RECURSIVE)
_SQLITE_REFUSED_FUNCTIONS = {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit",
                             "zeroblob", "randomblob"}  # the last two: a gigabyte from one call


def _sqlite_reader(tables: Collection[str]) -> Callable[..., int]:
    """An authorizer for user SQL: SELECT, reads of ``tables`` only (and of its CTEs, which SQLite
    reports as reads too, renamed ``_sandbox_…`` by the caller), no privileged function."""
    readable = {t.casefold() for t in tables}

    def authorize(action: int, arg1: str | None, arg2: str | None, dbname: str | None, source: str | None) -> int:
        if action == sqlite3.SQLITE_READ:
            name = (arg1 or "").casefold()
            return sqlite3.SQLITE_OK if name in readable or name.startswith(SANDBOX_PREFIX) else sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_FUNCTION:
            return sqlite3.SQLITE_DENY if (arg2 or "").casefold() in _SQLITE_REFUSED_FUNCTIONS else sqlite3.SQLITE_OK
        if action in _SQLITE_ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg1 in {"data_version"}:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


def public_table_names() -> list[str]:
    """Physical names of the datastore tables of public resources, asked of the access model now."""
    from ouvert.core import access

    from .models import DatastoreTable

    public = access.readable_keys(None, "resource")
    return list(DatastoreTable.objects.filter(resource_id__in=public).values_list("table_name", flat=True))


class PostgresBackend(BackendBase):
    vendor = "postgresql"
    types = PG_TYPES
    # The GIN index of ``to_tsvector`` over every row is the longest step of a load (32 s of 59 s
    # for 1M rows in bench/ingest_e2e.py); ``fts_condition`` computes the same expression, so a
    # query without the index gives the same rows, by a sequential scan.
    fulltext_after_swap = True

    def analyze(self, table: str) -> None:
        """``VACUUM (ANALYZE)`` when allowed (outside a transaction): statistics, and the visibility
        map that lets a count read the index alone — with ``ANALYZE`` only, the first count of each
        filter on a freshly loaded 1M-row table read every page (109 ms against 13.5 ms)."""
        with connection.cursor() as cur:
            if connection.in_atomic_block:
                cur.execute(f"ANALYZE {self.table_sql(table)}")
            else:
                cur.execute(f"VACUUM (ANALYZE) {self.table_sql(table)}")

    def table_sql(self, table: str) -> str:
        return f"{PG_SCHEMA}.{quote(table)}"

    def id_column_sql(self) -> str:
        return '"_id" bigint NOT NULL'

    def create_table(self, table: str, columns: Sequence[Any]) -> None:
        with connection.cursor() as cur:
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
        super().create_table(table, columns)

    @contextlib.contextmanager
    def copy_in(self, table: str, column_ids: Sequence[str]) -> Iterator[Any]:
        """A COPY … FROM STDIN into the columns, then ``_id``, in the text format with an empty field
        read as NULL; yields psycopg's copy object."""
        names = ", ".join([*(quote(c) for c in column_ids), "_id"])
        statement = f"COPY {self.table_sql(table)} ({names}) FROM STDIN WITH (FORMAT text, NULL '')"
        from psycopg.copy import QueuedLibpqWriter

        # A thread sends the data (its queue holds at most 1,024 buffers of 128 KB) while this one
        # reads and converts the next block, instead of waiting for the socket each time.
        with connection.cursor() as cur, cur.cursor.copy(statement, writer=QueuedLibpqWriter(cur.cursor)) as copy:
            yield copy

    def finish_load(self, table: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE {self.table_sql(table)} ADD PRIMARY KEY (_id)")

    def fts_config(self) -> str:
        """``datastore.fr_unaccent`` (French stemming, accents folded) when it exists, else ``french``."""
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace "
                        "WHERE c.cfgname = 'fr_unaccent' AND n.nspname = %s", [PG_SCHEMA])
            return f"{PG_SCHEMA}.fr_unaccent" if cur.fetchone() else FTS_CONFIG

    def ensure_fts_config(self) -> str:
        if self.fts_config() != FTS_CONFIG:
            return self.fts_config()
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                cur.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_SCHEMA}.fr_unaccent (COPY = pg_catalog.french)")
                cur.execute(f"ALTER TEXT SEARCH CONFIGURATION {PG_SCHEMA}.fr_unaccent ALTER MAPPING FOR hword, "
                            "hword_part, word WITH unaccent, french_stem")
        except Exception:  # no unaccent extension or no right to create it: plain French stemming
            return FTS_CONFIG
        return self.fts_config()

    def fts_expression(self, text_columns: Sequence[str], config: str = FTS_CONFIG) -> str:
        body = " || ' ' || ".join(f"coalesce({quote(t)}, '')" for t in text_columns)
        return f"to_tsvector('{config}'::regconfig, {body})"

    def create_fulltext(self, table: str, columns: Sequence[Any]) -> None:
        texts = [c.id for c in columns if c.type == "text"]
        if not texts:
            return
        config = self.ensure_fts_config()
        with connection.cursor() as cur:
            cur.execute(f"CREATE INDEX {quote(f'{table}_fts')} ON {self.table_sql(table)} "
                        f"USING gin ({self.fts_expression(texts, config)})")

    def fulltext_rows_changed(self, table: str, columns: Sequence[Any], ids: Sequence[int] | None,
                              deleted: dict[int, str] | None = None) -> None:
        return  # the GIN expression index follows the rows by itself

    def fts_condition(self, table: str, text_columns: Sequence[str], q: str) -> tuple[str, list[Any]]:
        words = fts_words(q)
        if not words:
            return "1 = 1", []
        if not text_columns:
            return "1 = 0", []
        query = " & ".join(f"{w}:*" for w in words)
        config = self.fts_config()
        return (f"{self.fts_expression(text_columns, config)} @@ to_tsquery('{config}'::regconfig, %s)",
                [query])

    def like_operator(self) -> str:
        return "ILIKE"

    def fulltext_rows_source(self, table_sql: str, where: str, *, matches: int | None, row_count: int,
                             rows_wanted: int) -> tuple[str, str]:
        # With ORDER BY … LIMIT, the planner likes to walk the sort index and compute to_tsvector on
        # every row until it has enough matches: 10 s on 1M rows for a rare or absent word. Unless
        # matches are known to be many, fence the full-text condition (OFFSET 0 stops the subquery
        # from being pulled up), so that the GIN index finds them and only the matches are sorted.
        if matches is not None and matches * matches > rows_wanted * row_count:
            return table_sql, where
        return f"(SELECT * FROM {table_sql} WHERE {where} OFFSET 0) AS _m", "1 = 1"  # noqa: S608 — quoted identifiers, bound values

    @contextlib.contextmanager
    def limited(self, *, seconds: float, read_only: bool = True,
                tables: Collection[str] | None = None) -> Iterator[None]:
        """``read_only``: a read-only transaction when outermost, and ``SET LOCAL ROLE`` to the
        reader role (:mod:`ouvert.datastore.reader_role`), which reads schema ``datastore`` only;
        without a usable role, :class:`ReaderRoleMissing` and nothing runs (``tables`` are checked
        by :meth:`check_relations`). Inside an outer transaction, the role and time limit are put
        back on the way out (an error rolls the savepoint back, which undoes them too)."""
        from .reader_role import reader_role_for_queries

        outermost = not connection.in_atomic_block
        role = reader_role_for_queries() if read_only else None
        if read_only and role is None:
            raise ReaderRoleMissing
        previous_role = None
        try:
            with transaction.atomic():
                with connection.cursor() as cur:
                    if read_only and outermost:
                        cur.execute("SET TRANSACTION READ ONLY")
                    cur.execute("SET LOCAL statement_timeout = %s", [f"{int(seconds * 1000)}ms"])
                    cur.execute("SET LOCAL work_mem = %s", [f"{max(1, settings.DATASTORE_QUERY_WORK_MEM_MB)}MB"])
                    if role is not None:
                        if not outermost:
                            cur.execute("SELECT current_setting('role')")
                            previous_role = cur.fetchone()[0]
                        cur.execute(f"SET LOCAL ROLE {quote(role)}")
                yield
                with connection.cursor() as cur:
                    if previous_role is not None:
                        cur.execute("SELECT set_config('role', %s, true)", [previous_role])
                    cur.execute("SET LOCAL statement_timeout = 0")
                    cur.execute("SET LOCAL work_mem TO DEFAULT")
        except Exception as exc:
            if "statement timeout" in str(exc):
                raise QueryTimeout from exc
            raise

    def text_expression(self, column_sql: str) -> str:
        return f"CAST({column_sql} AS TEXT)"

    def byte_length_sql(self, column_sql: str) -> str:
        return f"coalesce(octet_length(CAST({column_sql} AS text)), 0)"

    def check_relations(self, sql: str, tables: Collection[str]) -> None:
        """Ask the planner (``EXPLAIN``, nothing runs) which relations the statement reads, names
        resolved as PostgreSQL resolves them: each must be one of ``tables`` in schema ``datastore``;
        a scan of a function's result (``pg_ls_dir``, ``dblink``…) is refused too. Behind the parser,
        this is what keeps private tables of the same schema out of a statement."""
        allowed = {t.casefold() for t in tables}
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {sql}")
            plan = cur.fetchone()[0]
        if isinstance(plan, str):
            import json

            plan = json.loads(plan)
        pending = [entry["Plan"] for entry in plan]
        while pending:
            node = pending.pop()
            pending.extend(node.get("Plans", []))
            kind = str(node.get("Node Type", ""))
            if "Function Name" in node or "Function" in kind or kind in {"Foreign Scan", "Custom Scan"}:
                raise RelationRefused(str(node.get("Function Name") or kind))
            relation = node.get("Relation Name")
            if relation is not None and (node.get("Schema") != PG_SCHEMA or relation.casefold() not in allowed):
                raise RelationRefused(f"{node.get('Schema')}.{relation}")


def get_backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
