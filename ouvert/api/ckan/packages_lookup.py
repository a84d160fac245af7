"""The lookups CKAN clients call besides ``package_search``: autocompletion of dataset names and formats,
``resource_search``, ``current_package_list_with_resources``, a theme's datasets, and themes written as
CKAN groups (``ckanapi load groups``). Reads see what ``package_search`` sees: published public datasets."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ouvert.catalog import services
from ouvert.catalog.models import Resource, Theme
from ouvert.catalog.read_model import resource_views, theme_view
from ouvert.core.selectors import users_visible_to

from . import errors
from .dictize import user_dict, user_public_name
from .packages_read import ROWS_MAX, get_dataset, group_dict, package_dicts, resource_dict, theme_slug, visible
from .params import as_bool, as_int, as_list, as_str, required, required_id
from .registry import Context

AUTOCOMPLETE_MAX = 100
RESOURCE_FIELDS = {"name": "name", "description": "description", "format": "format", "url": "url",
                   "id": "id", "package_id": "dataset_id"}
RESOURCE_ORDER = {"name": "name", "format": "format", "url": "url", "created": "created_at",
                  "last_modified": "last_modified", "position": "position", "id": "id"}


def _public(context: Context):
    return visible(context, include_private=False, include_drafts=False)


def package_autocomplete(context: Context, data: dict[str, Any]) -> list[dict[str, str]]:
    """Datasets whose name or title contains ``q`` (names starting with it first), at most ``limit``."""
    q = as_str(data, "q").strip() or as_str(data, "incomplete").strip()
    limit = as_int(data, "limit", 10, minimum=1, maximum=AUTOCOMPLETE_MAX)
    if not q:
        return []
    rows = list(_public(context).filter(Q(name__icontains=q) | Q(title__icontains=q))
                .order_by("name").values_list("name", "title")[:ROWS_MAX])
    lowered = q.lower()
    rows.sort(key=lambda row: (not row[0].lower().startswith(lowered), lowered not in row[0].lower(), row[0]))
    result = []
    for name, title in rows[:limit]:
        field = "name" if lowered in name.lower() else "title"
        result.append({"name": name, "title": title, "match_field": field,
                       "match_displayed": name if field == "name" else f"{title} ({name})"})
    return result


def format_autocomplete(context: Context, data: dict[str, Any]) -> list[str]:
    """Resource formats in use that contain ``q``, lower-cased as CKAN gives them, most used first."""
    q = as_str(data, "q").strip() or as_str(data, "incomplete").strip()
    limit = as_int(data, "limit", 5, minimum=1, maximum=AUTOCOMPLETE_MAX)
    if not q:
        return []
    counts: dict[str, int] = {}
    formats = (Resource.objects.filter(dataset__in=_public(context).values("pk"), format__icontains=q)
               .values_list("format", flat=True))
    for value in formats:
        key = value.strip().lower()
        if key:
            counts[key] = counts.get(key, 0) + 1
    return [f for f, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][:limit]


def current_package_list_with_resources(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Published public datasets with their resources, most recently modified first (``limit``,
    ``offset`` or ``page``)."""
    limit = as_int(data, "limit", 10, minimum=1, maximum=ROWS_MAX)
    offset = as_int(data, "offset", 0)
    if "page" in data:
        page = as_int(data, "page", 1, minimum=1)
        offset = (page - 1) * limit
    qs = _public(context).order_by("-updated_at", "pk")[offset:offset + limit]
    return package_dicts(qs, context)


def _resource_terms(data: dict[str, Any]) -> list[tuple[str, str]]:
    terms: list[tuple[str, str]] = []
    query = data.get("query")
    raw: list[Any] = query if isinstance(query, list) else [query] if query not in (None, "") else []
    for item in raw:
        text = str(item).strip()
        match = re.match(r"^([a-z_]+):(.*)$", text)
        if not match:
            raise errors.ValidationError({"query": [
                _("Terme « %(t)s » : écrivez champ:valeur (champs : %(f)s).")
                % {"t": text, "f": ", ".join(sorted(RESOURCE_FIELDS))}]})
        terms.append((match.group(1), match.group(2).strip()))
    fields = data.get("fields")  # the deprecated form, {field: value}
    if isinstance(fields, dict):
        terms += [(str(k), str(v)) for k, v in fields.items()]
    elif fields not in (None, ""):
        raise errors.ValidationError({"fields": [_("Objet {champ: valeur} attendu.")]})
    for field, _value in terms:
        if field not in RESOURCE_FIELDS:
            raise errors.ValidationError({"query": [_("Champ inconnu : %(f)s (champs : %(all)s).")
                                                    % {"f": field, "all": ", ".join(sorted(RESOURCE_FIELDS))}]})
    return terms


def resource_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Resources of published public datasets matching every ``query`` term (``field:value``, the value
    found anywhere in the field, ignoring case), with ``order_by``, ``offset`` and ``limit``."""
    terms = _resource_terms(data)
    qs = Resource.objects.filter(dataset__in=_public(context).values("pk"))
    for field, value in terms:
        column = RESOURCE_FIELDS[field]
        if column in {"id", "dataset_id"}:
            qs = qs.filter(**{f"{column}__iexact": value}) if value else qs.none()
        else:
            qs = qs.filter(**{f"{column}__icontains": value})
    order = as_str(data, "order_by").strip() or "name"
    if order not in RESOURCE_ORDER:
        raise errors.ValidationError({"order_by": [_("Tri impossible : « %(s)s » (possibles : %(all)s).")
                                                   % {"s": order, "all": ", ".join(sorted(RESOURCE_ORDER))}]})
    offset = as_int(data, "offset", 0)
    limit = as_int(data, "limit", 100, minimum=0, maximum=ROWS_MAX)
    qs = qs.order_by(RESOURCE_ORDER[order], "pk")
    page = list(qs[offset:offset + limit])
    return {"count": qs.count(), "results": [resource_dict(v, context) for v in resource_views(resources=page)]}


def _theme(ref: str) -> Theme:
    theme = Theme.objects.filter(slug=theme_slug(ref)).first()
    if theme is None:
        raise errors.NotFound(_("thème « %(ref)s »") % {"ref": ref})
    return theme


def group_package_show(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The published public datasets of a theme (``id``), most recently modified first, at most ``limit``."""
    theme = _theme(required_id(data))
    limit = as_int(data, "limit", ROWS_MAX, minimum=1, maximum=ROWS_MAX)
    qs = _public(context).filter(themes=theme).order_by("-updated_at", "pk")[:limit]
    return package_dicts(qs, context)


def _titles(data: dict[str, Any]) -> tuple[str | None, str | None]:
    translated = data.get("title_translated")
    fr = en = None
    if isinstance(translated, dict):
        fr = str(translated.get("fr") or "") or None
        en = str(translated.get("en") or "") or None
    elif translated not in (None, ""):
        raise errors.ValidationError({"title_translated": [_("Objet {\"fr\": …, \"en\": …} attendu.")]})
    if fr is None and "title" in data:
        fr = as_str(data, "title")
    return fr, en


def _group_result(theme: Theme, context: Context) -> dict[str, Any]:
    count = _public(context).filter(themes=theme).count()
    return group_dict(theme_view(theme), context, package_count=count)


def group_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A new theme (site administrators): ``name`` (its identifier), ``title`` or ``title_translated``.
    Datasets listed in ``packages`` join it (by id or name)."""
    name = str(required(data, "name")).strip()
    fr, en = _titles(data)
    theme = services.theme_create(by=context.caller, slug=name, title_fr=fr or name, title_en=en or "")
    _join(theme, data, context)
    return _group_result(theme, context)


def group_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rename a theme (site administrators): ``title`` / ``title_translated``; keys left out keep their value."""
    theme = _theme(required_id(data) if data.get("id") else str(required(data, "name")))
    fr, en = _titles(data)
    services.theme_update(theme=theme, by=context.caller, title_fr=fr if fr is not None else theme.title_fr,
                          title_en=en if en is not None else theme.title_en)
    _join(theme, data, context)
    return _group_result(theme, context)


def group_delete(context: Context, data: dict[str, Any]) -> None:
    """Remove a theme (site administrators); its datasets lose only that theme."""
    services.theme_delete(theme=_theme(required_id(data)), by=context.caller)


def _join(theme: Theme, data: dict[str, Any], context: Context) -> None:
    """``packages`` ([{name}] or names): those datasets get the theme, through the catalogue's update
    (so the caller must be allowed to edit each)."""
    packages = as_list(data, "packages")
    if not packages:
        return
    for item in packages:
        ref = str(item.get("name") or item.get("id") if isinstance(item, dict) else item)
        dataset = get_dataset(ref, context)
        themes = list(dataset.themes.all())
        if theme not in themes:
            services.dataset_update(dataset=dataset, by=context.caller, themes=[*themes, theme])


def user_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """The people whose profile the caller may see (no one for an anonymous caller; see ``user_show``),
    filtered by ``q`` (in the name shown), by ``order_by`` (name, display_name, created)."""
    qs = users_visible_to(viewer=context.user)
    q = as_str(data, "q").strip()
    if q:
        qs = qs.filter(full_name__icontains=q)
    order = as_str(data, "order_by").strip() or "name"
    columns = {"name": "pk", "id": "pk", "display_name": "full_name", "fullname": "full_name",
               "created": "date_joined"}
    if order not in columns:
        raise errors.ValidationError({"order_by": [_("Tri impossible : « %(s)s ».") % {"s": order}]})
    offset = as_int(data, "offset", 0)
    limit = as_int(data, "limit", ROWS_MAX, minimum=1, maximum=ROWS_MAX)
    users = list(qs.order_by(columns[order], "pk")[offset:offset + limit])
    if not as_bool(data, "all_fields", True):
        return [user_public_name(u) for u in users]
    return [user_dict(u, context) for u in users]
