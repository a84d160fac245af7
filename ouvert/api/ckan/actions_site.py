"""Site-level actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ouvert import __version__

from . import errors
from .registry import Context

CKAN_API_COMPATIBILITY = "2.10"


def site_read(context: Context, data: dict[str, Any]) -> bool:
    """Whether the caller may read the site: always ``true`` (the catalogue is public)."""
    return True


def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The site's name, address, version and the CKAN API version it answers like."""
    return {
        "site_title": "Ouvert",
        "site_description": _("Plateforme de gouvernement ouvert du Québec"),
        # The address the client reached (what CKAN's clients build URLs from), not a configured default.
        "site_url": context.absolute("/").rstrip("/"),
        "ckan_version": CKAN_API_COMPATIBILITY,
        "ouvert_version": __version__,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": [],
    }


def help_show(context: Context, data: dict[str, Any]) -> str:
    """The documentation of an action. ``name``: the action's name."""
    from .table import ACTIONS

    name = data.get("name")
    if not isinstance(name, str) or name not in ACTIONS:
        raise errors.NotFound(_("action inconnue : %(name)s") % {"name": name})
    return ACTIONS[name].help
