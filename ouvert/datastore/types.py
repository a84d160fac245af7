"""Typed inputs and outputs of the datastore's query and write functions. The API layers build them
from their wire formats (CKAN's action dicts in ``ouvert/api/ckan/``, the native API's parameters)
and build their envelopes from the results; the datastore itself knows no wire format."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldSpec:
    """A column: its name, type (``text``, ``int``, ``numeric``, ``bool``, ``date``, ``timestamp``;
    on input an accepted alias such as ``int4`` or ``float8``) and data dictionary."""

    id: str
    type: str = "text"
    label: str = ""
    description: str = ""
    unit: str = ""
    # A JSON or array column (``json``, ``jsonb``, ``text[]``…) as a client declared it: stored as JSON text,
    # given back as the values written and under this type.
    declared_type: str = ""

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> FieldSpec:
        """A field as a table stores it (``DatastoreTable.fields`` items)."""
        return cls(id=stored["id"], type=stored["type"], label=stored.get("label") or "",
                   description=stored.get("description") or "", unit=stored.get("unit") or "",
                   declared_type=stored.get("declared_type") or "")


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    nulls_first: bool | None = None  # None: as PostgreSQL does (last ascending, first descending)


@dataclass(frozen=True)
class SearchQuery:
    """Rows of one table. ``filters``: column → accepted values (several mean OR; an empty list
    matches nothing); ``q``: full-text search over the text columns, or column → substring;
    ``fields``: the columns returned, in order (``None``: ``_id`` and every column); ``distinct``:
    distinct rows of the selected columns; ``include_total``: count the matching rows."""

    resource_id: str | uuid.UUID
    filters: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    q: str | Mapping[str, str] | None = None
    fields: Sequence[str] | None = None
    sort: Sequence[SortKey] = ()
    limit: int = 100
    offset: int = 0
    distinct: bool = False
    include_total: bool = True


@dataclass(frozen=True)
class SearchResult:
    """A page of rows: ``records`` are lists of values in the order of ``fields``; ``total`` is
    ``None`` unless asked for."""

    resource_id: uuid.UUID
    fields: tuple[FieldSpec, ...]
    records: list[list[Any]]
    total: int | None
    limit: int
    offset: int

    @property
    def names(self) -> list[str]:
        return [f.id for f in self.fields]


@dataclass(frozen=True)
class SqlResult:
    """The answer of one read-only SELECT: ``records`` as column → value; ``truncated`` when rows
    were left out (row cap, or byte cap, then ``bytes_max`` holds that cap)."""

    sql: str
    fields: tuple[FieldSpec, ...]
    records: list[dict[str, Any]]
    truncated: bool = False
    bytes_max: int | None = None


@dataclass(frozen=True)
class TableCreate:
    """Create a table (``fields`` required), or add the new ``fields`` to an existing one; then
    insert ``records`` (column → value). ``primary_key`` applies on creation."""

    resource_id: str | uuid.UUID
    fields: Sequence[FieldSpec] | None = None
    records: Sequence[Mapping[str, Any]] = ()
    primary_key: Sequence[str] = ()


@dataclass(frozen=True)
class TableState:
    """A table after a write: its columns and primary key."""

    resource_id: uuid.UUID
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class RowsWritten:
    resource_id: uuid.UUID
    method: str
    written: int


@dataclass(frozen=True)
class RowsDeleted:
    """``dropped``: the whole table went (no filters)."""

    resource_id: uuid.UUID
    dropped: bool
