"""Evaluation of a closed call's opened bids: panel, conflicts of interest, individual scores,
consensus, weighted ranking with the published tie-break, debriefs, award.

The steps, each a service here (writes of micro-acquisitions, like :mod:`.services`):

1. the buyer names at least two evaluators (:func:`evaluator_add`);
2. each evaluator declares conflicts of interest before seeing any bid (:func:`evaluator_declare`);
   one who declares a conflict leaves the panel's scoring;
3. each evaluator scores every bid on every criterion, 0 to 10, with a justification
   (:func:`score_record`);
4. the buyer records the consensus score of each bid on each criterion (:func:`consensus_record`),
   once at least two evaluators have scored everything;
5. :func:`call_rank` fixes the weighted ranking (sum of consensus score × weight / 10, out of 100;
   ties: lowest price, then earliest submission) and moves the call to ``debriefing``;
6. :func:`bid_debrief` gives each unsuccessful bidder their rank and score sheet (e-mail + page);
7. :func:`call_award` awards the first-ranked bid, refused while a debrief is missing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.models import User

from .models import Bid, BidState, Call, CallState, Consensus, EvaluationCriterion, Evaluator, Score
from .permissions import check_buy, check_person
from .services import _move

MIN_PANEL = 2


def _check_state(call: Call, *states: str) -> None:
    if call.state not in states:
        raise ValidationError(_("Cette étape n'est pas possible : l'appel est « %(state)s ».") % {
            "state": CallState(call.state).label})


def _bids(call: Call) -> list[Bid]:
    return list(call.bids.filter(state=BidState.SUBMITTED, open_error="").select_related("supplier"))


@transaction.atomic
def evaluator_add(*, call: Call, user: User, by: Actor) -> Evaluator:
    check_buy(by, call)
    _check_state(call, CallState.PUBLISHED, CallState.CLOSED)
    if call.bids.filter(supplier__members=user).exists():
        raise ValidationError(_("Cette personne agit pour un soumissionnaire : elle ne peut pas évaluer."))
    evaluator, _created = Evaluator.objects.get_or_create(call=call, user=user)
    audit_record(actor=by, action="procurement.evaluator.add", obj=evaluator, organization=call.organization,
                 label=f"{call.title} — {user.email}")
    return evaluator


@transaction.atomic
def evaluator_declare(*, call: Call, conflict: bool, details: str = "", by: Actor) -> Evaluator:
    person = check_person(by)
    evaluator = Evaluator.objects.filter(call=call, user=person).first()
    if evaluator is None:
        raise PermissionDenied(_("Vous ne faites pas partie du comité d'évaluation de cet appel."))
    if evaluator.declared_at is not None:
        raise ValidationError(_("Votre déclaration est déjà faite."))
    if conflict and not details.strip():
        raise ValidationError(_("Décrivez le conflit d'intérêts déclaré."))
    evaluator.declared_at, evaluator.conflict, evaluator.conflict_details = timezone.now(), conflict, details.strip()
    evaluator.save(update_fields=["declared_at", "conflict", "conflict_details"])
    audit_record(actor=by, action="procurement.evaluator.declare", obj=evaluator, organization=call.organization,
                 label=call.title, changes={"conflict": conflict})
    return evaluator


def evaluator_may_see_bids(*, call: Call, user: User | None) -> bool:
    """An evaluator sees the bids only after declaring no conflict (others as the access model says)."""
    if user is None or not user.is_authenticated:
        return True
    evaluator = Evaluator.objects.filter(call=call, user=user).first()
    return evaluator is None or evaluator.may_score


def is_scoring_evaluator(*, call: Call, user: User | None) -> bool:
    """A panel member (from any body) who declared no conflict: reads the opened bids to score them."""
    if user is None or not user.is_authenticated:
        return False
    return Evaluator.objects.filter(call=call, user=user, declared_at__isnull=False, conflict=False).exists()


def _score_value(score: int) -> int:
    if not 0 <= score <= 10:
        raise ValidationError(_("Une note va de 0 à 10 ; %(score)s n'en est pas une.") % {"score": score})
    return score


@transaction.atomic
def score_record(*, bid: Bid, criterion: EvaluationCriterion, score: int, justification: str, by: Actor) -> Score:
    person = check_person(by)
    call = bid.call
    _check_state(call, CallState.CLOSED)
    evaluator = Evaluator.objects.filter(call=call, user=person).first()
    if evaluator is None or not evaluator.may_score:
        raise PermissionDenied(_("Seul un évaluateur du comité, sans conflit d'intérêts déclaré, note les "
                                 "soumissions."))
    if criterion.call_id != call.pk or bid.state != BidState.SUBMITTED:
        raise ValidationError(_("Ce critère ou cette soumission n'appartient pas à l'appel."))
    if not justification.strip():
        raise ValidationError(_("Justifiez chaque note."))
    row, _created = Score.objects.update_or_create(
        evaluator=evaluator, bid=bid, criterion=criterion,
        defaults={"score": _score_value(score), "justification": justification.strip()})
    audit_record(actor=by, action="procurement.score.record", obj=row, organization=call.organization,
                 label=call.title, changes={"bid": bid.pk, "criterion": criterion.pk, "score": score})
    return row


def panel_complete(*, call: Call) -> bool:
    """At least two evaluators without conflict have scored every bid on every criterion."""
    needed = len(_bids(call)) * call.evaluation_criteria.count()
    scorers = [e for e in call.evaluators.all() if e.may_score]
    done = [e for e in scorers if e.scores.count() >= needed]
    return needed > 0 and len(done) >= MIN_PANEL


@transaction.atomic
def consensus_record(*, bid: Bid, criterion: EvaluationCriterion, score: int, justification: str,
                     by: Actor) -> Consensus:
    call = bid.call
    check_buy(by, call)
    _check_state(call, CallState.CLOSED)
    if not panel_complete(call=call):
        raise ValidationError(ngettext(
            "Le consensus vient après les notes individuelles : au moins %(n)s évaluateur sans conflit d'intérêts "
            "doit avoir noté chaque soumission sur chaque critère.",
            "Le consensus vient après les notes individuelles : au moins %(n)s évaluateurs sans conflit d'intérêts "
            "doivent avoir noté chaque soumission sur chaque critère.", MIN_PANEL) % {"n": MIN_PANEL})
    if criterion.call_id != call.pk:
        raise ValidationError(_("Ce critère ou cette soumission n'appartient pas à l'appel."))
    if not justification.strip():
        raise ValidationError(_("Justifiez chaque note."))
    row, _created = Consensus.objects.update_or_create(
        bid=bid, criterion=criterion, defaults={"score": _score_value(score), "justification": justification.strip()})
    audit_record(actor=by, action="procurement.consensus.record", obj=row, organization=call.organization,
                 label=call.title, changes={"bid": bid.pk, "criterion": criterion.pk, "score": score})
    return row


def weighted_total(bid: Bid, weights: dict[int, int]) -> Decimal:
    rows = {c.criterion_id: c.score for c in bid.consensus.all()}
    return sum((Decimal(rows[cid]) * weight / 10 for cid, weight in weights.items()), Decimal("0")).quantize(
        Decimal("0.01"))


@transaction.atomic
def call_rank(*, call: Call, by: Actor) -> list[Bid]:
    """Fix the weighted ranking from the consensus scores; the call moves to ``debriefing``."""
    check_buy(by, call)
    _check_state(call, CallState.CLOSED)
    bids = _bids(call)
    weights = dict(call.evaluation_criteria.values_list("pk", "weight"))
    if not bids:
        raise ValidationError(_("Aucune soumission à classer : déclarez l'appel infructueux."))
    if Consensus.objects.filter(bid__in=bids).count() < len(bids) * len(weights):
        raise ValidationError(_("Il manque des notes consensuelles : chaque soumission en a une par critère."))
    for bid in bids:
        bid.total = weighted_total(bid, weights)
    bids.sort(key=lambda b: (-(b.total or 0), b.price or Decimal("0"), b.submitted_at))
    for rank, bid in enumerate(bids, start=1):
        bid.rank = rank
    Bid.objects.bulk_update(bids, ["total", "rank"])
    _move(call, CallState.DEBRIEFING, by=by, changes={"ranking": [[b.pk, str(b.total)] for b in bids]})
    return bids


@transaction.atomic
def call_declare_unsuccessful(*, call: Call, reason: str, by: Actor) -> Call:
    check_buy(by, call)
    if not reason.strip():
        raise ValidationError(_("Dites pourquoi l'appel est infructueux : la raison est publiée."))
    return _move(call, CallState.UNSUCCESSFUL, by=by, changes={"reason": reason.strip()})


def score_sheet_url(bid: Bid) -> str:
    return reverse("procurement:debrief", kwargs={"pk": bid.call_id})


@transaction.atomic
def bid_debrief(*, bid: Bid, by: Actor) -> Bid:
    """Give an unsuccessful bidder their rank and score sheet: the page opens to them and an e-mail says so."""
    call = bid.call
    check_buy(by, call)
    _check_state(call, CallState.DEBRIEFING)
    if bid.rank is None or bid.rank == 1:
        raise ValidationError(_("Seules les soumissions non retenues reçoivent un bilan ici."))
    if bid.debriefed_at is None:
        bid.debriefed_at = timezone.now()
        bid.save(update_fields=["debriefed_at"])
    audit_record(actor=by, action="procurement.bid.debrief", obj=bid, organization=call.organization,
                 label=f"{call.title} — {bid.supplier.name}", changes={"rank": bid.rank})
    recipients = list(bid.supplier.members.filter(is_active=True))
    total = len(_bids(call))

    def mail() -> None:
        for member in recipients:
            with translation.override(member.preferred_language or "fr"):
                send_mail(_("Bilan de votre soumission à « %(title)s »") % {"title": call.title},
                          _("Votre soumission est classée %(rank)s sur %(total)s, avec %(score)s sur 100.\n\n"
                            "Votre grille de notes et les justifications : %(url)s\n") % {
                              "rank": bid.rank, "total": total, "score": bid.total,
                              "url": settings.SITE_URL + score_sheet_url(bid)},
                          settings.DEFAULT_FROM_EMAIL, [member.email])

    transaction.on_commit(mail)
    return bid


@transaction.atomic
def call_award(*, call: Call, by: Actor) -> Call:
    """Award the first-ranked bid, once every unsuccessful bidder has their debrief."""
    check_buy(by, call)
    _check_state(call, CallState.DEBRIEFING)
    bids = _bids(call)
    missing = [b.supplier.name for b in bids if b.rank != 1 and b.debriefed_at is None]
    if missing:
        raise ValidationError(_("L'appel ne peut pas être adjugé tant que chaque soumissionnaire non retenu n'a pas "
                                "reçu son rang et sa grille : il manque %(names)s.") % {"names": ", ".join(missing)})
    winner = next(b for b in bids if b.rank == 1)
    call.awarded_bid = winner
    return _move(call, CallState.AWARDED, by=by, changes={"bid": winner.pk, "supplier": winner.supplier.name,
                                                           "price": str(winner.price)})
