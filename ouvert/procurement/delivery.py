"""Delivery, acceptance and payment of an awarded call (writes, like :mod:`.services`).

The awarded supplier links the delivered code and gives its ``publiccode.yml`` (pasted, uploaded,
or fetched through the platform's guarded fetcher, :mod:`ouvert.core.fetch`); the file is checked
at once and every error is kept to show. The buyer ticks the acceptance criteria; acceptance is
refused unless every criterion is met and the publiccode.yml is valid and names the buying body
under ``fundedBy``. The payment date gives the body's days to pay.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core import fetch
from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record

from . import publiccode
from .models import AcceptanceCriterion, Call, CallState, Delivery
from .permissions import check_buy, check_person, is_supplier_member
from .services import _move


def body_names(call: Call) -> list[str]:
    org = call.organization
    return [n for n in (org.name_fr, org.name_en, org.acronym) if n]


def publiccode_fetch(url: str) -> str:
    """The publiccode.yml at ``url`` through the guarded fetcher (public addresses only, size-capped)."""
    try:
        result = fetch.fetch(url, limits=fetch.FetchLimits(timeout=15, total_seconds=30,
                                                           max_bytes=publiccode.MAX_BYTES))
    except fetch.FetchError as exc:
        raise ValidationError(_("Le fichier publiccode.yml n'a pas pu être lu : %(reason)s") % {
            "reason": exc.message}) from exc
    return (result.content or b"").decode("utf-8", errors="replace")


@transaction.atomic
def delivery_submit(*, call: Call, repository_url: str, publiccode_text: str, by: Actor) -> Delivery:
    person = check_person(by)
    if call.awarded_bid is None or not is_supplier_member(person, call.awarded_bid.supplier):
        raise PermissionDenied(_("Seul le fournisseur retenu dépose le livrable."))
    if call.state not in (CallState.AWARDED, CallState.REJECTED, CallState.DELIVERED):
        raise ValidationError(_("Le livrable se dépose une fois l'appel adjugé."))
    report = publiccode.validate(publiccode_text, body_names=body_names(call))
    delivery, _created = Delivery.objects.update_or_create(call=call, defaults={
        "repository_url": repository_url, "publiccode": publiccode_text, "publiccode_errors": report.errors,
        "submitted_at": timezone.now(), "submitted_by": person, "rejection_reason": ""})
    AcceptanceCriterion.objects.filter(call=call).update(met=None)
    audit_record(actor=by, action="procurement.delivery.submit", obj=delivery, organization=call.organization,
                 label=call.title, changes={"repository_url": repository_url, "errors": len(report.errors)})
    if call.state != CallState.DELIVERED:
        _move(call, CallState.DELIVERED, by=by)
    return delivery


@transaction.atomic
def criterion_check(*, criterion: AcceptanceCriterion, met: bool, by: Actor) -> AcceptanceCriterion:
    check_buy(by, criterion.call)
    if criterion.call.state != CallState.DELIVERED:
        raise ValidationError(_("Les critères se vérifient sur un livrable déposé."))
    criterion.met = met
    criterion.save(update_fields=["met"])
    audit_record(actor=by, action="procurement.criterion.check", obj=criterion,
                 organization=criterion.call.organization, changes={"met": met})
    return criterion


@transaction.atomic
def delivery_accept(*, call: Call, by: Actor) -> Call:
    check_buy(by, call)
    delivery = Delivery.objects.filter(call=call).first()
    if delivery is None:
        raise ValidationError(_("Aucun livrable déposé."))
    unmet = [c.text for c in call.acceptance_criteria.all() if not c.met]
    problems = []
    if unmet:
        problems.append(_("critères non cochés : %(list)s") % {"list": " ; ".join(unmet)})
    if not delivery.publiccode_valid:
        error_count = len(delivery.publiccode_errors) or 1
        problems.append(ngettext("le publiccode.yml n'est pas valide (%(n)s erreur, voir ci-dessous)",
                                 "le publiccode.yml n'est pas valide (%(n)s erreurs, voir ci-dessous)", error_count)
                        % {"n": error_count})
    if problems:
        raise ValidationError(_("Le livrable ne peut pas être accepté : %(problems)s.") % {
            "problems": " ; ".join(problems)})
    delivery.accepted_at = timezone.now()
    delivery.save(update_fields=["accepted_at"])
    from .software import software_from_delivery
    from .solutions import solution_from_delivery

    solution_from_delivery(call=call, delivery=delivery, by=by)
    software_from_delivery(call=call, delivery=delivery, by=by)
    return _move(call, CallState.ACCEPTED, by=by)


@transaction.atomic
def delivery_reject(*, call: Call, reason: str, by: Actor) -> Call:
    check_buy(by, call)
    if not reason.strip():
        raise ValidationError(_("Dites ce qui manque : la raison est transmise au fournisseur et publiée."))
    Delivery.objects.filter(call=call).update(rejection_reason=reason.strip())
    return _move(call, CallState.REJECTED, by=by, changes={"reason": reason.strip()})


@transaction.atomic
def call_pay(*, call: Call, paid_on: dt.date, by: Actor) -> Call:
    check_buy(by, call)
    delivery = Delivery.objects.filter(call=call).first()
    if delivery is None or delivery.accepted_at is None:
        raise ValidationError(_("Le paiement suit l'acceptation du livrable."))
    accepted_on = timezone.localtime(delivery.accepted_at).date()
    if paid_on < accepted_on or paid_on > timezone.localdate():
        raise ValidationError(_("La date du paiement va de l'acceptation (%(accepted)s) à aujourd'hui.") % {
            "accepted": accepted_on.isoformat()})
    delivery.paid_on = paid_on
    delivery.save(update_fields=["paid_on"])
    return _move(call, CallState.PAID, by=by, changes={"paid_on": paid_on.isoformat(),
                                                        "days_to_pay": delivery.days_to_pay})
