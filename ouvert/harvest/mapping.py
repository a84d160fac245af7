"""From a remote package dict to local terms: organization, licence and formats."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouvert.core import services as core_services
from ouvert.core.models import Organization, OrganizationKind, User

from .models import HarvestSource


class MappingError(Exception):
    """This dataset cannot be mapped; ``str(exc)`` is the reason for the report."""


def resolve_organization(source: HarvestSource, remote: dict[str, Any] | None, *, by: User | None) -> Organization:
    """The local organization for a remote one: the source's map, the same name here, a new
    organization (when the source allows it), or the source's default organization."""
    remote = remote or {}
    name = str(remote.get("name") or "").strip()
    if name and name in source.organization_map:
        wanted = str(source.organization_map[name])
        org = Organization.objects.filter(slug=wanted).first()
        if org is None:
            raise MappingError(_("La correspondance envoie « %(remote)s » vers « %(local)s », qui n'existe pas.")
                               % {"remote": name, "local": wanted})
        return org
    if name:
        org = Organization.objects.filter(slug=slugify(name)[:100]).first()
        if org is not None:
            return org
        if source.create_organizations and by is not None:
            translated = remote.get("title_translated")
            if not isinstance(translated, dict):
                translated = {}
            try:
                return core_services.organization_create(
                    by=by, kind=OrganizationKind.PUBLIC_BODY, slug=slugify(name)[:100],
                    name_fr=str(translated.get("fr") or remote.get("title") or name)[:250],
                    name_en=str(translated.get("en") or "")[:250],
                    description_fr=str(remote.get("description") or ""),
                    website=str(remote.get("website") or "")[:200] if str(remote.get("website") or "").startswith(
                        ("http://", "https://")) else "")
            except (ValidationError, PermissionDenied) as exc:
                raise MappingError(_("Impossible de créer l'organisation « %(name)s » : %(error)s")
                                   % {"name": name, "error": "; ".join(getattr(exc, "messages", [str(exc)]))}) \
                    from None
    if source.default_organization_id and source.default_organization is not None:
        return source.default_organization
    raise MappingError(_("Aucune organisation locale pour « %(name)s » : ajoutez une correspondance ou une "
                         "organisation par défaut.") % {"name": name or _("(sans organisation)")})


def map_package(source: HarvestSource, pkg: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``pkg`` with licences and formats translated through the source's maps."""
    mapped = copy.deepcopy(pkg)
    licence = mapped.get("license_id")
    if licence and licence in source.licence_map:
        mapped["license_id"] = source.licence_map[licence]
    formats = {str(k).strip().upper(): v for k, v in (source.format_map or {}).items()}
    for res in mapped.get("resources") or []:
        if isinstance(res, dict) and res.get("format"):
            key = str(res["format"]).strip().upper().lstrip(".")
            res["format"] = formats.get(key, key)
    return mapped
