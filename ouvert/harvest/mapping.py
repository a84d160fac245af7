"""From a remote dataset to local terms: organization, licence and formats."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import slugify

from ouvert.catalog.upsert import DatasetInput
from ouvert.core import services as core_services
from ouvert.core.messages import message
from ouvert.core.models import Organization, OrganizationKind, User

from .models import HarvestSource
from .remote import RemoteOrganization
from .report import StoredReason


class MappingError(StoredReason):
    """This dataset cannot be mapped; ``exc.stored`` is the reason kept in the report."""


def resolve_organization(source: HarvestSource, remote: RemoteOrganization | None, *,
                         by: User | None) -> Organization:
    """The local organization for a remote one: the source's map, the same name here, a new
    organization (when the source allows it), or the source's default organization."""
    name = remote.name if remote is not None else ""
    if name and name in source.organization_map:
        wanted = str(source.organization_map[name])
        org = Organization.objects.filter(slug=wanted).first()
        if org is None:
            raise MappingError.of("harvest.map_missing_target", remote=name, local=wanted)
        return org
    if name:
        org = Organization.objects.filter(slug=slugify(name)[:100]).first()
        if org is not None:
            return org
        if source.create_organizations and by is not None and remote is not None:
            try:
                return core_services.organization_create(
                    by=by, kind=OrganizationKind.PUBLIC_BODY, slug=slugify(name)[:100],
                    name_fr=(remote.title_fr or remote.title or name)[:250], name_en=remote.title_en[:250],
                    description_fr=remote.description,
                    website=remote.website[:200] if remote.website.startswith(("http://", "https://")) else "")
            except (ValidationError, PermissionDenied) as exc:
                raise MappingError.of("harvest.organization_create_failed", name=name,
                                      error="; ".join(getattr(exc, "messages", [str(exc)]))) from None
    if source.default_organization_id and source.default_organization is not None:
        return source.default_organization
    raise MappingError.of("harvest.no_organization", name=name or message("harvest.no_organization_name"))


def map_dataset(source: HarvestSource, data: DatasetInput) -> DatasetInput:
    """``data`` with its licence and formats translated through the source's maps."""
    licence = source.licence_map.get(data.licence, data.licence) if data.licence else data.licence
    formats = {str(k).strip().upper(): v for k, v in (source.format_map or {}).items()}
    resources = None
    if data.resources is not None:
        resources = []
        for res in data.resources:
            key = res.format.strip().upper().lstrip(".")
            resources.append(replace(res, format=str(formats.get(key, key))) if res.format else res)
    return replace(data, licence=str(licence), resources=tuple(resources) if resources is not None else None)
