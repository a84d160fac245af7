"""Writing harvested datasets into the catalogue, through the compatible API's package layer (which
calls the catalogue's services, so a harvest obeys the same rules as a publisher)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, User

from .mapping import MappingError


def _catalog():
    if not apps.is_installed("ouvert.catalog"):
        raise MappingError(_("Le catalogue n'est pas installé : les jeux de données ne peuvent pas être écrits."))
    from ouvert.api.ckan import packages_write

    return packages_write


def upsert(pkg: dict[str, Any], *, organization: Organization, local_id: str | None, by: User,
           source_label: str) -> str:
    """Create (``local_id`` None) or replace a harvested dataset; return the local id."""
    return _catalog().harvest_upsert(pkg, organization=organization, local_id=local_id, by=by,
                                     source_label=source_label)


def delete(local_id: str, *, by: User) -> bool:
    """Delete a dataset its source no longer has; False when it was already gone."""
    return _catalog().harvest_delete(local_id, by=by)
