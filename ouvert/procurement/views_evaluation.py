"""The evaluation page of a closed call (buyer and panel) and a bidder's score sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ouvert.core.bounds import INT64_MAX
from ouvert.core.models import User
from ouvert.core.typing import AuthedHttpRequest

from . import evaluation, permissions, selectors
from .models import Bid, CallState, Consensus, Evaluator, Score
from .views import _call


def _int(value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return 0
    return number if 0 < number <= INT64_MAX else 0


@login_required
def evaluation_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    me = Evaluator.objects.filter(call=call, user=request.user).first()
    is_buyer = permissions.can_buy(request.user, call)
    if not is_buyer and me is None:
        raise Http404
    if request.method == "POST":
        try:
            message = _act(request, call, me)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, message)
        return redirect(reverse("procurement:evaluation", kwargs={"pk": call.pk}))
    bids = selectors.call_bids_opened(user=request.user, call=call)
    criteria = list(call.evaluation_criteria.all())
    mine = {(s.bid_id, s.criterion_id): s for s in Score.objects.filter(evaluator=me)} if me else {}
    agreed = {(c.bid_id, c.criterion_id): c for c in Consensus.objects.filter(bid__call=call)}
    grid = [{"bid": bid, "cells": [{"criterion": c, "mine": mine.get((bid.pk, c.pk)),
                                    "consensus": agreed.get((bid.pk, c.pk))} for c in criteria]} for bid in bids]
    return render(request, "procurement/evaluation.html", {
        "call": call, "me": me, "is_buyer": is_buyer, "grid": grid, "criteria": criteria,
        "evaluators": list(call.evaluators.select_related("user")),
        "panel_complete": evaluation.panel_complete(call=call), "closed": call.state == CallState.CLOSED,
        "debriefing": call.state == CallState.DEBRIEFING,
        "ranked": sorted((b for b in bids if b.rank), key=lambda b: b.rank or 0)})


def _bid_and_criterion(request: AuthedHttpRequest, call_pk: int) -> tuple[Bid, object]:
    bid = Bid.objects.select_related("call").filter(call_id=call_pk, pk=_int(request.POST.get("bid"))).first()
    criterion = bid.call.evaluation_criteria.filter(pk=_int(request.POST.get("criterion"))).first() if bid else None
    if bid is None or criterion is None:
        raise ValidationError(_("Ce critère ou cette soumission n'appartient pas à l'appel."))
    return bid, criterion


def _score(request: AuthedHttpRequest) -> int:
    raw = request.POST.get("score", "")
    if not raw.strip().isdigit():
        raise ValidationError(_("Une note va de 0 à 10 ; %(score)s n'en est pas une.") % {"score": raw[:20]})
    return int(raw.strip()[:3])


def _act(request: AuthedHttpRequest, call: object, me: Evaluator | None) -> str:
    from .models import Call

    assert isinstance(call, Call)  # noqa: S101 — narrowing for mypy
    action = request.POST.get("action", "")
    if action == "add":
        user = User.objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
        if user is None:
            raise ValidationError(_("Aucun compte n'a cette adresse ; la personne doit d'abord s'inscrire."))
        evaluation.evaluator_add(call=call, user=user, by=request.user)
        return _("Évaluateur ajouté au comité.")
    if action == "declare":
        evaluation.evaluator_declare(call=call, conflict=request.POST.get("conflict") == "1",
                                     details=request.POST.get("details", ""), by=request.user)
        return _("Déclaration enregistrée.")
    if action in ("score", "consensus"):
        bid, criterion = _bid_and_criterion(request, call.pk)
        service = evaluation.score_record if action == "score" else evaluation.consensus_record
        service(bid=bid, criterion=criterion, score=_score(request),  # type: ignore[arg-type]  # a criterion
                justification=request.POST.get("justification", ""), by=request.user)
        return _("Note enregistrée.")
    if action == "rank":
        evaluation.call_rank(call=call, by=request.user)
        return _("Classement établi et publié.")
    if action == "debrief":
        debriefed = call.bids.filter(pk=_int(request.POST.get("bid"))).first()
        if debriefed is None:
            raise ValidationError(_("Ce critère ou cette soumission n'appartient pas à l'appel."))
        evaluation.bid_debrief(bid=debriefed, by=request.user)
        return _("Bilan transmis au soumissionnaire.")
    if action == "award":
        evaluation.call_award(call=call, by=request.user)
        return _("L'appel est adjugé.")
    if action == "unsuccessful":
        evaluation.call_declare_unsuccessful(call=call, reason=request.POST.get("reason", ""), by=request.user)
        return _("L'appel est déclaré infructueux.")
    raise ValidationError(_("Action inconnue."))


@login_required
def debrief(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    sheet = selectors.score_sheet_for(user=request.user, call=call)
    if sheet is None:
        raise Http404
    return render(request, "procurement/debrief.html", {"call": call, "sheet": sheet})
