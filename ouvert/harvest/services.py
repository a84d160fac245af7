"""Writes for harvest sources and runs. Site administrators only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouvert.core import permissions
from ouvert.core.audit import audit_record, diff, snapshot
from ouvert.core.models import User

from . import apply
from .fetch import FetchError, Limits
from .mapping import MappingError, map_package, resolve_organization
from .models import (
    SCHEDULE_SECONDS,
    HarvestedObject,
    HarvestRun,
    HarvestRunItem,
    HarvestSource,
    ItemAction,
    RunStatus,
    SourceKind,
)
from .readers import RemoteDataset, read_source

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
def source_create(*, by: User, name: str, kind: str, slug: str = "", **fields: Any) -> HarvestSource:
    permissions.check_site_admin(by)
    slug = slug or slugify(name)[:100] or "source"
    if HarvestSource.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug}})
    source = HarvestSource(name=name, slug=slug, kind=kind, owner=by, **fields)
    _check_source(source)
    source.full_clean()
    _schedule_next(source)
    source.save()
    audit_record(actor=by, action="harvest_source.create", obj=source,
                 changes=diff({}, snapshot(source, SOURCE_FIELDS)))
    return source


@transaction.atomic
def source_update(*, source: HarvestSource, by: User, **fields: Any) -> HarvestSource:
    permissions.check_site_admin(by)
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(source, SOURCE_FIELDS)
    for name, value in fields.items():
        setattr(source, name, value)
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


def run_request(*, source: HarvestSource, by: User | None, trigger: str = "manual") -> HarvestRun:
    """Queue a run (one at a time per source) and hand it to the background worker."""
    if trigger == "manual":
        permissions.check_site_admin(by)
    with transaction.atomic():
        if source.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise ValidationError(_("Un moissonnage de cette source est déjà en cours."))
        run = HarvestRun.objects.create(source=source, trigger=trigger, requested_by=by)
        if by is not None:
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
            runs.append(run_request(source=source, by=None, trigger="schedule"))
        except ValidationError:
            continue
    return runs


# Running -----------------------------------------------------------------------------------------


def content_hash(pkg: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(pkg, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _item(run: HarvestRun, action: str, remote: RemoteDataset | HarvestedObject, local_id: str = "",
          reason: str = "") -> None:
    HarvestRunItem.objects.create(run=run, action=action, remote_id=str(remote.remote_id)[:500],
                                  remote_name=str(getattr(remote, "name", "") or
                                                  getattr(remote, "remote_name", ""))[:500],
                                  local_id=local_id, reason=reason[:2000])
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
            pkg = map_package(source, remote.package)
            organization = resolve_organization(source, pkg.get("organization"), by=by)
            local_id = apply.upsert(pkg, organization=organization, local_id=known.local_id if known else None,
                                    by=by, source_label=source.name)
            HarvestedObject.objects.update_or_create(
                source=source, remote_id=remote.remote_id,
                defaults={"remote_name": remote.name[:500], "remote_url": remote.url[:1000], "local_id": local_id,
                          "remote_modified": remote.modified[:40], "content_hash": digest, "last_run": run})
    except MappingError as exc:
        _item(run, ItemAction.ERROR, remote, reason=str(exc))
    except ValidationError as exc:
        _item(run, ItemAction.ERROR, remote, reason="; ".join(
            f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()) if hasattr(exc, "error_dict")
            else " ".join(exc.messages))
    except PermissionDenied as exc:
        _item(run, ItemAction.ERROR, remote, reason=str(exc))
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
            raise FetchError(_("La source n'a plus de responsable administrateur du site : moissonnage refusé."))
        remote = read_source(source, Limits.from_settings(), progress)
    except FetchError as exc:
        run.status, run.message, run.finished_at, run.phase = RunStatus.FAILED, str(exc), timezone.now(), ""
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
            _item(run, ItemAction.ERROR, gone, reason=str(exc))
        else:
            _item(run, ItemAction.DELETED, gone, local_id=gone.local_id)
    run.status = RunStatus.PARTIAL if run.errors else RunStatus.SUCCEEDED
    run.finished_at, run.phase = timezone.now(), ""
    run.save()
    return run
