"""Writes for the catalogue. Every function checks permission, writes, records an audit entry and
(for datasets) a version, reindexes the search in the same transaction and notifies followers."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import uuid
import zipfile
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ouvert.core import actors
from ouvert.core import permissions as core_permissions
from ouvert.core.audit import audit_record
from ouvert.core.guidelines import TABULAR_FORMATS
from ouvert.core.messages import message
from ouvert.core.models import Follow, Organization, User
from ouvert.core.slugs import unique_slug
from ouvert.core.unset import UNSET, Unset, given

from . import permissions, quality, search
from .facet_rows import dataset_facets_write
from .models import (
    Dataset,
    DatasetRequest,
    DatasetState,
    DatasetVersion,
    DeclineReason,
    Keyword,
    Licence,
    RequestComment,
    RequestStatus,
    RequestVote,
    Resource,
    Theme,
)

logger = logging.getLogger(__name__)

DATASET_FIELDS = [
    "name", "title", "notes", "contact_name", "contact_email", "update_frequency", "spatial",
    "temporal_start", "temporal_end", "source_url", "language", "version_notes", "private",
    "licence_alias", "extras", "title_en", "notes_en", "keywords_en",
]
RESOURCE_FIELDS = ["name", "description", "url", "format", "size", "sha256", "encoding", "data_dictionary",
                   "is_documentation", "name_en", "description_en"]
FORMATS = {
    "csv": "CSV", "json": "JSON", "geojson": "GeoJSON", "xml": "XML", "kml": "KML", "gpkg": "GPKG",
    "zip": "ZIP", "parquet": "Parquet", "xls": "XLS", "xlsx": "XLSX", "pdf": "PDF", "txt": "TXT",
    "shp": "SHP", "ods": "ODS", "png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "html": "HTML", "tsv": "TSV",
}
DICTIONARY_KEYS = ("name", "type", "description", "unit")


def licence_default() -> Licence:
    """CC BY 4.0 unless another licence is marked as the default."""
    licence = Licence.objects.filter(is_default=True).first()
    if licence is None:
        from .seeds import ensure_seeded

        ensure_seeded()
        licence = Licence.objects.filter(is_default=True).first() or Licence.objects.get(slug="cc-by-4.0")
    return licence


# Snapshots and versions ---------------------------------------------------------------------------


def dataset_snapshot(dataset: Dataset) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in DATASET_FIELDS:
        value = getattr(dataset, name)
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    data.update({
        "organization": dataset.organization.slug,
        "licence": dataset.licence.slug,
        "state": dataset.state,
        "keywords": sorted(k.name for k in dataset.keywords.all()),
        "themes": sorted(t.slug for t in dataset.themes.all()),
        "resources": [
            {"id": str(r.id), "name": r.name, "format": r.format, "url": r.url, "file": r.file.name or "",
             "size": r.size, "sha256": r.sha256}
            for r in dataset.resources.order_by("position", "created_at")
        ],
    })
    return data


def _record(dataset: Dataset, *, by: User | None, action: str,
            notify: tuple[str, dict[str, str]] | None = None) -> DatasetVersion:
    """Version, audit entry, search index and follower notices for one change."""
    after = dataset_snapshot(dataset)
    previous = dataset.versions.order_by("-number").first()
    before = previous.snapshot if previous else {}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    version = DatasetVersion.objects.create(
        dataset=dataset, number=(previous.number + 1) if previous else 1, action=action, snapshot=after,
        changes=changes, actor=by if by and by.is_authenticated else None,
    )
    audit_record(actor=by, action=f"dataset.{action}", obj=dataset, changes=changes,
                 organization=dataset.organization)
    if dataset.state == DatasetState.DELETED:
        search.remove_dataset(dataset.pk)
    else:
        search.index_dataset(dataset)
    from .tasks import dataset_quality_schedule

    dataset_quality_schedule(dataset_id=dataset.pk)
    _notify(dataset, by=by, action=action, notify=notify,
            was_public=before.get("state") == DatasetState.ACTIVE and not before.get("private"))
    return version


_EVENTS = {"create": "dataset.created", "publish": "dataset.created", "update": "dataset.updated",
           "delete": "dataset.deleted", "unpublish": "dataset.deleted", "resource_create": "resource.changed",
           "resource_update": "resource.changed", "resource_delete": "resource.changed"}


def _notify(dataset: Dataset, *, by: User | None, action: str, notify: tuple[str, dict[str, str]] | None,
            was_public: bool) -> None:
    """The one notify call of the catalogue (ouvert.core.notices): followers hear of changes with a
    summary, webhooks of every event about a public dataset (and of its leaving public view)."""
    from ouvert.core.notices import notify as core_notify

    event = _EVENTS.get(action)
    if event is None:
        return
    if event == "dataset.deleted":
        if was_public:
            core_notify(kind="dataset", key=dataset.pk, event=event, params={"title": dataset.title}, by=by,
                        gone=True)
        return
    if dataset.is_public:
        summary, params = notify if notify else ("", {"title": dataset.title})
        core_notify(kind="dataset", key=dataset.pk, event=event, summary=summary, params=params, by=by)


def _touch(dataset: Dataset) -> None:
    dataset.updated_at = timezone.now()
    dataset.save(update_fields=["updated_at"])


# Datasets -----------------------------------------------------------------------------------------


def _clean_keywords(names: Sequence[str] | str) -> list[Keyword]:
    if isinstance(names, str):
        names = names.split(",")
    result, seen = [], set()
    for raw in names:
        name = " ".join(raw.split()).strip().lower()[:100]
        if name and name not in seen:
            seen.add(name)
            result.append(Keyword.objects.get_or_create(name=name)[0])
    return result


def _clean_keywords_en(names: Sequence[str] | str | None) -> list[str]:
    """English keywords as a list (a comma-separated text is split), trimmed, without repeats."""
    if isinstance(names, str):
        names = names.split(",")
    result: list[str] = []
    for raw in names or []:
        name = " ".join(str(raw).split()).strip().lower()[:100]
        if name and name not in result:
            result.append(name)
    return result


def _validate(dataset: Dataset) -> None:
    errors: dict[str, list[str]] = {}
    if not dataset.title.strip():
        errors.setdefault("title", []).append(_("Donnez un titre au jeu de données."))
    if dataset.temporal_start and dataset.temporal_end and dataset.temporal_start > dataset.temporal_end:
        errors.setdefault("temporal_end", []).append(_("La fin de la couverture précède son début."))
    taken = Dataset.objects.filter(name=dataset.name).exclude(pk=dataset.pk).exists()
    if taken:
        errors.setdefault("name", []).append(
            _("L'identifiant « %(name)s » est déjà pris : choisissez-en un autre.") % {"name": dataset.name})
    if errors:
        raise ValidationError(errors)
    try:
        dataset.full_clean(exclude=["organization", "licence", "name"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def _unique_name(title: str) -> str:
    return unique_slug(Dataset, title, field="name", max_length=90, default="jeu-de-donnees")


@transaction.atomic
def dataset_create(*, by: User, organization: Organization, title: str, name: str = "",
                   keywords: Sequence[str] | str = (), themes: Sequence[Theme] = (), licence: Licence | None = None,
                   **fields: Any) -> Dataset:
    core_permissions.check_edit_in_organization(by, organization)
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise TypeError(f"unknown dataset fields: {sorted(unknown)}")
    if "keywords_en" in fields:
        fields["keywords_en"] = _clean_keywords_en(fields["keywords_en"])
    dataset = Dataset(organization=organization, title=title.strip(), licence=licence or licence_default(),
                      name=slugify(name)[:100] if name else _unique_name(title), state=DatasetState.DRAFT,
                      **fields)
    _validate(dataset)
    dataset.save()
    dataset.keywords.set(_clean_keywords(keywords))
    dataset.themes.set(themes)
    _record(dataset, by=by, action="create")
    return dataset


@transaction.atomic
def dataset_update(*, dataset: Dataset, by: User, keywords: list[str] | str | None = None,
                   themes: list[Theme] | None = None, licence: Licence | None = None, **fields: Any) -> Dataset:
    permissions.check_edit_dataset(by, dataset)
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise TypeError(f"unknown dataset fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = slugify(fields["name"])[:100] or dataset.name
    if "keywords_en" in fields:
        fields["keywords_en"] = _clean_keywords_en(fields["keywords_en"])
    for key, value in fields.items():
        setattr(dataset, key, value)
    if licence is not None:
        if licence.pk != dataset.licence_id and "licence_alias" not in fields:
            dataset.licence_alias = ""
        dataset.licence = licence
    _validate(dataset)
    dataset.updated_at = timezone.now()
    dataset.save()
    if keywords is not None:
        dataset.keywords.set(_clean_keywords(keywords))
    if themes is not None:
        dataset.themes.set(themes)
    _record(dataset, by=by, action="update",
            notify=(gettext_noop("« %(title)s » a été modifié."), {"title": dataset.title}))
    return dataset


@transaction.atomic
def dataset_publish(*, dataset: Dataset, by: User) -> Dataset:
    permissions.check_edit_dataset(by, dataset)
    if dataset.state == DatasetState.ACTIVE:
        return dataset
    now = timezone.now()
    dataset.state = DatasetState.ACTIVE
    dataset.first_published_at = dataset.first_published_at or now
    dataset.updated_at = now
    dataset.save(update_fields=["state", "first_published_at", "updated_at"])
    _record(dataset, by=by, action="publish",
            notify=(gettext_noop("« %(title)s » a été publié."), {"title": dataset.title}))
    return dataset


@transaction.atomic
def dataset_unpublish(*, dataset: Dataset, by: User) -> Dataset:
    permissions.check_edit_dataset(by, dataset)
    dataset.state = DatasetState.DRAFT
    dataset.updated_at = timezone.now()
    dataset.save(update_fields=["state", "updated_at"])
    _record(dataset, by=by, action="unpublish")
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset, by: User) -> Dataset:
    """Move to the trash (an organization admin can restore or purge it)."""
    permissions.check_edit_dataset(by, dataset)
    dataset.state = DatasetState.DELETED
    dataset.deleted_at = timezone.now()
    dataset.save(update_fields=["state", "deleted_at"])
    _record(dataset, by=by, action="delete")
    return dataset


@transaction.atomic
def dataset_restore(*, dataset: Dataset, by: User) -> Dataset:
    permissions.check_manage_trash(by, dataset.organization)
    if dataset.state != DatasetState.DELETED:
        return dataset
    dataset.state = DatasetState.DRAFT
    dataset.deleted_at = None
    dataset.updated_at = timezone.now()
    dataset.save(update_fields=["state", "deleted_at", "updated_at"])
    _record(dataset, by=by, action="restore")
    return dataset


@transaction.atomic
def dataset_purge(*, dataset: Dataset, by: User) -> None:
    """Delete for good a dataset that is in the trash, with its files."""
    permissions.check_manage_trash(by, dataset.organization)
    if dataset.state != DatasetState.DELETED:
        raise ValidationError(_("Seul un jeu de données mis à la corbeille peut être purgé."))
    files = [r.file.name for r in dataset.resources.all() if r.file and r.file.name]
    resource_ids = list(dataset.resources.values_list("pk", flat=True))
    organization = dataset.organization
    audit_record(actor=by, action="dataset.purge", obj=dataset, organization=dataset.organization,
                 changes={"name": [dataset.name, None]})
    search.remove_dataset(dataset.pk)
    dataset.delete()
    for resource_id in resource_ids:
        transaction.on_commit(functools.partial(_drop_derived, resource_id, organization=organization, by=by))

    def remove_files() -> None:
        from django.core.files.storage import default_storage

        for name in files:
            default_storage.delete(name)

    transaction.on_commit(remove_files)


# Resources ----------------------------------------------------------------------------------------


def detect_format(filename: str) -> str:
    ext = os.path.splitext(filename.split("?", 1)[0].lower())[1].lstrip(".")
    return FORMATS.get(ext, ext.upper()[:30])


def _zip_holds_shapefile(upload: UploadedFile[Any]) -> bool:
    """Whether an uploaded ZIP archive holds a shapefile (a ``.shp`` member); the file is rewound."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        names = []
    finally:
        upload.seek(0)
    return any(name.lower().endswith(".shp") for name in names)


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    # A multibyte character may be cut at the end of the sample: ignore up to 3 trailing bytes.
    for cut in range(4):
        try:
            sample[: len(sample) - cut].decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    return "windows-1252"


def clean_dictionary(rows: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    result = []
    for row in rows or []:
        item = {key: str(row.get(key, "") or "").strip() for key in DICTIONARY_KEYS}
        if item["name"]:
            result.append(item)
    return result


def check_upload_size(upload: UploadedFile[Any]) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": _(
            "Le fichier pèse %(size)s, au-delà de la limite de %(limit)s. Déposez-le en plusieurs parties "
            "ou donnez plutôt un lien vers le fichier."
        ) % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}})


@transaction.atomic
def resource_create(*, dataset: Dataset, by: User, name: str = "", description: str = "",
                    file: UploadedFile[Any] | None = None, url: str = "", format: str = "",  # noqa: A002
                    encoding: str = "", data_dictionary: list[dict[str, Any]] | None = None,
                    is_documentation: bool = False, allow_empty: bool = False, name_en: str = "",
                    description_en: str = "") -> Resource:
    """``allow_empty``: a resource with neither file nor link yet (CKAN clients create one, then fill it
    with ``datastore_create`` or a later upload)."""
    permissions.check_edit_dataset(by, dataset)
    if bool(file) == bool(url) and not (allow_empty and not file and not url):
        raise ValidationError({"file": _("Déposez un fichier ou donnez un lien, l'un ou l'autre.")})
    position = (dataset.resources.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    resource = Resource(dataset=dataset, position=position, description=description.strip(), url=url.strip(),
                        name_en=name_en.strip(), description_en=description_en.strip(),
                        data_dictionary=clean_dictionary(data_dictionary), is_documentation=is_documentation)
    if file:
        check_upload_size(file)
        digest = hashlib.sha256()
        first = b""
        for chunk in file.chunks():
            if not first:
                first = chunk[:65536]
            digest.update(chunk)
        file.seek(0)
        resource.sha256 = digest.hexdigest()
        resource.size = file.size
        resource.encoding = encoding or _detect_encoding(first)
        file_name = file.name or ""  # an upload always has one
        resource.name = name.strip() or file_name
        resource.format = (format or detect_format(file_name)).upper()
        if resource.format == "ZIP" and _zip_holds_shapefile(file):
            resource.format = "SHP"  # a zipped shapefile is catalogued as what it holds (rule F1, F4)
        resource.file.save(os.path.basename(file_name), file, save=False)
    else:
        resource.name = name.strip() or url.rsplit("/", 1)[-1][:250] or url[:250]
        resource.format = (format or detect_format(url)).upper()
        resource.encoding = encoding
    try:
        resource.full_clean(exclude=["dataset", "file"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    resource.save()
    dataset.data_modified_at = timezone.now()
    dataset.updated_at = dataset.data_modified_at
    dataset.save(update_fields=["data_modified_at", "updated_at"])
    audit_record(actor=by, action="resource.create", obj=resource, organization=dataset.organization,
                 changes={"name": [None, resource.name], "format": [None, resource.format]})
    if file:
        transaction.on_commit(lambda: _schedule_processing(resource, by=by, first=first))
    else:
        transaction.on_commit(lambda: _schedule_link_ingest(resource, by=by))
    _record(dataset, by=by, action="resource_create",
            notify=(gettext_noop("Nouvelle ressource « %(name)s » dans « %(title)s »."),
                    {"name": resource.name, "title": dataset.title}))
    return resource


def _schedule_processing(resource: Resource, *, by: User, first: bytes) -> None:
    """After an upload: datastore ingestion for tabular formats, map layer for geographic files.
    Never fails the upload: a scheduling error is logged."""
    from django.apps import apps

    dataset = resource.dataset
    stored_name = resource.file.name or ""  # called after an upload: the file is stored
    if resource.format in TABULAR_FORMATS and apps.is_installed("ouvert.datastore"):
        try:
            from ouvert.datastore.services import datastore_ingest_schedule

            datastore_ingest_schedule(resource_id=resource.pk, source_path=stored_name,
                                      original_name=resource.name or stored_name,
                                      organization=dataset.organization, by=by, options=None)
        except Exception:
            logger.exception("datastore ingestion not scheduled for resource %s", resource.pk)
    if apps.is_installed("ouvert.geo"):
        try:
            from ouvert.geo.tasks import is_geographic, layer_load_task

            filename = os.path.basename(stored_name)
            if is_geographic(first, filename):
                layer_load_task.enqueue(resource_id=str(resource.pk), storage_name=stored_name,
                                        filename=filename, organization_id=str(dataset.organization_id),
                                        dataset_id=str(dataset.pk))
        except Exception:
            logger.exception("map layer not scheduled for resource %s", resource.pk)


def _schedule_link_ingest(resource: Resource, *, by: User) -> None:
    """A tabular file given by its link is fetched and loaded into the datastore too, and loaded
    again whenever the link changes. Never fails the edit: a scheduling error is logged."""
    from django.apps import apps

    if not resource.url or resource.format not in TABULAR_FORMATS or not apps.is_installed("ouvert.datastore"):
        return
    if not resource.url.lower().startswith(("http://", "https://")):
        return  # only web links are loaded (an ftp:// or other link stays a link, never a stored file)
    dataset = resource.dataset
    try:
        from ouvert.datastore.services import datastore_ingest_schedule

        name = resource.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or resource.name
        if not os.path.splitext(name)[1]:
            name = f"{name}.{resource.format.lower()}"
        datastore_ingest_schedule(resource_id=resource.pk, source_url=resource.url, original_name=name,
                                  organization=dataset.organization, by=by, options=None)
    except Exception:
        logger.exception("datastore ingestion not scheduled for linked resource %s", resource.pk)


@transaction.atomic
def resource_update(*, resource: Resource, by: User, name: str | Unset = UNSET, description: str | Unset = UNSET,
                    url: str | Unset = UNSET, format: str | None | Unset = UNSET,  # noqa: A002 — the field's name
                    encoding: str | Unset = UNSET, data_dictionary: list[dict[str, Any]] | None | Unset = UNSET,
                    is_documentation: bool | Unset = UNSET, name_en: str | Unset = UNSET,
                    description_en: str | Unset = UNSET) -> Resource:
    """Change the given fields of a resource (the others are left as they are)."""
    dataset = resource.dataset
    permissions.check_edit_dataset(by, dataset)
    fields: dict[str, Any] = given(name=name, description=description, url=url, encoding=encoding,
                                   is_documentation=is_documentation, name_en=name_en,
                                   description_en=description_en)
    if not isinstance(data_dictionary, Unset):
        fields["data_dictionary"] = clean_dictionary(data_dictionary)
    if not isinstance(format, Unset):
        fields["format"] = (format or "").upper()
    if resource.file and fields.get("url"):
        raise ValidationError({"url": _("Cette ressource est un fichier déposé : "
                                        "elle ne peut pas aussi être un lien.")})
    before = {k: getattr(resource, k) for k in fields}
    for key, value in fields.items():
        setattr(resource, key, value)
    try:
        resource.full_clean(exclude=["dataset", "file"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    resource.last_modified = timezone.now()
    resource.save()
    changes = {k: [before[k], v] for k, v in fields.items() if before[k] != v}
    audit_record(actor=by, action="resource.update", obj=resource, organization=dataset.organization,
                 changes=changes)
    if resource.url and ("url" in changes or "format" in changes):
        transaction.on_commit(lambda: _schedule_link_ingest(resource, by=by))
    _touch(dataset)
    _record(dataset, by=by, action="resource_update",
            notify=(gettext_noop("La ressource « %(name)s » a été modifiée."),
                    {"name": resource.name, "title": dataset.title}))
    return resource


@transaction.atomic
def resource_delete(*, resource: Resource, by: User) -> None:
    """Remove a resource from its dataset, with its datastore tables and map layer. The stored
    original is kept (history refers to it) but no longer served: its owner is gone."""
    dataset = resource.dataset
    permissions.check_edit_dataset(by, dataset)
    audit_record(actor=by, action="resource.delete", obj=resource, organization=dataset.organization,
                 changes={"name": [resource.name, None]})
    resource_id, organization = resource.pk, dataset.organization
    resource.delete()
    transaction.on_commit(lambda: _drop_derived(resource_id, organization=organization, by=by))
    _touch(dataset)
    _record(dataset, by=by, action="resource_delete")


def _drop_derived(resource_id: uuid.UUID, *, organization: Organization, by: User) -> None:
    """A deleted resource's tables and layer go with it (unless the same id was given again in the
    same transaction, as a file replacement through the CKAN API does)."""
    if Resource.objects.filter(pk=resource_id).exists():
        return
    if apps.is_installed("ouvert.datastore"):
        from django.http import Http404

        from ouvert.datastore.services import datastore_drop

        with contextlib.suppress(Http404):
            datastore_drop(resource_id=resource_id, organization=organization, by=by)
    if apps.is_installed("ouvert.geo"):
        from ouvert.geo.services import layer_delete

        layer_delete(resource_id=resource_id, by=by)


@transaction.atomic
def resource_move(*, resource: Resource, by: User, offset: int) -> None:
    """Move a resource up (offset -1) or down (+1) in its dataset's list."""
    dataset = resource.dataset
    permissions.check_edit_dataset(by, dataset)
    ordered = list(dataset.resources.order_by("position", "created_at"))
    index = next(i for i, r in enumerate(ordered) if r.pk == resource.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target == index:
        return
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            Resource.objects.filter(pk=item.pk).update(position=position)
    _touch(dataset)
    _record(dataset, by=by, action="resource_reorder")


# Quality ------------------------------------------------------------------------------------------


def dataset_quality_refresh(*, dataset: Dataset, now: dt.datetime | None = None) -> Dataset:
    """Recompute and store the quality report (score, stars, conformity), and grant or withdraw the
    reference badge by the guidelines' criteria, with an audit entry giving the reason. A system
    action (run by the background task): no permission to check. Does not touch ``updated_at``."""
    report = quality.dataset_report(dataset, now=now)
    eligible = report["reference"]["eligible"]
    fields = {"quality_score": report["score"], "openness_stars": report["stars"], "conforms": report["conforms"],
              "quality_report": report, "quality_checked_at": now or timezone.now()}
    with transaction.atomic():
        current = Dataset.objects.select_for_update().filter(pk=dataset.pk).values_list("is_reference", flat=True)
        was_reference = bool(current.first())
        if eligible != was_reference:
            fields["is_reference"] = eligible
        Dataset.objects.filter(pk=dataset.pk).update(**fields)
        if eligible != was_reference:
            search.catalogue_changed()  # the reference facet counts it
            dataset_facets_write(dataset.pk)
            unmet = [c for c in report["reference"]["criteria"] if not c["ok"]]
            reason = (message("reference.met") if eligible else
                      message("reference.unmet", criteria=[c["label"] for c in unmet]))
            audit_record(actor=actors.QUALITY,
                         action="dataset.reference_grant" if eligible else "dataset.reference_withdraw",
                         obj=dataset, organization=dataset.organization,
                         changes={"is_reference": [was_reference, eligible], "reason": reason,
                                  "failed_rules": report["failed_rules"],
                                  "unmet_criteria": [c["key"] for c in unmet]})
    for key, value in fields.items():
        setattr(dataset, key, value)
    dataset.is_reference = eligible
    return dataset


# Usage counts (no IP address, no person: just counters) ------------------------------------------


def dataset_record_view(*, dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(view_count=F("view_count") + 1)


def resource_record_download(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    Dataset.objects.filter(pk=resource.dataset_id).update(download_count=F("download_count") + 1)


# Dataset requests ---------------------------------------------------------------------------------


@transaction.atomic
def request_create(*, by: User, title: str, description: str, organization: Organization,
                   theme: Theme | None = None) -> DatasetRequest:
    permissions.check_signed_in(by)
    errors = {}
    if not title.strip():
        errors["title"] = [_("Dites quelles données vous demandez.")]
    if len(description.strip()) < 20:
        errors["description"] = [_("Expliquez en au moins 20 caractères à quoi serviraient ces données.")]
    if errors:
        raise ValidationError(errors)
    item = DatasetRequest.objects.create(title=title.strip(), description=description.strip(),
                                         organization=organization, theme=theme, author=by)
    audit_record(actor=by, action="request.create", obj=item, organization=organization,
                 changes={"title": [None, item.title]})
    return item


def _recount(item: DatasetRequest) -> None:
    item.vote_count = item.votes.count()
    item.save(update_fields=["vote_count"])


@transaction.atomic
def request_vote(*, request: DatasetRequest, by: User) -> DatasetRequest:
    permissions.check_signed_in(by)
    _, created = RequestVote.objects.get_or_create(request=request, user=by)
    if created:
        _recount(request)
        audit_record(actor=by, action="request.vote", obj=request, organization=request.organization)
    return request


@transaction.atomic
def request_unvote(*, request: DatasetRequest, by: User) -> DatasetRequest:
    permissions.check_signed_in(by)
    deleted, _count = RequestVote.objects.filter(request=request, user=by).delete()
    if deleted:
        _recount(request)
        audit_record(actor=by, action="request.unvote", obj=request, organization=request.organization)
    return request


@transaction.atomic
def request_comment(*, request: DatasetRequest, by: User, body: str) -> RequestComment:
    permissions.check_signed_in(by)
    if not body.strip():
        raise ValidationError({"body": [_("Le commentaire est vide.")]})
    comment = RequestComment.objects.create(request=request, author=by, body=body.strip()[:5000])
    audit_record(actor=by, action="request.comment", obj=request, organization=request.organization)
    return comment


@transaction.atomic
def request_answer(*, request: DatasetRequest, by: User, status: str, answer: str = "",
                   target_date: dt.date | None = None, decline_reason: str = "",
                   dataset: Dataset | None = None) -> DatasetRequest:
    if not permissions.can_answer_request(by, request):
        raise PermissionDenied(_("Seule l'organisation visée peut répondre à cette demande."))
    errors: dict[str, list[str]] = {}
    if status not in RequestStatus.values or status == RequestStatus.OPEN:
        errors["status"] = [_("Choisissez un statut de réponse.")]
    if status == RequestStatus.PLANNED and not target_date:
        errors["target_date"] = [_("Une demande planifiée a besoin d'une date prévue.")]
    if status == RequestStatus.PUBLISHED and (dataset is None or not dataset.is_public):
        errors["dataset"] = [_("Indiquez le jeu de données publié qui répond à la demande.")]
    if status == RequestStatus.DECLINED and decline_reason not in DeclineReason.values:
        errors["decline_reason"] = [_("Un refus doit donner son motif légitime.")]
    if errors:
        raise ValidationError(errors)
    before = {"status": request.status}
    request.status = status
    request.answer = answer.strip()
    request.target_date = target_date if status == RequestStatus.PLANNED else None
    request.decline_reason = decline_reason if status == RequestStatus.DECLINED else ""
    request.dataset = dataset if status == RequestStatus.PUBLISHED else None
    request.answered_at = timezone.now()
    request.save()
    audit_record(actor=by, action="request.answer", obj=request, organization=request.organization,
                 changes={"status": [before["status"], status]})
    return request


# Follows ------------------------------------------------------------------------------------------
# Kept for the catalogue's callers: follows are core's (ouvert.core.follows).


def follow_create(*, by: User, kind: str, target: str, frequency: str = "immediate") -> Follow:
    from ouvert.core import follows

    permissions.check_signed_in(by)
    return follows.follow_create(user=by, kind=kind, key=target, frequency=frequency, by=by)


def follow_delete(*, follow: Follow, by: User | None) -> None:
    """Stop following. ``by`` may be anonymous when the unsubscribe token came from an e-mail."""
    from ouvert.core import follows

    follows.follow_delete(follow=follow, by=by)


# Themes (CKAN's groups): the seeded Québec list, which site administrators may extend, rename or trim.

THEME_SLUG_MAX = 60


@transaction.atomic
def theme_create(*, by: User, slug: str, title_fr: str, title_en: str = "") -> Theme:
    core_permissions.check_site_admin(by)
    slug = slug.strip()
    if not slug or slugify(slug) != slug or len(slug) > THEME_SLUG_MAX:
        raise ValidationError({"slug": [ngettext("Identifiant de thème invalide : lettres minuscules non accentuées, "
                                                 "chiffres et « - », %(n)d caractère au plus.",
                                                 "Identifiant de thème invalide : lettres minuscules non accentuées, "
                                                 "chiffres et « - », %(n)d caractères au plus.", THEME_SLUG_MAX)
                                        % {"n": THEME_SLUG_MAX}]})
    if Theme.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("Le thème « %(s)s » existe déjà.") % {"s": slug}]})
    position = (Theme.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    theme = Theme.objects.create(slug=slug, title_fr=title_fr.strip() or slug, title_en=title_en.strip(),
                                 position=position)
    audit_record(actor=by, action="theme.create", obj=theme,
                 changes={"slug": [None, slug], "title_fr": [None, theme.title_fr]})
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, by: User, title_fr: str | Unset = UNSET, title_en: str | Unset = UNSET) -> Theme:
    core_permissions.check_site_admin(by)
    changes: dict[str, list[str]] = {}
    if isinstance(title_fr, str) and title_fr.strip() and title_fr.strip() != theme.title_fr:
        changes["title_fr"] = [theme.title_fr, title_fr.strip()]
        theme.title_fr = title_fr.strip()
    if isinstance(title_en, str) and title_en.strip() != theme.title_en:
        changes["title_en"] = [theme.title_en, title_en.strip()]
        theme.title_en = title_en.strip()
    if changes:
        theme.save()
        audit_record(actor=by, action="theme.update", obj=theme, changes=changes)
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, by: User) -> None:
    """Remove a theme; its datasets keep everything else (their search entries are rebuilt)."""
    core_permissions.check_site_admin(by)
    affected = list(theme.datasets.all())
    audit_record(actor=by, action="theme.delete", obj=theme, changes={"slug": [theme.slug, None]})
    theme.delete()
    for dataset in affected:
        search.index_dataset(dataset)
