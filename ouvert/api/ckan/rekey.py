"""Identifiers CKAN clients choose (``ckanapi load`` keeps the source's ids): parsed here, given to
the new rows by the catalogue's upsert (``ouvert/catalog/rekey.py``)."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _

from . import errors


def wanted_uuid(value: object, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise errors.ValidationError({field: [_("Identifiant UUID invalide.")]}) from None
