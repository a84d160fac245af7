"""Datastore tables (one per resource and sheet) and the ingestion jobs that fill them.

Tables are keyed by ``resource_id`` (a UUID from the catalogue) without a foreign key, so the
datastore can be built, tested and deployed apart from the catalogue.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class DatastoreTable(models.Model):
    resource_id = models.UUIDField(_("ressource"), db_index=True)
    sheet = models.PositiveIntegerField(_("feuille"), default=0)
    sheet_name = models.CharField(_("nom de la feuille"), max_length=200, blank=True)
    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="datastore_tables")
    table_name = models.CharField(_("table physique"), max_length=63, unique=True)
    fields = models.JSONField(_("champs"), default=list)
    primary_key = models.JSONField(_("clé primaire"), default=list, blank=True)
    row_count = models.BigIntegerField(_("lignes"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    origin = models.CharField(_("origine"), max_length=10, default="file")  # file | api
    detected = models.JSONField(_("détection"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    quality = models.JSONField(_("qualité"), default=dict, blank=True)
    source_name = models.CharField(_("fichier source"), max_length=500, blank=True)
    original_name = models.CharField(_("nom d'origine"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("table du magasin de données")
        constraints = [models.UniqueConstraint(fields=["resource_id", "sheet"], name="datastore_table_sheet")]
        ordering = ["resource_id", "sheet"]

    def __str__(self) -> str:
        return f"{self.resource_id} [{self.sheet_name or self.sheet}]"

    @cached_property
    def geometry(self) -> dict | None:
        """Where the rows' geometry is (a WKT column, or latitude and longitude), or None."""
        from django.core.exceptions import ValidationError

        from .exports import geometry_of

        try:
            return geometry_of(self)
        except ValidationError:
            return None

    @cached_property
    def preview_fields(self) -> list[dict]:
        """The columns a table preview shows: all but geometries written as WKT text (a map shows
        them; as text they would make the page hundreds of thousands of pixels tall)."""
        from django.db import DatabaseError

        from .exports import wkt_columns

        try:
            hidden = set(wkt_columns(self))
        except DatabaseError:  # the physical table is being replaced: show every column
            hidden = set()
        return [f for f in self.fields if f["id"] not in hidden]

    @property
    def hides_columns(self) -> bool:
        return len(self.preview_fields) != len(self.fields)

    def field(self, name: str) -> dict | None:
        return next((f for f in self.fields if f["id"] == name), None)


class JobStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    RUNNING = "running", _("en cours")
    SUCCEEDED = "succeeded", _("réussi")
    FAILED = "failed", _("échoué")
    CANCELLED = "cancelled", _("annulé")


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)


class IngestJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField(_("ressource"), db_index=True)
    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="datastore_jobs")
    source_name = models.CharField(_("fichier source"), max_length=500)
    original_name = models.CharField(_("nom d'origine"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    phase = models.CharField(_("étape"), max_length=20, blank=True)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    rows_done = models.BigIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    # why the job failed or stopped: a stored message (ouvert.core.messages, codes in report.py)
    error = models.JSONField(_("erreur"), default=dict, blank=True)
    attempt = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chargement")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resource_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def shown_error(self) -> str:
        """Why the job failed or stopped, in the active language ("" when it did not)."""
        from .report import job_messages

        return str(job_messages(self.report, self.error)["error"])

    @property
    def percentage(self) -> float:
        """One read of the file: the share of its bytes read and loaded, up to 90 % (indexes follow).
        A file that contradicts its first rows is read twice: profiling then counts for 45 %."""
        if self.status == JobStatus.SUCCEEDED:
            return 100.0
        share = min(self.bytes_done / self.bytes_total, 1) if self.bytes_total else 0.0
        if self.phase == "profile":
            return round(share * 45, 1)
        if self.phase == "load":
            return round(share * 90, 1)
        if self.phase in ("index", "quality"):
            return 95.0
        if self.phase == "indexes":  # the table is live; its sort and filter indexes are being built
            return 96.0
        if self.phase == "fulltext":  # the table is live; only its full-text index is being built
            return 98.0
        return 0.0

    @property
    def seconds_elapsed(self) -> float:
        if not self.started_at:
            return 0.0
        end = self.finished_at or timezone.now()
        return max((end - self.started_at).total_seconds(), 0.0)

    @property
    def rate_rows(self) -> float:
        seconds = self.seconds_elapsed
        return round(self.rows_done / seconds, 1) if seconds else 0.0

    @property
    def eta_seconds(self) -> float | None:
        pct = self.percentage
        if not self.is_active or pct <= 0:
            return None
        seconds = self.seconds_elapsed
        return round(seconds * (100 - pct) / pct, 1)

    def progress(self) -> dict:
        """The job as the API and the page show it; the report's messages in the active language."""
        from .report import job_messages

        shown = job_messages(self.report, self.error)
        return {
            "id": str(self.id), "resource_id": str(self.resource_id), "status": self.status, "phase": self.phase,
            "bytes_total": self.bytes_total, "bytes_done": self.bytes_done, "rows_done": self.rows_done,
            "percentage": self.percentage, "rate_rows_per_second": self.rate_rows, "eta_seconds": self.eta_seconds,
            "cancel_requested": self.cancel_requested, "attempt": self.attempt,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "error": shown["error"], "report": {**(self.report or {}), **shown},
        }
