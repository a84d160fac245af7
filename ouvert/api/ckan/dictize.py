"""Ouvert objects as CKAN dictionaries. Ouvert's own fields are top-level keys (as ckanext-scheming
does); translated fields also come as ``<field>_translated`` dicts (as ckanext-fluent does)."""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ouvert.core import permissions
from ouvert.core.models import Membership, User
from ouvert.core.read_model import OrganizationView

from .registry import Context

if TYPE_CHECKING:
    from ouvert.catalog.read_model import ResourceView


def ckan_datetime(value: dt.datetime | None) -> str | None:
    """CKAN's timestamp format: UTC, no offset, microseconds (``2017-07-05T19:28:19.620158``)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def resource_download_path(resource: ResourceView) -> str:
    """CKAN's address of an uploaded file, ending with the file name (clients such as ``ckanapi load``
    name downloads after it)."""
    filename = quote(os.path.basename(resource.file_name)) or "fichier"
    return f"/dataset/{resource.dataset_id}/resource/{resource.id}/download/{filename}"


def resource_mimetype(resource: ResourceView) -> str | None:
    """The media type CKAN reports for a resource, guessed from its format."""
    return mimetypes.guess_type(f"x.{resource.format.lower()}")[0] if resource.format else None


def organization_dict(org: OrganizationView, context: Context, *, package_count: int | None = None) -> dict[str, Any]:
    logo = context.absolute(org.logo_url) if org.logo_url else ""
    data: dict[str, Any] = {
        "id": str(org.id),
        "name": org.slug,
        "title": org.name_fr,
        "display_name": org.name,
        "description": org.description_fr,
        "image_url": logo,
        "image_display_url": logo,
        "created": ckan_datetime(org.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
        "num_followers": 0,
        # Ouvert's fields
        "kind": org.kind,
        "acronym": org.acronym,
        "website": org.website,
        "title_translated": {"fr": org.name_fr, "en": org.name_en},
        "description_translated": {"fr": org.description_fr, "en": org.description_en},
        "metadata_modified": ckan_datetime(org.updated_at),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def user_public_name(user: User) -> str:
    """Users have no user name in Ouvert: their public name is their numeric id."""
    return str(user.pk)


def user_dict(user: User, context: Context) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(user.pk),
        "name": user_public_name(user),
        "fullname": user.full_name,
        "display_name": user.full_name or f"#{user.pk}",
        "about": "",
        "created": ckan_datetime(user.date_joined),
        "state": "active" if user.is_active else "deleted",
        "sysadmin": permissions.is_site_admin(user),
        "image_display_url": "",
    }
    viewer = context.user
    if viewer is not None and (viewer.pk == user.pk or permissions.is_site_admin(viewer)):
        data["email"] = user.email
    return data


def member_dict(membership: Membership) -> dict[str, Any]:
    return {
        "id": str(membership.pk),
        "table_name": "user",
        "table_id": str(membership.user_id),
        "group_id": str(membership.organization_id),
        "capacity": membership.role,
        "state": "active",
    }
