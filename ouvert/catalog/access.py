"""The catalogue's part of the access model (:mod:`ouvert.core.access`).

A dataset is public when it is published (``active``) and not private; a resource, its datastore
tables, its map layer and its stored files (every version of them) stand as their dataset does,
read from the database at the moment of the request. A deleted resource no longer exists, so
nothing derived from it is readable by anyone, even when its original file is kept for history.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable
from typing import Any

from django.db.models import Q, QuerySet

from ouvert.core import access
from ouvert.core.access import Standing

from .models import Dataset, DatasetState, Resource, Reuse


def _uuid(key: Any) -> uuid.UUID | None:
    if isinstance(key, uuid.UUID):
        return key
    try:
        return uuid.UUID(str(key))
    except (ValueError, TypeError, AttributeError):
        return None


def dataset_standing(dataset: Dataset) -> Standing:
    """The standing of a dataset already loaded (no query)."""
    return Standing(organization_id=dataset.organization_id,
                    public=dataset.state == DatasetState.ACTIVE and not dataset.private,
                    live=dataset.state != DatasetState.DELETED)


def _standing(organization_id: uuid.UUID, state: str, private: bool) -> Standing:
    return Standing(organization_id=organization_id, public=state == DatasetState.ACTIVE and not private,
                    live=state != DatasetState.DELETED)


def _public_or_owned(prefix: str, organization_ids: Collection[uuid.UUID] | None) -> Q:
    public = Q(**{f"{prefix}state": DatasetState.ACTIVE, f"{prefix}private": False})
    if organization_ids:
        return public | Q(**{f"{prefix}organization_id__in": list(organization_ids)})
    return public


class DatasetPolicy:
    kind = "dataset"

    def normalize(self, key: Any) -> Hashable | None:
        return _uuid(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Dataset.objects.filter(pk__in=list(keys)).values_list("pk", "organization_id", "state", "private")
        return {pk: _standing(org, state, private) for pk, org, state, private in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        qs = Dataset.objects.all()
        if organization_ids is not None:
            qs = qs.filter(_public_or_owned("", organization_ids))
        return qs.values_list("pk", flat=True)


class ResourcePolicy:
    kind = "resource"

    def normalize(self, key: Any) -> Hashable | None:
        return _uuid(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = (Resource.objects.filter(pk__in=list(keys)).order_by()  # no default ordering: asked per request
                .values_list("pk", "dataset__organization_id", "dataset__state", "dataset__private"))
        return {pk: _standing(org, state, private) for pk, org, state, private in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        qs = Resource.objects.all()
        if organization_ids is not None:
            qs = qs.filter(_public_or_owned("dataset__", organization_ids))
        return qs.values_list("pk", flat=True)


def resource_file_standing(name: str) -> Standing | None:
    """``resources/<dataset id>/<resource id>/<file name>``: every stored version of a resource's
    file stands as the resource does now (gone with the resource)."""
    parts = name.split("/")
    if len(parts) < 4:
        return None
    resource_id = _uuid(parts[2])
    return access.standing_of("resource", resource_id) if resource_id else None


def reuse_image_standing(name: str) -> Standing | None:
    """A reuse's image is public once the reuse is approved; before, for nobody but site admins."""
    status = Reuse.objects.filter(image=name).values_list("status", flat=True).first()
    if status is None:
        return None
    return Standing(organization_id=None, public=status == Reuse.Status.APPROVED)


def register() -> None:
    access.register(DatasetPolicy())
    access.register(ResourcePolicy())
    access.register_files("resources/", resource_file_standing)
    access.register_files("reuses/", reuse_image_standing)
