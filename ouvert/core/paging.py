"""Offset pages of the native API's lists: one pair of parameters and one answer shape
(``count``, ``offset``, ``results``), shared by every app that lists with offset and limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema


class OffsetParams(Schema):
    """The paging half of a list's query parameters; a list's filters inherit it."""

    offset: int = Field(0, ge=0, le=1_000_000_000, description="Rang du premier résultat (0 pour le début).")
    limit: int = Field(50, ge=1, le=200, description="Nombre de résultats par page (200 au plus).")


def offset_page(rows: QuerySet[Any] | Sequence[Any], params: OffsetParams) -> dict[str, Any]:
    """The page of ``rows`` that ``params`` asks for, with the total count (one ``COUNT`` for a queryset)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {"count": count, "offset": params.offset,
            "results": list(rows[params.offset: params.offset + params.limit])}
