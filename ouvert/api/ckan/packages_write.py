"""Writes on datasets and resources, always through the catalogue's services (same permissions,
versions, audit, search index and notifications as the web interface)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ouvert.catalog import search as catalog_search
from ouvert.catalog import services
from ouvert.catalog.models import Dataset, DatasetState, Licence, Resource, Theme, UpdateFrequency
from ouvert.core.models import Organization, User

from . import errors
from .actions_organizations import get_organization
from .packages_read import get_dataset, package_dict, resource_dict
from .params import as_bool, as_str, required, required_id
from .registry import Context
from .rekey import rekey, wanted_uuid

# CKAN key → catalogue field, for the plain text fields.
TEXT_FIELDS = {"title": "title", "notes": "notes", "url": "source_url", "source_url": "source_url",
               "maintainer": "contact_name", "contact_name": "contact_name",
               "maintainer_email": "contact_email", "contact_email": "contact_email",
               "spatial_text": "spatial", "version_notes": "version_notes", "language": "language"}
RESOURCE_TEXT = ("name", "description", "format", "encoding")


def _date(data: dict[str, Any], key: str) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise errors.ValidationError({key: [_("Date attendue (AAAA-MM-JJ).")]}) from None


def _tags(data: dict[str, Any]) -> list[str] | None:
    if "tags" in data:
        tags = data["tags"] or []
        if not isinstance(tags, list):
            raise errors.ValidationError({"tags": [_("Liste attendue.")]})
        return [str(t.get("name") if isinstance(t, dict) else t) for t in tags if t]
    if "tag_string" in data:
        return [t.strip() for t in as_str(data, "tag_string").split(",") if t.strip()]
    return None


def _themes(data: dict[str, Any]) -> list[Theme] | None:
    if "groups" not in data:
        return None
    groups = data["groups"] or []
    if not isinstance(groups, list):
        raise errors.ValidationError({"groups": [_("Liste attendue.")]})
    names = [str(g.get("name") or g.get("id") if isinstance(g, dict) else g) for g in groups]
    themes = list(Theme.objects.filter(slug__in=names))
    missing = sorted(set(names) - {t.slug for t in themes})
    if missing:
        raise errors.ValidationError({"groups": [_("Thème inconnu : %(t)s") % {"t": ", ".join(missing)}]})
    return themes


def _licence(data: dict[str, Any]) -> Licence | None:
    if not data.get("license_id"):
        return None
    licence = Licence.objects.filter(slug=str(data["license_id"])).first()
    if licence is None:
        raise errors.ValidationError({"license_id": [_("Licence inconnue : %(l)s (voir license_list).")
                                                     % {"l": data["license_id"]}]})
    return licence


def dataset_fields(data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    """Service keyword arguments; with ``complete`` (package_update), absent keys are cleared."""
    fields: dict[str, Any] = {}
    for key, target in TEXT_FIELDS.items():
        if key in data:
            fields[target] = as_str(data, key).strip()
    for key in ("title", "notes", "source_url", "contact_name", "contact_email", "spatial", "version_notes"):
        if complete and key not in fields and key != "title":
            fields[key] = ""
    frequency = data.get("update_frequency", data.get("frequency"))
    if frequency not in (None, ""):
        if frequency not in UpdateFrequency.values:
            raise errors.ValidationError({"update_frequency": [_("Fréquence inconnue : %(f)s.") % {"f": frequency}]})
        fields["update_frequency"] = frequency
    for key in ("temporal_start", "temporal_end"):
        if key in data or complete:
            fields[key] = _date(data, key)
    if "private" in data or complete:
        fields["private"] = as_bool(data, "private", False)
    if "language" in fields and not fields["language"]:
        fields.pop("language")
    return fields


def _check_org(data: dict[str, Any]) -> Organization:
    ref = required(data, "owner_org")
    try:
        return get_organization(str(ref))
    except errors.NotFound:
        raise errors.ValidationError({"owner_org": [_("Organisation inconnue : %(o)s") % {"o": ref}]}) from None


def _apply_state(dataset: Dataset, state: str | None, by: User) -> None:
    if state in (None, ""):
        return
    if state == "active" and dataset.state != DatasetState.ACTIVE:
        services.dataset_publish(dataset=dataset, by=by)
    elif state == "draft" and dataset.state == DatasetState.ACTIVE:
        services.dataset_unpublish(dataset=dataset, by=by)
    elif state == "deleted":
        services.dataset_delete(dataset=dataset, by=by)
    elif state not in {"active", "draft"}:
        raise errors.ValidationError({"state": [_("État inconnu : utilisez active, draft ou deleted.")]})


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


def _resource_create(dataset: Dataset, data: dict[str, Any], by: User) -> Resource:
    upload = data.get("upload")
    upload = upload if isinstance(upload, UploadedFile) else None
    url = "" if upload else as_str(data, "url").strip()
    resource = services.resource_create(
        dataset=dataset, by=by, name=as_str(data, "name"), description=as_str(data, "description"),
        file=upload, url=url, format=as_str(data, "format"), encoding=as_str(data, "encoding"),
        data_dictionary=_dictionary(data.get("data_dictionary")),
        is_documentation=data.get("resource_type") == "documentation")
    if data.get("id"):
        wanted = wanted_uuid(data["id"])
        if wanted != resource.pk:
            rekey(resource, wanted)
    return resource


def _resource_changes(resource: Resource, data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {key: as_str(data, key) for key in RESOURCE_TEXT if key in data}
    if "url" in data and not resource.file:
        fields["url"] = as_str(data, "url").strip()
    if "data_dictionary" in data:
        fields["data_dictionary"] = _dictionary(data["data_dictionary"]) or []
    if "resource_type" in data:
        fields["is_documentation"] = data["resource_type"] == "documentation"
    return {k: v for k, v in fields.items() if getattr(resource, k) != v}


def _sync_resources(dataset: Dataset, resources: Any, by: User) -> None:
    """Make the dataset's resources those listed: update by id, create the new ones, remove the rest."""
    if not isinstance(resources, list):
        raise errors.ValidationError({"resources": [_("Liste attendue.")]})
    existing = {str(r.pk): r for r in dataset.resources.all()}
    keep = set()
    for item in resources:
        if not isinstance(item, dict):
            raise errors.ValidationError({"resources": [_("Chaque ressource doit être un objet.")]})
        current = existing.get(str(item.get("id") or ""))
        if current is None:
            keep.add(str(_resource_create(dataset, item, by).pk))
            continue
        keep.add(str(current.pk))
        changes = _resource_changes(current, item)
        if changes:
            services.resource_update(resource=current, by=by, **changes)
    for key, resource in existing.items():
        if key not in keep:
            services.resource_delete(resource=resource, by=by)


def _reload(dataset: Dataset, context: Context) -> dict[str, Any]:
    return package_dict(get_dataset(str(dataset.pk), context), context)


def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset (editors of ``owner_org``), its link resources, and publish it unless
    ``state`` is ``draft``."""
    name = as_str(data, "name").strip()
    if not name:
        raise errors.ValidationError({"name": [_("Valeur manquante")]})
    organization = _check_org(data)
    fields = dataset_fields(data, complete=False)
    title = fields.pop("title", "") or name
    dataset = services.dataset_create(by=context.caller, organization=organization, title=title, name=name,
                                      keywords=_tags(data) or [], themes=_themes(data) or [],
                                      licence=_licence(data), **fields)
    if data.get("id"):
        wanted = wanted_uuid(data["id"])
        if wanted != dataset.pk:
            catalog_search.remove_dataset(dataset.pk)
            rekey(dataset, wanted)
            catalog_search.index_dataset(Dataset.objects.get(pk=wanted))
            dataset = Dataset.objects.get(pk=wanted)
    for item in data.get("resources") or []:
        if not isinstance(item, dict):
            raise errors.ValidationError({"resources": [_("Chaque ressource doit être un objet.")]})
        _resource_create(dataset, item, context.caller)
    _apply_state(dataset, as_str(data, "state") or "active", context.caller)
    return _reload(dataset, context)


def _update(context: Context, data: dict[str, Any], *, complete: bool) -> dict[str, Any]:
    dataset = get_dataset(required_id(data), context)
    fields = dataset_fields(data, complete=complete)
    if "name" in data and as_str(data, "name").strip():
        fields["name"] = as_str(data, "name").strip()
    if complete and not fields.get("title"):
        fields["title"] = fields.get("name") or dataset.name
    if "owner_org" in data and str(data["owner_org"]) not in {str(dataset.organization_id),
                                                               dataset.organization.slug}:
        raise errors.ValidationError({"owner_org": [_("Changer l'organisation d'un jeu de données n'est pas "
                                                      "possible par l'API ; faites-le dans l'interface.")]})
    tags = _tags(data)
    services.dataset_update(dataset=dataset, by=context.caller,
                            keywords=tags if tags is not None else ([] if complete else None),
                            themes=_themes(data) if "groups" in data else ([] if complete else None),
                            licence=_licence(data), **fields)
    if "resources" in data:
        _sync_resources(dataset, data["resources"], context.caller)
    _apply_state(dataset, as_str(data, "state"), context.caller)
    return _reload(dataset, context)


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


def _get_resource(context: Context, data: dict[str, Any]) -> Resource:
    ref = required_id(data)
    try:
        resource = Resource.objects.select_related("dataset").filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        resource = None
    if resource is None:
        raise errors.NotFound(_("ressource « %(ref)s »") % {"ref": ref})
    get_dataset(str(resource.dataset_id), context)
    return resource


def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource: a link (``url``) or a file (multipart ``upload``)."""
    dataset = get_dataset(str(required(data, "package_id")), context)
    resource = _resource_create(dataset, data, context.caller)
    return resource_dict(Resource.objects.get(pk=resource.pk), dataset, context)


def _resource_write(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = _get_resource(context, data)
    dataset = resource.dataset
    upload = data.get("upload")
    if isinstance(upload, UploadedFile):
        # The catalogue keeps every original: a new file is a new resource that takes the old one's
        # place and id.
        old_id, values = resource.pk, {k: getattr(resource, k) for k in ("name", "description", "encoding")}
        services.resource_delete(resource=resource, by=context.caller)
        replacement = {**values, **{k: data[k] for k in RESOURCE_TEXT if k in data}, "upload": upload,
                       "id": str(old_id), "data_dictionary": data.get("data_dictionary", resource.data_dictionary)}
        _resource_create(dataset, replacement, context.caller)
        return resource_dict(Resource.objects.get(pk=old_id), dataset, context)
    changes = _resource_changes(resource, data)
    if changes:
        services.resource_update(resource=resource, by=context.caller, **changes)
    return resource_dict(Resource.objects.get(pk=resource.pk), dataset, context)


def resource_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change a resource (fields given; ``upload`` replaces the file)."""
    return _resource_write(context, data)


def resource_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Same as ``resource_update``: only the fields given change."""
    return _resource_write(context, data)


def resource_delete(context: Context, data: dict[str, Any]) -> None:
    """Remove a resource from its dataset (the stored original is kept for the history)."""
    resource = _get_resource(context, data)
    services.resource_delete(resource=resource, by=context.caller)


# Harvesting ---------------------------------------------------------------------------------------


def harvest_upsert(pkg: dict[str, Any], *, organization: Organization, local_id: str | None, by: User,
                   source_label: str) -> str:
    """Create or replace a harvested dataset from a (mapped) CKAN package dict; return its id."""
    context = Context(request=None, user=by)
    data = {k: v for k, v in pkg.items() if k not in {"id", "owner_org", "organization", "state"}}
    data["owner_org"] = str(organization.pk)
    data["groups"] = [g for g in pkg.get("groups") or [] if isinstance(g, dict)
                      and Theme.objects.filter(slug=g.get("name")).exists()]
    if data.get("license_id") and not Licence.objects.filter(slug=str(data["license_id"])).exists():
        data.pop("license_id")
    if data.get("update_frequency") not in UpdateFrequency.values:
        data.pop("update_frequency", None)
    data.pop("frequency", None)
    resources = [{k: r.get(k) for k in ("name", "description", "url", "format")}
                 for r in pkg.get("resources") or [] if isinstance(r, dict) and r.get("url")]
    state = "draft" if pkg.get("state") == "draft" else "active"
    existing = Dataset.objects.filter(pk=local_id).exclude(state=DatasetState.DELETED).first() if local_id else None
    try:
        if existing is None:
            data["resources"] = resources
            data["state"] = state
            created = package_create(context, data)
            return created["id"]
        current: dict[tuple[Any, Any], str] = {(r.url, r.name): str(r.pk) for r in existing.resources.all()}
        data["resources"] = [{**r, "id": current.get((r["url"], r["name"]))} for r in resources]
        data["id"] = str(existing.pk)
        data["state"] = state
        package_update(context, data)
        return str(existing.pk)
    except errors.ValidationError as exc:
        raise DjangoValidationError(exc.errors) from None
    except errors.ActionError as exc:
        raise DjangoValidationError(exc.message) from None


def harvest_delete(local_id: str, *, by: User) -> bool:
    dataset = Dataset.objects.filter(pk=local_id).exclude(state=DatasetState.DELETED).first()
    if dataset is None:
        return False
    services.dataset_delete(dataset=dataset, by=by)
    return True
