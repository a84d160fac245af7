"""Open access to research funded by the Fonds de recherche du Québec: funders, programmes,
competitions and grants; researchers and their publications; policy versions (as data) and the
journals the route finder knows."""

from __future__ import annotations

import datetime as dt
import posixpath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization


class Funder(models.Model):
    """One of the three Fonds; its organization owns its programmes and grants."""

    code = models.CharField(_("code"), max_length=10, unique=True)  # FRQNT, FRQS, FRQSC
    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="funder")
    ror = models.URLField(_("identifiant ROR"), blank=True)
    funder_doi = models.CharField(_("identifiant Crossref Funder Registry"), max_length=60, blank=True)  # 10.13039/…

    class Meta:
        ordering = ["code"]
        verbose_name = _("Fonds")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return self.organization.name


class Programme(models.Model):
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="programmes")
    code = models.SlugField(_("code"), max_length=60)
    name_fr = models.CharField(_("nom (français)"), max_length=300)
    name_en = models.CharField(_("nom (anglais)"), max_length=300, blank=True)

    class Meta:
        ordering = ["funder__code", "name_fr"]
        constraints = [models.UniqueConstraint(fields=["funder", "code"], name="openaccess_programme_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr


class Competition(models.Model):
    """A funding competition; its launch date decides which policy version applies to its grants."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="competitions")
    code = models.SlugField(_("code"), max_length=60)
    launched_on = models.DateField(_("date de lancement"))

    class Meta:
        ordering = ["-launched_on"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="openaccess_competition_code")]

    def __str__(self) -> str:
        return f"{self.programme} {self.code}"


class Researcher(models.Model):
    full_name = models.CharField(_("nom"), max_length=200)
    orcid = models.CharField(_("ORCID iD"), max_length=19, unique=True, null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="researcher")

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Grant(models.Model):
    number = models.CharField(_("numéro"), max_length=40, unique=True)  # normalized: FRQSC-276470
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="grants")
    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="grants",
                                    null=True, blank=True)
    holder = models.ForeignKey(Researcher, on_delete=models.PROTECT, related_name="grants", null=True, blank=True)
    holder_name = models.CharField(_("titulaire"), max_length=200)
    institution = models.CharField(_("établissement"), max_length=200, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    title = models.CharField(_("titre du projet"), max_length=500, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class PolicyVersion(models.Model):
    """A version of the Fonds' open-access policy, as data: a new version needs no deploy.

    It applies to grants of competitions launched on or after ``applies_from`` (until the next
    version). ``deadline_months`` after publication the article must be open (0: immediately);
    ``licences`` are SPDX identifiers; ``routes`` and ``versions`` the accepted values of
    :class:`Route` and :class:`Version`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    applies_from = models.DateField(_("s'applique aux concours lancés à partir du"))
    deadline_months = models.PositiveSmallIntegerField(_("délai (mois après la publication)"), default=0)
    licences = models.JSONField(_("licences acceptées (SPDX)"), default=list)
    routes = models.JSONField(_("voies acceptées"), default=list)
    versions = models.JSONField(_("versions acceptées"), default=list)
    url = models.URLField(_("texte de la politique"), blank=True)

    class Meta:
        ordering = ["-applies_from"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_fr


class Route(models.TextChoices):
    JOURNAL = "journal", _("Revue en libre accès")
    REPOSITORY = "repository", _("Dépôt institutionnel ou disciplinaire")
    DEPOSIT = "deposit", _("Fichier déposé ici")
    NONE = "none", _("Pas encore en libre accès")


class Version(models.TextChoices):
    ACCEPTED = "accepted", _("Manuscrit accepté")
    PUBLISHED = "published", _("Version publiée")


LICENCES = [
    ("CC-BY-4.0", "CC BY 4.0"),
    ("CC-BY-SA-4.0", "CC BY-SA 4.0"),
    ("CC0-1.0", "CC0 1.0"),
    ("CC-BY-NC-4.0", "CC BY-NC 4.0"),
    ("CC-BY-ND-4.0", "CC BY-ND 4.0"),
    ("CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"),
    ("LicenseRef-publisher", _("Licence de l'éditeur (droits réservés)")),
]


class JournalKind(models.TextChoices):
    FULL = "full", _("Entièrement en libre accès")
    HYBRID = "hybrid", _("Hybride (libre accès payant à l'article)")
    SUBSCRIPTION = "subscription", _("Sur abonnement")


class Journal(models.Model):
    """What the route finder knows of a journal (as the Journal Checker Tool would)."""

    issn = models.CharField(_("ISSN"), max_length=9, unique=True)
    title = models.CharField(_("titre"), max_length=300)
    kind = models.CharField(_("modèle"), max_length=20, choices=JournalKind.choices)
    licence = models.CharField(_("licence des articles"), max_length=40, blank=True)
    self_archiving_months = models.PositiveSmallIntegerField(
        _("embargo de l'éditeur sur le manuscrit accepté (mois)"), null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


def deposit_upload_to(instance: Publication, filename: str) -> str:
    return f"openaccess/{instance.pk}/{posixpath.basename(filename)}"


class Publication(models.Model):
    """An article declared by a researcher or their institution's staff. Its metadata is public;
    its deposited file is readable by nobody before ``embargo_until`` (:mod:`.access`)."""

    title = models.CharField(_("titre"), max_length=500)
    journal = models.CharField(_("revue"), max_length=300, blank=True)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    doi = models.CharField(_("DOI"), max_length=300, unique=True, null=True, blank=True)
    published_on = models.DateField(_("date de publication"))
    licence = models.CharField(_("licence"), max_length=40, blank=True)
    version = models.CharField(_("version déposée"), max_length=20, choices=Version.choices, blank=True)
    route = models.CharField(_("où l'article est ouvert"), max_length=20, choices=Route.choices, default=Route.NONE)
    repository_url = models.URLField(_("adresse dans le dépôt"), blank=True, max_length=500)
    opened_on = models.DateField(_("ouvert depuis le"), null=True, blank=True)
    file = models.FileField(_("fichier déposé"), upload_to=deposit_upload_to, blank=True, max_length=500)
    embargo_until = models.DateField(_("fin de l'embargo"), null=True, blank=True)
    grants = models.ManyToManyField(Grant, through="PublicationGrant", related_name="publications")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(db_index=True)  # the OAI-PMH datestamp (whole seconds)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["updated_at", "id"], name="openaccess_pub_datestamp")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("openaccess:publication", args=[self.pk])

    def file_open(self, today: dt.date) -> bool:
        return bool(self.file) and (self.embargo_until is None or self.embargo_until <= today)


class Author(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(default=0)
    full_name = models.CharField(_("nom"), max_length=200)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)
    researcher = models.ForeignKey(Researcher, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="authorships")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.full_name


class MatchState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmé")
    REVIEW = "review", _("À vérifier")


class PublicationGrant(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="grant_links")
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="publication_links")
    state = models.CharField(max_length=20, choices=MatchState.choices, default=MatchState.CONFIRMED)
    evidence = models.JSONField(default=dict, blank=True)  # how an import matched it (a stored message)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "grant"], name="openaccess_pubgrant_unique")]

    def __str__(self) -> str:
        return f"{self.publication_id} ↔ {self.grant_id}"


class ImportReview(models.Model):
    """An imported work that looks like an article already declared (same title and year, no common
    DOI): a person decides whether it is the same article (update it) or another one (create it)."""

    existing = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="import_reviews")
    data = models.JSONField()  # the imported work, as :class:`ouvert.openaccess.imports.Work` fields
    evidence = models.JSONField(default=dict)  # a stored message
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return str(self.data.get("title", ""))


class FaqEntry(models.Model):
    """A question of the support page's FAQ, written by site administrators (Django admin)."""

    question_fr = models.CharField(_("question (français)"), max_length=300)
    question_en = models.CharField(_("question (anglais)"), max_length=300, blank=True)
    answer_fr = models.TextField(_("réponse (français)"))
    answer_en = models.TextField(_("réponse (anglais)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question fréquente")

    def __str__(self) -> str:
        return self.question_fr

    @property
    def question(self) -> str:
        return self.question_en if get_language() == "en" and self.question_en else self.question_fr

    @property
    def answer(self) -> str:
        return self.answer_en if get_language() == "en" and self.answer_en else self.answer_fr
