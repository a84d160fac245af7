"""The audit log. Services call :func:`audit_record` after every write."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry, Organization, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of ``fields`` on ``instance``, ready to diff and to store as JSON."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    organization: Organization | None = None,
    label: str | None = None,
) -> AuditEntry:
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=person,
        actor_label=(person.email if person is not None else "système"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:300],
        organization=organization,
        changes=_jsonable(changes or {}),
    )
