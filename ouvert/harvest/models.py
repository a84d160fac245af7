"""Harvest sources (another CKAN portal, a DCAT catalogue), their runs and per-run reports, and
the link between each harvested remote dataset and the local one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvert.core.messages import render


class SourceKind(models.TextChoices):
    CKAN = "ckan", _("Portail CKAN (API Action)")
    DCAT_URL = "dcat_url", _("Catalogue DCAT (adresse)")
    DCAT_UPLOAD = "dcat_upload", _("Catalogue DCAT (fichier téléversé)")


class Schedule(models.TextChoices):
    MANUAL = "manual", _("Sur demande seulement")
    HOURLY = "hourly", _("Toutes les heures")
    DAILY = "daily", _("Tous les jours")
    WEEKLY = "weekly", _("Toutes les semaines")


SCHEDULE_SECONDS: dict[str, int] = {Schedule.HOURLY: 3600, Schedule.DAILY: 86400, Schedule.WEEKLY: 7 * 86400}


class HarvestSource(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    kind = models.CharField(_("type de source"), max_length=20, choices=SourceKind.choices)
    url = models.URLField(_("adresse"), max_length=500, blank=True,
                          help_text=_("Adresse du portail CKAN (https://…) ou du document DCAT."))
    upload = models.FileField(_("fichier DCAT"), upload_to="harvest/", blank=True,
                              help_text=_("Turtle, JSON-LD ou RDF/XML."))
    default_organization = models.ForeignKey(
        "core.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("organisation par défaut"),
        help_text=_("Reçoit les jeux dont l'organisation d'origine n'a pas de correspondance."))
    create_organizations = models.BooleanField(
        _("créer les organisations manquantes"), default=True,
        help_text=_("Sinon, les jeux d'une organisation sans correspondance sont signalés en erreur."))
    organization_map = models.JSONField(_("correspondance des organisations"), default=dict, blank=True,
                                        help_text=_("{\"nom-distant\": \"identifiant-local\"}"))
    licence_map = models.JSONField(_("correspondance des licences"), default=dict, blank=True,
                                   help_text=_("{\"licence-distante\": \"licence-locale\"}"))
    format_map = models.JSONField(_("correspondance des formats"), default=dict, blank=True,
                                  help_text=_("{\"format distant\": \"FORMAT\"}"))
    schedule = models.CharField(_("fréquence"), max_length=10, choices=Schedule.choices, default=Schedule.MANUAL)
    enabled = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("responsable"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    next_run_at = models.DateTimeField(_("prochain moissonnage"), null=True, blank=True)

    class Meta:
        verbose_name = _("source de moissonnage")
        verbose_name_plural = _("sources de moissonnage")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("harvest:source_detail", kwargs={"slug": self.slug})


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Réussi")
    PARTIAL = "partial", _("Partiel : des jeux ont échoué")
    FAILED = "failed", _("Échoué")


class HarvestRun(models.Model):
    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(_("déclencheur"), max_length=10, default="manual")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    phase = models.CharField(_("étape"), max_length=20, blank=True)
    total = models.PositiveIntegerField(_("jeux distants"), default=0)
    done = models.PositiveIntegerField(_("jeux traités"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    deleted = models.PositiveIntegerField(_("supprimés"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    errors = models.PositiveIntegerField(_("erreurs"), default=0)
    # why the run failed: a stored message (ouvert.core.messages, codes in harvest/report.py)
    message = models.JSONField(_("message"), default=dict, blank=True)

    class Meta:
        verbose_name = _("moissonnage")
        verbose_name_plural = _("moissonnages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("harvest:run_detail", kwargs={"slug": self.source.slug, "pk": self.pk})

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished_at else 0)

    @property
    def is_active(self) -> bool:
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}

    @property
    def shown_message(self) -> str:
        """Why the run failed, in the active language ("" when it did not)."""
        return render(self.message)


class ItemAction(models.TextChoices):
    CREATED = "created", _("créé")
    UPDATED = "updated", _("mis à jour")
    DELETED = "deleted", _("supprimé")
    ERROR = "error", _("erreur")


class HarvestRunItem(models.Model):
    """One line of a run's report: what happened to one remote dataset, and why when it failed."""

    run = models.ForeignKey(HarvestRun, on_delete=models.CASCADE, related_name="items")
    action = models.CharField(_("résultat"), max_length=10, choices=ItemAction.choices)
    remote_id = models.CharField(_("identifiant distant"), max_length=500, blank=True)
    remote_name = models.CharField(_("nom distant"), max_length=500, blank=True)
    local_id = models.CharField(_("identifiant local"), max_length=64, blank=True)
    reason = models.JSONField(_("raison"), default=dict, blank=True)  # a stored message, like HarvestRun.message

    class Meta:
        verbose_name = _("ligne de rapport")
        verbose_name_plural = _("lignes de rapport")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.remote_name or self.remote_id}"

    @property
    def shown_reason(self) -> str:
        """Why this dataset was not written, in the active language."""
        return render(self.reason)


class HarvestedObject(models.Model):
    """A remote dataset and the local dataset it became: the mark of its source, and what makes
    runs incremental (``remote_modified`` and ``content_hash``)."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="harvested")
    remote_id = models.CharField(max_length=500)
    remote_name = models.CharField(max_length=500, blank=True)
    remote_url = models.URLField(max_length=1000, blank=True)
    local_id = models.CharField(max_length=64, db_index=True)
    remote_modified = models.CharField(max_length=40, blank=True)
    content_hash = models.CharField(max_length=64)
    last_run = models.ForeignKey(HarvestRun, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jeu moissonné")
        verbose_name_plural = _("jeux moissonnés")
        constraints = [models.UniqueConstraint(fields=["source", "remote_id"], name="unique_harvested_remote_id")]

    def __str__(self) -> str:
        return f"{self.source} : {self.remote_name or self.remote_id}"
