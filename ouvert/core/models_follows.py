"""Follows, pending notices, webhook subscriptions and their deliveries (imported by ``models.py``).

A :class:`Follow` names what it follows by a registered **kind** and a **key** (see
:mod:`ouvert.core.follows`): ``("dataset", <uuid>)``, ``("organization", <slug>)``,
``("consultation", <id>)``… Notices and webhook events are produced by :func:`ouvert.core.notices.notify`.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immédiatement")
    DAILY = "daily", _("Résumé quotidien")


class Follow(models.Model):
    """Somebody follows one object of a registered kind."""

    Frequency = Frequency

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(_("type"), max_length=30)
    key = models.CharField(_("élément suivi"), max_length=500)
    frequency = models.CharField(_("fréquence des avis"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="core_unique_follow")]
        indexes = [models.Index(fields=["kind", "key"], name="core_follow_kind_key")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def target(self) -> str:
        """The key, under the name the catalogue's pages and forms have always used."""
        return self.key

    def get_kind_display(self) -> str:
        from .follows import kind_label

        return kind_label(self.kind)


class PendingNotice(models.Model):
    """A change waiting for the follower's daily digest. ``summary`` is a French message id
    translated (with ``params``) when the digest is written, in the follower's language."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="pending")
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=500)
    event = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event} {self.kind}:{self.key}"


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """A URL that receives the events its owner chose, signed with ``secret``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("adresse de réception"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    paused_at = models.DateTimeField(_("en pause depuis"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def status(self) -> str:
        if self.disabled_at is not None:
            return "disabled"
        if self.paused_at is not None:
            return "paused"
        return "active"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("En attente")
    DELIVERED = "delivered", _("Livré")
    FAILED = "failed", _("Abandonné")
    SKIPPED = "skipped", _("Non envoyé")


class WebhookDelivery(models.Model):
    """One event for one subscription, with its attempts (retried with exponential backoff)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4)
    event = models.CharField(max_length=60)
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=500)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=30, blank=True)  # a code of ouvert.core.fetch.FetchError
    last_error_params = models.JSONField(default=dict, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"], name="core_one_delivery_per_event")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"

    @property
    def error_message(self) -> str:
        """The last failure in the current language (stored as the fetcher's code and parameters)."""
        if not self.last_error:
            return ""
        from .fetch import FetchError

        return FetchError(self.last_error, url=self.subscription.url, status=self.last_status,
                          **self.last_error_params).message
