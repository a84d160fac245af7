"""The typed read model of a dataset: what every outward format (CKAN package dicts, DCAT,
schema.org, Frictionless) is built from.

One selector, :func:`dataset_views`, turns a queryset (or a list of ids) into frozen
:class:`DatasetView` values in a constant number of queries, whatever the number of datasets:
the dataset rows with their organization and licence, one query per many-to-many relation
(keywords, themes, resources), and one query per contributing app.

Apps the catalogue must not import (the datastore, harvest; see the contract in
``ouvert/datastore/services.py``) contribute through AppConfig hooks, called once per selection:

- ``catalog_datastore_active(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]``: the
  resources that have a datastore table.
- ``catalog_harvest_origins(self, *, dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, HarvestOrigin]``:
  where harvested datasets come from.
- ``catalog_map_layers(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]``: the resources
  that have a map layer.

A view carries no permission: the caller selects only what the person may read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from ouvert.core.hooks import app_hooks
from ouvert.core.read_model import OrganizationView, organization_view

from .models import Dataset, DatasetVersion, Licence, Resource, Theme

__all__ = ["DatasetSummary", "DatasetView", "HarvestOrigin", "LicenceView", "OrganizationView", "QualityView",
           "ResourceView", "ThemeView", "dataset_summaries", "dataset_view", "dataset_views", "organization_view",
           "resource_views", "theme_view"]


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


@dataclass(frozen=True)
class LicenceView:
    slug: str
    title_fr: str
    title_en: str
    url: str
    is_open: bool

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_fr


@dataclass(frozen=True)
class ThemeView:
    slug: str
    title_fr: str
    title_en: str

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_fr


@dataclass(frozen=True)
class HarvestOrigin:
    """The harvest source a dataset was copied from, and its identity there."""

    source_name: str
    source_url: str
    remote_id: str
    remote_url: str


@dataclass(frozen=True)
class QualityView:
    score: int | None
    openness_stars: int
    conforms: bool
    checked_at: dt.datetime | None
    stars_reason: dict[str, Any] | None  # a stored message (ouvert.core.messages), rendered at the wire


@dataclass(frozen=True)
class ResourceView:
    id: uuid.UUID
    dataset_id: uuid.UUID
    position: int
    name: str
    description: str
    format: str
    url: str  # the link of a linked resource; "" for an upload
    file_name: str  # the storage name of an upload; "" for a link
    size: int | None
    sha256: str
    encoding: str
    is_documentation: bool
    data_dictionary: list[dict[str, Any]]
    created_at: dt.datetime
    last_modified: dt.datetime
    download_count: int
    datastore_active: bool
    has_map_layer: bool

    @property
    def is_upload(self) -> bool:
        return bool(self.file_name)


@dataclass(frozen=True)
class DatasetView:
    id: uuid.UUID
    name: str
    title: str
    notes: str
    state: str
    private: bool
    organization: OrganizationView
    licence: LicenceView
    licence_alias: str  # the licence identifier the dataset was written with, when not the licence's slug
    extras: tuple[tuple[str, str], ...]  # further metadata, (key, value) pairs
    keywords: tuple[str, ...]  # sorted
    themes: tuple[ThemeView, ...]  # by slug
    resources: tuple[ResourceView, ...]  # by position, then creation
    contact_name: str
    contact_email: str
    update_frequency: str
    spatial: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    source_url: str
    language: str
    version_notes: str
    is_reference: bool
    quality: QualityView
    created_at: dt.datetime
    updated_at: dt.datetime
    first_published_at: dt.datetime | None
    data_modified_at: dt.datetime | None
    harvest: HarvestOrigin | None
    creator_id: int | None = None  # the person whose change created it (None: a system actor, or unknown)
    # Optional English metadata (empty when the publisher gave none).
    title_en: str = ""
    notes_en: str = ""
    keywords_en: tuple[str, ...] = ()


def licence_view(licence: Licence) -> LicenceView:
    return LicenceView(slug=licence.slug, title_fr=licence.title_fr, title_en=licence.title_en, url=licence.url,
                       is_open=licence.is_open)


def theme_view(theme: Theme) -> ThemeView:
    return ThemeView(slug=theme.slug, title_fr=theme.title_fr, title_en=theme.title_en)


def _hook(name: str, **kwargs: Any) -> list[Any]:
    """The results of hook ``name`` of every installed app defining it."""
    return [hook(**kwargs) for hook in app_hooks(name).values()]


def resource_view(resource: Resource, *, datastore_active: bool, has_map_layer: bool) -> ResourceView:
    return ResourceView(
        id=resource.id, dataset_id=resource.dataset_id, position=resource.position, name=resource.name,
        description=resource.description, format=resource.format, url=resource.url,
        file_name=(resource.file.name or "") if resource.file else "", size=resource.size, sha256=resource.sha256,
        encoding=resource.encoding, is_documentation=resource.is_documentation,
        data_dictionary=list(resource.data_dictionary or []), created_at=resource.created_at,
        last_modified=resource.last_modified, download_count=resource.download_count,
        datastore_active=datastore_active, has_map_layer=has_map_layer)


def resource_views(*, resources: Iterable[Resource]) -> list[ResourceView]:
    """Views of resources already fetched (one query per contributing app)."""
    rows = list(resources)
    ids = [r.id for r in rows]
    tables: set[uuid.UUID] = set().union(*_hook("catalog_datastore_active", resource_ids=ids)) if ids else set()
    layers: set[uuid.UUID] = set().union(*_hook("catalog_map_layers", resource_ids=ids)) if ids else set()
    return [resource_view(r, datastore_active=r.id in tables, has_map_layer=r.id in layers) for r in rows]


def dataset_views(*, datasets: QuerySet[Dataset] | Iterable[uuid.UUID]) -> list[DatasetView]:
    """Views of the datasets selected, in the queryset's order (or the ids' order), in a constant
    number of queries. Nothing is filtered here: select only what the reader may see."""
    if isinstance(datasets, QuerySet):
        qs = datasets
        ordered_ids = None
    else:
        ordered_ids = list(datasets)
        qs = Dataset.objects.filter(pk__in=ordered_ids)
    rows = list(qs.select_related("organization", "licence").prefetch_related("keywords", "themes", "resources"))
    if ordered_ids is not None:
        by_id = {d.pk: d for d in rows}
        rows = [by_id[pk] for pk in ordered_ids if pk in by_id]
    if not rows:
        return []
    resources = [r for d in rows for r in d.resources.all()]
    views_by_resource = {v.id: v for v in resource_views(resources=resources)}
    origins: dict[uuid.UUID, HarvestOrigin] = {}
    for found in _hook("catalog_harvest_origins", dataset_ids=[d.pk for d in rows]):
        origins.update(found)
    creators = dict(DatasetVersion.objects.filter(dataset_id__in=[d.pk for d in rows], number=1)
                    .values_list("dataset_id", "actor_id"))
    organizations: dict[uuid.UUID, OrganizationView] = {}
    licences: dict[int, LicenceView] = {}
    result = []
    for d in rows:
        org = organizations.get(d.organization_id) or organization_view(d.organization)
        organizations[d.organization_id] = org
        lic = licences.get(d.licence_id) or licence_view(d.licence)
        licences[d.licence_id] = lic
        report = d.quality_report or {}
        reason = report.get("stars_reason") if isinstance(report.get("stars_reason"), dict) else None
        result.append(DatasetView(
            id=d.pk, name=d.name, title=d.title, notes=d.notes, state=d.state, private=d.private,
            organization=org, licence=lic, licence_alias=d.licence_alias,
            extras=tuple((str(e.get("key", "")), str(e.get("value", ""))) for e in d.extras
                         if isinstance(e, dict)),
            keywords=tuple(sorted(k.name for k in d.keywords.all())),
            themes=tuple(theme_view(t) for t in sorted(d.themes.all(), key=lambda t: t.slug)),
            resources=tuple(views_by_resource[r.id] for r in
                            sorted(d.resources.all(), key=lambda r: (r.position, r.created_at))),
            contact_name=d.contact_name, contact_email=d.contact_email, update_frequency=d.update_frequency,
            spatial=d.spatial, temporal_start=d.temporal_start, temporal_end=d.temporal_end,
            source_url=d.source_url, language=d.language, version_notes=d.version_notes,
            is_reference=d.is_reference,
            quality=QualityView(score=d.quality_score, openness_stars=d.openness_stars, conforms=d.conforms,
                                checked_at=d.quality_checked_at, stars_reason=reason),
            created_at=d.created_at, updated_at=d.updated_at, first_published_at=d.first_published_at,
            data_modified_at=d.data_modified_at, harvest=origins.get(d.pk), creator_id=creators.get(d.pk),
            title_en=d.title_en, notes_en=d.notes_en, keywords_en=tuple(str(k) for k in d.keywords_en or [])))
    return result


def dataset_view(*, dataset_id: uuid.UUID) -> DatasetView | None:
    found = dataset_views(datasets=[dataset_id])
    return found[0] if found else None


@dataclass(frozen=True)
class DatasetSummary:
    """A dataset without its relations (keywords, themes, resources): what a list shows. Built from
    rows already fetched with their organization and licence, so a page costs no query of its own."""

    id: uuid.UUID
    name: str
    title: str
    notes: str
    state: str
    private: bool
    organization: OrganizationView
    licence: LicenceView
    update_frequency: str
    is_reference: bool
    quality: QualityView
    updated_at: dt.datetime
    first_published_at: dt.datetime | None


def dataset_summaries(*, datasets: Iterable[Dataset]) -> list[DatasetSummary]:
    """Summaries of datasets fetched with ``select_related("organization", "licence")``, in order."""
    organizations: dict[uuid.UUID, OrganizationView] = {}
    licences: dict[int, LicenceView] = {}
    result = []
    for d in datasets:
        org = organizations.get(d.organization_id) or organization_view(d.organization)
        organizations[d.organization_id] = org
        lic = licences.get(d.licence_id) or licence_view(d.licence)
        licences[d.licence_id] = lic
        report = d.quality_report or {}
        reason = report.get("stars_reason") if isinstance(report.get("stars_reason"), dict) else None
        result.append(DatasetSummary(
            id=d.pk, name=d.name, title=d.title, notes=d.notes, state=d.state, private=d.private, organization=org,
            licence=lic, update_frequency=d.update_frequency, is_reference=d.is_reference,
            quality=QualityView(score=d.quality_score, openness_stars=d.openness_stars, conforms=d.conforms,
                                checked_at=d.quality_checked_at, stars_reason=reason),
            updated_at=d.updated_at, first_published_at=d.first_published_at))
    return result
