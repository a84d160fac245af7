"""The ingestion engine: profile a sheet over the whole file (pass 1), then convert and bulk load it
into a fresh physical table (pass 2). No Django models here: the task and services drive it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .backends import Backend
from .infer import TYPES, ColumnProfile, ConversionError, make_normalizer
from .sources import IngestOptions, Sheet, SourceError, make_column_names

PROGRESS_EVERY = 20_000
MAX_REPORTED_ERRORS = 50


class Cancelled(Exception):
    """Raised by a progress callback to stop a load."""


class LoadFailed(Exception):
    def __init__(self, message: str, errors: list[dict[str, Any]]):
        super().__init__(message)
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

    def as_field(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "label": self.label or "", "description": self.description,
                "unit": self.unit, "detected_type": self.detected_type, "detected": self.detected}


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
        raise SourceError(_("Le fichier n'est pas en %(enc)s (octet %(pos)d) : indiquez le bon encodage.")
                          % {"enc": getattr(sheet, "encoding", "?"), "pos": exc.start}) from exc


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
        yield chunk


def _profile(sheet: Sheet, options: IngestOptions, progress: Progress | None, started: float) -> SheetProfile:
    width = len(sheet.labels)
    profiles = [ColumnProfile() for _ in range(width)]
    short_rows = long_rows = 0
    short_examples: list[int] = []
    long_examples: list[int] = []
    count = 0
    decorative: list[int] = []
    blank_rows: list[int] = []
    first_data_row = 2 if sheet.detected.get("has_header") else 1
    for chunk in iter_chunks(sheet, options.row_limit):
        first_line = count + first_data_row
        widths = set(map(len, chunk))
        uneven = [i for i, row in enumerate(chunk) if len(row) != width] if widths != {width} else []
        for i in uneven:
            row = chunk[i]
            n = len(row)
            if n > width and any(row[width:]):
                long_rows += 1
                if len(long_examples) < 10:
                    long_examples.append(first_line + i)
                for _ in range(width, n):
                    extra = ColumnProfile()
                    extra.empty = count  # the rows of earlier chunks had nothing there
                    profiles.append(extra)
                width = n
            elif n > width:
                chunk[i] = row[:width]
            else:
                short_rows += 1
                if len(short_examples) < 10:
                    short_examples.append(first_line + i)
                chunk[i] = row + [""] * (width - n)
        if uneven:
            chunk = [row + [""] * (width - len(row)) if len(row) < width else row for row in chunk]
        columns = list(zip(*chunk, strict=True)) if chunk else []
        if columns:
            for head in set(columns[0]):
                if head[:1] in "tTsSgG" and head.strip().lower().split(" ")[0] in _TOTAL_WORDS:
                    decorative.extend(first_line + i for i, v in enumerate(columns[0]) if v == head)
        if columns and "" in columns[0]:
            blank_rows.extend(first_line + i for i, row in enumerate(chunk) if not row[0] and not any(row))
        for profile, values in zip(profiles, columns, strict=False):
            profile.observe_chunk(values, first_line)
        count += len(chunk)
        if progress:
            progress("profile", sheet.bytes_read(), count)
    labels = list(sheet.labels) + [None] * (width - len(sheet.labels))
    names = make_column_names(labels)
    columns: list[ColumnPlan] = []
    for name, label, profile in zip(names, labels, profiles, strict=True):
        override = options.columns.get(name) or options.columns.get(label or "") or {}
        kind = override.get("type") or profile.final_type
        if kind not in TYPES:
            raise SourceError(_("Type inconnu « %(type)s » pour la colonne « %(col)s » (permis : %(types)s).")
                              % {"type": kind, "col": name, "types": ", ".join(TYPES)})
        columns.append(ColumnPlan(
            id=name, label=label, type=kind, detected_type=profile.final_type, detected=profile.describe(),
            description=override.get("description", ""), unit=override.get("unit", ""),
            overridden=bool(override.get("type")) and override.get("type") != profile.final_type,
        ))
    width_issues = {}
    if short_rows:
        width_issues["short_rows"] = short_rows
        width_issues["short_row_examples"] = short_examples
    if long_rows:
        width_issues["long_rows"] = long_rows
        width_issues["long_row_examples"] = long_examples
    if decorative:
        width_issues["total_rows"] = decorative[:20]
    if blank_rows:
        width_issues["blank_rows"] = blank_rows[:20]
    return SheetProfile(columns=columns, rows=count, width_issues=width_issues, profiles=profiles,
                        detected=dict(sheet.detected), seconds=time.perf_counter() - started)


MAX_INDEXES = 12


def index_columns(columns: list[ColumnPlan], profiles: list[ColumnProfile]) -> list[str]:
    """Columns worth a B-tree index: typed ones, then short categorical text (filters and facets)."""
    typed = [c.id for c in columns if c.type != "text"]
    categorical = [c.id for c, p in zip(columns, profiles, strict=False)
                   if c.type == "text" and p.distinct is not None and p.max_length <= 200 and p.non_empty]
    return (typed + categorical)[:MAX_INDEXES]


@dataclass
class LoadResult:
    rows: int
    load_seconds: float
    index_seconds: float
    fulltext_seconds: float


_NUMBER_TEXT = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, ",": "."})
_DROP_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None})

ColumnConverter = Callable[[Sequence[str], int], list]


def column_converter(column: ColumnPlan, profile: ColumnProfile, errors: list[dict[str, Any]]) -> ColumnConverter:
    """A function converting a block of raw cells of one column to what the database parses.

    Columns whose every value passed the block checks of pass 1 take C-speed paths (string
    translation of the joined block); the others go through the per-value normalizer, once per
    distinct value of the block, and report each value that does not fit with its row."""
    fn = make_normalizer(column.type, decimal_comma=bool(profile.decimal_comma), month_first=profile.month_first,
                         date_formats=profile.date_formats)
    clean = not profile.markers and column.type == column.detected_type

    def mapped(values: Sequence[str], first_row: int) -> list:
        table: dict[str, Any] = {}
        for value in set(values):
            try:
                table[value] = fn(value)
            except ConversionError as exc:
                table[value] = None
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append({"row": first_row + values.index(value), "column": column.id,
                                   "value": exc.value[:200], "expected": exc.expected})
        return [table[v] for v in values]

    def translated(trans: dict[int, Any]) -> ColumnConverter:
        def convert(values: Sequence[str], first_row: int) -> list:
            out = "\n".join(values).translate(trans).split("\n")
            if len(out) != len(values):
                return mapped(values, first_row)
            return [v or None for v in out]
        return convert

    def plain(values: Sequence[str], first_row: int) -> list:
        return [v or None for v in values]

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
    """Pass 2: convert every block of rows and bulk load it into ``table`` (created here), then index it."""
    columns = profile.columns
    width = len(columns)
    errors: list[dict[str, Any]] = []
    converters = [column_converter(c, p, errors) for c, p in zip(columns, profile.profiles, strict=True)]
    first_data_row = 2 if profile.detected.get("has_header") else 1
    if backend.vendor == "postgresql":
        # The COPY holds the connection: a progress query on it would wait for the COPY forever.
        progress = None

    def chunks() -> Iterator[list[tuple]]:
        count = 0
        for chunk in iter_chunks(sheet, options.row_limit):
            if set(map(len, chunk)) != {width}:
                chunk = [row[:width] if len(row) > width else row + [""] * (width - len(row)) for row in chunk]
            raw_columns = list(zip(*chunk, strict=True))
            first_row = count + first_data_row
            converted = [convert(values, first_row) for convert, values in zip(converters, raw_columns, strict=True)]
            yield list(zip(range(count + 1, count + len(chunk) + 1), *converted, strict=True))
            count += len(chunk)
            if progress:
                progress("load", sheet.bytes_read(), count)
            if len(errors) >= MAX_REPORTED_ERRORS:
                return

    backend.create_table(table, columns)
    started = time.perf_counter()
    try:
        loaded = backend.bulk_load(table, columns, chunks())
    except UnicodeDecodeError as exc:
        raise SourceError(_("Octet invalide pour l'encodage %(enc)s à la position %(pos)d.")
                          % {"enc": getattr(sheet, "encoding", "?"), "pos": exc.start}) from exc
    load_seconds = time.perf_counter() - started
    if errors:
        raise LoadFailed(_("%(n)d valeur(s) ne correspondent pas au type de leur colonne.") % {"n": len(errors)},
                         errors)
    if progress:
        progress("index", sheet.total_bytes, loaded)
    started = time.perf_counter()
    backend.create_indexes(table, index_columns(columns, profile.profiles))
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    backend.create_fulltext(table, columns)
    fulltext_seconds = time.perf_counter() - started
    return LoadResult(rows=loaded, load_seconds=load_seconds, index_seconds=index_seconds,
                      fulltext_seconds=fulltext_seconds)
