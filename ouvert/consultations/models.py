"""Public consultations: the consultation, its survey, proposals, discussion, briefs, events,
moderation, follows and feedback."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization


class Topic(models.TextChoices):
    GOVERNANCE = "governance", _("Gouvernance et gouvernement ouvert")
    TRANSPORT = "transport", _("Transport et mobilité")
    ENVIRONMENT = "environment", _("Environnement")
    HEALTH = "health", _("Santé")
    EDUCATION = "education", _("Éducation et recherche")
    CULTURE = "culture", _("Culture")
    ECONOMY = "economy", _("Économie et emploi")
    DIGITAL = "digital", _("Numérique")
    URBAN = "urban", _("Aménagement et urbanisme")
    SOCIAL = "social", _("Solidarité sociale")


class Region(models.TextChoices):
    ALL = "all", _("Tout le Québec")
    BAS_SAINT_LAURENT = "01", _("Bas-Saint-Laurent")
    SAGUENAY = "02", _("Saguenay–Lac-Saint-Jean")
    CAPITALE_NATIONALE = "03", _("Capitale-Nationale")
    MAURICIE = "04", _("Mauricie")
    ESTRIE = "05", _("Estrie")
    MONTREAL = "06", _("Montréal")
    OUTAOUAIS = "07", _("Outaouais")
    ABITIBI = "08", _("Abitibi-Témiscamingue")
    COTE_NORD = "09", _("Côte-Nord")
    NORD_DU_QUEBEC = "10", _("Nord-du-Québec")
    GASPESIE = "11", _("Gaspésie–Îles-de-la-Madeleine")
    CHAUDIERE_APPALACHES = "12", _("Chaudière-Appalaches")
    LAVAL = "13", _("Laval")
    LANAUDIERE = "14", _("Lanaudière")
    LAURENTIDES = "15", _("Laurentides")
    MONTEREGIE = "16", _("Montérégie")
    CENTRE_DU_QUEBEC = "17", _("Centre-du-Québec")


class Phase(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    INFORMATION = "information", _("Information")
    PARTICIPATION = "participation", _("Participation")
    ANALYSIS = "analysis", _("Analyse")
    RESULTS = "results", _("Résultats publiés")


def new_survey_version() -> str:
    """A fresh value of :attr:`Consultation.survey_version` (random, so it never repeats)."""
    return secrets.token_hex(8)


class Consultation(models.Model):
    """A public consultation owned by an organization. Its phase follows from its dates: before
    ``opens_at`` people can read (information), between ``opens_at`` and ``closes_at`` they take part,
    then the organization analyses until it publishes its results."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="consultations",
                                     verbose_name=_("organisation"))
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=600)
    body = models.TextField(_("présentation (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    topic = models.CharField(_("thème"), max_length=20, choices=Topic.choices)
    target_public = models.CharField(_("public visé"), max_length=200, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, default=Region.ALL)
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True,
                                help_text=_("Séparés par des virgules. Repris dans le jeu de données ouvertes des "
                                            "résultats, avec le thème et la région."))
    contact_name = models.CharField(_("personne-ressource"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    opens_at = models.DateTimeField(_("ouverture de la participation"))
    closes_at = models.DateTimeField(_("fermeture de la participation"))
    results_expected_on = models.DateField(_("résultats attendus le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    # Ways to take part
    has_survey = models.BooleanField(_("questionnaire"), default=True)
    has_proposals = models.BooleanField(_("propositions"), default=False)
    has_discussion = models.BooleanField(_("discussion"), default=False)
    has_briefs = models.BooleanField(_("mémoires"), default=False)
    # Identity and privacy
    allow_anonymous = models.BooleanField(_("participation anonyme permise"), default=True)
    ask_demographics = models.BooleanField(_("questions sociodémographiques facultatives"), default=False)
    consent_text = models.TextField(_("texte de consentement"), blank=True)
    # Feedback to participants
    what_we_heard = models.TextField(_("ce que nous avons entendu (Markdown)"), blank=True)
    what_we_did = models.TextField(_("ce que nous en avons fait (Markdown)"), blank=True)
    purpose_stated = models.BooleanField(_("l'objectif et la portée de la décision sont énoncés"), default=False)
    documents_accessible = models.BooleanField(_("les documents sont offerts en format accessible"), default=False)
    plain_language = models.BooleanField(_("le texte a été relu en langage clair"), default=False)
    feedback_planned = models.BooleanField(_("un retour aux participants est prévu"), default=False)
    opened_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Changes whenever a question is added, changed or removed (the question services): the survey's
    # questions are kept per process under it (selectors.survey_plan).
    survey_version = models.CharField(max_length=16, default=new_survey_version, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["opens_at", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def phase_at(self, now: dt.datetime) -> str:
        if self.published_at is None:
            return Phase.DRAFT
        if self.results_published_at is not None:
            return Phase.RESULTS
        if now < self.opens_at:
            return Phase.INFORMATION
        if now < self.closes_at:
            return Phase.PARTICIPATION
        return Phase.ANALYSIS

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return str(Phase(self.phase).label)

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def is_open(self) -> bool:
        return self.phase == Phase.PARTICIPATION

    @property
    def offers_digital(self) -> bool:
        return self.has_survey or self.has_proposals or self.has_discussion or self.has_briefs


class ConsultationPhase(models.Model):
    """One row of a consultation's calendar, edited by its organizers (information sessions,
    participation, analysis, results…). The participation row sets ``opens_at``/``closes_at``, which
    decide who may take part; the others tell the public what happens when."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("étape"), max_length=20,
                            choices=[c for c in Phase.choices if c[0] != Phase.DRAFT])
    title = models.CharField(_("titre affiché"), max_length=120, blank=True,
                             help_text=_("Facultatif : sinon, le nom de l'étape."))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    description = models.TextField(_("ce qui se passe"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("étape de la consultation")
        verbose_name_plural = _("étapes de la consultation")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        return self.title or str(Phase(self.kind).label)

    def is_current(self, now: dt.datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    @property
    def is_now(self) -> bool:
        return self.is_current(timezone.now())


class Document(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(_("fichier"), upload_to="consultations/documents/", blank=True)
    url = models.URLField(_("adresse web"), blank=True)
    accessible = models.BooleanField(_("format accessible"), default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Réponse courte")
    LONG_TEXT = "long_text", _("Réponse longue")
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiples")
    RANKING = "ranking", _("Classement")
    SCALE = "scale", _("Échelle (Likert)")
    MATRIX = "matrix", _("Grille")
    NUMBER = "number", _("Nombre")
    DATE = "date", _("Date")
    FILE = "file", _("Fichier")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING, QuestionKind.MATRIX}
FREE_TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}


class Question(models.Model):
    """One survey question. ``choices`` are the options (columns of a grid), ``rows`` the lines of a
    grid. A question with ``condition_question`` is shown only when that earlier question's answer
    equals (or, for multiple choice, contains) ``condition_value``."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    choices = models.JSONField(_("choix"), default=list, blank=True)
    rows = models.JSONField(_("lignes de la grille"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.SmallIntegerField(_("maximum de l'échelle"), default=5)
    scale_min_label = models.CharField(_("libellé du minimum"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("libellé du maximum"), max_length=60, blank=True)
    condition_question = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="dependents", verbose_name=_("afficher seulement si"))
    condition_value = models.CharField(_("la réponse est"), max_length=200, blank=True)

    class Meta:
        ordering = ["page", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Channel(models.TextChoices):
    ONLINE = "online", _("En ligne")
    IN_PERSON = "in_person", _("En personne")
    MAIL = "mail", _("Par la poste")


class Participation(models.Model):
    """One participant's answers to a survey. ``resume_token`` lets them come back later.
    A signed-in person has at most one per consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="consultation_participations")
    resume_token = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    current_page = models.PositiveSmallIntegerField(default=1)
    consent_given = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], condition=models.Q(user__isnull=False),
                                    name="one_participation_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} #{self.pk}"


class Answer(models.Model):
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    text = models.TextField(blank=True)  # free text, for search and keywords
    file = models.FileField(upload_to="consultations/answers/", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.participation_id}:{self.question_id}"


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("Moins de 18 ans")
    A18_34 = "18-34", _("18 à 34 ans")
    A35_54 = "35-54", _("35 à 54 ans")
    A55_74 = "55-74", _("55 à 74 ans")
    A75 = "75+", _("75 ans et plus")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Femme")
    MAN = "man", _("Homme")
    OTHER = "other", _("Autre identité de genre")


class Demographics(models.Model):
    """Optional socio-demographic answers, kept apart from survey answers and never exported with
    free text."""

    participation = models.OneToOneField(Participation, on_delete=models.CASCADE, related_name="demographics")
    age_band = models.CharField(_("groupe d'âge"), max_length=6, choices=AgeBand.choices, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True)
    gender = models.CharField(_("genre"), max_length=6, choices=Gender.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.participation_id}"


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    UNDER_REVIEW = "review", _("À l'étude")
    ACCEPTED = "accepted", _("Retenue")
    REJECTED = "rejected", _("Non retenue")
    IMPLEMENTED = "implemented", _("Réalisée")


class Moderated(models.Model):
    """What every piece of user content shares: reports, automatic hiding, the moderator's reason."""

    hidden = models.BooleanField(_("masqué"), default=False)
    moderation_reason = models.CharField(_("motif de modération"), max_length=300, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    reviewed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Proposal(Moderated):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="consultation_proposals")
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("description"), max_length=5000)
    status = models.CharField(_("statut"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.SUBMITTED)
    official_answer = models.TextField(_("réponse officielle"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:proposal", kwargs={"slug": self.consultation.slug, "pk": self.pk})


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Comment(Moderated):
    """A comment in the consultation's discussion or on a proposal; ``parent`` makes threads."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("commentaire"), max_length=3000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Brief(Moderated):
    """A written brief (mémoire) submitted by a person or a group."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="briefs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organization_name = models.CharField(_("au nom de (facultatif)"), max_length=200, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=1500)
    file = models.FileField(_("fichier (PDF, DOCX, ODT ou TXT)"), upload_to="consultations/briefs/")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Report(models.Model):
    """A person's report of a proposal, comment or brief."""

    KINDS = ("proposal", "comment", "brief")
    target_kind = models.CharField(max_length=10)
    target_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("motif"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target_kind", "target_id", "reporter"],
                                               name="one_report_per_person")]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_id}"


class Event(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True)
    capacity = models.PositiveIntegerField(_("capacité"), default=50)
    attendance = models.PositiveIntegerField(_("présences constatées"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    waitlisted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"


class PageFeedback(models.Model):
    """An answer to "Was this page useful?" (comment masked before storage)."""

    path = models.CharField(max_length=300, db_index=True)
    useful = models.BooleanField()
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=5, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.path


class Service(models.Model):
    """A public service to which an organization attaches the feedback tool."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="feedback_services")
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom du service"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceFeedback(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.service_id}: {self.rating}"
