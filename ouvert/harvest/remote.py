"""A remote record (a CKAN package as a portal returns it, or one read from a DCAT graph by
``ouvert.harvest.dcat``) → the catalogue's typed input (``ouvert.catalog.upsert.DatasetInput``) and
the remote organization it names. Nothing past this module sees the remote's dictionaries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ouvert.catalog.upsert import DatasetInput, ResourceInput

LANGUAGES = {frozenset({"fr"}): "fr", frozenset({"en"}): "en", frozenset({"fr", "en"}): "fr,en"}


@dataclass(frozen=True)
class RemoteOrganization:
    """The publisher a remote record names (mapped to a local organization by ``mapping``)."""

    name: str
    title: str = ""
    title_fr: str = ""
    title_en: str = ""
    description: str = ""
    website: str = ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def _language(value: Any) -> str:
    """Ouvert's language code ("fr", "en" or "fr,en") for a remote language list or string; ""
    (the default) for anything else."""
    codes = value if isinstance(value, list) else re.split(r"[,\s]+", _text(value))
    return LANGUAGES.get(frozenset(str(c).strip().lower()[:2] for c in codes if str(c).strip()), "")


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = [_text(t.get("name") if isinstance(t, dict) else t) for t in value]
    return tuple(n for n in names if n)


def _themes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = [_text(g.get("name") if isinstance(g, dict) else "") for g in value]
    return tuple(n for n in names if n)


def _resources(value: Any) -> tuple[ResourceInput, ...]:
    """The remote's resources that have an address (harvested resources are links)."""
    if not isinstance(value, list):
        return ()
    # CKAN's resource_type "documentation" (a page about the data, e.g. its page on Données Québec) is
    # not data: the quality rules of files and the conformity rates leave it out.
    return tuple(ResourceInput(name=_text(r.get("name")), description=_text(r.get("description")),
                               url=_text(r.get("url")), format=_text(r.get("format")),
                               is_documentation=_text(r.get("resource_type")) == "documentation",
                               only=frozenset({"name", "description", "url", "format", "is_documentation"}))
                 for r in value if isinstance(r, dict) and _text(r.get("url")))


def remote_organization(value: Any) -> RemoteOrganization | None:
    if not isinstance(value, dict) or not _text(value.get("name")):
        return None
    translated = value.get("title_translated")
    if not isinstance(translated, dict):
        translated = {}
    return RemoteOrganization(name=_text(value.get("name")), title=_text(value.get("title")),
                              title_fr=_text(translated.get("fr")), title_en=_text(translated.get("en")),
                              description=_text(value.get("description")), website=_text(value.get("website")))


def dataset_input(pkg: dict[str, Any]) -> DatasetInput:
    """The typed input of a remote record: a complete description (what it does not say is cleared)."""
    return DatasetInput(
        name=_text(pkg.get("name")), title=_text(pkg.get("title")), notes=_text(pkg.get("notes")),
        source_url=_text(pkg.get("source_url") or pkg.get("url")),
        contact_name=_text(pkg.get("contact_name") or pkg.get("maintainer")),
        contact_email=_text(pkg.get("contact_email") or pkg.get("maintainer_email")),
        spatial=_text(pkg.get("spatial_text")), version_notes=_text(pkg.get("version_notes")),
        language=_language(pkg.get("language")),
        update_frequency=_text(pkg.get("update_frequency") or pkg.get("frequency")),
        licence=_text(pkg.get("license_id")), temporal_start=_date(pkg.get("temporal_start")),
        temporal_end=_date(pkg.get("temporal_end")), private=pkg.get("private") is True,
        keywords=_tags(pkg.get("tags")),
        themes=_themes(pkg.get("groups")), resources=_resources(pkg.get("resources")),
        state="draft" if pkg.get("state") == "draft" else "active")
