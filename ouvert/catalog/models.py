"""Datasets, resources, licences, themes, keywords, versions, requests and follows."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization

from .markup import plain_text


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class Licence(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200)
    url = models.URLField(_("adresse du texte"), blank=True)
    is_open = models.BooleanField(_("ouverte"), default=True)
    is_default = models.BooleanField(_("par défaut"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_fr


class Theme(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_fr


class Keyword(models.Model):
    name = models.CharField(_("mot-clé"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UpdateFrequency(models.TextChoices):
    HOURLY = "hourly", _("Aux heures")
    DAILY = "daily", _("Quotidienne")
    WEEKLY = "weekly", _("Hebdomadaire")
    MONTHLY = "monthly", _("Mensuelle")
    QUARTERLY = "quarterly", _("Trimestrielle")
    HALF_YEARLY = "half_yearly", _("Semestrielle")
    YEARLY = "yearly", _("Annuelle")
    BIENNIAL = "biennial", _("Aux deux ans")
    TRIENNIAL = "triennial", _("Aux trois ans")
    REAL_TIME = "real_time", _("En temps réel")
    IRREGULAR = "irregular", _("Irrégulière")
    ARCHIVED = "archived", _("Archivé (plus mis à jour)")


# Days allowed between two updates before a dataset counts as late (None: never late).
FREQUENCY_DAYS = {
    "hourly": 2, "daily": 3, "weekly": 10, "monthly": 35, "quarterly": 100, "half_yearly": 190,
    "yearly": 380, "biennial": 745, "triennial": 1110, "real_time": 2, "irregular": None, "archived": None,
}


class DatasetState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ACTIVE = "active", _("Publié")
    DELETED = "deleted", _("Dans la corbeille")


class Dataset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(_("identifiant lisible"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    notes = models.TextField(_("description"), blank=True)
    # Optional English metadata, indexed with the English stemmer (see search.py).
    title_en = models.CharField(_("titre en anglais"), max_length=250, blank=True)
    notes_en = models.TextField(_("description en anglais"), blank=True)
    keywords_en = models.JSONField(_("mots-clés en anglais"), default=list, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="datasets",
                                     verbose_name=_("organisation"))
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="datasets", verbose_name=_("mots-clés"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="datasets", verbose_name=_("thèmes"))
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="datasets",
                                verbose_name=_("licence"))
    # The identifier another catalogue uses for this licence, when the dataset was written with it (CKAN's
    # "cc-by" for cc-by-4.0, see seeds.ALIASES): CKAN clients read back the id they sent.
    licence_alias = models.CharField(_("identifiant de licence reçu"), max_length=60, blank=True)
    # Further metadata as key/value pairs ([{"key": …, "value": …}]), kept as written (CKAN's extras).
    extras = models.JSONField(_("métadonnées supplémentaires"), default=list, blank=True)
    contact_name = models.CharField(_("nom du contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    update_frequency = models.CharField(_("fréquence de mise à jour"), max_length=20,
                                        choices=UpdateFrequency.choices, default=UpdateFrequency.IRREGULAR)
    spatial = models.CharField(_("couverture géographique"), max_length=250, blank=True)
    temporal_start = models.DateField(_("début de la couverture temporelle"), null=True, blank=True)
    temporal_end = models.DateField(_("fin de la couverture temporelle"), null=True, blank=True)
    source_url = models.URLField(_("adresse de la source"), blank=True, max_length=500)
    language = models.CharField(_("langue des données"), max_length=10, default="fr",
                                choices=[("fr", _("Français")), ("en", _("Anglais")), ("fr,en", _("Bilingue"))])
    version_notes = models.TextField(_("notes de version"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=DatasetState.choices, default=DatasetState.DRAFT,
                             db_index=True)
    private = models.BooleanField(_("privé"), default=False)
    is_reference = models.BooleanField(_("données de référence"), default=False)
    first_published_at = models.DateTimeField(_("première publication"), null=True, blank=True)
    data_modified_at = models.DateTimeField(_("dernière modification des données"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("consultations"), default=0)
    download_count = models.PositiveIntegerField(_("téléchargements"), default=0)
    # Computed by quality.dataset_report in a background task (services.dataset_quality_refresh).
    quality_score = models.PositiveSmallIntegerField(_("score de qualité"), null=True, blank=True)
    openness_stars = models.PositiveSmallIntegerField(_("étoiles d'ouverture"), default=0)
    conforms = models.BooleanField(_("conforme aux lignes directrices"), default=False, db_index=True)
    quality_report = models.JSONField(_("rapport de qualité"), default=dict, blank=True)
    quality_checked_at = models.DateTimeField(_("qualité vérifiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "private"]),
                   # The catalogue page's order (latest changed first) among public datasets: its page
                   # of 20 is read in index order instead of sorting every public dataset.
                   models.Index(fields=["-updated_at", "id"], name="catalog_public_modified",
                                condition=models.Q(state="active", private=False))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset_detail", kwargs={"name": self.name})

    @property
    def is_public(self) -> bool:
        return self.state == DatasetState.ACTIVE and not self.private

    @property
    def title_local(self) -> str:
        """The English title on English pages when there is one, else the French title."""
        return self.title_en if self.title_en and (get_language() or "fr").startswith("en") else self.title

    @property
    def notes_local(self) -> str:
        return self.notes_en if self.notes_en and (get_language() or "fr").startswith("en") else self.notes

    @property
    def keywords_en_local(self) -> list[str]:
        """The English keywords on English pages (each shown as a search), none on French ones."""
        return list(self.keywords_en) if _english() else []

    @property
    def notes_local_text(self) -> str:
        """The description in the page's language as plain words, for lists (no Markdown marks)."""
        return plain_text(self.notes_local)

    @property
    def popularity(self) -> int:
        return self.view_count + 5 * self.download_count


def resource_upload_to(instance: Resource, filename: str) -> str:
    return f"resources/{instance.dataset_id}/{instance.id}/{filename}"


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("nom"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    name_en = models.CharField(_("nom en anglais"), max_length=250, blank=True)
    description_en = models.TextField(_("description en anglais"), blank=True)
    file = models.FileField(_("fichier"), upload_to=resource_upload_to, blank=True, max_length=500)
    url = models.URLField(_("lien"), blank=True, max_length=1000)
    format = models.CharField(_("format"), max_length=30, blank=True)
    size = models.BigIntegerField(_("taille (octets)"), null=True, blank=True)
    sha256 = models.CharField(_("somme de contrôle SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("encodage"), max_length=40, blank=True)
    is_documentation = models.BooleanField(
        _("documentation"), default=False,
        help_text=_("Une page ou un document qui décrit les données (pas les données elles-mêmes) : "
                    "les règles de qualité des fichiers ne s'y appliquent pas."))
    last_modified = models.DateTimeField(_("dernière modification"), default=timezone.now)
    data_dictionary = models.JSONField(_("dictionnaire de données"), default=list, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    download_count = models.PositiveIntegerField(_("téléchargements"), default=0)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["dataset", "position", "created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:resource_detail", kwargs={"name": self.dataset.name, "pk": self.pk})

    @property
    def name_local(self) -> str:
        """The name in the page's language: the English one on English pages when there is one."""
        return self.name_en if _english() and self.name_en else self.name

    @property
    def description_local(self) -> str:
        return self.description_en if _english() and self.description_en else self.description

    @property
    def is_upload(self) -> bool:
        return bool(self.file)


class DatasetVersion(models.Model):
    """One change to a dataset: the full JSON snapshot after it, and what changed."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    action = models.CharField(max_length=40)
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="unique_dataset_version")]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number}"

    @property
    def action_label(self) -> str:
        return str(VERSION_ACTIONS.get(self.action, self.action))


VERSION_ACTIONS = {
    "create": _("Création"), "update": _("Modification des métadonnées"), "publish": _("Publication"),
    "unpublish": _("Retour en brouillon"), "delete": _("Mise à la corbeille"), "restore": _("Restauration"),
    "resource_create": _("Ajout d'une ressource"), "resource_update": _("Modification d'une ressource"),
    "resource_delete": _("Retrait d'une ressource"), "resource_reorder": _("Nouvel ordre des ressources"),
}


class CatalogueVersion(models.Model):
    """One row counting the changes that can move the catalogue's facet counts: bumped in the same
    transaction as every (re)index or removal of a dataset and every change of its reference badge,
    so a counted page cached under a number is never served after a change has committed (the
    cache holds counts per number; see ``facets.cached_facet_counts``)."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalogue version {self.number}"


class SearchDocument(models.Model):
    """The text a dataset is found by. On PostgreSQL a ``vector`` tsvector column (GIN) sits beside
    it (and ``vector_en`` for the English text); on SQLite the FTS5 table ``catalog_dataset_fts`` holds
    the stemmed copy of both. See search.py."""

    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, primary_key=True, related_name="search")
    title = models.TextField(default="", blank=True)
    keywords = models.TextField(default="", blank=True)
    body = models.TextField(default="", blank=True)
    title_en = models.TextField(default="", blank=True)
    keywords_en = models.TextField(default="", blank=True)
    body_en = models.TextField(default="", blank=True)
    # SQLite: the rowid of this document's row in the FTS5 table, so a reindex replaces it by its
    # integer key instead of scanning the table's unindexed ``dataset_id`` column (None on PostgreSQL,
    # and for rows written before it was kept).
    fts_rowid = models.BigIntegerField(null=True, blank=True, unique=True)

    def __str__(self) -> str:
        return self.title


class DatasetFacet(models.Model):
    """One facet value of one dataset (its organization, licence, frequency, reference badge, each
    keyword, theme and resource format): the narrow rows the catalogue's facets are counted from,
    written by ``facet_rows.dataset_facets_write`` in the transaction of every (re)index. ``public``
    is the access model's answer for a visitor (``ouvert.core.access``) at that write; only public
    rows are ever counted. Values are the database's text of an id (organization, licence, theme)
    or the value itself (keyword name, format, frequency, "1" for the badge)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+", db_index=False)
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=100)
    public = models.BooleanField(default=False)

    class Meta:
        # ``public`` rides along in PostgreSQL's index: a dataset's rows are read from the index alone.
        constraints = [models.UniqueConstraint(fields=["dataset", "facet", "value"], include=["public"],
                                               name="one_facet_value_covering")]
        indexes = [models.Index(fields=["facet", "value", "public", "dataset"], name="catalog_facet_value")]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.facet}={self.value}"


class FacetCount(models.Model):
    """The number of public datasets having each facet value (``facet="total"``: all of them), kept
    current by the same writes as :class:`DatasetFacet`: the catalogue page without text or filter
    reads its counts here."""

    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=100)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="one_count_per_facet_value")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}: {self.n}"


class FacetPair(models.Model):
    """The number of public datasets having both ``facet = value`` and ``other = other_value`` (two
    different facets), kept current by the same writes as :class:`DatasetFacet`: a page with one
    filter reads every other facet's counts here (``facets._paired``)."""

    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=100)
    other = models.CharField(max_length=12)
    other_value = models.CharField(max_length=100)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value", "other", "other_value"],
                                               name="one_count_per_facet_pair")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value} & {self.other}={self.other_value}: {self.n}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Proposée")
    REVIEW = "review", _("À l'étude")
    PLANNED = "planned", _("Planifiée")
    PUBLISHED = "published", _("Publiée")
    DECLINED = "declined", _("Refusée")


class DeclineReason(models.TextChoices):
    PERSONAL = "personal", _("Renseignements personnels")
    CONFIDENTIAL = "confidential", _("Confidentialité (sécurité, secret commercial, relations intergouvernementales)")
    IP = "ip", _("Propriété intellectuelle de tiers")
    NOT_HELD = "not_held", _("Données non détenues par l'organisation")
    COST = "cost", _("Coût d'extraction disproportionné")


class DatasetRequest(models.Model):
    """A dataset somebody asks an organization to open."""

    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("pourquoi ces données?"))
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="dataset_requests",
                                     verbose_name=_("organisation qui détient les données"))
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="requests", verbose_name=_("thème"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="dataset_requests")
    status = models.CharField(_("statut"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    target_date = models.DateField(_("date prévue"), null=True, blank=True)
    decline_reason = models.CharField(_("motif du refus"), max_length=20, choices=DeclineReason.choices,
                                      blank=True)
    answer = models.TextField(_("réponse de l'organisation"), blank=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="requests", verbose_name=_("jeu de données publié"))
    vote_count = models.PositiveIntegerField(default=0, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de données")
        verbose_name_plural = _("demandes de données")
        ordering = ["-vote_count", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:request_detail", kwargs={"pk": self.pk})


class RequestVote(models.Model):
    request = models.ForeignKey(DatasetRequest, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="one_vote_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.request_id}"


class RequestComment(models.Model):
    request = models.ForeignKey(DatasetRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class Hackathon(models.Model):
    """A hackathon event (like HackQC): theme, dates, highlighted datasets, projects and winners."""

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    theme = models.CharField(_("thème de l'événement"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("lieu"), max_length=250, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="hackathons",
                                      verbose_name=_("jeux de données mis en avant"))

    class Meta:
        verbose_name = _("hackathon")
        verbose_name_plural = _("hackathons")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:hackathon_detail", kwargs={"slug": self.slug})


class Reuse(models.Model):
    """An application, article, visualization or hackathon project built on datasets (moderated)."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        ARTICLE = "article", _("Article")
        VISUALIZATION = "visualization", _("Visualisation")
        HACKATHON = "hackathon", _("Projet de hackathon")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de modération")
        APPROVED = "approved", _("Approuvée")
        REJECTED = "rejected", _("Refusée")

    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"))
    url = models.URLField(_("adresse"), max_length=500)
    image = models.ImageField(_("image"), upload_to="reuses/", blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.APPLICATION)
    datasets = models.ManyToManyField(Dataset, related_name="reuses", verbose_name=_("jeux de données utilisés"))
    hackathon = models.ForeignKey(Hackathon, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="projects", verbose_name=_("hackathon"))
    is_winner = models.BooleanField(_("projet lauréat"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réutilisation")
        verbose_name_plural = _("réutilisations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Tutorial(models.Model):
    """A guide of the learning section, written in Markdown by site editors."""

    class Track(models.TextChoices):
        OFFICE = "office", _("Avec des outils de bureautique")
        DEVELOPERS = "developers", _("Pour les développeurs")

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=250)
    track = models.CharField(_("parcours"), max_length=12, choices=Track.choices)
    summary = models.CharField(_("résumé"), max_length=400)
    body = models.TextField(_("contenu (Markdown)"))
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tutoriel")
        verbose_name_plural = _("tutoriels")
        ordering = ["track", "position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:tutorial_detail", kwargs={"slug": self.slug})
