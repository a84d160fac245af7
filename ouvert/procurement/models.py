"""Micro-acquisitions: calls, suppliers, questions and sealed bids.

A bid's content (price and proposal) lives only in ``Bid.sealed`` until the call's bid deadline:
an X25519 + HKDF + AES-GCM envelope to the call's public key (:mod:`ouvert.procurement.sealing`).
The matching private key is never stored (:mod:`ouvert.procurement.custodian`). The clear fields
``price`` and ``proposal`` are filled only when the bids are opened, after the deadline.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization


class CallState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CLOSED = "closed", _("Fermé (évaluation)")
    DEBRIEFING = "debriefing", _("Classement publié (bilans aux soumissionnaires)")
    AWARDED = "awarded", _("Adjugé")
    CANCELLED = "cancelled", _("Annulé")
    UNSUCCESSFUL = "unsuccessful", _("Infructueux")
    DELIVERED = "delivered", _("Livré")
    ACCEPTED = "accepted", _("Accepté")
    REJECTED = "rejected", _("Refusé")
    PAID = "paid", _("Payé")


class Pricing(models.TextChoices):
    FIXED = "fixed", _("Prix fixe (concurrence sur la qualité seulement)")
    MAXIMUM = "maximum", _("Budget maximal")


class SupplierSize(models.TextChoices):
    MICRO = "micro", _("Microentreprise (moins de 10 personnes)")
    SMALL = "small", _("Petite entreprise (10 à 49 personnes)")
    MEDIUM = "medium", _("Moyenne entreprise (50 à 249 personnes)")
    LARGE = "large", _("Grande entreprise (250 personnes ou plus)")


class Eligibility(models.TextChoices):
    ANY = "any", _("Toute entreprise inscrite")
    SME = "sme", _("PME seulement (micro, petites et moyennes entreprises)")
    SMALL = "small", _("Micro et petites entreprises seulement")


ELIGIBLE_SIZES: dict[str, frozenset[str]] = {
    Eligibility.ANY: frozenset(SupplierSize.values),
    Eligibility.SME: frozenset({SupplierSize.MICRO, SupplierSize.SMALL, SupplierSize.MEDIUM}),
    Eligibility.SMALL: frozenset({SupplierSize.MICRO, SupplierSize.SMALL}),
}


class Supplier(models.Model):
    """A business registered to bid; its members are the people who act for it."""

    name = models.CharField(_("nom de l'entreprise"), max_length=200)
    neq = models.CharField(_("NEQ"), max_length=10, unique=True,
                           help_text=_("Numéro d'entreprise du Québec : 10 chiffres."))
    size = models.CharField(_("taille"), max_length=10, choices=SupplierSize.choices)
    region = models.CharField(_("région"), max_length=100)
    contact_email = models.EmailField(_("courriel de contact"))
    skills = models.CharField(_("compétences"), max_length=500, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="suppliers", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fournisseur")
        verbose_name_plural = _("fournisseurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:supplier", kwargs={"pk": self.pk})


class Call(models.Model):
    """A simplified public call for a small development contract."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="procurement_calls",
                                     verbose_name=_("organisme acheteur"))
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=500)
    description = models.TextField(_("description"))
    repository_url = models.URLField(_("billet ou dépôt de code visé"), blank=True)
    skills = models.CharField(_("compétences recherchées"), max_length=500, blank=True)
    deliverables = models.TextField(_("livrables"))
    pricing = models.CharField(_("mode de prix"), max_length=10, choices=Pricing.choices, default=Pricing.MAXIMUM)
    amount = models.DecimalField(_("montant (CAD)"), max_digits=12, decimal_places=2)
    questions_deadline = models.DateTimeField(_("date limite des questions"))
    bid_deadline = models.DateTimeField(_("date limite des soumissions"))
    delivery_date = models.DateField(_("date de livraison prévue"))
    licence = models.CharField(_("licence du code livré (identifiant SPDX)"), max_length=60, default="LiLiQ-R-1.1")
    eligibility = models.CharField(_("admissibilité"), max_length=10, choices=Eligibility.choices,
                                   default=Eligibility.ANY)
    tie_break = models.CharField(_("règle de départage"), max_length=300, blank=True,
                                 default=_("À note égale : le prix le plus bas, puis la soumission reçue la première."))
    reuse_comparison = models.TextField(_("comparaison avec les solutions existantes"), blank=True)
    state = models.CharField(_("état"), max_length=15, choices=CallState.choices, default=CallState.DRAFT)
    public_key = models.BinaryField(_("clé publique de scellement"), max_length=32, blank=True, default=b"")
    published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(_("soumissions ouvertes le"), null=True, blank=True)
    awarded_bid = models.OneToOneField("Bid", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procurement:call", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.state != CallState.DRAFT


def attachment_upload_to(instance: CallAttachment, filename: str) -> str:
    """``procurement/attachments/<call>/<random>-<name>``: the folder the access model maps to the call."""
    name = get_valid_filename(PurePosixPath(filename).name)[-120:] or "document"
    return f"procurement/attachments/{instance.call_id}/{secrets.token_hex(8)}-{name}"


class CallAttachment(models.Model):
    """A document of a call (specifications, mock-ups…), served with the call's standing: a draft
    call's attachments only to its body's members and site admins."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("titre du document"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=attachment_upload_to, max_length=300)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return PurePosixPath(self.file.name or "").name.split("-", 1)[-1]


class AcceptanceCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="acceptance_criteria")
    text = models.CharField(_("critère d'acceptation"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    met = models.BooleanField(_("satisfait"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class EvaluationCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="evaluation_criteria")
    name = models.CharField(_("critère d'évaluation"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("pondération (%)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class Question(models.Model):
    """A public question; its answer is an addendum published to everyone."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("question"), max_length=3000)
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("réponse (addenda)"), blank=True, max_length=5000)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class BidState(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    WITHDRAWN = "withdrawn", _("Retirée")


class Bid(models.Model):
    """One supplier's bid on one call. Before opening, only ``sealed`` holds its content."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="bids")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="bids")
    state = models.CharField(max_length=10, choices=BidState.choices, default=BidState.SUBMITTED)
    sealed = models.BinaryField(default=b"")
    submitted_at = models.DateTimeField()
    versions = models.PositiveIntegerField(default=1)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Filled at opening, after the deadline:
    price = models.DecimalField(_("prix (CAD)"), max_digits=12, decimal_places=2, null=True, blank=True)
    proposal = models.TextField(_("proposition"), blank=True)
    open_error = models.CharField(max_length=200, blank=True)
    # Filled when the ranking is fixed:
    total = models.DecimalField(_("note pondérée (sur 100)"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)
    debriefed_at = models.DateTimeField(_("bilan transmis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("soumission")
        verbose_name_plural = _("soumissions")
        constraints = [models.UniqueConstraint(fields=["call", "supplier"], name="procurement_one_bid_per_supplier")]
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.supplier_id}"


class Evaluator(models.Model):
    """A member of a call's evaluation panel; scores only after declaring no conflict of interest."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(_("déclaration faite le"), null=True, blank=True)
    conflict = models.BooleanField(_("conflit d'intérêts déclaré"), default=False)
    conflict_details = models.TextField(_("précisions"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="procurement_one_seat_per_evaluator")]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def may_score(self) -> bool:
        return self.declared_at is not None and not self.conflict


class Score(models.Model):
    """One evaluator's individual score of one bid on one criterion (0 to 10), with its justification."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("note (0 à 10)"))
    justification = models.TextField(_("justification"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluator", "bid", "criterion"], name="procurement_one_score")]

    def __str__(self) -> str:
        return f"{self.score}/10"


class Consensus(models.Model):
    """The panel's agreed score of one bid on one criterion (0 to 10)."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="consensus")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.CASCADE, related_name="consensus")
    score = models.PositiveSmallIntegerField(_("note consensuelle (0 à 10)"))
    justification = models.TextField(_("justification"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="procurement_one_consensus")]

    def __str__(self) -> str:
        return f"{self.score}/10"


class CallChange(models.Model):
    """One public change of a call's state, in order (each becomes an OCDS release)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="changes")
    state = models.CharField(max_length=15, choices=CallState.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.state}"


class Delivery(models.Model):
    """What the awarded supplier delivered: the code's address and its publiccode.yml, checked."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="delivery")
    repository_url = models.URLField(_("adresse du code livré"))
    publiccode = models.TextField(_("publiccode.yml"), blank=True)
    publiccode_errors = models.JSONField(default=list, blank=True)  # stored messages (code + params)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    paid_on = models.DateField(_("date du paiement"), null=True, blank=True)

    def __str__(self) -> str:
        return self.repository_url

    @property
    def publiccode_valid(self) -> bool:
        return bool(self.publiccode) and not self.publiccode_errors

    @property
    def days_to_pay(self) -> int | None:
        if self.paid_on is None or self.accepted_at is None:
            return None
        return (self.paid_on - timezone.localtime(self.accepted_at).date()).days


class Solution(models.Model):
    """A reusable solution in the catalogue, entered from an accepted delivery's publiccode.yml."""

    name = models.CharField(_("nom"), max_length=100)
    short_description = models.CharField(_("description courte"), max_length=150)
    long_description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse du code"), max_length=500)
    licence = models.CharField(_("licence"), max_length=200)
    development_status = models.CharField(_("état de développement"), max_length=20)
    publiccode = models.TextField(_("publiccode.yml (dernière version valide)"))
    call = models.OneToOneField(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="solution")
    funded_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="funded_solutions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:solution", kwargs={"pk": self.pk})


class SolutionUse(models.Model):
    """A public body declares that it uses a solution (reuse, measured)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="uses")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="solution_uses")
    referent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["solution", "organization"], name="procurement_one_use")]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.solution_id}"


ZERO = Decimal("0")


class Software(models.Model):
    """A free software used by public bodies (the free-software catalogue, SILL's model).

    ``publiccode`` is the last valid publiccode.yml imported; the fields named in it (name, url,
    licence, descriptions, category) are read from it at each valid import. The catalogue's own
    fields (similar proprietary products, support providers, Québec prerogatives) are not in the
    standard and are kept by the maintainer. ``import_errors`` holds the errors of the last import
    when it was invalid (stored messages), which left the rest unchanged."""

    name = models.CharField(_("nom"), max_length=100)
    short_description = models.CharField(_("description courte"), max_length=150)
    long_description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("adresse du code"), max_length=500)
    licence = models.CharField(_("licence (SPDX)"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=60, blank=True)
    publiccode = models.TextField(_("publiccode.yml (dernière version valide)"))
    import_errors = models.JSONField(default=list, blank=True)
    similar_products = models.TextField(_("produits propriétaires semblables"), blank=True)
    support_providers = models.TextField(_("prestataires de soutien"), blank=True)
    in_support_contract = models.BooleanField(_("dans un contrat de soutien"), default=False)
    from_quebec_body = models.BooleanField(_("issu d'un organisme québécois"), default=False)
    accessible = models.BooleanField(_("accessible"), default=False)
    published = models.BooleanField(_("publié"), default=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="maintained_software")
    # Set when the entry comes from an accepted delivery (the call that bought it, what was delivered):
    call = models.OneToOneField(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="software",
                                verbose_name=_("appel d'origine"))
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="software", verbose_name=_("livraison d'origine"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("logiciel libre")
        verbose_name_plural = _("logiciels libres")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:software", kwargs={"pk": self.pk})


class SoftwareRole(models.TextChoices):
    USER = "user", _("utilisateur")
    REFERENT = "referent", _("référent")


class SoftwareUse(models.Model):
    """A public body uses a free software; one person per body answers for it, as user or referent."""

    software = models.ForeignKey(Software, on_delete=models.CASCADE, related_name="uses")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="software_uses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("rôle"), max_length=10, choices=SoftwareRole.choices, default=SoftwareRole.USER)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["software", "organization"],
                                               name="procurement_one_software_use")]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.software_id}"


class AccompanimentState(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    IN_PROGRESS = "in_progress", _("En cours")
    CLOSED = "closed", _("Fermée")


class Accompaniment(models.Model):
    """A public body asks for help with free software (commitment 5.3); the site's team follows up."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="accompaniments")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("besoin"), max_length=5000)
    state = models.CharField(_("état"), max_length=12, choices=AccompanimentState.choices,
                             default=AccompanimentState.RECEIVED)
    follow_up = models.TextField(_("note de suivi"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("demande d'accompagnement")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("procurement:accompaniment", kwargs={"pk": self.pk})
