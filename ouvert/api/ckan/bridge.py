"""What the organization and user actions need from the catalogue, when it is installed."""

from __future__ import annotations

from django.apps import apps

from .registry import Context


def catalog_installed() -> bool:
    return apps.is_installed("ouvert.catalog")


def package_counts(org_ids: list, context: Context) -> dict[str, int]:
    """Number of datasets the caller can see, per organization id (as a string)."""
    if not catalog_installed():
        return {}
    from .packages_read import visible_counts_by_org

    return visible_counts_by_org(org_ids, context)


def package_get(ref: str, context: Context) -> dict:
    """The package dict of a dataset the caller may see, by id or name; ``NotFound`` otherwise."""
    from .errors import NotFound

    if not catalog_installed():
        raise NotFound(ref)
    from .packages_read import package_show

    return package_show(context, {"id": ref})


def package_page(context: Context, *, offset: int, limit: int) -> tuple[int, list[dict]]:
    """(total, package dicts) of the datasets visible to the caller, oldest first."""
    if not catalog_installed():
        return 0, []
    from .packages_read import visible_page

    return visible_page(context, offset=offset, limit=limit)


def dataset_page_url(pkg: dict) -> str | None:
    """The HTML page of a dataset in the catalogue, when there is one."""
    if not catalog_installed():
        return None
    from .packages_read import html_url

    return html_url(pkg)
