"""Writing harvested datasets into the catalogue through its one upsert
(``ouvert.catalog.upsert.dataset_upsert``, which calls the catalogue's services: a harvest obeys
the same rules as a publisher)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.apps import apps

from ouvert.core.models import Organization, User

from .mapping import MappingError

if TYPE_CHECKING:
    from ouvert.catalog.upsert import DatasetInput


def _check_catalog() -> None:
    if not apps.is_installed("ouvert.catalog"):
        raise MappingError.of("harvest.no_catalog")


def upsert(data: DatasetInput, *, organization: Organization, local_id: str | None, by: User) -> str:
    """Create (``local_id`` None) or replace a harvested dataset; return the local id. Themes,
    licences and frequencies unknown here are left out rather than refused."""
    _check_catalog()
    from ouvert.catalog.models import Dataset, DatasetState, Licence, Theme, UpdateFrequency
    from ouvert.catalog.upsert import dataset_upsert

    themes = set(Theme.objects.filter(slug__in=data.themes).values_list("slug", flat=True))
    data = replace(
        data, themes=tuple(t for t in data.themes if t in themes),
        licence=data.licence if data.licence and Licence.objects.filter(slug=data.licence).exists() else "",
        update_frequency=data.update_frequency if data.update_frequency in UpdateFrequency.values else "")
    existing = Dataset.objects.filter(pk=local_id).exclude(state=DatasetState.DELETED).first() if local_id else None
    if existing is not None and data.resources is not None:
        current = {(r.url, r.name): r.pk for r in existing.resources.all()}
        data = replace(data, resources=tuple(replace(r, id=current.get((r.url, r.name))) for r in data.resources))
    dataset = dataset_upsert(data=data, organization=organization, by=by, dataset=existing)
    return str(dataset.pk)


def delete(local_id: str, *, by: User) -> bool:
    """Delete a dataset its source no longer has; False when it was already gone."""
    _check_catalog()
    from ouvert.catalog import services
    from ouvert.catalog.models import Dataset, DatasetState

    dataset = Dataset.objects.filter(pk=local_id).exclude(state=DatasetState.DELETED).first()
    if dataset is None:
        return False
    services.dataset_delete(dataset=dataset, by=by)
    return True
