"""The ingestion engine: profile a sheet over the whole file (pass 1), then convert and bulk load it
into a fresh physical table (pass 2). No Django models here: the task and services drive it.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction

from ouvert.core.messages import message, render

from .backends import Backend, PostgresBackend, SqliteBackend
from .infer import TYPES, ColumnProfile, ConversionError, make_normalizer
from .sources import IngestOptions, Sheet, SourceError, check_width, make_column_names

PROGRESS_EVERY = 20_000
MAX_REPORTED_ERRORS = 50


class Cancelled(Exception):
    """Raised by a progress callback to stop a load."""


class LoadFailed(Exception):
    """Values did not fit their columns: ``stored`` says so (a message), ``errors`` lists them."""

    def __init__(self, stored: dict[str, Any], errors: list[dict[str, Any]]):
        super().__init__(render(stored))
        self.stored = stored
        self.errors = errors


Progress = Callable[[str, int, int], None]  # (phase, bytes_read, rows)


@dataclass
class ColumnPlan:
    id: str
    label: str | None
    type: str
    detected_type: str
    detected: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    unit: str = ""
    overridden: bool = False
    # the publisher's word on ambiguous values, None when the profile decides
    month_first: bool | None = None
    decimal_comma: bool | None = None

    @property
    def forced(self) -> bool:
        return self.month_first is not None or self.decimal_comma is not None

    def as_field(self) -> dict[str, Any]:
        field = {"id": self.id, "type": self.type, "label": self.label or "", "description": self.description,
                 "unit": self.unit, "detected_type": self.detected_type, "detected": self.detected}
        if self.month_first is not None:
            field["day_month_order"] = "month_first" if self.month_first else "day_first"
        if self.decimal_comma is not None:
            field["decimal_mark"] = "," if self.decimal_comma else "."
        return field


@dataclass
class SheetProfile:
    columns: list[ColumnPlan]
    rows: int
    width_issues: dict[str, Any]
    profiles: list[ColumnProfile]
    detected: dict[str, Any]
    seconds: float


def profile_sheet(sheet: Sheet, options: IngestOptions, progress: Progress | None = None) -> SheetProfile:
    """Pass 1: every value of every column, to pick types no later row contradicts."""
    started = time.perf_counter()
    try:
        return _profile(sheet, options, progress, started)
    except UnicodeDecodeError as exc:
        if getattr(sheet, "encoding", None) in ("utf-8", "utf-8-sig") and not options.encoding:
            # UTF-8 in the first kilobytes, something else further down: Windows-1252 is the usual culprit.
            sheet.encoding = "cp1252"
            sheet.detected["encoding"] = "cp1252"
            sheet.detected["encoding_note"] = f"utf-8_invalid_at_byte_{exc.start}"
            return _profile(sheet, options, progress, started)
        raise SourceError.of("source.encoding", encoding=getattr(sheet, "encoding", "?"),
                             position=exc.start) from exc


CHUNK = 10_000
_TOTAL_WORDS = ("total", "totaux", "sous-total", "grand")


def iter_chunks(sheet: Sheet, limit: int | None = None) -> Iterator[list[list[str]]]:
    """Rows in blocks of ``CHUNK``, every cell a string ("" for empty)."""
    rows = sheet.rows()
    if limit:
        rows = itertools.islice(rows, limit)
    textual = sheet.detected.get("format") == "csv"
    while True:
        chunk = list(itertools.islice(rows, CHUNK))
        if not chunk:
            return
        if not textual:
            chunk = [["" if v is None else v for v in row] for row in chunk]
        yield cast("list[list[str]]", chunk)  # a CSV reader yields no None; other formats' were replaced


class _Profiler:
    """Profiles a sheet block by block: pads short rows, notes long, blank and total rows, and feeds
    every cell to its column's :class:`ColumnProfile`. Shared by the single pass and pass 1."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.width = len(sheet.labels)
        self.profiles = [ColumnProfile() for _ in range(self.width)]
        self.short_rows = self.long_rows = 0
        self.short_examples: list[int] = []
        self.long_examples: list[int] = []
        self.count = 0
        self.decorative: list[int] = []
        self.blank_rows: list[int] = []
        self.first_data_row = 2 if sheet.detected.get("has_header") else 1

    def feed(self, chunk: list[list[str]]) -> tuple[list[list[str]], list[tuple[str, ...]], int]:
        """Profile one block; returns it padded to the sheet's width, its columns and its first row number."""
        width = self.width
        count = self.count
        first_line = count + self.first_data_row
        widths = set(map(len, chunk))
        uneven = [i for i, row in enumerate(chunk) if len(row) != width] if widths != {width} else []
        for i in uneven:
            row = chunk[i]
            n = len(row)
            if n > width and any(row[width:]):
                check_width(n, sheet=self.sheet.detected.get("sheet"))
                self.long_rows += 1
                if len(self.long_examples) < 10:
                    self.long_examples.append(first_line + i)
                for _ in range(width, n):
                    extra = ColumnProfile()
                    extra.empty = count  # the rows of earlier chunks had nothing there
                    self.profiles.append(extra)
                width = self.width = n
            elif n > width:
                chunk[i] = row[:width]
            else:
                self.short_rows += 1
                if len(self.short_examples) < 10:
                    self.short_examples.append(first_line + i)
                chunk[i] = row + [""] * (width - n)
        if uneven:
            chunk = [row + [""] * (width - len(row)) if len(row) < width else row for row in chunk]
        columns = list(zip(*chunk, strict=True)) if chunk else []
        if columns:
            firsts = "\n".join(columns[0]).lower()
            if any(word in firsts for word in _TOTAL_WORDS):  # one search in C before looking cell by cell
                for head in set(columns[0]):
                    if head[:1] in "tTsSgG" and head.strip().lower().split(" ")[0] in _TOTAL_WORDS:
                        self.decorative.extend(first_line + i for i, v in enumerate(columns[0]) if v == head)
            if "" in columns[0]:
                self.blank_rows.extend(first_line + i for i, row in enumerate(chunk) if not row[0] and not any(row))
        for profile, values in zip(self.profiles, columns, strict=False):
            profile.observe_chunk(values, first_line)
        self.count += len(chunk)
        return chunk, columns, first_line

    def plans(self, options: IngestOptions) -> list[ColumnPlan]:
        """The columns as the profile so far describes them, publisher overrides applied."""
        labels = list(self.sheet.labels) + [None] * (self.width - len(self.sheet.labels))
        names = make_column_names(labels)
        columns: list[ColumnPlan] = []
        for name, label, profile in zip(names, labels, self.profiles, strict=True):
            override = options.columns.get(name) or options.columns.get(label or "") or {}
            kind = override.get("type") or profile.final_type
            if kind not in TYPES:
                raise SourceError.of("source.unknown_type", type=kind, column=name, types=list(TYPES))
            columns.append(ColumnPlan(
                id=name, label=override.get("label") or label, type=kind, detected_type=profile.final_type,
                detected=profile.describe(),
                description=override.get("description", ""), unit=override.get("unit", ""),
                overridden=bool(override.get("type")) and override.get("type") != profile.final_type,
                month_first={"month_first": True, "day_first": False}.get(override.get("day_month_order", "")),
                decimal_comma={",": True, ".": False}.get(override.get("decimal_mark", "")),
            ))
        return columns

    def result(self, options: IngestOptions, started: float) -> SheetProfile:
        width_issues: dict[str, Any] = {}
        if self.short_rows:
            width_issues["short_rows"] = self.short_rows
            width_issues["short_row_examples"] = self.short_examples
        if self.long_rows:
            width_issues["long_rows"] = self.long_rows
            width_issues["long_row_examples"] = self.long_examples
        if self.decorative:
            width_issues["total_rows"] = self.decorative[:20]
        if self.blank_rows:
            width_issues["blank_rows"] = self.blank_rows[:20]
        return SheetProfile(columns=self.plans(options), rows=self.count, width_issues=width_issues,
                            profiles=self.profiles, detected=dict(self.sheet.detected),
                            seconds=time.perf_counter() - started)


def _profile(sheet: Sheet, options: IngestOptions, progress: Progress | None, started: float) -> SheetProfile:
    profiler = _Profiler(sheet)
    for chunk in iter_chunks(sheet, options.row_limit):
        profiler.feed(chunk)
        if progress:
            progress("profile", sheet.bytes_read(), profiler.count)
    return profiler.result(options, started)


MAX_INDEXES = 12


def index_columns(columns: list[ColumnPlan], profiles: list[ColumnProfile]) -> list[str]:
    """Columns worth a B-tree index: typed ones, then short categorical text (filters and facets).
    Booleans are left out: half the table matches either value, a scan is as fast."""
    typed = [c.id for c in columns if c.type not in ("text", "bool")]
    categorical = [c.id for c, p in zip(columns, profiles, strict=False)
                   if c.type == "text" and p.distinct is not None and p.max_length <= 200 and p.non_empty]
    return (typed + categorical)[:MAX_INDEXES]


@dataclass
class LoadResult:
    rows: int
    load_seconds: float
    index_seconds: float
    fulltext_seconds: float
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # the same phases in process CPU time
    fulltext_pending: bool = False  # the backend builds the full text after the swap (build_fulltext)
    pending_indexes: list[str] = field(default_factory=list)  # built after the swap (build_indexes)


_NUMBER_TEXT = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, ",": "."})
_DROP_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None})

ColumnConverter = Callable[[Sequence[str], int], Sequence[Any]]


def _nulls(values: Sequence[str]) -> Sequence[str | None]:
    """The block with its empty cells as NULL; the block itself when it has none (one search in C
    instead of a new list built cell by cell)."""
    if "" not in values:
        return values
    return [v or None for v in values]


def column_converter(column: ColumnPlan, profile: ColumnProfile, errors: list[dict[str, Any]]) -> ColumnConverter:
    """A function converting a block of raw cells of one column to what the database parses.

    Columns whose every value passed the block checks of pass 1 take C-speed paths (string
    translation of the joined block); the others go through the per-value normalizer, once per
    distinct value of the block, and report each value that does not fit with its row."""
    decimal_comma = bool(profile.decimal_comma) if column.decimal_comma is None else column.decimal_comma
    month_first = profile.month_first if column.month_first is None else column.month_first
    fn = make_normalizer(column.type, decimal_comma=decimal_comma, month_first=month_first,
                         date_formats=profile.date_formats, thousands_comma=column.decimal_comma is False)
    clean = not profile.markers and column.type == column.detected_type and not column.forced

    known: dict[str, Any] = {}  # raw -> converted, kept from block to block (dates, booleans repeat)

    def mapped(values: Sequence[str], first_row: int) -> list:
        try:
            return list(map(known.__getitem__, values))
        except KeyError:
            pass
        if len(known) > 100_000:
            known.clear()
        for value in set(values).difference(known):
            try:
                known[value] = fn(value) if fn is not None else value  # fn: None only for text, never mapped
            except ConversionError as exc:
                known[value] = None
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append({"row": first_row + values.index(value), "column": column.id,
                                   "value": exc.value[:200], "expected": exc.expected_message()})
        return list(map(known.__getitem__, values))

    def translated(trans: dict[int, Any]) -> ColumnConverter:
        def convert(values: Sequence[str], first_row: int) -> Sequence[str | None]:
            out = "\n".join(values).translate(trans).split("\n")
            if len(out) != len(values):
                return mapped(values, first_row)
            return _nulls(out)
        return convert

    def plain(values: Sequence[str], first_row: int) -> Sequence[str | None]:
        return _nulls(values)

    if fn is None:
        return plain
    if clean and column.type == "int":
        return translated(_DROP_SPACES) if profile.thousands_space else plain
    if clean and column.type == "numeric":
        if profile.decimal_comma or profile.thousands_space:
            return translated(_NUMBER_TEXT if profile.decimal_comma else _DROP_SPACES)
        return plain
    return mapped


def load_sheet(sheet: Sheet, profile: SheetProfile, backend: Backend, table: str, *,
               options: IngestOptions, progress: Progress | None = None) -> LoadResult:
    """Pass 2: convert every block of rows and load it into ``table`` (created here), then index it."""
    started, cpu_started = time.perf_counter(), time.process_time()
    columns = profile.columns
    width = len(columns)
    errors: list[dict[str, Any]] = []
    writer = _writer(backend, table, sheet)
    writer.prepare(columns, profile.profiles, errors)
    first_data_row = 2 if profile.detected.get("has_header") else 1
    backend.create_table(table, columns)
    loaded = 0
    try:
        for chunk in iter_chunks(sheet, options.row_limit):
            if set(map(len, chunk)) != {width}:
                chunk = [row[:width] if len(row) > width else row + [""] * (width - len(row)) for row in chunk]
            first_row = writer.next_id - 1 + first_data_row
            writer.add(chunk, list(zip(*chunk, strict=True)), first_row)
            if writer.pending_rows >= GROUP_ROWS:
                loaded += writer.flush()
                if progress:
                    progress("load", sheet.bytes_read(), loaded)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    except UnicodeDecodeError as exc:
        writer.abort(exc)
        raise SourceError.of("source.invalid_byte", encoding=getattr(sheet, "encoding", "?"),
                             position=exc.start) from exc
    except BaseException as exc:
        writer.abort(exc)
        raise
    loaded += writer.flush()
    return _finish(sheet, backend, table, profile, errors, loaded, progress, started, cpu_started)


def _finish(sheet: Sheet, backend: Backend, table: str, profile: SheetProfile, errors: list[dict[str, Any]],
            loaded: int, progress: Progress | None, started: float, cpu_started: float) -> LoadResult:
    """After the last row: refuse the load if values did not fit, else the primary key and (SQLite)
    the full text. The B-tree indexes are left for after the swap (:func:`build_indexes`, named in
    ``pending_indexes``): a table answers every query without them, filters and sorts by scanning."""
    if errors:
        raise LoadFailed(message("ingest.type_mismatch", count=len(errors)), errors)
    backend.finish_load(table)
    load_seconds = time.perf_counter() - started
    cpu = {"load": time.process_time() - cpu_started}
    pending = index_columns(profile.columns, profile.profiles)
    if backend.fulltext_after_swap:
        return LoadResult(rows=loaded, load_seconds=load_seconds, index_seconds=0.0, fulltext_seconds=0.0,
                          cpu_seconds=cpu, fulltext_pending=True, pending_indexes=pending)
    if progress:
        progress("index", sheet.total_bytes, loaded)
    fulltext_seconds, cpu["fulltext"] = build_fulltext(backend, table, profile.columns)
    return LoadResult(rows=loaded, load_seconds=load_seconds, index_seconds=0.0,
                      fulltext_seconds=fulltext_seconds, cpu_seconds=cpu, pending_indexes=pending)


def build_indexes(backend: Backend, table: str, column_ids: Sequence[str]) -> tuple[float, float]:
    """The B-tree indexes of a loaded table, then its statistics (which, on SQLite, describe those
    indexes); returns the wall-clock and process CPU seconds. The statistics are taken outside any
    transaction of ours, where PostgreSQL's ``VACUUM (ANALYZE)`` also sets the visibility map."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():  # a savepoint when called inside a transaction (tests, CLI)
        backend.create_indexes(table, column_ids)
    backend.analyze(table)
    return time.perf_counter() - started, time.process_time() - cpu_started


def complete_table(backend: Backend, table: str, profile: SheetProfile, result: LoadResult) -> LoadResult:
    """What the ingestion service does after the swap, done at once (benches, tests, the CLI's
    in-process loads): the pending indexes and statistics, then the pending full text."""
    result.index_seconds, result.cpu_seconds["index"] = build_indexes(backend, table, result.pending_indexes)
    result.pending_indexes = []
    if result.fulltext_pending:
        result.fulltext_seconds, result.cpu_seconds["fulltext"] = build_fulltext(backend, table, profile.columns)
        result.fulltext_pending = False
    return result


def build_fulltext(backend: Backend, table: str, columns: Sequence[ColumnPlan]) -> tuple[float, float]:
    """The full-text index of a loaded table; returns its wall-clock and process CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    backend.create_fulltext(table, columns)
    return time.perf_counter() - started, time.process_time() - cpu_started


# Single pass ---------------------------------------------------------------------------------------

GROUP_ROWS = 50_000  # rows per write transaction: progress becomes visible and cancellable between them


def _writer(backend: Backend, table: str, sheet: Sheet) -> _Writer:
    if isinstance(backend, SqliteBackend):
        return _SqliteWriter(backend, table)
    if isinstance(backend, PostgresBackend):
        return _CopyWriter(backend, table, textual=sheet.detected.get("format") == "csv")
    raise TypeError(f"no bulk loader for the {backend.vendor} datastore")


class _Respeculate(Exception):
    """A block contradicted what the first blocks said about a column: load again in two passes."""


def _signature(column: ColumnPlan, profile: ColumnProfile) -> tuple:
    """What a block may not change once rows are loaded: the type (as forced or as detected then)
    and the day/month order."""
    return (column.type if column.overridden or column.type != column.detected_type else profile.final_type,
            profile.final_type, profile.month_first if column.month_first is None else column.month_first)


def _refinements(profile: ColumnProfile) -> tuple:
    """What a converter depends on besides the type; these may only grow block after block."""
    return (bool(profile.decimal_comma), profile.thousands_space, bool(profile.markers),
            tuple(profile.date_formats), frozenset(profile.bool_words), profile.empty > 0)


def _database_parses(column: ColumnPlan, profile: ColumnProfile) -> bool:
    """Whether the database can take the column's raw cells as they are: text, and integers and
    decimals written the way SQLite's column affinity and PostgreSQL's COPY read them (a decimal
    point, no thousands separator, no empty marker). Anything else is converted in Python; SQL
    functions in the insert doubled its time in bench/datastore_ingest.py."""
    if column.type == "text":
        return True
    if profile.markers or column.type != column.detected_type or column.forced:
        return False
    if column.type not in ("int", "numeric") or profile.thousands_space:
        return False
    return not (column.type == "numeric" and profile.decimal_comma)


class _Writer:
    """Raw rows to the database block by block, one transaction per group of blocks. Columns the
    database parses as they are (clean integers and decimals, text) go untouched; the others (a
    decimal comma, a thousands separator, dates, booleans, empty markers, a forced type) are
    converted in Python by blocks and written back into the rows, which are never rebuilt."""

    def __init__(self, backend: Backend, table: str):
        self.backend, self.table = backend, table
        self.pending_rows = 0
        self.next_id = 1
        self._group: contextlib.ExitStack | None = None

    def prepare(self, columns: list[ColumnPlan], profiles: list[ColumnProfile],
                errors: list[dict[str, Any]]) -> None:
        self.columns = columns
        self.python: list[tuple[int, ColumnConverter]] = []
        self.expressions = []
        for n, (column, profile) in enumerate(zip(columns, profiles, strict=True), start=1):
            if _database_parses(column, profile):
                self.expressions.append(self.backend.raw_cell_sql(n, nullable=profile.empty > 0))
            else:
                self.python.append((n - 1, column_converter(column, profile, errors)))
                self.expressions.append(f"?{n}")

    def add(self, chunk: list[list[str]], columns: list[tuple[str, ...]], first_row: int) -> None:
        for position, convert in self.python:
            for row, value in zip(chunk, convert(columns[position], first_row), strict=True):
                row[position] = value
        self.begin_group()
        self.write(chunk)
        self.next_id += len(chunk)
        self.pending_rows += len(chunk)

    def begin_group(self) -> None:
        """Open the transaction of a group of blocks (and what the writer keeps open with it)."""
        if self._group is None:
            self._group = contextlib.ExitStack()
            self._group.enter_context(transaction.atomic())
            self.open_group(self._group)

    def open_group(self, stack: contextlib.ExitStack) -> None:
        pass

    def write(self, chunk: list[list[str]]) -> None:
        raise NotImplementedError

    def flush(self) -> int:
        rows, self.pending_rows = self.pending_rows, 0
        if self._group is not None:
            group, self._group = self._group, None
            group.close()  # the COPY ends, the transaction commits
        return rows

    def abort(self, exc: BaseException) -> None:
        if self._group is not None:
            group, self._group = self._group, None
            group.__exit__(type(exc), exc, exc.__traceback__)


class _SqliteWriter(_Writer):
    """``executemany`` of the rows: column affinity parses clean numbers in C. When a block has
    converted columns, its rows are rebuilt from the columns by ``zip`` (in C, one tuple per row)
    rather than by writing each converted cell back into its row in a Python loop (5 columns of
    1,000,000 rows: 5,000,000 assignments)."""

    backend: SqliteBackend

    def prepare(self, columns: list[ColumnPlan], profiles: list[ColumnProfile],
                errors: list[dict[str, Any]]) -> None:
        super().prepare(columns, profiles, errors)
        self.sql = self.backend.insert_sql(self.table, [c.id for c in columns], self.expressions)

    def add(self, chunk: list[list[str]], columns: list[tuple[str, ...]], first_row: int) -> None:
        if not self.python:
            super().add(chunk, columns, first_row)
            return
        cells: list[Sequence[Any]] = list(columns)
        for position, convert in self.python:
            cells[position] = convert(columns[position], first_row)
        self.begin_group()
        self.backend.insert_rows(self.sql, zip(*cells, strict=True))
        self.next_id += len(chunk)
        self.pending_rows += len(chunk)

    def write(self, chunk: list[list[str]]) -> None:
        self.backend.insert_rows(self.sql, chunk)


# COPY's text format: tab between fields, newline between rows, backslash escapes (doubled here);
# with ``NULL ''`` an empty field is NULL, as an unquoted empty field is in the CSV format.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": None})


class _CopyWriter(_Writer):
    """One COPY per group, fed block by block while the next block is read: PostgreSQL parses its
    input in its own process, at the same time as this one profiles. The block goes to COPY's text
    format built column-wise in C (``zip`` and ``str.join``): the rows of the reader are never
    touched, converted columns replace raw ones, ``_id`` goes last. A block whose cells hold a tab,
    a line break or a value that is not a string is escaped cell by cell instead."""

    backend: PostgresBackend

    def __init__(self, backend: Backend, table: str, *, textual: bool = True):
        super().__init__(backend, table)
        self.textual = textual  # every raw cell a string (a CSV reader's), so the C path applies

    def open_group(self, stack: contextlib.ExitStack) -> None:
        self.copy = stack.enter_context(self.backend.copy_in(self.table, [c.id for c in self.columns]))

    def add(self, chunk: list[list[str]], columns: list[tuple[str, ...]], first_row: int) -> None:
        cells: list[Sequence[Any]] = list(columns)
        for position, convert in self.python:
            cells[position] = convert(columns[position], first_row)
        self.begin_group()
        count = len(chunk)
        ids = list(map(str, range(self.next_id, self.next_id + count)))
        self.copy.write(self._text_block(cells, ids, count))
        self.next_id += count
        self.pending_rows += count

    def _text_block(self, cells: list[Sequence[Any]], ids: list[str], count: int) -> str:
        if self.textual:
            columns = [(["" if v is None else v for v in column] if None in column else column) for column in cells]
            block = "\n".join(map("\t".join, zip(*columns, ids, strict=True)))
            # a tab or line break inside a cell would shift the fields: counted, then escaped if so
            if block.count("\t") == count * len(cells) and block.count("\n") == count - 1 and "\r" not in block:
                if "\\" in block:
                    block = block.replace("\\", "\\\\")
                if "\x00" in block:
                    block = block.replace("\x00", "")
                return block + "\n"
        rows = zip(*cells, ids, strict=True)
        return "".join("\t".join("" if v is None else str(v).translate(_COPY_ESCAPES) for v in row) + "\n"
                       for row in rows)


def ingest_sheet(sheet: Sheet, options: IngestOptions, backend: Backend, table: str, *,
                 progress: Progress | None = None) -> tuple[SheetProfile, LoadResult]:
    """Profile and load a sheet in one read of the file.

    Types are decided on the first block and every later block is still profiled in full: a block
    may refine a column (a thousands separator, an empty marker, another date format: the converter
    follows), but when it contradicts one (text in a number column, a day/month order reversed, a
    wider row), the table is dropped and the sheet loaded again in two passes, types known from the
    start. Either way the types come from every value of the file, never from a sample."""
    started = time.perf_counter()
    try:
        try:
            return _single_pass(sheet, options, backend, table, progress, started)
        except UnicodeDecodeError as exc:
            backend.drop_table(table)
            if getattr(sheet, "encoding", None) in ("utf-8", "utf-8-sig") and not options.encoding:
                sheet.encoding = "cp1252"
                sheet.detected["encoding"] = "cp1252"
                sheet.detected["encoding_note"] = f"utf-8_invalid_at_byte_{exc.start}"
                return _single_pass(sheet, options, backend, table, progress, started)
            raise SourceError.of("source.encoding", encoding=getattr(sheet, "encoding", "?"),
                                 position=exc.start) from exc
    except _Respeculate:
        backend.drop_table(table)
        profile = profile_sheet(sheet, options, progress)
        result = load_sheet(sheet, profile, backend, table, options=options, progress=progress)
        return profile, result


def _single_pass(sheet: Sheet, options: IngestOptions, backend: Backend, table: str, progress: Progress | None,
                 started: float) -> tuple[SheetProfile, LoadResult]:
    cpu_started = time.process_time()
    profiler = _Profiler(sheet)
    errors: list[dict[str, Any]] = []
    writer = _writer(backend, table, sheet)
    plans: list[ColumnPlan] | None = None
    signatures: list[tuple] = []
    refinements: list[tuple] = []
    loaded = 0
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived lists and strings, no cycles: the collector would only rescan them
    try:
        for raw in iter_chunks(sheet, options.row_limit):
            chunk, columns, first_row = profiler.feed(raw)
            profiles = profiler.profiles
            if plans is None:
                plans = profiler.plans(options)
                backend.create_table(table, plans)
                signatures = [_signature(c, p) for c, p in zip(plans, profiles, strict=True)]
                refinements = [_refinements(p) for p in profiles]
                writer.prepare(plans, profiles, errors)
            else:
                if len(profiles) != len(plans):
                    raise _Respeculate
                if [_signature(c, p) for c, p in zip(plans, profiles, strict=True)] != signatures:
                    raise _Respeculate
                now = [_refinements(p) for p in profiles]
                if now != refinements:
                    refinements = now
                    plans = profiler.plans(options)
                    writer.prepare(plans, profiles, errors)
            writer.add(chunk, columns, first_row)
            if writer.pending_rows >= GROUP_ROWS:
                loaded += writer.flush()
                if progress:
                    progress("load", sheet.bytes_read(), loaded)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    except BaseException as exc:
        writer.abort(exc)
        raise
    finally:
        if collecting:
            gc.enable()
    profile = profiler.result(options, started)
    if plans is None:  # no data row at all: the table has the header's columns, as text
        backend.create_table(table, profile.columns)
    else:
        loaded += writer.flush()
    result = _finish(sheet, backend, table, profile, errors, loaded, progress, started, cpu_started)
    profile.seconds = 0.0  # profiling happened during the load
    return profile, result
