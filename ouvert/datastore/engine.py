"""The ingestion engine: profile a sheet over the whole file (pass 1), then convert and bulk load it
into a fresh physical table (pass 2). No Django models here: the task and services drive it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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


def _profile(sheet: Sheet, options: IngestOptions, progress: Progress | None, started: float) -> SheetProfile:
    width = len(sheet.labels)
    profiles = [ColumnProfile() for _ in range(width)]
    short_rows = long_rows = 0
    short_examples: list[int] = []
    long_examples: list[int] = []
    count = 0
    limit = options.row_limit
    decorative: list[int] = []
    blank_rows: list[int] = []
    first_data_row = 2 if sheet.detected.get("has_header") else 1
    for count, row in enumerate(sheet.rows(), start=1):  # noqa: B007 — count is used after the loop
        n = len(row)
        if n != width:
            if n > width:
                if any(v not in (None, "") for v in row[width:]):
                    long_rows += 1
                    if len(long_examples) < 10:
                        long_examples.append(count + first_data_row - 1)
                    profiles.extend(ColumnProfile() for _ in range(n - width))
                    for p in profiles[width:]:
                        p.empty += count - 1
                    width = n
                else:
                    row = row[:width]
            else:
                short_rows += 1
                if len(short_examples) < 10:
                    short_examples.append(count + first_data_row - 1)
        line = count + first_data_row - 1
        head = row[0] if row else None
        if head is not None and head[:5].lower() in ("total", "sous-", "grand") and \
                head.strip().lower().split(" ")[0] in ("total", "totaux", "sous-total", "grand"):
            decorative.append(line)
        elif not any(row):
            blank_rows.append(line)
        for profile, value in zip(profiles, row, strict=False):
            profile.observe(value, line)
        if progress and count % PROGRESS_EVERY == 0:
            progress("profile", sheet.bytes_read(), count)
        if limit and count >= limit:
            break
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


def load_sheet(sheet: Sheet, profile: SheetProfile, backend: Backend, table: str, *,
               options: IngestOptions, progress: Progress | None = None) -> LoadResult:
    """Pass 2: convert every row and bulk load it into ``table`` (created here), then index it."""
    columns = profile.columns
    width = len(columns)
    normalizers = []
    for col, prof in zip(columns, profile.profiles, strict=True):
        normalizers.append(make_normalizer(
            col.type, decimal_comma=bool(prof.decimal_comma), month_first=prof.month_first,
            date_formats=prof.date_formats))
    converted = [(i, fn, columns[i]) for i, fn in enumerate(normalizers) if fn is not None]
    text_positions = [i for i, fn in enumerate(normalizers) if fn is None]
    errors: list[dict[str, Any]] = []
    first_data_row = 2 if profile.detected.get("has_header") else 1
    limit = options.row_limit

    def rows():
        count = 0
        for count, raw in enumerate(sheet.rows(), start=1):  # noqa: B007
            n = len(raw)
            if n < width:
                raw = list(raw) + [None] * (width - n)
            elif n > width:
                raw = raw[:width]
            else:
                raw = list(raw)
            for i in text_positions:
                if raw[i] == "":
                    raw[i] = None
            for i, fn, column in converted:
                try:
                    raw[i] = fn(raw[i])
                except ConversionError as exc:
                    if len(errors) < MAX_REPORTED_ERRORS:
                        errors.append({"row": count + first_data_row - 1, "column": column.id,
                                       "value": exc.value[:200], "expected": exc.expected})
                    raw[i] = None
            raw.insert(0, count)
            yield raw
            if progress and count % PROGRESS_EVERY == 0:
                progress("load", sheet.bytes_read(), count)
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
            if limit and count >= limit:
                break

    backend.create_table(table, columns)
    started = time.perf_counter()
    try:
        loaded = backend.bulk_load(table, columns, rows())
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
