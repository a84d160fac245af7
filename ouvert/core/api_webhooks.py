"""Native API for webhooks (``/api/v1/webhooks``): a token holder manages their subscriptions and
reads each one's delivery log."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ouvert.core.api_auth import token_auth
from ouvert.core.cursors import cursor_decode, cursor_encode

from . import webhooks
from .models import DeliveryState, User, WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])


class EventOut(Schema):
    code: str
    label: str


class WebhookIn(Schema):
    url: str = Field(..., description="Adresse https:// qui recevra les événements (POST JSON).")
    events: list[str] = Field(..., description="Codes des événements voulus (voir /webhooks/events).")


class WebhookPatch(Schema):
    paused: bool = Field(..., description="true : mettre en pause ; false : réactiver (même après désactivation).")


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    status: str = Field(..., description="active, paused ou disabled (désactivé après des échecs répétés).")
    consecutive_failures: int
    created_at: dt.datetime
    paused_at: dt.datetime | None
    disabled_at: dt.datetime | None


class WebhookSecretOut(WebhookOut):
    secret: str = Field(..., description="Clé HMAC-SHA256 de la signature X-Ouvert-Signature.")


class DeliveryOut(Schema):
    id: int
    event_id: uuid.UUID
    event: str
    state: DeliveryState
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status: int | None
    last_error: str = Field(..., description="Code de l'erreur de la dernière tentative (vide si aucune).")
    last_error_message: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime
    payload: dict[str, object]

    @staticmethod
    def resolve_last_error_message(obj: WebhookDelivery) -> str:
        return obj.error_message


class DeliveryPage(Schema):
    next_cursor: str | None = Field(None, description="Passez-le en `cursor` pour la page suivante.")
    results: list[DeliveryOut]


class DeliveryFilters(Schema):
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 — token_auth returns a person
    return user


def _own(request: HttpRequest, webhook_id: int) -> WebhookSubscription:
    subscription = webhooks.subscription_get_for(user=_user(request), pk=webhook_id)
    if subscription is None:
        raise Http404(_("Aucun webhook à vous sous cet identifiant."))
    return subscription


@router.get("/webhooks/events", response=list[EventOut], summary="Les événements qu'un webhook peut recevoir")
def webhook_events(request: HttpRequest) -> list[EventOut]:
    return [EventOut(code=code, label=label) for code, label in webhooks.events().items()]


@router.get("/webhooks", response=list[WebhookOut], auth=token_auth, summary="Mes webhooks")
def webhook_list(request: HttpRequest) -> list[WebhookSubscription]:
    return list(webhooks.subscriptions_of(user=_user(request)))


@router.post("/webhooks", response={201: WebhookSecretOut}, auth=token_auth, summary="Enregistrer un webhook")
def webhook_create(request: HttpRequest, payload: WebhookIn) -> tuple[int, WebhookSubscription]:
    return 201, webhooks.subscription_create(by=_user(request), url=payload.url, events=payload.events)


@router.get("/webhooks/{webhook_id}", response=WebhookSecretOut, auth=token_auth, summary="Un de mes webhooks")
def webhook_show(request: HttpRequest, webhook_id: int) -> WebhookSubscription:
    return _own(request, webhook_id)


@router.patch("/webhooks/{webhook_id}", response=WebhookOut, auth=token_auth,
              summary="Mettre en pause ou réactiver un webhook")
def webhook_update(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> WebhookSubscription:
    return webhooks.subscription_set_paused(subscription=_own(request, webhook_id), by=_user(request),
                                            paused=payload.paused)


@router.delete("/webhooks/{webhook_id}", response={204: None}, auth=token_auth, summary="Retirer un webhook")
def webhook_delete(request: HttpRequest, webhook_id: int) -> tuple[int, None]:
    webhooks.subscription_delete(subscription=_own(request, webhook_id), by=_user(request))
    return 204, None


@router.get("/webhooks/{webhook_id}/deliveries", response=DeliveryPage, auth=token_auth,
            summary="Journal de livraison d'un webhook (les plus récentes d'abord)")
def webhook_deliveries(request: HttpRequest, webhook_id: int, filters: Query[DeliveryFilters]) -> dict[str, object]:
    subscription = _own(request, webhook_id)
    qs = subscription.deliveries.select_related("subscription").order_by("-id")
    if filters.cursor:
        try:
            before = int(cursor_decode(filters.cursor))
            if not 0 < before < webhooks.MAX_ID:
                raise ValueError(before)
            qs = qs.filter(id__lt=before)
        except ValueError:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("Curseur invalide : reprenez la liste depuis le début.")) from None
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"next_cursor": cursor_encode(str(rows[-1].id)) if more else None, "results": rows}
