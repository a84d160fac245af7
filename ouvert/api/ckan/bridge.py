"""What the organization and user actions need from the catalogue, when it is installed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps

from .registry import Context

if TYPE_CHECKING:
    from ouvert.catalog.read_model import DatasetView


def catalog_installed() -> bool:
    return apps.is_installed("ouvert.catalog")


def package_counts(org_ids: list, context: Context) -> dict[str, int]:
    """Number of datasets the caller can see, per organization id (as a string)."""
    if not catalog_installed():
        return {}
    from .packages_read import visible_counts_by_org

    return visible_counts_by_org(org_ids, context)


def dataset_get(ref: str, context: Context) -> DatasetView:
    """The read model of a dataset the caller may see, by id or name; ``NotFound`` otherwise."""
    from .errors import NotFound

    if not catalog_installed():
        raise NotFound(ref)
    from .packages_read import get_dataset_view

    return get_dataset_view(ref, context)


def dataset_page(context: Context, *, offset: int, limit: int) -> tuple[int, list[DatasetView]]:
    """(total, read models) of the public datasets, oldest first."""
    if not catalog_installed():
        return 0, []
    from .packages_read import visible_page

    return visible_page(context, offset=offset, limit=limit)


def package_of(dataset: DatasetView, context: Context) -> dict[str, Any]:
    """The CKAN package dict of a dataset's read model."""
    from .packages_read import package_dict

    return package_dict(dataset, context)


def dataset_page_url(dataset: DatasetView) -> str | None:
    """The HTML page of a dataset in the catalogue, when there is one."""
    if not catalog_installed():
        return None
    from django.urls import reverse

    return reverse("catalog:dataset_detail", kwargs={"name": dataset.name})
