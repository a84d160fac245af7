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
