"""Writes on datasets and resources: CKAN dictionaries → the catalogue's typed input, then its one
upsert (``ouvert.catalog.upsert``), which goes through the catalogue's services (same permissions,
versions, audit, search index and notifications as the web interface)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ouvert.catalog import services
from ouvert.catalog.models import Dataset, Resource
from ouvert.catalog.upsert import DatasetInput, ResourceInput, dataset_upsert, resource_add, resource_change
from ouvert.core.models import Organization

from . import errors
from .actions_organizations import get_organization
from .packages_read import get_dataset, get_resource, package_dict_of, resource_dict_of, theme_slug
from .params import as_bool, as_str, required, required_id
from .registry import Context
from .rekey import wanted_uuid

# CKAN key → input field, for the plain text fields (a later key wins over an earlier one).
TEXT_FIELDS = {"title": "title", "notes": "notes", "url": "source_url", "source_url": "source_url",
               "maintainer": "contact_name", "contact_name": "contact_name",
               "maintainer_email": "contact_email", "contact_email": "contact_email",
               "spatial_text": "spatial", "version_notes": "version_notes", "language": "language",
               "title_en": "title_en", "notes_en": "notes_en"}
RESOURCE_TEXT = ("name", "description", "format", "encoding")
# The upsert's field names → CKAN's keys, in validation errors.
CKAN_KEYS = {"themes": "groups", "licence": "license_id", "organization": "owner_org"}
# CKAN's own package fields: an extra cannot have one of these keys (CKAN refuses it too).
PACKAGE_KEYS = frozenset({"id", "name", "title", "notes", "type", "state", "private", "owner_org", "organization",
                          "license_id", "url", "version", "author", "author_email", "maintainer",
                          "maintainer_email", "tags", "groups", "resources", "extras", "metadata_created",
                          "metadata_modified", "creator_user_id", "title_translated", "notes_translated",
                          "keywords", "keywords_translated", "title_en", "notes_en", "keywords_en"})


@contextmanager
def ckan_errors() -> Iterator[None]:
    """The catalogue's validation errors with CKAN's keys (``groups``, ``license_id``…)."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise errors.ValidationError({CKAN_KEYS.get(k, "message" if k == "__all__" else k): [str(m) for m in v]
                                      for k, v in exc.message_dict.items()}) from None


def _date(data: dict[str, Any], key: str) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise errors.ValidationError({key: [_("Date attendue (AAAA-MM-JJ).")]}) from None


def _translated(data: dict[str, Any], key: str) -> dict[str, str] | None:
    """``<key>_translated`` as ckanext-fluent writes it: ``{"fr": …, "en": …}`` (either may be absent)."""
    value = data.get(f"{key}_translated")
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or any(not isinstance(v, str | None) for v in value.values()):
        raise errors.ValidationError({f"{key}_translated": [_("Objet attendu : {\"fr\": …, \"en\": …}.")]})
    return {lang: (value.get(lang) or "").strip() for lang in ("fr", "en") if lang in value}


def _word_list(value: Any, key: str) -> list[str]:
    """A list of words from a JSON list (of names or ``{name}`` objects) or a comma-separated text."""
    if isinstance(value, str):
        return [w.strip() for w in value.split(",") if w.strip()]
    if not isinstance(value, list):
        raise errors.ValidationError({key: [_("Liste attendue.")]})
    return [str(w.get("name") if isinstance(w, dict) else w).strip() for w in value if w]


def _pick(flat: Any, translated: Any, current: Any) -> Any:
    """One value from the flat field and its ``_translated`` / ``keywords`` twin, either of which may be
    absent (``None``). Given both, the one the client changed: a dict read with ``package_show``,
    edited in one place and sent back holds the other place unchanged (``current``, the stored value)."""
    if flat is None or translated is None:
        return translated if flat is None else flat
    return translated if current is not None and _same(flat, current) else flat


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(str(x).strip().casefold() for x in a) == sorted(str(x).strip().casefold() for x in b)
    return str(a).strip() == str(b).strip()


def _keywords(data: dict[str, Any], current: Dataset | None) -> tuple[list[str] | None, list[str] | None]:
    """(French, English) keywords given, ``None`` for a language not given. French comes from ``tags``
    or ``tag_string``; English from ``keywords_en``; ``keywords_translated`` (what ``package_show``
    returns) or ``keywords`` (ckanext-fluent's tags field), ``{"fr": […], "en": […]}``,
    gives either (see :func:`_pick` when both are given)."""
    french, english = _tags(data), None
    if "keywords_en" in data:
        english = _word_list(data["keywords_en"] or [], "keywords_en")
    key = "keywords_translated" if "keywords_translated" in data else "keywords"
    if key not in data:
        return french, english
    both = data[key]
    if isinstance(both, str):
        try:
            both = json.loads(both)
        except ValueError:
            both = None
    if not isinstance(both, dict) or not set(both) <= {"fr", "en"}:
        raise errors.ValidationError({key: [_("Objet attendu : {\"fr\": […], \"en\": […]}.")]})
    fr = _word_list(both["fr"] or [], key) if "fr" in both else None
    en = _word_list(both["en"] or [], key) if "en" in both else None
    stored_fr = [k.name for k in current.keywords.all()] if current is not None else None
    return (_pick(french, fr, stored_fr),
            _pick(english, en, list(current.keywords_en) if current is not None else None))


def _tags(data: dict[str, Any]) -> list[str] | None:
    if "tags" in data:
        tags = data["tags"] or []
        if not isinstance(tags, list):
            raise errors.ValidationError({"tags": [_("Liste attendue.")]})
        return [str(t.get("name") if isinstance(t, dict) else t) for t in tags if t]
    if "tag_string" in data:
        return [t.strip() for t in as_str(data, "tag_string").split(",") if t.strip()]
    return None


NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
RESERVED_NAMES = {"new", "edit", "search"}


def _name(data: dict[str, Any]) -> str:
    """The ``name`` as CKAN's validator wants it: refused (409), never silently rewritten, so that a client
    learns the name it will have to use."""
    name = as_str(data, "name").strip()
    if name and (not NAME_RE.match(name) or name in RESERVED_NAMES):
        raise errors.ValidationError({"name": [
            _("Nom invalide : de 2 à 100 caractères, lettres minuscules non accentuées, chiffres, « - » et "
              "« _ » seulement (reçu : %(n)s).") % {"n": name[:120]}]})
    return name


def _extras(data: dict[str, Any]) -> tuple[tuple[str, str], ...] | None:
    if "extras" not in data:
        return None
    extras = data["extras"] or []
    if not isinstance(extras, list):
        raise errors.ValidationError({"extras": [_("Liste attendue de {\"key\": …, \"value\": …}.")]})
    result: dict[str, str] = {}
    for position, item in enumerate(extras):
        if not isinstance(item, dict) or not str(item.get("key") or "").strip():
            raise errors.ValidationError({"extras": [_("Élément %(n)d : objet {\"key\": …, \"value\": …} "
                                                       "attendu, avec une clé non vide.") % {"n": position}]})
        if as_bool(item, "deleted", False):
            continue
        key = str(item["key"]).strip()
        if key in PACKAGE_KEYS:
            raise errors.ValidationError({"extras": [_("La clé « %(k)s » est un champ du jeu de données : "
                                                       "donnez-la hors de extras.") % {"k": key}]})
        value = item.get("value")
        result[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return tuple(result.items())


def _groups(data: dict[str, Any]) -> list[str] | None:
    if "groups" not in data:
        return None
    groups = data["groups"] or []
    if not isinstance(groups, list):
        raise errors.ValidationError({"groups": [_("Liste attendue.")]})
    return [theme_slug(str(g.get("name") or g.get("id") if isinstance(g, dict) else g)) for g in groups]


def _dictionary(value: Any) -> list[dict] | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise errors.ValidationError({"data_dictionary": [_("Liste JSON invalide.")]}) from None
    if not isinstance(value, list):
        raise errors.ValidationError({"data_dictionary": [_("Liste attendue.")]})
    return value


def resource_input(data: dict[str, Any]) -> ResourceInput:
    """A CKAN resource dict as the upsert's input; ``only`` lists the keys given."""
    upload = data.get("upload")
    given = {key for key in (*RESOURCE_TEXT, "url", "data_dictionary") if key in data}
    if "resource_type" in data:
        given.add("is_documentation")
    return ResourceInput(
        name=as_str(data, "name"), description=as_str(data, "description"), url=as_str(data, "url").strip(),
        file=upload if isinstance(upload, UploadedFile) else None, format=as_str(data, "format"),
        encoding=as_str(data, "encoding"), data_dictionary=_dictionary(data.get("data_dictionary")),
        is_documentation=data.get("resource_type") == "documentation",
        id=wanted_uuid(data["id"]) if data.get("id") else None, only=frozenset(given))


def _resources(data: dict[str, Any]) -> tuple[ResourceInput, ...] | None:
    if "resources" not in data:
        return None
    items = data["resources"] or []
    if not isinstance(items, list):
        raise errors.ValidationError({"resources": [_("Liste attendue.")]})
    if not all(isinstance(item, dict) for item in items):
        raise errors.ValidationError({"resources": [_("Chaque ressource doit être un objet.")]})
    return tuple(resource_input(item) for item in items)


def dataset_input(data: dict[str, Any], *, complete: bool, current: Dataset | None = None) -> DatasetInput:
    """A CKAN package dict as the upsert's input. With ``complete`` (package_create, package_update)
    absent keys are cleared; otherwise (package_patch) only the keys given change. ``current``: the
    dataset updated, if any."""
    values: dict[str, Any] = {}
    for key, target in TEXT_FIELDS.items():
        if key in data:
            values[target] = as_str(data, key).strip()
    for key, (french, english) in {"title": ("title", "title_en"), "notes": ("notes", "notes_en")}.items():
        translated = _translated(data, key) or {}
        for lang, target in (("fr", french), ("en", english)):
            if lang in translated:
                values[target] = _pick(values.get(target), translated[lang],
                                       getattr(current, target) if current is not None else None)
    if "name" in data:
        values["name"] = _name(data)
    frequency = data.get("update_frequency", data.get("frequency"))
    if frequency not in (None, ""):
        values["update_frequency"] = str(frequency)
    for key in ("temporal_start", "temporal_end"):
        if key in data:
            values[key] = _date(data, key)
    if "private" in data:
        values["private"] = as_bool(data, "private", False)
    (tags, tags_en), groups = _keywords(data, current), _groups(data)
    if tags is not None:
        values["keywords"] = tuple(tags)
    if tags_en is not None:
        values["keywords_en"] = tuple(tags_en)
    if groups is not None:
        values["themes"] = tuple(groups)
    if data.get("license_id"):
        values["licence"] = str(data["license_id"])
    extras = _extras(data)
    if extras is not None:
        values["extras"] = extras
    resources = _resources(data)
    if resources is not None:
        values["resources"] = resources
    given = frozenset(values)
    values["state"] = as_str(data, "state")
    return DatasetInput(**values, only=None if complete else given)


def _check_org(data: dict[str, Any]) -> Organization:
    ref = required(data, "owner_org")
    try:
        return get_organization(str(ref))
    except errors.NotFound:
        raise errors.ValidationError({"owner_org": [_("Organisation inconnue : %(o)s") % {"o": ref}]}) from None


def _reload(dataset_id: uuid.UUID, context: Context) -> dict[str, Any]:
    return package_dict_of(get_dataset(str(dataset_id), context), context)


def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset (editors of ``owner_org``), its link resources, and publish it unless
    ``state`` is ``draft``."""
    if not as_str(data, "name").strip():
        raise errors.ValidationError({"name": [_("Valeur manquante")]})
    organization = _check_org(data)
    payload = dataset_input(data, complete=True)
    wanted = wanted_uuid(data["id"]) if data.get("id") else None
    payload = replace(payload, id=wanted, state=payload.state or "active")
    with ckan_errors():
        dataset = dataset_upsert(data=payload, organization=organization, by=context.caller)
    return _reload(dataset.pk, context)


def _update(context: Context, data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    dataset = get_dataset(required_id(data), context)
    if "owner_org" in data and str(data["owner_org"]) not in {str(dataset.organization_id),
                                                               dataset.organization.slug}:
        raise errors.ValidationError({"owner_org": [_("Changer l'organisation d'un jeu de données n'est pas "
                                                      "possible par l'API ; faites-le dans l'interface.")]})
    payload = dataset_input(data, complete=complete, current=dataset)
    with ckan_errors():
        dataset_upsert(data=payload, organization=None, by=context.caller, dataset=dataset)
    return _reload(dataset.pk, context)


def package_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata with the dict given (absent fields are cleared, as in CKAN);
    ``resources``, when present, becomes the list of resources."""
    return _update(context, data, complete=True)


def package_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields given."""
    return _update(context, data, complete=False)


def package_delete(context: Context, data: dict[str, Any]) -> None:
    """Move a dataset to the trash (its organization's administrators can restore or purge it)."""
    dataset = get_dataset(required_id(data), context)
    services.dataset_delete(dataset=dataset, by=context.caller)


def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource: a link (``url``), a file (multipart ``upload``), or neither yet (as in CKAN, to be
    filled by ``datastore_create`` or a later upload)."""
    dataset = get_dataset(str(required(data, "package_id")), context)
    with ckan_errors():
        resource = resource_add(dataset=dataset, data=resource_input(data), by=context.caller, allow_empty=True)
    return resource_dict_of(resource, context)


def _resource_write(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = get_resource(required_id(data), context)
    dataset = resource.dataset
    upload = data.get("upload")
    with ckan_errors():
        if isinstance(upload, UploadedFile):
            # The catalogue keeps every original: a new file is a new resource that takes the old one's
            # place and id.
            old_id, values = resource.pk, {k: getattr(resource, k) for k in ("name", "description", "encoding")}
            ordered = list(dataset.resources.order_by("position", "created_at").values_list("pk", flat=True))
            services.resource_delete(resource=resource, by=context.caller)
            replacement = {**values, **{k: data[k] for k in RESOURCE_TEXT if k in data}, "upload": upload,
                           "id": str(old_id), "data_dictionary": data.get("data_dictionary", resource.data_dictionary)}
            resource_add(dataset=dataset, data=resource_input(replacement), by=context.caller)
            # It takes the old one's place in the list, not the end (CKAN keeps the position).
            offset = ordered.index(old_id) - (len(ordered) - 1)
            if offset:
                services.resource_move(resource=Resource.objects.get(pk=old_id), by=context.caller, offset=offset)
            return resource_dict_of(Resource.objects.get(pk=old_id), context)
        resource_change(resource=resource, data=resource_input({k: v for k, v in data.items() if k != "id"}),
                        by=context.caller)
    return resource_dict_of(resource, context)


def resource_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change a resource (fields given; ``upload`` replaces the file)."""
    return _resource_write(context, data)


def resource_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Same as ``resource_update``: only the fields given change."""
    return _resource_write(context, data)


def resource_delete(context: Context, data: dict[str, Any]) -> None:
    """Remove a resource from its dataset (the stored original is kept for the history)."""
    resource = get_resource(required_id(data), context)
    services.resource_delete(resource=resource, by=context.caller)
