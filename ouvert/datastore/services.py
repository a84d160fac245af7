"""Datastore writes: ingestion jobs, data dictionary, and the CKAN write actions.

Contract with the catalogue (``ouvert.catalog``)
================================================
The datastore never imports the catalogue. Everything is keyed by ``resource_id`` (the catalogue's
``Resource`` UUID) and permission checks take the owning ``Organization`` as an argument
(``can_edit_in_organization``: editors and admins of that organization, or site admins).

Calls the catalogue makes:

- On upload of a tabular file or change of link (after the file is in storage)::

      job = datastore_ingest_schedule(resource_id=resource.pk, source_path=resource.file.name,
                                      original_name=resource.name or resource.file.name,
                                      organization=resource.dataset.organization, by=request.user,
                                      options=None)

  For a linked file, ``source_url=resource.url`` instead of ``source_path``: only ``http://`` and
  ``https://`` links are accepted (anything else is a ``ValidationError``), and a link is only ever
  fetched through :mod:`ouvert.core.fetch`, never read as a storage name or a path.
  ``source_path`` is a storage name (``default_storage``) or an absolute local path, never an
  address (a value with a URL scheme or a ``..`` part is refused). The job is an
  :class:`~ouvert.datastore.models.IngestJob`; its ``progress()`` dict (status, phase, bytes, rows,
  percentage, rate, eta, report) is what the resource page and the API show. Scheduling twice the
  same source while a job is active returns the active job (idempotent). ``by`` is a person
  (checked) or an explicit system actor from :mod:`ouvert.core.actors` (background work, trusted and
  audited as ``system:<name>``); ``by=None`` is anonymous and refused.
- ``datastore_ingest_cancel(job=..., by=...)``, ``datastore_ingest_retry(job=..., by=...)``.
- ``datastore_dictionary_update(resource_id=..., columns={name: {type, label, description, unit}},
  organization=..., by=...)``: saves the data dictionary; a type change re-ingests.
- Who may read a table is not the datastore's to remember: every read asks the access model
  (:mod:`ouvert.core.access`, kind ``"resource"``) from the resource's current state, so a dataset
  made private, sent to the trash or a deleted resource takes its tables along at once.
- ``datastore_drop(resource_id=..., organization=..., by=...)`` when a resource is deleted.
- CKAN actions (``/api/3/action/<name>``): ``datastore_create``, ``datastore_upsert``,
  ``datastore_delete`` here, taking ``data`` (the action's parameters as a dict), ``organization``
  and ``by``, returning CKAN's result dict; ``datastore_search``, ``datastore_search_sql`` in
  :mod:`ouvert.datastore.selectors`, taking ``data`` and ``user``. ``datastore_info`` is built by the
  CKAN layer from the typed :func:`~ouvert.datastore.selectors.datastore_table_info`. They raise
  ``django.core.exceptions.ValidationError`` (→ CKAN "Validation Error", 409),
  ``PermissionDenied`` (→ "Authorization Error", 403) and ``Http404`` (→ "Not Found Error").
  For ``datastore_search_sql`` the CKAN layer must also check the user may read every resource the
  query names: :func:`~ouvert.datastore.selectors.sql_resource_ids` lists them.
- Quality: ``DatastoreTable.quality`` holds the findings per table (rules F1–F12, message codes
  rendered in the reader's language by ``ouvert.core.guidelines.render_finding``)
  and ``quality.score_inputs`` / ``quality.reference_criteria`` give the catalogue its score inputs.
  After a load, a dictionary change, ``datastore_create`` or a drop commits, the datastore calls
  ``datastore_table_changed(resource_id=...)`` on every AppConfig defining it (the catalogue
  recomputes the dataset's quality report).
- Previews: ``/fr/donnees/tables/<resource_id>/`` (``datastore:table``), embeddable with the
  ``datastore/includes/preview.html`` include (context: ``table``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ouvert.core.actors import Actor, is_system
from ouvert.core.audit import audit_record
from ouvert.core.messages import legacy, message
from ouvert.core.models import Organization
from ouvert.core.permissions import check_edit_in_organization
from ouvert.core.unset import UNSET, Unset, given

from . import quality, remote
from .backends import get_backend, quote
from .engine import Cancelled, ColumnPlan, LoadFailed, build_fulltext, build_indexes, index_columns, ingest_sheet
from .infer import TYPES, ConversionError, make_normalizer
from .models import ACTIVE_STATUSES, DatastoreTable, IngestJob, JobStatus
from .sources import IngestOptions, SourceError, open_sheets
from .types import FieldSpec, RowsDeleted, RowsWritten, TableCreate, TableState

# Type names accepted when a table is created through the API, as PostgreSQL and CKAN clients spell them.
TYPE_ALIASES = {"int": "int", "int4": "int", "int8": "int", "integer": "int", "bigint": "int",
                "numeric": "numeric", "float": "numeric", "float8": "numeric", "number": "numeric",
                "double precision": "numeric", "bool": "bool", "boolean": "bool", "date": "date",
                "timestamp": "timestamp", "datetime": "timestamp", "text": "text", "string": "text"}


JSON_TYPES = {"json", "jsonb"}
logger = logging.getLogger(__name__)


def json_declared(type_name: str) -> bool:
    """``json``, ``jsonb`` and arrays (``text[]``, ``int4[]``, PostgreSQL's ``_text``…): kept as JSON text."""
    name = type_name.strip().lower()
    return name in JSON_TYPES or name.endswith("[]") or (name.startswith("_") and name[1:] in TYPE_ALIASES)


def physical_name(resource_id: uuid.UUID, sheet: int, version: int) -> str:
    return f"ds_{resource_id.hex}_{sheet}_v{version}"


def _check(by: Actor | None, organization: Organization | None) -> None:
    """A system actor may write any table; a person must edit in its organization; nobody else."""
    if is_system(by):
        return
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour modifier les tables du magasin de données."))
    if organization is None:
        raise PermissionDenied(_("Cette table n'appartient à aucune organisation : seul le système peut la modifier."))
    check_edit_in_organization(by, organization)


def _check_owner(by: Actor | None, organization: Organization | None, table: DatastoreTable) -> None:
    """A table stays with the organization that made it: a write naming another organization (a
    resource created with the id of another organization's table) is refused."""
    if table.organization_id is not None and organization is not None and table.organization_id != organization.pk:
        raise PermissionDenied(_("Cette table appartient à une autre organisation."))
    _check(by, organization or table.organization)


def _uuid(value: Any, field: str = "resource_id") -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError({field: [_("Identifiant de ressource invalide : « %(v)s ».") % {"v": value}]}) from exc


# Ingestion ----------------------------------------------------------------------------------------

def _checked_source(source_path: str | Path | None, source_url: str | None) -> str:
    """The job's source: a link (http/https only) or a storage name/local path (never an address)."""
    if (source_path is None) == (source_url is None):
        raise TypeError("give exactly one of source_path (a stored file) and source_url (a link)")
    if source_url is not None:
        refusal = remote.link_refusal(source_url)
        if refusal:
            raise ValidationError({"url": [refusal]})
        return source_url.strip()
    source = str(source_path)
    if remote.looks_like_address(source) or ".." in Path(source).parts:
        raise ValidationError({"source": [_("Source refusée : « %(source)s » n'est pas un fichier déposé. Un lien "
                                            "se charge avec son adresse http:// ou https://.")
                                          % {"source": source[:200]}]})
    return source


def _source_arguments(source: str) -> dict[str, str]:
    """``source_url`` or ``source_path`` for a source recorded on a job or a table."""
    return {"source_url": source} if remote.looks_like_address(source) else {"source_path": source}


def datastore_ingest_schedule(*, resource_id: uuid.UUID | str, original_name: str,
                              organization: Organization | None, by: Actor | None,
                              source_path: str | Path | None = None, source_url: str | None = None,
                              options: dict[str, Any] | None = None) -> IngestJob:
    """Queue the ingestion of a stored file (``source_path``) or of a linked file (``source_url``) for a
    resource; returns the (possibly already active) job."""
    _check(by, organization)
    rid = _uuid(resource_id)
    parsed = IngestOptions.from_dict(options) if options else IngestOptions()
    source = _checked_source(source_path, source_url)
    active = IngestJob.objects.filter(resource_id=rid, status__in=ACTIVE_STATUSES, source_name=source,
                                      options=parsed.to_dict()).first()
    if active:
        return active
    job = IngestJob.objects.create(resource_id=rid, organization=organization, source_name=source,
                                   original_name=original_name or Path(source).name, options=parsed.to_dict(),
                                   created_by=None if by is None or is_system(by) or not by.is_authenticated else by)
    audit_record(actor=by, action="datastore.ingest", obj=job, organization=organization,
                 label=original_name, changes={"source": source})
    _enqueue(job)
    return job


def _enqueue(job: IngestJob) -> None:
    from .tasks import datastore_ingest_task

    job_id = str(job.id)
    transaction.on_commit(lambda: datastore_ingest_task.enqueue(job_id=job_id))


def datastore_ingest_cancel(*, job: IngestJob, by: Actor | None) -> IngestJob:
    _check(by, job.organization)
    if job.status == JobStatus.PENDING:
        job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
        reason = message("ingest.cancelled_before_start")
        job.report = {**(job.report or {}), "error": reason}
        job.error = reason
        job.save(update_fields=["status", "finished_at", "error", "report"])
    elif job.status == JobStatus.RUNNING:
        IngestJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        job.cancel_requested = True
    audit_record(actor=by, action="datastore.cancel", obj=job, organization=job.organization)
    return job


def datastore_ingest_retry(*, job: IngestJob, by: Actor | None) -> IngestJob:
    """Run a finished job again (same source and options). Safe to call twice: an active job wins."""
    _check(by, job.organization)
    active = IngestJob.objects.filter(resource_id=job.resource_id, status__in=ACTIVE_STATUSES).first()
    if active:
        return active
    new = IngestJob.objects.create(resource_id=job.resource_id, organization=job.organization,
                                   source_name=job.source_name, original_name=job.original_name,
                                   options=job.options, attempt=job.attempt + 1,
                                   created_by=None if by is None or is_system(by) or not by.is_authenticated else by)
    _enqueue(new)
    return new


@contextlib.contextmanager
def _local_file(source: str, report: dict[str, Any] | None = None) -> Iterator[Path]:
    if remote.looks_like_address(source):  # a link: fetched (http/https) or refused, never a path
        with remote.fetched(source) as (path, fetched):
            if report is not None:
                report["fetched"] = fetched
            yield path
        return
    if ".." in Path(source).parts:
        raise SourceError.of("source.outside_uploads", source=source[:200])
    path = Path(source)
    if path.is_absolute() and path.exists():
        yield path
        return
    try:
        yield Path(default_storage.path(source))
        return
    except NotImplementedError:
        pass
    with default_storage.open(source, "rb") as stored, tempfile.NamedTemporaryFile(suffix=Path(source).suffix) as tmp:
        shutil.copyfileobj(stored, tmp, 1 << 20)
        tmp.flush()
        yield Path(tmp.name)


def _update(job: IngestJob, *, status: str | Unset = UNSET, phase: str | Unset = UNSET,
            bytes_total: int | Unset = UNSET, bytes_done: int | Unset = UNSET, rows_done: int | Unset = UNSET,
            started_at: dt.datetime | Unset = UNSET, finished_at: dt.datetime | Unset = UNSET,
            report: dict[str, Any] | Unset = UNSET, error: dict[str, Any] | Unset = UNSET) -> None:
    """Write the given progress fields of a running job (on the object and in the database at once)."""
    fields = given(status=status, phase=phase, bytes_total=bytes_total, bytes_done=bytes_done, rows_done=rows_done,
                   started_at=started_at, finished_at=finished_at, report=report, error=error)
    for key, value in fields.items():
        setattr(job, key, value)
    fields["heartbeat_at"] = timezone.now()
    IngestJob.objects.filter(pk=job.pk).update(**fields)


def datastore_ingest_run(*, job: IngestJob) -> IngestJob:
    """Do the work of a job: profile and load every sheet into new tables, then swap them in."""
    job.refresh_from_db()
    if job.status not in ACTIVE_STATUSES:
        return job  # already run (a retried delivery of the same task): nothing to do
    # "running" here means the worker that started it died: the task layer hands a task to one worker
    # at a time, and again only once its holder is gone. Start over: the new tables are rebuilt from
    # scratch (``create_table`` drops a half-loaded one of the same name) and swapped in at the end.
    _update(job, status=JobStatus.RUNNING, started_at=timezone.now(), phase="open")
    backend = get_backend()
    options = IngestOptions.from_dict(job.options)
    existing = {t.sheet: t for t in DatastoreTable.objects.filter(resource_id=job.resource_id)}
    version = max((t.version for t in existing.values()), default=0) + 1
    created: list[str] = []
    loaded: list[dict[str, Any]] = []
    report: dict[str, Any] = {"sheets": [], "timings": {}}
    state = {"rows_base": 0}

    def progress(phase: str, bytes_read: int, rows: int) -> None:
        _update(job, phase=phase, rows_done=state["rows_base"] + rows, bytes_done=bytes_read or UNSET)
        if IngestJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise Cancelled

    try:
        with _local_file(job.source_name, report) as path:
            _update(job, bytes_total=path.stat().st_size)
            sheets = open_sheets(path, job.original_name, options)
            for sheet in sheets:
                state["rows_base"] = 0
                _update(job, phase="load", rows_done=0)
                table = physical_name(job.resource_id, sheet.index, version)
                created.append(table)
                profile, result = ingest_sheet(sheet, options, backend, table, progress=progress)
                _update(job, phase="quality", rows_done=result.rows)
                fields = [c.as_field() for c in profile.columns]
                findings = quality.check_sheet(detected=profile.detected, columns=fields,
                                               width_issues=profile.width_issues, sheet_name=sheet.name)
                sheet_report = {
                    "sheet": sheet.index, "name": sheet.name, "rows": result.rows, "detected": profile.detected,
                    "fields": fields, "width_issues": profile.width_issues, "quality": findings,
                    "timings": {"profile": round(profile.seconds, 3), "load": round(result.load_seconds, 3),
                                "index": round(result.index_seconds, 3),
                                "fulltext": round(result.fulltext_seconds, 3)},
                }
                report["sheets"].append(sheet_report)
                loaded.append({"sheet": sheet, "table": table, "fields": fields, "rows": result.rows,
                               "findings": findings, "detected": profile.detected, "columns": profile.columns,
                               "fulltext_pending": result.fulltext_pending, "indexes": result.pending_indexes,
                               "report": sheet_report})
                if IngestJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
                    raise Cancelled
        old_tables = _swap(job, loaded, existing, version)
        for name in old_tables:
            backend.drop_table(name)
    # The reason is a stored message (code and parameters), read in each reader's language (see
    # ``report.job_messages``): in ``error`` and, for the report's readers, in ``report["error"]``.
    except Cancelled:
        _discard(backend, created)
        report["error"] = message("ingest.cancelled")
        _update(job, status=JobStatus.CANCELLED, finished_at=timezone.now(), report=report,
                error=report["error"])
        return job
    except LoadFailed as exc:
        _discard(backend, created)
        report["errors"], report["error"] = exc.errors, exc.stored
        _update(job, status=JobStatus.FAILED, finished_at=timezone.now(), report=report, error=exc.stored)
        return job
    except (SourceError, ValidationError) as exc:
        _discard(backend, created)
        if isinstance(exc, SourceError):
            reason = exc.as_message()
        else:
            text = str(exc.messages[0])
            reason = legacy({"fr": text, "en": text})
        report["errors"], report["error"] = [{"message": reason}], reason
        _update(job, status=JobStatus.FAILED, finished_at=timezone.now(), report=report, error=reason)
        return job
    except Exception as exc:
        _discard(backend, created)
        reason = _describe_db_error(exc)
        report["errors"], report["error"] = [{"message": reason}], reason
        _update(job, status=JobStatus.FAILED, finished_at=timezone.now(), report=report, error=reason)
        if not isinstance(exc, (OSError, ValueError)) and "DataError" not in type(exc).__name__:
            raise
        return job
    _indexes_after_swap(job, backend, loaded, report)
    _fulltext_after_swap(job, backend, loaded, report)
    _update(job, status=JobStatus.SUCCEEDED, phase="done", finished_at=timezone.now(), report=report)
    return job


def _indexes_after_swap(job: IngestJob, backend: Any, loaded: list[dict[str, Any]], report: dict[str, Any]) -> None:
    """Build the B-tree indexes and statistics of the new tables, as the job's ``indexes`` phase. The
    tables already answer every query meanwhile, filters and sorts by scanning; a failure here leaves
    them live and correct that way, and is logged."""
    _update(job, phase="indexes", report=report)
    for item in loaded:
        try:
            seconds, _cpu = build_indexes(backend, item["table"], item["indexes"])
        except DatabaseError:
            logger.exception("datastore: indexes of %s not built", item["table"])
            continue
        item["report"]["timings"]["index"] = round(seconds, 3)


def _fulltext_after_swap(job: IngestJob, backend: Any, loaded: list[dict[str, Any]], report: dict[str, Any]) -> None:
    """Build the full-text indexes the backend left for after the swap (PostgreSQL), as the job's own
    ``fulltext`` phase. The new tables already answer every query meanwhile, ``q`` included (matched
    row by row); a failure here leaves them live and searchable that way, and is logged."""
    pending = [item for item in loaded if item["fulltext_pending"]]
    if not pending:
        return
    _update(job, phase="fulltext", report=report)
    for item in pending:
        try:
            with transaction.atomic():  # a savepoint when called inside a transaction (tests, CLI)
                seconds, _cpu = build_fulltext(backend, item["table"], item["columns"])
        except DatabaseError:
            logger.exception("datastore: full-text index of %s not built", item["table"])
            continue
        item["report"]["timings"]["fulltext"] = round(seconds, 3)


def _describe_db_error(exc: Exception) -> dict[str, Any]:
    text = str(exc).strip().splitlines()
    return message("ingest.db_error", error=" ".join(text[:3])[:500])


def _discard(backend: Any, tables: list[str]) -> None:
    for name in tables:
        with contextlib.suppress(Exception):
            backend.drop_table(name)


def _swap(job: IngestJob, loaded: list[dict[str, Any]], existing: dict[int, DatastoreTable],
          version: int) -> list[str]:
    """Point the resource's tables at the new physical tables in one transaction."""
    old: list[str] = []
    now = timezone.now()
    with transaction.atomic():
        kept = set()
        for item in loaded:
            sheet = item["sheet"]
            kept.add(sheet.index)
            previous = existing.get(sheet.index)
            values = {
                "table_name": item["table"], "fields": item["fields"], "row_count": item["rows"],
                "version": version, "origin": "file", "detected": item["detected"], "options": job.options,
                "quality": {"findings": item["findings"], "score": quality.score_inputs(item["findings"])},
                "source_name": job.source_name, "original_name": job.original_name,
                "sheet_name": sheet.name, "organization": job.organization, "modified_at": now,
            }
            if previous:
                old.append(previous.table_name)
                for key, value in values.items():
                    setattr(previous, key, value)
                previous.save()
            else:
                DatastoreTable.objects.create(resource_id=job.resource_id, sheet=sheet.index, **values)
        for index, table in existing.items():
            if index not in kept:
                old.append(table.table_name)
                table.delete()
        _announce_change(job.resource_id)
    return old


def _announce_change(resource_id: uuid.UUID) -> None:
    """After commit, call ``datastore_table_changed(resource_id=...)`` on every AppConfig defining it
    (the catalogue recomputes the dataset's quality report). The datastore imports no other app."""
    from ouvert.core.hooks import app_hooks

    hooks = list(app_hooks("datastore_table_changed").values())
    transaction.on_commit(lambda: [hook(resource_id=resource_id) for hook in hooks])


def datastore_dictionary_update(*, resource_id: uuid.UUID | str, columns: dict[str, dict[str, str]],
                                organization: Organization | None, by: Actor | None, sheet: int = 0
                                ) -> tuple[DatastoreTable, IngestJob | None]:
    """Save labels, descriptions, units and types, and the publisher's word on ambiguous values
    (``day_month_order``: day_first or month_first; ``decimal_mark``: "," or ".", a "." meaning that
    commas separate thousands). A change of type or of either setting loads the file again."""
    table = _table(resource_id, sheet)
    _check_owner(by, organization, table)
    known = {f["id"] for f in table.fields}
    errors: dict[str, list[str]] = {}
    for name, change in columns.items():
        if name not in known:
            errors.setdefault("columns", []).append(_("Colonne inconnue : « %(c)s ».") % {"c": name})
            continue
        unknown = set(change) - {"type", "label", "description", "unit", "day_month_order", "decimal_mark"}
        if unknown:
            errors.setdefault(name, []).append(_("Propriétés inconnues : %(p)s.") % {"p": ", ".join(sorted(unknown))})
        if change.get("day_month_order", "day_first") not in ("day_first", "month_first"):
            errors.setdefault(name, []).append(_("Ordre jour/mois inconnu « %(v)s » (permis : day_first, "
                                                 "month_first).") % {"v": change["day_month_order"]})
        if change.get("decimal_mark", ",") not in (",", "."):
            errors.setdefault(name, []).append(_("Séparateur décimal inconnu « %(v)s » (permis : « , » ou « . »).")
                                               % {"v": change["decimal_mark"]})
        if "type" in change and change["type"] not in TYPES:
            errors.setdefault(name, []).append(_("Type inconnu « %(t)s » (permis : %(types)s).")
                                               % {"t": change["type"], "types": ", ".join(TYPES)})
    if errors:
        raise ValidationError(errors)
    retype = False
    fields = []
    for field in table.fields:
        change = columns.get(field["id"], {})
        field = dict(field)
        for key in ("label", "description", "unit"):
            if key in change:
                field[key] = str(change[key])[:2000]
        if change.get("type") and change["type"] != field["type"]:
            retype = True
        for key in ("day_month_order", "decimal_mark"):
            if change.get(key) and change[key] != field.get(key):
                retype = True
        fields.append(field)
    table.fields = fields
    table.quality = {**table.quality}
    findings = quality.check_sheet(detected=table.detected, columns=fields, width_issues={},
                                   sheet_name=table.sheet_name)
    table.quality = {"findings": findings, "score": quality.score_inputs(findings)}
    table.modified_at = timezone.now()
    table.save(update_fields=["fields", "quality", "modified_at"])
    _announce_change(table.resource_id)
    options = dict(table.options or {})
    stored = dict(options.get("columns") or {})
    for name, change in columns.items():
        stored[name] = {**stored.get(name, {}), **{k: str(v) for k, v in change.items()}}
    options["columns"] = stored
    DatastoreTable.objects.filter(resource_id=table.resource_id).update(options=options)
    audit_record(actor=by, action="datastore.dictionary", obj=table, organization=table.organization,
                 changes={"columns": columns})
    job = None
    if retype and table.origin == "file":
        job = datastore_ingest_schedule(resource_id=table.resource_id, **_source_arguments(table.source_name),
                                        original_name=table.original_name, organization=table.organization,
                                        by=by, options=options)
    return table, job


def datastore_drop(*, resource_id: uuid.UUID | str, organization: Organization | None, by: Actor | None) -> int:
    rid = _uuid(resource_id)
    tables = list(DatastoreTable.objects.filter(resource_id=rid))
    if not tables:
        raise Http404(_("Aucune table pour la ressource %(id)s.") % {"id": rid})
    _check_owner(by, organization, tables[0])
    backend = get_backend()
    for table in tables:
        backend.drop_table(table.table_name)
        audit_record(actor=by, action="datastore.delete", obj=table, organization=table.organization)
        table.delete()
    _announce_change(rid)
    return len(tables)


def _table(resource_id: Any, sheet: int = 0) -> DatastoreTable:
    rid = _uuid(resource_id)
    table = DatastoreTable.objects.filter(resource_id=rid, sheet=sheet).first()
    if table is None:
        raise Http404(_("Aucune table de données pour la ressource %(id)s.") % {"id": rid})
    return table


# Table writes (CKAN's datastore_create, _upsert and _delete envelopes are built in ouvert/api/ckan/) --

def _stored_fields(specs: Sequence[FieldSpec]) -> list[dict[str, Any]]:
    """Checked fields, as a table stores them."""
    fields = []
    seen = set()
    for spec in specs:
        name = spec.id.strip() if isinstance(spec.id, str) else ""
        if not name:
            raise ValidationError({"fields": [_("Chaque champ doit avoir un « id » non vide.")]})
        if name.startswith("_") or '"' in name or len(name.encode()) > 60:
            raise ValidationError({"fields": [_("Nom de champ invalide : « %(n)s ».") % {"n": name}]})
        if name.lower() in seen:
            raise ValidationError({"fields": [_("Champ en double : « %(n)s ».") % {"n": name}]})
        seen.add(name.lower())
        declared = str(spec.type).strip().lower()
        if json_declared(declared):
            fields.append({"id": name, "type": "text", "label": spec.label, "description": spec.description,
                           "unit": spec.unit, "detected_type": "text", "detected": {}, "json": True,
                           "declared_type": declared})
            continue
        kind = TYPE_ALIASES.get(declared)
        if kind is None:
            raise ValidationError({"fields": [_("Type inconnu « %(t)s » pour « %(n)s ».")
                                              % {"t": spec.type, "n": name}]})
        fields.append({"id": name, "type": kind, "label": spec.label, "description": spec.description,
                       "unit": spec.unit, "detected_type": kind, "detected": {}})
    return fields


def _state(table: DatastoreTable) -> TableState:
    return TableState(resource_id=table.resource_id, fields=tuple(FieldSpec.of(f) for f in table.fields),
                      primary_key=tuple(table.primary_key))


def _plans(fields: list[dict[str, Any]]) -> list[ColumnPlan]:
    return [ColumnPlan(id=f["id"], label=f.get("label"), type=f["type"], detected_type=f["type"]) for f in fields]


def _convert_record(record: Any, fields: list[dict[str, Any]], normalizers: dict[str, Any], position: int
                    ) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValidationError({"records": [_("L'enregistrement %(n)d n'est pas un objet.") % {"n": position}]})
    known = {f["id"] for f in fields}
    unknown = set(record) - known - {"_id"}
    if unknown:
        raise ValidationError({"records": [_("Enregistrement %(n)d : champs inconnus %(f)s.")
                                           % {"n": position, "f": ", ".join(sorted(unknown))}]})
    out = {}
    json_fields = {f["id"] for f in fields if f.get("json")}
    for name, value in record.items():
        if name == "_id":
            continue
        fn = normalizers.get(name)
        if name in json_fields:
            out[name] = None if value is None else json.dumps(value, ensure_ascii=False)
            continue
        text = None if value is None else (("true" if value else "false") if isinstance(value, bool) else str(value))
        if fn is not None:
            try:
                text = fn(text)
            except ConversionError as exc:
                raise ValidationError({"records": [_("Enregistrement %(n)d, champ « %(f)s » : « %(v)s » n'est pas "
                                                     "%(e)s.") % {"n": position, "f": name, "v": exc.value,
                                                                  "e": exc.expected}]}) from exc
        elif text == "":
            text = None
        out[name] = text
    return out


def datastore_create(*, table: TableCreate, organization: Organization | None, by: Actor | None) -> TableState:
    """Create a table from ``fields`` with optional ``records``, or add new fields and records to an
    existing one."""
    _check(by, organization)
    rid = _uuid(table.resource_id)
    records = list(table.records)
    primary_key = list(table.primary_key)
    existing = DatastoreTable.objects.filter(resource_id=rid, sheet=0).first()
    backend = get_backend()
    if existing is None:
        if table.fields is None:
            raise ValidationError({"fields": [_("« fields » est obligatoire pour créer une table.")]})
        fields = _stored_fields(table.fields)
        missing = [p for p in primary_key if p not in {f["id"] for f in fields}]
        if missing:
            raise ValidationError({"primary_key": [_("Champs absents : %(f)s.") % {"f": ", ".join(missing)}]})
        with transaction.atomic():
            target = DatastoreTable.objects.create(
                resource_id=rid, sheet=0, organization=organization, table_name=physical_name(rid, 0, 1),
                fields=fields, primary_key=primary_key, origin="api",
                detected={"format": "api", "encoding": "utf-8", "has_header": True})
            plans = _plans(fields)
            backend.create_table(target.table_name, plans)
            if backend.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(f"ALTER TABLE {backend.table_sql(target.table_name)} ADD PRIMARY KEY (_id)")
            if primary_key:
                cols = ", ".join(quote(p) for p in primary_key)
                with connection.cursor() as cur:
                    cur.execute(f"CREATE UNIQUE INDEX {quote(target.table_name + '_pk')} ON "
                                f"{backend.table_sql(target.table_name)} ({cols})")
            backend.create_indexes(target.table_name, [f["id"] for f in fields if f["type"] != "text"][:12])
            backend.create_fulltext(target.table_name, plans)
    else:
        _check_owner(by, organization, existing)
        target = existing
        if table.fields is not None:
            new_fields = [f for f in _stored_fields(table.fields) if not target.field(f["id"])]
            if new_fields:
                with transaction.atomic():
                    with connection.cursor() as cur:
                        for f in new_fields:
                            cur.execute(f"ALTER TABLE {backend.table_sql(target.table_name)} ADD COLUMN "
                                        f"{quote(f['id'])} {backend.types[f['type']]}")
                    target.fields = [*target.fields, *new_fields]
                    target.save(update_fields=["fields"])
    if records:
        _write_records(target, records, method="insert")
    audit_record(actor=by, action="datastore.create", obj=target, organization=target.organization,
                 changes={"records": len(records)})
    _announce_change(rid)
    return _state(target)


def _write_records(table: DatastoreTable, records: list[Any], *, method: str) -> int:
    fields = table.fields
    normalizers = {f["id"]: make_normalizer(f["type"]) for f in fields}
    backend = get_backend()
    target = backend.table_sql(table.table_name)
    pk = table.primary_key
    converted = [_convert_record(r, fields, normalizers, i) for i, r in enumerate(records, start=1)]
    written = 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(_id), 0) FROM {target}")  # noqa: S608 — quoted identifiers, bound values
        next_id = cur.fetchone()[0] + 1
        for position, row in enumerate(converted, start=1):
            if method in ("upsert", "update") and pk:
                missing = [p for p in pk if row.get(p) is None]
                if missing:
                    raise ValidationError({"records": [_("Enregistrement %(n)d : clé primaire %(k)s manquante.")
                                                       % {"n": position, "k": ", ".join(missing)}]})
                where = " AND ".join(f"{quote(p)} = %s" for p in pk)
                keys = [row[p] for p in pk]
                cur.execute(f"SELECT _id FROM {target} WHERE {where}", keys)  # noqa: S608 — quoted identifiers, bound values
                found = cur.fetchone()
                if found:
                    sets = [k for k in row if k not in pk]
                    if sets:
                        cur.execute(f"UPDATE {target} SET {', '.join(f'{quote(k)} = %s' for k in sets)} "  # noqa: S608 — quoted identifiers, bound values
                                    f"WHERE _id = %s", [row[k] for k in sets] + [found[0]])
                    written += 1
                    continue
                if method == "update":
                    raise ValidationError({"records": [_("Enregistrement %(n)d : clé %(k)s introuvable.")
                                                       % {"n": position, "k": keys}]})
            elif method in ("upsert", "update"):
                raise ValidationError({"primary_key": [_("La table n'a pas de clé primaire : utilisez "
                                                         "method=insert.")]})
            names = ["_id", *row]
            cur.execute(f"INSERT INTO {target} ({', '.join(quote(n) for n in names)}) VALUES "  # noqa: S608 — quoted identifiers, bound values
                        f"({', '.join(['%s'] * len(names))})", [next_id, *row.values()])
            next_id += 1
            written += 1
        cur.execute(f"SELECT COUNT(*) FROM {target}")  # noqa: S608 — quoted identifiers, bound values
        count = cur.fetchone()[0]
    backend.fulltext_rows_changed(table.table_name, _plans(fields), None)
    DatastoreTable.objects.filter(pk=table.pk).update(row_count=count, modified_at=timezone.now())
    table.row_count = count
    return written


UPSERT_METHODS = ("upsert", "insert", "update")


def datastore_upsert(*, resource_id: uuid.UUID | str, records: Sequence[Mapping[str, Any]], method: str = "upsert",
                     organization: Organization | None, by: Actor | None) -> RowsWritten:
    """Write rows (column → value): ``upsert`` (by primary key, else insert), ``insert`` or
    ``update`` (by primary key, each key must exist)."""
    table = _table(resource_id)
    _check_owner(by, organization, table)
    if method not in UPSERT_METHODS:
        raise ValidationError({"method": [_("Méthode inconnue « %(m)s » (upsert, insert, update).") % {"m": method}]})
    try:
        written = _write_records(table, list(records), method=method)
    except Exception as exc:
        if isinstance(exc, ValidationError):
            raise
        if "unique" in str(exc).lower() or "IntegrityError" in type(exc).__name__:
            raise ValidationError({"records": [_("Clé primaire en double.")]}) from exc
        raise
    audit_record(actor=by, action="datastore.upsert", obj=table, organization=table.organization,
                 changes={"records": len(records), "method": method})
    return RowsWritten(resource_id=table.resource_id, method=method, written=written)


def datastore_delete(*, resource_id: uuid.UUID | str, filters: Mapping[str, Sequence[Any]] | None,
                     organization: Organization | None, by: Actor | None) -> RowsDeleted:
    """Delete the rows matching ``filters`` (column → values, as in a search; empty: every row), or
    the whole table when ``filters`` is ``None``."""
    from .selectors import build_where

    table = _table(resource_id)
    _check_owner(by, organization, table)
    if filters is None:
        datastore_drop(resource_id=table.resource_id, organization=organization, by=by)
        return RowsDeleted(resource_id=table.resource_id, dropped=True)
    backend = get_backend()
    where, params = build_where(table, backend, filters=filters, q=None)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {backend.table_sql(table.table_name)} WHERE {where}", params)  # noqa: S608 — quoted identifiers, bound values
        cur.execute(f"SELECT COUNT(*) FROM {backend.table_sql(table.table_name)}")  # noqa: S608 — quoted identifiers, bound values
        count = cur.fetchone()[0]
    backend.fulltext_rows_changed(table.table_name, _plans(table.fields), None)
    DatastoreTable.objects.filter(pk=table.pk).update(row_count=count, modified_at=timezone.now())
    audit_record(actor=by, action="datastore.delete_rows", obj=table, organization=table.organization,
                 changes={"filters": {k: list(v) for k, v in filters.items()}})
    return RowsDeleted(resource_id=table.resource_id, dropped=False)


__all__ = [
    "datastore_create", "datastore_delete", "datastore_dictionary_update", "datastore_drop",
    "datastore_ingest_cancel", "datastore_ingest_retry", "datastore_ingest_run", "datastore_ingest_schedule",
    "datastore_upsert", "index_columns",
]
