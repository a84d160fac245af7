"""Field types inferred over every value (not a sample) of a layer's attributes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .base import FieldInfo


def _kind(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (date, datetime)):
        return "date"
    return "text"


def infer_fields(rows: list[dict[str, Any]]) -> list[FieldInfo]:
    """Names in first-seen order; a column mixing integers and decimals is a number; any text wins."""
    kinds: dict[str, set[str]] = {}
    for row in rows:
        for key, value in row.items():
            seen = kinds.setdefault(str(key), set())
            kind = _kind(value)
            if kind:
                seen.add(kind)
    fields = []
    for name, seen in kinds.items():
        if seen and seen <= {"integer", "number"}:
            kind = "number" if "number" in seen else "integer"
        elif len(seen) == 1:
            kind = next(iter(seen))
        else:
            kind = "text"
        fields.append(FieldInfo(name=name, type=kind))
    return fields
