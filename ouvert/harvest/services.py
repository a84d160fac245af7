"""Writes for harvest sources and runs. Site administrators only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouvert.core import actors, permissions
from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record, diff, snapshot
from ouvert.core.messages import message
from ouvert.core.models import Organization, User
from ouvert.core.unset import UNSET, Unset, given

from . import apply
from .fetch import FetchError, Limits
from .mapping import MappingError, map_dataset, resolve_organization
from .models import (
    SCHEDULE_SECONDS,
    HarvestedObject,
    HarvestRun,
    HarvestRunItem,
    HarvestSource,
    ItemAction,
    RunStatus,
    Schedule,
    SourceKind,
)
from .readers import RemoteDataset, read_source
from .report import StoredReason

log = logging.getLogger(__name__)
SOURCE_FIELDS = ["name", "slug", "kind", "url", "upload", "default_organization", "create_organizations",
                 "organization_map", "licence_map", "format_map", "schedule", "enabled"]


def _check_source(source: HarvestSource) -> None:
    if source.kind in {SourceKind.CKAN, SourceKind.DCAT_URL} and not source.url:
        raise ValidationError({"url": _("Indiquez l'adresse de la source.")})
    if source.kind == SourceKind.DCAT_UPLOAD and not source.upload:
        raise ValidationError({"upload": _("Téléversez le document DCAT.")})
    for field in ("organization_map", "licence_map", "format_map"):
        value = getattr(source, field)
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ValidationError({field: _("Un objet JSON de textes est attendu : {\"distant\": \"local\"}.")})


def _schedule_next(source: HarvestSource, now: dt.datetime | None = None) -> None:
    seconds = SCHEDULE_SECONDS.get(source.schedule)
    source.next_run_at = (now or timezone.now()) + dt.timedelta(seconds=seconds) if seconds and source.enabled \
        else None


@transaction.atomic
def source_create(*, by: User, name: str, kind: str, slug: str = "", url: str = "", upload: File[Any] | None = None,
                  default_organization: Organization | None = None, create_organizations: bool = True,
                  organization_map: dict[str, str] | None = None, licence_map: dict[str, str] | None = None,
                  format_map: dict[str, str] | None = None, schedule: str = Schedule.MANUAL,
                  enabled: bool = True) -> HarvestSource:
    permissions.check_site_admin(by)
    slug = slug or slugify(name)[:100] or "source"
    if HarvestSource.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug}})
    source = HarvestSource(name=name, slug=slug, kind=kind, owner=by, url=url, upload=upload or "",
                           default_organization=default_organization, create_organizations=create_organizations,
                           organization_map=organization_map or {}, licence_map=licence_map or {},
                           format_map=format_map or {}, schedule=schedule, enabled=enabled)
    _check_source(source)
    source.full_clean()
    _schedule_next(source)
    source.save()
    audit_record(actor=by, action="harvest_source.create", obj=source,
                 changes=diff({}, snapshot(source, SOURCE_FIELDS)))
    return source


@transaction.atomic
def source_update(*, source: HarvestSource, by: User, name: str | Unset = UNSET, slug: str | Unset = UNSET,
                  kind: str | Unset = UNSET, url: str | Unset = UNSET, upload: File[Any] | None | Unset = UNSET,
                  default_organization: Organization | None | Unset = UNSET,
                  create_organizations: bool | Unset = UNSET, organization_map: dict[str, str] | Unset = UNSET,
                  licence_map: dict[str, str] | Unset = UNSET, format_map: dict[str, str] | Unset = UNSET,
                  schedule: str | Unset = UNSET, enabled: bool | Unset = UNSET) -> HarvestSource:
    """Change the given fields of a source (the others are left as they are)."""
    permissions.check_site_admin(by)
    before = snapshot(source, SOURCE_FIELDS)
    fields = given(name=name, slug=slug, kind=kind, url=url, upload=upload,
                   default_organization=default_organization, create_organizations=create_organizations,
                   organization_map=organization_map, licence_map=licence_map, format_map=format_map,
                   schedule=schedule, enabled=enabled)
    for field, value in fields.items():
        setattr(source, field, value)
    _check_source(source)
    source.full_clean()
    _schedule_next(source)
    source.save()
    changes = diff(before, snapshot(source, SOURCE_FIELDS))
    if changes:
        audit_record(actor=by, action="harvest_source.update", obj=source, changes=changes)
    return source


@transaction.atomic
def source_delete(*, source: HarvestSource, by: User) -> None:
    """Delete a source; the datasets it brought stay (they lose their mark)."""
    permissions.check_site_admin(by)
    audit_record(actor=by, action="harvest_source.delete", obj=source, label=str(source))
    source.delete()


def run_request(*, source: HarvestSource, by: Actor, trigger: str = "manual") -> HarvestRun:
    """Queue a run (one at a time per source) and hand it to the background worker. A person must
    be a site admin; the scheduler and ``ouvert harvest`` pass :data:`ouvert.core.actors.HARVEST`."""
    if trigger == "manual" or not actors.is_system(by):
        permissions.check_site_admin(None if actors.is_system(by) else by)  # no system actor runs by hand
    with transaction.atomic():
        if source.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise ValidationError(_("Un moissonnage de cette source est déjà en cours."))
        run = HarvestRun.objects.create(source=source, trigger=trigger,
                                        requested_by=None if actors.is_system(by) else by)
        audit_record(actor=by, action="harvest.run", obj=source, label=str(source))
    from .tasks import harvest_execute

    harvest_execute.enqueue(run.pk)
    return run


def runs_due(now: dt.datetime | None = None) -> list[HarvestRun]:
    """Queue a run for every enabled source whose scheduled time has come."""
    now = now or timezone.now()
    runs = []
    for source in HarvestSource.objects.filter(enabled=True, next_run_at__lte=now):
        _schedule_next(source, now)
        source.save(update_fields=["next_run_at"])
        try:
            runs.append(run_request(source=source, by=actors.HARVEST, trigger="schedule"))
        except ValidationError:
            continue
    return runs


# Running -----------------------------------------------------------------------------------------


def content_hash(pkg: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(pkg, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _reason(exc: Exception) -> dict[str, Any]:
    """Why one dataset was not written, as a stored message."""
    if isinstance(exc, StoredReason):
        return exc.stored
    if isinstance(exc, ValidationError):
        detail = ("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                  if hasattr(exc, "error_dict") else " ".join(exc.messages))
        return message("harvest.invalid", detail=detail[:1900])
    return message("harvest.refused", detail=str(exc)[:1900])


def _item(run: HarvestRun, action: str, remote: RemoteDataset | HarvestedObject, local_id: str = "",
          reason: dict[str, Any] | None = None) -> None:
    HarvestRunItem.objects.create(run=run, action=action, remote_id=str(remote.remote_id)[:500],
                                  remote_name=str(getattr(remote, "name", "") or
                                                  getattr(remote, "remote_name", ""))[:500],
                                  local_id=local_id, reason=reason or {})
    fields: dict[str, str] = {ItemAction.CREATED: "created", ItemAction.UPDATED: "updated",
                              ItemAction.DELETED: "deleted", ItemAction.ERROR: "errors"}
    field = fields[action]
    setattr(run, field, getattr(run, field) + 1)


def _apply_one(run: HarvestRun, remote: RemoteDataset, by: User) -> None:
    source = run.source
    digest = content_hash(remote.package)
    known = HarvestedObject.objects.filter(source=source, remote_id=remote.remote_id).first()
    if known is not None and known.content_hash == digest:
        run.unchanged += 1
        return
    try:
        with transaction.atomic():
            data = map_dataset(source, remote.dataset)
            organization = resolve_organization(source, remote.organization, by=by)
            local_id = apply.upsert(data, organization=organization, local_id=known.local_id if known else None,
                                    by=by)
            HarvestedObject.objects.update_or_create(
                source=source, remote_id=remote.remote_id,
                defaults={"remote_name": remote.name[:500], "remote_url": remote.url[:1000], "local_id": local_id,
                          "remote_modified": remote.modified[:40], "content_hash": digest, "last_run": run})
    except (MappingError, ValidationError, PermissionDenied) as exc:
        _item(run, ItemAction.ERROR, remote, reason=_reason(exc))
    else:
        _item(run, ItemAction.UPDATED if known else ItemAction.CREATED, remote, local_id=local_id)


def run_execute(*, run_id: int) -> HarvestRun:
    """Read the whole source first; only when that succeeded, write the changes one by one."""
    run = HarvestRun.objects.select_related("source", "source__owner").get(pk=run_id)
    if run.status not in {RunStatus.QUEUED}:
        return run
    source = run.source
    by = source.owner
    run.status, run.started_at, run.phase = RunStatus.RUNNING, timezone.now(), "read"
    run.save(update_fields=["status", "started_at", "phase"])

    def progress(found: int) -> None:
        HarvestRun.objects.filter(pk=run.pk).update(total=found)

    try:
        if by is None or not permissions.is_site_admin(by):
            raise FetchError.of("harvest.no_owner")
        remote = read_source(source, Limits.from_settings(), progress)
    except FetchError as exc:
        run.status, run.message, run.finished_at, run.phase = RunStatus.FAILED, exc.stored, timezone.now(), ""
        run.save()
        return run
    run.total, run.phase = len(remote), "write"
    run.save(update_fields=["total", "phase"])
    for position, dataset in enumerate(remote, 1):
        _apply_one(run, dataset, by)
        run.done = position
        if position % 10 == 0 or position == len(remote):
            run.save()
    seen = {d.remote_id for d in remote}
    for gone in HarvestedObject.objects.filter(source=source).exclude(remote_id__in=seen):
        try:
            with transaction.atomic():
                apply.delete(gone.local_id, by=by)
                gone.delete()
        except (MappingError, PermissionDenied, ValidationError) as exc:
            _item(run, ItemAction.ERROR, gone, reason=_reason(exc))
        else:
            _item(run, ItemAction.DELETED, gone, local_id=gone.local_id)
    written = run.created + run.updated + run.deleted + run.unchanged
    if run.errors and not written:
        # Not one dataset went through: the run failed, whatever the source answered.
        run.status, run.message = RunStatus.FAILED, message("harvest.all_failed", count=run.errors)
    else:
        run.status = RunStatus.PARTIAL if run.errors else RunStatus.SUCCEEDED
    run.finished_at, run.phase = timezone.now(), ""
    run.save()
    return run
