"""Webhooks: signed JSON events POSTed to the addresses reusers register.

A subscription names a URL and the events it wants (apps register their events with
:func:`register_event` from ``AppConfig.ready()``). :func:`ouvert.core.notices.notify` hands every
event about a *public* object to :func:`deliveries_create`, which keeps one
:class:`~ouvert.core.models.WebhookDelivery` per interested subscription and attempts it at once.

Each attempt POSTs the payload through the guarded fetcher (:func:`ouvert.core.fetch.post_json`:
internal addresses refused unless ``OUVERT_FETCH_ALLOW_PRIVATE`` / ``OUVERT_FETCH_ALLOWED_NETWORKS``),
with ``X-Ouvert-Signature: sha256=<HMAC-SHA256 of the body with the subscription's secret>``,
``X-Ouvert-Event``, ``X-Ouvert-Event-Id`` (the same for every attempt: receivers de-duplicate on it)
and ``X-Ouvert-Timestamp``. A failure is retried with exponential backoff (``BACKOFF_BASE`` doubled
at each attempt, at most ``BACKOFF_MAX``) up to ``MAX_ATTEMPTS``; ``DISABLE_AFTER`` consecutive
failed attempts disable the subscription and tell its owner by e-mail. Retries run as deferred
tasks on the worker, and ``ouvert notices due`` (cron) sweeps any that are due.

Payloads carry no personal data: the event, its id and time, and the object's kind, key, title
and public URL. An object that is no longer public when an attempt is made is not sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from . import actors, fetch
from .audit import audit_record
from .follows import follow_kind, may_read_object
from .models import DeliveryState, User, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "DISABLE_AFTER",
    "MAX_ATTEMPTS",
    "backoff",
    "deliveries_create",
    "deliveries_due",
    "delivery_attempt",
    "events",
    "register_event",
    "sign",
    "subscription_create",
    "subscription_delete",
    "subscription_get_for",
    "subscription_set_paused",
    "subscriptions_of",
]

MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
DISABLE_AFTER = 10
TIMEOUT_SECONDS = 10.0
MAX_SUBSCRIPTIONS = 20

_EVENTS: dict[str, str | Promise] = {}


def register_event(code: str, label: str | Promise) -> None:
    _EVENTS[code] = label


def events() -> dict[str, str]:
    """The known events, code → label in the current language, in code order."""
    return {code: str(_EVENTS[code]) for code in sorted(_EVENTS)}


def sign(secret: str, body: bytes) -> str:
    """The ``X-Ouvert-Signature`` value for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (1 << max(attempts - 1, 0)), BACKOFF_MAX)


# Subscriptions ------------------------------------------------------------------------------------


def _check_signed_in(by: User | None) -> User:
    if by is None or not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("Connectez-vous pour faire cela."))
    return by


def _clean_events(chosen: Sequence[str]) -> list[str]:
    picked = sorted({str(code) for code in chosen})
    unknown = [code for code in picked if code not in _EVENTS]
    if unknown:
        shown = ", ".join(code.encode("unicode_escape").decode("ascii")[:60] for code in unknown[:5])
        raise ValidationError(_("Événement inconnu : %(codes)s.") % {"codes": shown})
    if not picked:
        raise ValidationError(_("Choisissez au moins un événement."))
    return picked


MAX_URL = 500
MAX_ID = 2**62


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > MAX_URL or any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValidationError(ngettext("Adresse refusée : donnez un lien web complet (https://…) de %(max)s "
                                       "caractère au plus.",
                                       "Adresse refusée : donnez un lien web complet (https://…) de %(max)s "
                                       "caractères au plus.", MAX_URL) % {"max": MAX_URL})
    try:
        return fetch.check_url(url)
    except fetch.FetchError as error:
        raise ValidationError(error.message) from None


def subscriptions_of(*, user: User) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(user=user)


def subscription_get_for(*, user: User | None, pk: object) -> WebhookSubscription | None:
    """The person's own subscription, or None (the same for another person's and a missing one)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        number = int(str(pk))
    except ValueError:
        return None
    if not 0 < number < MAX_ID:
        return None
    return WebhookSubscription.objects.filter(user=user, pk=number).first()


@transaction.atomic
def subscription_create(*, by: User, url: str, events: Sequence[str]) -> WebhookSubscription:
    user = _check_signed_in(by)
    clean_url, chosen = _clean_url(url), _clean_events(events)
    if WebhookSubscription.objects.filter(user=user).count() >= MAX_SUBSCRIPTIONS:
        raise ValidationError(ngettext("Vous avez déjà %(count)s webhook : retirez-le avant d'en ajouter.",
                                       "Vous avez déjà %(count)s webhooks : retirez-en un avant d'en ajouter.",
                                       MAX_SUBSCRIPTIONS) % {"count": MAX_SUBSCRIPTIONS})
    subscription = WebhookSubscription.objects.create(user=user, url=clean_url, events=chosen)
    audit_record(actor=by, action="webhook.create", obj=subscription, label=clean_url[:300])
    return subscription


@transaction.atomic
def subscription_set_paused(*, subscription: WebhookSubscription, by: User, paused: bool) -> WebhookSubscription:
    """Pause, or resume (which also re-enables a subscription disabled after failures)."""
    if _check_signed_in(by).pk != subscription.user_id:
        raise PermissionDenied(_("Ce webhook n'est pas le vôtre."))
    if paused:
        subscription.paused_at = subscription.paused_at or timezone.now()
    else:
        subscription.paused_at = None
        subscription.disabled_at = None
        subscription.consecutive_failures = 0
    subscription.save(update_fields=["paused_at", "disabled_at", "consecutive_failures"])
    audit_record(actor=by, action="webhook.pause" if paused else "webhook.resume", obj=subscription,
                 label=subscription.url[:300])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription, by: User) -> None:
    if _check_signed_in(by).pk != subscription.user_id:
        raise PermissionDenied(_("Ce webhook n'est pas le vôtre."))
    audit_record(actor=by, action="webhook.delete", obj=subscription, label=subscription.url[:300])
    subscription.delete()


# Deliveries ---------------------------------------------------------------------------------------


def deliveries_create(*, kind: str, key: str, event: str, event_id: str, occurred_at: str, title: str,
                      url: str) -> list[WebhookDelivery]:
    """One delivery per active subscription that wants ``event`` (the caller checked the object is
    public), each attempted at once."""
    payload: dict[str, Any] = {"id": event_id, "event": event, "occurred_at": occurred_at,
                               "object": {"kind": kind, "id": key, "title": title, "url": url}}
    created = []
    candidates = WebhookSubscription.objects.filter(paused_at__isnull=True, disabled_at__isnull=True)
    for subscription in candidates:
        if event not in subscription.events:
            continue
        delivery, new = WebhookDelivery.objects.get_or_create(
            subscription=subscription, event_id=event_id,
            defaults={"event": event, "kind": kind, "key": key, "payload": payload, "next_attempt_at": timezone.now()})
        if new:
            created.append(delivery)
    for delivery in created:
        webhook_deliver.enqueue(delivery_id=delivery.pk)
    return created


def _still_public(delivery: WebhookDelivery) -> bool:
    if delivery.event.endswith(".deleted"):
        return True  # a tombstone: the object was public when it went
    registered = follow_kind(delivery.kind)
    obj = registered.lookup(delivery.key) if registered is not None else None
    return registered is not None and obj is not None and may_read_object(None, registered, obj)


def _body(payload: dict[str, Any]) -> bytes:
    """Exactly the bytes :func:`ouvert.core.fetch.post_json` sends for ``payload``."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def delivery_attempt(*, delivery: WebhookDelivery, now: dt.datetime | None = None) -> WebhookDelivery:
    """Make one attempt now; record it; schedule the next on failure. Returns the delivery."""
    now = now or timezone.now()
    subscription = delivery.subscription
    if delivery.state != DeliveryState.PENDING or subscription.status != "active":
        return delivery
    if not _still_public(delivery):
        delivery.state, delivery.next_attempt_at = DeliveryState.SKIPPED, None
        delivery.save(update_fields=["state", "next_attempt_at"])
        return delivery
    body = _body(delivery.payload)
    headers = {"X-Ouvert-Event": delivery.event, "X-Ouvert-Event-Id": str(delivery.event_id),
               "X-Ouvert-Timestamp": str(int(time.time())), "X-Ouvert-Signature": sign(subscription.secret, body),
               "User-Agent": "Ouvert-Webhooks/1"}
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        result = fetch.post_json(subscription.url, delivery.payload, headers=headers,
                                 limits=fetch.FetchLimits(timeout=TIMEOUT_SECONDS, total_seconds=TIMEOUT_SECONDS * 3,
                                                          max_bytes=64 * 1024, max_redirects=0))
    except fetch.FetchError as error:
        _failed(delivery, error, now)
        return delivery
    delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
    delivery.last_status, delivery.last_error, delivery.last_error_params = result.status, "", {}
    delivery.save()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
    return delivery


def _plain(params: dict[str, Any]) -> dict[str, str | int | float]:
    return {k: v if isinstance(v, int | float) else str(v) for k, v in params.items()}


def _failed(delivery: WebhookDelivery, error: fetch.FetchError, now: dt.datetime) -> None:
    delivery.last_status = error.status
    delivery.last_error, delivery.last_error_params = error.code[:30], _plain(error.params)
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()
    WebhookSubscription.objects.filter(pk=delivery.subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1)
    subscription = WebhookSubscription.objects.select_related("user").get(pk=delivery.subscription_id)
    if subscription.consecutive_failures >= DISABLE_AFTER and subscription.disabled_at is None:
        _disable(subscription, now)
    elif delivery.next_attempt_at is not None:
        # A backend without deferred tasks relies on ``ouvert notices due`` to sweep it.
        with contextlib.suppress(InvalidTaskError):
            webhook_deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery_id=delivery.pk)


def _disable(subscription: WebhookSubscription, now: dt.datetime) -> None:
    from django.core.mail import send_mail

    subscription.disabled_at = now
    subscription.save(update_fields=["disabled_at"])
    audit_record(actor=actors.SCHEDULE, action="webhook.disable", obj=subscription, label=subscription.url[:300])
    user = subscription.user
    with translation.override(user.preferred_language or "fr"):
        subject = _("Ouvert : votre webhook est désactivé")
        body = ngettext(
            "Bonjour,\n\nAprès %(count)s échec, nous avons désactivé le webhook qui envoie les événements à "
            "%(url)s. Consultez son journal de livraison et réactivez-le quand l'adresse répond de nouveau :\n"
            "%(page)s\n",
            "Bonjour,\n\nAprès %(count)s échecs de suite, nous avons désactivé le webhook qui envoie les "
            "événements à %(url)s. Consultez son journal de livraison et réactivez-le quand l'adresse "
            "répond de nouveau :\n%(page)s\n", subscription.consecutive_failures) % {
            "count": subscription.consecutive_failures, "url": subscription.url,
            "page": settings.SITE_URL + reverse("core:webhook_detail", kwargs={"pk": subscription.pk})}
    send_mail(subject, body, None, [user.email])


def deliveries_due(*, now: dt.datetime | None = None) -> int:
    """Attempt every pending delivery whose next attempt is due (active subscriptions only)."""
    now = now or timezone.now()
    due = list(WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now,
                                              subscription__paused_at__isnull=True,
                                              subscription__disabled_at__isnull=True)
               .select_related("subscription").order_by("next_attempt_at", "id")[:500])
    for delivery in due:
        delivery_attempt(delivery=delivery, now=now)
    return len(due)


@task()
def webhook_deliver(*, delivery_id: int) -> str:
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "missing"
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now():
        return delivery.state  # an older deferred task: a later one is queued
    return delivery_attempt(delivery=delivery).state


@task()
def webhooks_due_task() -> int:
    return deliveries_due()
