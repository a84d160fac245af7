"""One catalogue upsert: a typed description of a dataset (and its resources) made true in the
catalogue, through the catalogue's services (same permissions, versions, audit, search index and
notifications as the web interface).

Two writers share it: the CKAN-compatible write actions (``package_create``, ``package_update``,
``package_patch``, ``resource_*`` in ``ouvert/api/ckan/packages_write.py``), which turn CKAN
dictionaries into :class:`DatasetInput` / :class:`ResourceInput`, and harvesting
(``ouvert/harvest/apply.py``), whose readers produce them from a remote CKAN or a DCAT document.

A :class:`DatasetInput` replaces everything it describes, unless ``only`` names the fields given
(a patch): the others are left as they are. Empty ``language``, ``update_frequency`` and ``licence``
keep the current value (French, irregular and the default licence for a new dataset).
Errors are ``django.core.exceptions.ValidationError`` keyed by the input's field names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, User

from . import search, services
from .models import Dataset, DatasetState, Licence, Resource, Theme, UpdateFrequency
from .rekey import rekey
from .seeds import licence_slug

TEXT_FIELDS = ("notes", "source_url", "contact_name", "contact_email", "spatial", "version_notes", "title_en",
               "notes_en")
STATES = {"active", "draft", "deleted"}


@dataclass(frozen=True)
class ResourceInput:
    """A resource as a writer describes it. ``id``: the existing resource it updates, or the id a
    new one must get (CKAN clients choose ids); ``None`` for a new resource with a new id."""

    name: str = ""
    description: str = ""
    url: str = ""
    file: UploadedFile | None = None
    format: str = ""
    encoding: str = ""
    data_dictionary: list[dict[str, Any]] | None = None
    is_documentation: bool = False
    id: uuid.UUID | None = None
    only: frozenset[str] | None = None  # an update that changes only these fields


@dataclass(frozen=True)
class DatasetInput:
    name: str = ""
    title: str = ""
    notes: str = ""
    source_url: str = ""
    contact_name: str = ""
    contact_email: str = ""
    spatial: str = ""
    version_notes: str = ""
    title_en: str = ""
    notes_en: str = ""
    language: str = ""
    update_frequency: str = ""
    licence: str = ""  # a licence's slug, or one of its aliases (seeds.ALIASES, kept as the dataset's alias)
    extras: tuple[tuple[str, str], ...] = ()  # further metadata, (key, value) pairs
    temporal_start: dt.date | None = None
    temporal_end: dt.date | None = None
    private: bool = False
    keywords: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()  # optional English keywords
    themes: tuple[str, ...] = ()  # themes' slugs
    resources: tuple[ResourceInput, ...] | None = None  # None: the resources are left as they are
    state: str = ""  # active, draft or deleted; "" leaves the state (a new dataset stays a draft)
    id: uuid.UUID | None = None  # for a new dataset: the id it must get
    only: frozenset[str] | None = None  # a patch: only these fields change

    def given(self, name: str) -> bool:
        return self.only is None or name in self.only


DATASET_INPUT_FIELDS = frozenset(f.name for f in fields(DatasetInput)) - {"only"}
RESOURCE_INPUT_FIELDS = frozenset(f.name for f in fields(ResourceInput)) - {"only"}


def _themes(slugs: tuple[str, ...]) -> list[Theme]:
    themes = list(Theme.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {t.slug for t in themes})
    if missing:
        raise ValidationError({"themes": [_("Thème inconnu : %(t)s") % {"t": ", ".join(missing)}]})
    return themes


def _licence(identifier: str) -> Licence | None:
    if not identifier:
        return None
    slug, _alias = licence_slug(identifier)
    licence = Licence.objects.filter(slug=slug).first()
    if licence is None:
        raise ValidationError({"licence": [_("Licence inconnue : %(l)s (voir license_list).")
                                           % {"l": identifier}]})
    return licence


def _fields(data: DatasetInput, *, creating: bool) -> dict[str, Any]:
    """Keyword arguments of ``dataset_create`` / ``dataset_update`` for the fields given."""
    values: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if data.given(key):
            values[key] = getattr(data, key).strip()
    if data.given("title") and (data.title.strip() or not creating):
        values["title"] = data.title.strip()
    if data.update_frequency and data.given("update_frequency"):
        if data.update_frequency not in UpdateFrequency.values:
            raise ValidationError({"update_frequency": [_("Fréquence inconnue : %(f)s.")
                                                        % {"f": data.update_frequency}]})
        values["update_frequency"] = data.update_frequency
    for key in ("temporal_start", "temporal_end", "private"):
        if data.given(key):
            values[key] = getattr(data, key)
    if data.language.strip() and data.given("language"):
        values["language"] = data.language.strip()
    if data.given("licence") and (data.licence or not creating):
        values["licence_alias"] = licence_slug(data.licence)[1] if data.licence else ""
    if data.given("extras"):
        values["extras"] = [{"key": k, "value": v} for k, v in data.extras]
    if data.given("keywords_en"):
        values["keywords_en"] = list(data.keywords_en)
    return values


def _apply_state(dataset: Dataset, state: str, by: User) -> None:
    if not state:
        return
    if state not in STATES:
        raise ValidationError({"state": [_("État inconnu : utilisez active, draft ou deleted.")]})
    if state == "active" and dataset.state != DatasetState.ACTIVE:
        services.dataset_publish(dataset=dataset, by=by)
    elif state == "draft" and dataset.state == DatasetState.ACTIVE:
        services.dataset_unpublish(dataset=dataset, by=by)
    elif state == "deleted":
        services.dataset_delete(dataset=dataset, by=by)


def resource_add(*, dataset: Dataset, data: ResourceInput, by: User, allow_empty: bool = False) -> Resource:
    """A new resource of ``dataset`` (with the id asked for, when there is one); ``allow_empty``: it may
    have neither file nor link yet."""
    resource = services.resource_create(
        dataset=dataset, by=by, name=data.name, description=data.description, file=data.file,
        url="" if data.file else data.url.strip(), format=data.format, encoding=data.encoding,
        data_dictionary=data.data_dictionary, is_documentation=data.is_documentation, allow_empty=allow_empty)
    if data.id is not None and data.id != resource.pk:
        rekey(resource, data.id)
    return resource


def resource_change(*, resource: Resource, data: ResourceInput, by: User) -> Resource:
    """Update ``resource`` with the fields given (those that differ)."""
    given = data.only if data.only is not None else RESOURCE_INPUT_FIELDS
    changes: dict[str, Any] = {key: getattr(data, key) for key in ("name", "description", "format", "encoding")
                               if key in given}
    if "url" in given and not resource.file:
        changes["url"] = data.url.strip()
    if "data_dictionary" in given:
        changes["data_dictionary"] = data.data_dictionary or []
    if "is_documentation" in given:
        changes["is_documentation"] = data.is_documentation
    changes = {k: v for k, v in changes.items() if getattr(resource, k) != v}
    if changes:
        services.resource_update(resource=resource, by=by, **changes)
    return resource


def _sync_resources(dataset: Dataset, resources: tuple[ResourceInput, ...], by: User) -> None:
    """Make the dataset's resources those listed: update by id, create the new ones, remove the rest."""
    existing = {r.pk: r for r in dataset.resources.all()}
    keep: set[uuid.UUID] = set()
    for item in resources:
        current = existing.get(item.id) if item.id is not None else None
        if current is None:
            keep.add(resource_add(dataset=dataset, data=item, by=by).pk)
            continue
        keep.add(current.pk)
        resource_change(resource=current, data=item, by=by)
    for key, resource in existing.items():
        if key not in keep:
            services.resource_delete(resource=resource, by=by)


@transaction.atomic
def dataset_upsert(*, data: DatasetInput, organization: Organization | None, by: User,
                   dataset: Dataset | None = None) -> Dataset:
    """Create a dataset of ``organization`` from ``data`` (``dataset`` None), or make ``dataset``
    what ``data`` describes. Permissions are the services' (editors of the organization)."""
    if dataset is None:
        if organization is None:
            raise ValidationError({"organization": [_("Organisation manquante.")]})
        values = _fields(data, creating=True)
        title = values.pop("title", "") or data.name
        dataset = services.dataset_create(by=by, organization=organization, title=title, name=data.name,
                                          keywords=list(data.keywords), themes=_themes(data.themes),
                                          licence=_licence(data.licence), **values)
        if data.id is not None and data.id != dataset.pk:
            search.remove_dataset(dataset.pk)
            rekey(dataset, data.id)
            dataset = Dataset.objects.get(pk=data.id)
            search.index_dataset(dataset)
        for item in data.resources or ():
            resource_add(dataset=dataset, data=item, by=by)
        _apply_state(dataset, data.state, by)
        return dataset
    values = _fields(data, creating=False)
    if data.given("name") and data.name.strip():
        values["name"] = data.name.strip()
    if data.only is None and not values.get("title"):
        values["title"] = values.get("name") or dataset.name
    services.dataset_update(dataset=dataset, by=by,
                            keywords=list(data.keywords) if data.given("keywords") else None,
                            themes=_themes(data.themes) if data.given("themes") else None,
                            licence=_licence(data.licence) if data.given("licence") else None, **values)
    if data.resources is not None:
        _sync_resources(dataset, data.resources, by)
    _apply_state(dataset, data.state, by)
    return dataset
