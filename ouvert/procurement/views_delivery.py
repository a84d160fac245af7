"""The delivery page of an awarded call: the supplier deposits, the buyer checks, accepts, pays."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ouvert.core.messages import render as render_message
from ouvert.core.messages import render_fix
from ouvert.core.typing import AuthedHttpRequest

from . import delivery as services
from . import permissions, publiccode
from .models import Call, CallState, Delivery
from .views import _call

DELIVERY_STATES = (CallState.AWARDED, CallState.DELIVERED, CallState.ACCEPTED, CallState.REJECTED, CallState.PAID)


@login_required
def delivery_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    is_buyer = permissions.can_buy(request.user, call)
    is_supplier = bool(call.awarded_bid and permissions.is_supplier_member(request.user, call.awarded_bid.supplier))
    if call.state not in DELIVERY_STATES or not (is_buyer or is_supplier):
        raise Http404
    if request.method == "POST":
        try:
            message = _act(request, call)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, message)
        return redirect(reverse("procurement:delivery", kwargs={"pk": call.pk}))
    delivery = Delivery.objects.filter(call=call).first()
    errors = [(render_message(e), render_fix(e)) for e in (delivery.publiccode_errors if delivery else [])]
    return render(request, "procurement/delivery.html", {
        "call": call, "delivery": delivery, "errors": errors, "is_buyer": is_buyer, "is_supplier": is_supplier,
        "criteria": list(call.acceptance_criteria.all()), "today": timezone.localdate().isoformat()})


def _act(request: AuthedHttpRequest, call: Call) -> str:
    action = request.POST.get("action", "")
    if action == "submit":
        text = request.POST.get("publiccode", "")
        upload = request.FILES.get("publiccode_file")
        if upload is not None:
            if upload.size and upload.size > publiccode.MAX_BYTES:
                raise ValidationError(_("Le fichier publiccode.yml dépasse 256 Kio."))
            text = upload.read().decode("utf-8", errors="replace")
        elif request.POST.get("publiccode_url", "").strip():
            text = services.publiccode_fetch(request.POST["publiccode_url"].strip())
        repository = request.POST.get("repository_url", "").strip()
        if not repository.startswith(("https://", "http://")):
            raise ValidationError(_("Donnez l'adresse complète du dépôt de code (https://…)."))
        delivery = services.delivery_submit(call=call, repository_url=repository[:200], publiccode_text=text,
                                            by=request.user)
        if delivery.publiccode_errors:
            return _("Livrable déposé, mais le publiccode.yml a des erreurs à corriger (voir la liste).")
        return _("Livrable déposé ; le publiccode.yml est valide.")
    if action == "check":
        for criterion in call.acceptance_criteria.all():
            services.criterion_check(criterion=criterion, met=request.POST.get(f"c{criterion.pk}") == "1",
                                     by=request.user)
        return _("Critères enregistrés.")
    if action == "accept":
        services.delivery_accept(call=call, by=request.user)
        return _("Livrable accepté.")
    if action == "reject":
        services.delivery_reject(call=call, reason=request.POST.get("reason", ""), by=request.user)
        return _("Livrable refusé ; le fournisseur peut en déposer un nouveau.")
    if action == "pay":
        try:
            paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            raise ValidationError(_("Date de paiement invalide : écrivez-la AAAA-MM-JJ.")) from None
        services.call_pay(call=call, paid_on=paid_on, by=request.user)
        return _("Paiement enregistré.")
    raise ValidationError(_("Action inconnue."))
