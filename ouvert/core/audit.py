"""The audit log. Services call :func:`audit_record` after every write."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .actors import Actor, actor_label, is_system
from .models import AuditEntry, Organization


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
    actor: Actor | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    organization: Organization | None = None,
    label: str | None = None,
) -> AuditEntry:
    """One entry: a person is linked and named by e-mail; a system actor (:mod:`ouvert.core.actors`)
    is named ``system:<name>`` with no link; ``None`` or an anonymous user is ``anonyme``."""
    person = actor if actor is not None and not is_system(actor) and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=person,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label or str(obj))[:300],
        organization=organization,
        changes=_jsonable(changes or {}),
    )
