"""People, organizations, roles, API tokens and the audit log."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        # Accounts made by an administrator, the CLI or the demo are trusted with their address; self
        # sign-up (``services.user_signup``) passes ``email_verified_at=None`` until the link is opened.
        fields.setdefault("email_verified_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address; ``is_superuser`` makes a site administrator."""

    email = models.EmailField(_("adresse courriel"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("langue préférée"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    email_verified_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    # Which confirmation link is the live one: each new link mailed adds 1, so the earlier ones die
    # (and say so when opened, see services.verification_link_check).
    email_verification_round = models.PositiveIntegerField(_("envoi du lien de confirmation"), default=0)
    # Consent to the privacy policy and terms of use (ouvert.core.legal): which version, and when.
    terms_version = models.CharField(_("version des conditions acceptée"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("conditions acceptées le"), null=True, blank=True)
    # An address change waiting for its confirmation link (the account keeps ``email`` until then).
    pending_email = models.EmailField(_("nouvelle adresse à confirmer"), blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@", 1)[0]


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministère")
    PUBLIC_BODY = "public_body", _("Organisme public")
    MUNICIPALITY = "municipality", _("Municipalité")
    CIVIL_SOCIETY = "civil_society", _("Organisation de la société civile")


class Organization(models.Model):
    """A ministry, public body, municipality or civil-society organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganizationKind.choices)
    name_fr = models.CharField(_("nom (français)"), max_length=250)
    name_en = models.CharField(_("nom (anglais)"), max_length=250, blank=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    description_fr = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organization_detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name_fr

    @property
    def english_name(self) -> str:
        """The English name when it differs from the French one; ``""`` for a body that goes by its
        French name in English too ("Université Laval"), whose name English pages mark ``lang="fr"``
        (``{% content_lang organization.english_name %}``)."""
        return self.name_en if self.name_en.strip() and self.name_en.strip() != self.name_fr.strip() else ""

    @property
    def description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description_fr



class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    EDITOR = "editor", _("Éditeur")
    MEMBER = "member", _("Membre")


class Membership(models.Model):
    """A person's role inside an organization. The open-government contact (répondant) is a flag
    on the membership: a public body names one or more people to answer for its openness."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_open_gov_contact = models.BooleanField(_("répondant en gouvernement ouvert"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]
        ordering = ["organization__name_fr", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A named API token. Only the SHA-256 of the secret is stored; ``prefix`` identifies it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """One write made through a service: who, what, when, and the changed fields."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("auteur"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=80)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(_("objet"), max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    changes = models.JSONField(_("changements"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"


from .models_follows import (  # noqa: E402 — the follow/notice/webhook models live in their own module
    DeliveryState,
    Follow,
    Frequency,
    PendingNotice,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = ["ApiToken", "AuditEntry", "DeliveryState", "Follow", "Frequency", "Membership", "Organization",
           "OrganizationKind", "PendingNotice", "Role", "User", "UserManager", "WebhookDelivery",
           "WebhookSubscription"]
