"""Action plans in the Open Government Partnership's shape: a plan, its challenges, commitments and
milestones; progress updates backed by evidence (an immutable, dated, attributed history);
independent ratings beside the government's; indicators with versioned methodology sheets and their
values (computed from the platform or entered by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    ACTIVE = "active", _("En cours")
    CLOSED = "closed", _("Terminé")


class OgpValue(models.TextChoices):
    TRANSPARENCY = "transparency", _("Transparence")
    PARTICIPATION = "participation", _("Participation")
    COLLABORATION = "collaboration", _("Collaboration")
    INNOVATION = "innovation", _("Innovation")
    ACCOUNTABILITY = "accountability", _("Reddition de comptes")


class Level(models.TextChoices):
    """Completion levels as the OGP's Independent Reporting Mechanism names them, plus "not pursued"."""

    NOT_STARTED = "not_started", _("Non commencé")
    LIMITED = "limited", _("Limité")
    SUBSTANTIAL = "substantial", _("Substantiel")
    COMPLETE = "complete", _("Complété")
    NOT_PURSUED = "not_pursued", _("Abandonné")


LEVEL_WEIGHT = {Level.NOT_STARTED: 0.0, Level.LIMITED: 1 / 3, Level.SUBSTANTIAL: 2 / 3, Level.COMPLETE: 1.0}


class Plan(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="action_plans",
                                     verbose_name=_("organisation responsable"))
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    summary = models.TextField(_("résumé"), blank=True)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    status = models.CharField(_("statut"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    ogp_values = models.JSONField(_("valeurs du PGO servies"), default=list, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"slug": self.slug})


class Challenge(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="challenges")
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_challenge_number")]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    challenge = models.ForeignKey(Challenge, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="commitments", verbose_name=_("défi"))
    external_id = models.CharField(_("identifiant externe"), max_length=60)
    number = models.CharField(_("numéro"), max_length=10)
    title = models.CharField(_("titre"), max_length=300)
    problem = models.TextField(_("problème"), blank=True)
    description = models.TextField(_("description"), blank=True)
    why = models.TextField(_("pourquoi"), blank=True)
    lead_body = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="led_commitments",
                                  verbose_name=_("organisme responsable"))
    supporting_bodies = models.ManyToManyField(Organization, blank=True, related_name="supported_commitments",
                                               verbose_name=_("organismes partenaires"))
    start = models.DateField(_("début"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    origin_kind = models.CharField(_("origine (type)"), max_length=30, blank=True)
    origin_key = models.CharField(_("origine (clé)"), max_length=100, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "external_id"], name="plans_commitment_external_id")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:commitment", kwargs={"slug": self.plan.slug, "pk": self.pk})


class Milestone(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    external_id = models.CharField(_("identifiant externe"), max_length=60)
    number = models.CharField(_("numéro"), max_length=10)
    description = models.TextField(_("description"))
    start = models.DateField(_("début"), null=True, blank=True)
    deadline = models.DateField(_("échéance"))
    responsible_body = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="plan_milestones",
                                         verbose_name=_("organisme responsable"))
    collaborators = models.ManyToManyField(Organization, blank=True, related_name="collaborated_milestones",
                                           verbose_name=_("collaborateurs"))
    deliverable = models.TextField(_("livrable attendu"), blank=True)
    # The latest update's values, kept with it in the same transaction (the history is ProgressUpdate).
    level = models.CharField(_("niveau d'avancement"), max_length=12, choices=Level.choices,
                             default=Level.NOT_STARTED)
    delayed = models.BooleanField(_("en retard déclaré"), default=False)
    completed_on = models.DateField(_("complété le"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["commitment", "id"]
        constraints = [models.UniqueConstraint(fields=["commitment", "external_id"],
                                               name="plans_milestone_external_id")]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:80]}"

    def is_late_on(self, today: dt.date) -> bool:
        return self.level not in (Level.COMPLETE, Level.NOT_PURSUED) and self.deadline < today

    @property
    def is_late(self) -> bool:
        return self.is_late_on(timezone.localdate())


class ProgressUpdate(models.Model):
    """One dated, attributed statement about a milestone. Never edited: a correction is a new update."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_label = models.CharField(_("auteur"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("texte"))
    level = models.CharField(_("niveau d'avancement"), max_length=12, choices=Level.choices)
    delayed = models.BooleanField(_("en retard"), default=False)
    delay_reason = models.TextField(_("raison du retard"), blank=True)
    evidence_kind = models.CharField(_("type de preuve"), max_length=30, blank=True)
    evidence_key = models.CharField(_("preuve"), max_length=100, blank=True)
    evidence_title = models.CharField(_("titre de la preuve"), max_length=300, blank=True)
    evidence_url = models.CharField(_("adresse de la preuve"), max_length=500, blank=True)
    evidence_file = models.FileField(_("document"), upload_to="plans/evidence/%Y/", blank=True, max_length=300)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.get_level_display()} ({self.created_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("progress updates are immutable; post a correcting update instead")
        super().save(*args, **kwargs)

    @property
    def evidence_href(self) -> str:
        """The evidence's address in the current language (stored in the poster's)."""
        if not self.evidence_url:
            return ""
        source = self.evidence_url.split("/")[1] if self.evidence_url.startswith("/") else ""
        if source not in dict(settings.LANGUAGES):
            return self.evidence_url
        target = get_language() or "fr"
        with override(source):  # resolve it in the language it was written in
            return translate_url(self.evidence_url, target)


class IndependentRating(models.Model):
    """A completion level given by someone outside government (civil society, the IRM)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="ratings")
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    rater_label = models.CharField(_("évaluateur"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation évaluatrice"))
    level = models.CharField(_("niveau d'avancement"), max_length=12, choices=Level.choices)
    text = models.TextField(_("justification"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.get_level_display()} ({self.rater_label})"


class Indicator(models.Model):
    key = models.SlugField(_("identifiant"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    unit = models.CharField(_("unité"), max_length=30)
    baseline = models.FloatField(_("valeur de départ"), null=True, blank=True)
    baseline_date = models.DateField(_("date de la valeur de départ"), null=True, blank=True)
    target = models.FloatField(_("cible"))
    target_date = models.DateField(_("date cible"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="plan_indicators",
                                     verbose_name=_("organisme responsable"))
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class MethodologyVersion(models.Model):
    """A methodology sheet. A new version starts a new series: values never mix versions."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    measure = models.CharField(_("mesure calculée"), max_length=60, blank=True)
    definition = models.TextField(_("définition et méthode de calcul"))
    source = models.CharField(_("source"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["indicator", "version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "version"], name="plans_methodology_version")]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.version}"


class IndicatorValue(models.Model):
    series = models.ForeignKey(MethodologyVersion, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.FloatField(_("valeur"))
    computed = models.BooleanField(_("calculée"), default=True)
    source = models.CharField(_("source"), max_length=250, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["series", "date"]
        constraints = [models.UniqueConstraint(fields=["series", "date"], name="plans_value_date")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.date}: {self.value}"


class Committee(models.Model):
    """An open-government committee: organizations (and their representatives) advising the
    coordinating body on its plans, with terms, meetings, agendas and minutes."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="committees",
                                     verbose_name=_("organisation qui coordonne"))
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=250)
    mandate = models.TextField(_("mandat"), blank=True)
    created_on = models.DateField(_("mis en place le"), null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:committee", kwargs={"slug": self.slug})


class Sector(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Société civile")
    PUBLIC = "public", _("Organismes publics")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="committee_seats",
                                     verbose_name=_("organisation"))
    sector = models.CharField(_("collège"), max_length=15, choices=Sector.choices)
    representative = models.CharField(_("représentant ou représentante"), max_length=200, blank=True)
    term_start = models.DateField(_("début du mandat"))
    term_end = models.DateField(_("fin du mandat"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "sector", "organization__name_fr"]

    def __str__(self) -> str:
        return f"{self.organization_id} ({self.term_start})"


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("titre"), max_length=250)
    agenda = models.TextField(_("ordre du jour"))
    minutes = models.TextField(_("compte rendu"), blank=True)
    published_at = models.DateTimeField(_("annoncée le"), null=True, blank=True)
    minutes_published_at = models.DateTimeField(_("compte rendu publié le"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    def get_absolute_url(self) -> str:
        return reverse("plans:meeting", kwargs={"slug": self.committee.slug, "pk": self.pk})
