"""Pages of follows and webhooks: the unsubscribe link, webhook list and delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import follows, webhooks
from .models import User, WebhookSubscription


def _title_of(kind: str, key: str) -> str:
    registered = follows.follow_kind(kind)
    obj = registered.lookup(key) if registered is not None else None
    return registered.title(obj) if registered is not None and obj is not None else key


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of every notice: GET asks to confirm, POST (with the CSRF token of that page)
    unsubscribes. No sign-in needed: the signed token is the proof."""
    item = follows.follow_for_token(token)
    if request.method == "POST" and item is not None:
        follows.follow_delete(follow=item, by=request.user if request.user.is_authenticated else None)
        return render(request, "core/unsubscribe.html", {"done": True})
    context = {"follow": item, "done": False,
               "title": _title_of(item.kind, item.key) if item else "",
               "kind_label": follows.kind_label(item.kind) if item else ""}
    return render(request, "core/unsubscribe.html", context, status=200 if item else 404)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — behind login_required
    return user


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    errors: list[str] = []
    chosen: list[str] = []
    url = ""
    if request.method == "POST":
        url, chosen = request.POST.get("url", ""), request.POST.getlist("events")
        try:
            subscription = webhooks.subscription_create(by=user, url=url, events=chosen)
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, _("Webhook enregistré. Copiez son secret pour vérifier les signatures."))
            return redirect("core:webhook_detail", pk=subscription.pk)
    return render(request, "core/webhooks.html", {
        "subscriptions": webhooks.subscriptions_of(user=user), "events": webhooks.events(),
        "errors": errors, "chosen": chosen, "url": url,
    }, status=400 if errors else 200)


def _subscription_or_404(request: HttpRequest, pk: int) -> WebhookSubscription:
    subscription = webhooks.subscription_get_for(user=_user(request), pk=pk)
    if subscription is None:
        raise Http404(_("Aucun webhook à vous à cette adresse."))
    return subscription


@login_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription_or_404(request, pk)
    page = Paginator(subscription.deliveries.select_related("subscription").all(), 50).get_page(request.GET.get("page"))
    labels = webhooks.events()
    return render(request, "core/webhook_detail.html", {
        "subscription": subscription, "page": page,
        "event_labels": [labels.get(code, code) for code in subscription.events],
    })


@login_required
@require_POST
def webhook_action(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription_or_404(request, pk)
    user = _user(request)
    action = request.POST.get("action", "")
    if action == "delete":
        webhooks.subscription_delete(subscription=subscription, by=user)
        messages.success(request, _("Webhook retiré."))
        return redirect("core:webhooks")
    if action in {"pause", "resume"}:
        webhooks.subscription_set_paused(subscription=subscription, by=user, paused=action == "pause")
        messages.success(request, _("Webhook mis en pause.") if action == "pause" else _("Webhook réactivé."))
    else:
        messages.error(request, _("Action inconnue."))
    return redirect("core:webhook_detail", pk=subscription.pk)
