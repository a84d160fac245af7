"""Reading parameters from a CKAN data dict the way CKAN's validators do."""

from __future__ import annotations

import json
from typing import Any, overload

from django.utils.translation import gettext as _

from ouvert.core.bounds import int_param

from .errors import NotFound, ValidationError

TRUE = {"true", "1", "yes", "on", "t", "y"}
FALSE = {"false", "0", "no", "off", "f", "n", ""}


def as_bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    raise ValidationError({key: [_("Valeur booléenne attendue (true ou false).")]})


@overload
def as_int(data: dict[str, Any], key: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int: ...
@overload
def as_int(data: dict[str, Any], key: str, default: None, *, minimum: int = 0,
           maximum: int | None = None) -> int | None: ...
def as_int(data: dict[str, Any], key: str, default: int | None, *, minimum: int = 0,
           maximum: int | None = None) -> int | None:
    """An integer parameter within ``minimum``..``maximum`` (at most the database's int64 range): any
    other value — text, fraction, NaN, infinity, too large — is a Validation Error naming the key and
    the accepted range."""
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        return int_param(value, name=key, minimum=minimum, maximum=maximum)
    except ValueError as exc:
        raise ValidationError({key: [str(exc)]}) from None


def as_str(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError({key: [_("Texte attendu.")]})
    return value


def as_list(data: dict[str, Any], key: str) -> list[Any] | None:
    """A list given as a JSON list, a repeated form field, a JSON-encoded string or a comma list."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise ValidationError({key: [_("Liste JSON invalide.")]}) from None
            if isinstance(parsed, list):
                return parsed
        return [item.strip() for item in text.split(",") if item.strip()]
    raise ValidationError({key: [_("Liste attendue.")]})


def required(data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise ValidationError({key: [_("Valeur manquante")]})
    return value


def required_id(data: dict[str, Any], key: str = "id") -> str:
    """The identifier an action works on; CKAN answers a missing one with 404 in *_show actions."""
    value = data.get(key)
    if value is None or value == "":
        raise ValidationError({key: [_("Valeur manquante")]})
    if not isinstance(value, (str, int)):
        raise NotFound(_("identifiant invalide"))
    return str(value).strip()
