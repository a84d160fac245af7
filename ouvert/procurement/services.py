"""Every write of micro-acquisitions: permission, validation, write, audit, notice.

Each state change of a call goes through :func:`_move`, which checks the transition, audits it and
tells the call's followers (core's notices and webhooks). Bids are sealed on the way in
(:mod:`.sealing`) and opened together, once, by :func:`call_open_bids` after the deadline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from ouvert.core.actors import SCHEDULE, Actor, SystemActor, is_system
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization, User
from ouvert.core.notices import notify
from ouvert.core.permissions import check_edit_in_organization

from . import custodian, sealing
from .holidays import add_working_days
from .models import (
    AcceptanceCriterion,
    Bid,
    BidState,
    Call,
    CallAttachment,
    CallChange,
    CallState,
    EvaluationCriterion,
    Pricing,
    Question,
    Supplier,
    SupplierSize,
)
from .permissions import check_buy, check_person, check_supplier_member, eligibility_refusal
from .selectors import reuse_candidates
from .tasks import schedule_ocds_dataset_refresh

OPENING = SystemActor("procurement")
"""Opening the bids at the deadline (task, command, or first access after it)."""

NEQ_RE = re.compile(r"^\d{10}$")

TRANSITIONS: dict[str, set[str]] = {
    CallState.DRAFT: {CallState.PUBLISHED, CallState.CANCELLED},
    CallState.PUBLISHED: {CallState.CLOSED, CallState.CANCELLED},
    CallState.CLOSED: {CallState.DEBRIEFING, CallState.CANCELLED, CallState.UNSUCCESSFUL},
    CallState.DEBRIEFING: {CallState.AWARDED, CallState.CANCELLED},
    CallState.AWARDED: {CallState.DELIVERED},
    CallState.DELIVERED: {CallState.ACCEPTED, CallState.REJECTED},
    CallState.REJECTED: {CallState.DELIVERED},
    CallState.ACCEPTED: {CallState.PAID},
}

EVENT_SUMMARIES: dict[str, str] = {
    CallState.PUBLISHED: gettext_noop("L'appel « %(title)s » est publié."),
    CallState.CLOSED: gettext_noop("Les soumissions à l'appel « %(title)s » sont ouvertes ; l'évaluation commence."),
    CallState.CANCELLED: gettext_noop("L'appel « %(title)s » est annulé."),
    CallState.UNSUCCESSFUL: gettext_noop("L'appel « %(title)s » est infructueux."),
    CallState.DEBRIEFING: gettext_noop("Le classement de l'appel « %(title)s » est publié."),
    CallState.AWARDED: gettext_noop("L'appel « %(title)s » est adjugé."),
    CallState.DELIVERED: gettext_noop("Le livrable de l'appel « %(title)s » est déposé."),
    CallState.ACCEPTED: gettext_noop("Le livrable de l'appel « %(title)s » est accepté."),
    CallState.REJECTED: gettext_noop("Le livrable de l'appel « %(title)s » est refusé."),
    CallState.PAID: gettext_noop("Le fournisseur de l'appel « %(title)s » est payé."),
}


def _notify(call: Call, event: str, summary: str, by: Actor) -> None:
    notify(kind="procurement_call", key=call.pk, event=event, summary=summary, params={"title": call.title}, by=by)


def _move(call: Call, to: str, *, by: Actor, changes: dict[str, Any] | None = None) -> Call:
    if to not in TRANSITIONS.get(call.state, set()):
        raise ValidationError(_("Un appel « %(from)s » ne peut pas passer à « %(to)s ».") % {
            "from": CallState(call.state).label, "to": CallState(to).label})
    before = call.state
    call.state = to
    call.save(update_fields=["state", "updated_at", "published_at", "opened_at", "public_key", "awarded_bid"])
    CallChange.objects.create(call=call, state=to, at=timezone.now())
    schedule_ocds_dataset_refresh()  # each public change is an OCDS release
    audit_record(actor=by, action=f"procurement.call.{to}", obj=call, organization=call.organization,
                 changes={"state": [before, to], **(changes or {})})
    _notify(call, f"procurement_call.{to}", EVENT_SUMMARIES.get(to, ""), by)
    return call


# Suppliers ------------------------------------------------------------------------------------


def check_neq(neq: str) -> str:
    value = re.sub(r"[\s-]", "", neq or "")
    if not NEQ_RE.match(value):
        raise ValidationError(_("Le NEQ « %(neq)s » n'est pas valide : il compte exactement 10 chiffres "
                                "(par exemple 1171234567), sans lettre.") % {"neq": neq}, code="neq")
    return value


@transaction.atomic
def supplier_register(*, name: str, neq: str, size: str, region: str, contact_email: str, skills: str = "",
                      by: Actor) -> Supplier:
    person = check_person(by)
    value = check_neq(neq)
    if size not in SupplierSize.values:
        raise ValidationError(_("Taille d'entreprise inconnue : %(size)s.") % {"size": size})
    if Supplier.objects.filter(neq=value).exists():
        raise ValidationError(_("Une entreprise est déjà inscrite avec le NEQ %(neq)s ; demandez à ses membres "
                                "de vous ajouter.") % {"neq": value}, code="neq")
    supplier = Supplier.objects.create(name=name.strip(), neq=value, size=size, region=region.strip(),
                                       contact_email=contact_email, skills=skills.strip())
    supplier.members.add(person)
    audit_record(actor=by, action="procurement.supplier.register", obj=supplier,
                 changes={"name": supplier.name, "neq": value, "size": size})
    return supplier


# Calls ----------------------------------------------------------------------------------------


@dataclass
class CallInput:
    title: str
    summary: str
    description: str
    deliverables: str
    pricing: str
    amount: Decimal
    questions_deadline: dt.datetime
    bid_deadline: dt.datetime
    delivery_date: dt.date
    repository_url: str = ""
    skills: str = ""
    licence: str = "LiLiQ-R-1.1"
    eligibility: str = "any"
    acceptance_criteria: list[str] = field(default_factory=list)
    evaluation_criteria: list[tuple[str, int]] = field(default_factory=list)


def check_amount(amount: Decimal, pricing: str) -> None:
    ceiling = Decimal(str(settings.PROCUREMENT_CEILING))
    if amount <= 0:
        raise ValidationError(_("Le montant doit être positif."), code="amount")
    if amount > ceiling:
        kind = _("Le prix fixe") if pricing == Pricing.FIXED else _("Le budget maximal")
        raise ValidationError(
            _("%(kind)s de %(amount)s $ dépasse le plafond des micro-acquisitions, %(ceiling)s $ CAD. "
              "Réduisez le montant ou passez par un appel d'offres ordinaire.") % {
                "kind": kind, "amount": f"{amount:,.2f}".replace(",", " "),
                "ceiling": f"{ceiling:,.0f}".replace(",", " ")}, code="ceiling")


def _check_input(data: CallInput) -> None:
    check_amount(data.amount, data.pricing)
    if data.pricing not in Pricing.values:
        raise ValidationError(_("Mode de prix inconnu."))
    if not data.acceptance_criteria:
        raise ValidationError(_("Indiquez au moins un critère d'acceptation objectif (une ligne par critère)."),
                              code="acceptance")
    if not data.evaluation_criteria:
        raise ValidationError(_("Indiquez au moins un critère d'évaluation avec sa pondération."), code="evaluation")
    total = sum(weight for _name, weight in data.evaluation_criteria)
    if total != 100:
        raise ValidationError(_("Les pondérations des critères d'évaluation totalisent %(total)s %% ; elles "
                                "doivent totaliser 100 %%.") % {"total": total}, code="evaluation")
    if data.questions_deadline >= data.bid_deadline:
        raise ValidationError(_("La date limite des questions doit précéder la date limite des soumissions."),
                              code="questions_deadline")
    if data.delivery_date <= timezone.localdate(data.bid_deadline):
        raise ValidationError(_("La date de livraison doit suivre la date limite des soumissions."),
                              code="delivery_date")


def check_bid_period(*, published: dt.datetime, bid_deadline: dt.datetime) -> None:
    days = int(settings.PROCUREMENT_MIN_WORKING_DAYS)
    earliest = add_working_days(timezone.localdate(published), days)
    if timezone.localdate(bid_deadline) < earliest:
        raise ValidationError(
            ngettext("La date limite des soumissions doit laisser au moins %(days)s jour ouvrable après la "
                     "publication (jours fériés du Québec exclus) : au plus tôt le %(date)s.",
                     "La date limite des soumissions doit laisser au moins %(days)s jours ouvrables après la "
                     "publication (jours fériés du Québec exclus) : au plus tôt le %(date)s.", days) % {
                "days": days, "date": earliest.isoformat()}, code="bid_deadline")


@transaction.atomic
def call_create(*, organization: Organization, data: CallInput, by: User) -> Call:
    check_edit_in_organization(by, organization)
    _check_input(data)
    call = Call.objects.create(
        organization=organization, title=data.title.strip(), summary=data.summary.strip(),
        description=data.description, deliverables=data.deliverables, pricing=data.pricing, amount=data.amount,
        questions_deadline=data.questions_deadline, bid_deadline=data.bid_deadline,
        delivery_date=data.delivery_date, repository_url=data.repository_url, skills=data.skills,
        licence=data.licence or "LiLiQ-R-1.1", eligibility=data.eligibility, created_by=by)
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(call=call, text=text, position=i) for i, text in enumerate(data.acceptance_criteria))
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(call=call, name=name, weight=weight, position=i)
        for i, (name, weight) in enumerate(data.evaluation_criteria))
    audit_record(actor=by, action="procurement.call.create", obj=call, organization=organization,
                 changes={"title": call.title, "amount": str(call.amount)})
    return call


def _check_draft(call: Call) -> None:
    if call.state != CallState.DRAFT:
        raise ValidationError(_("Un appel publié ne se modifie plus : répondez aux questions par des addendas, "
                                "ou annulez l'appel et publiez-en un nouveau."), code="state")


@transaction.atomic
def call_update(*, call: Call, data: CallInput, by: User) -> Call:
    """Change a draft (any field of the form; the criteria are replaced). A published call is fixed."""
    check_buy(by, call)
    _check_draft(call)
    _check_input(data)
    before = {"title": call.title, "amount": str(call.amount)}
    for name in ("description", "deliverables", "pricing", "amount", "questions_deadline", "bid_deadline",
                 "delivery_date", "repository_url", "skills", "eligibility"):
        setattr(call, name, getattr(data, name))
    call.title = data.title.strip()
    call.summary = data.summary.strip()
    call.licence = data.licence or "LiLiQ-R-1.1"
    call.save()
    call.acceptance_criteria.all().delete()
    call.evaluation_criteria.all().delete()
    AcceptanceCriterion.objects.bulk_create(
        AcceptanceCriterion(call=call, text=text, position=i) for i, text in enumerate(data.acceptance_criteria))
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(call=call, name=name, weight=weight, position=i)
        for i, (name, weight) in enumerate(data.evaluation_criteria))
    audit_record(actor=by, action="procurement.call.update", obj=call, organization=call.organization,
                 changes={"before": before, "title": call.title, "amount": str(call.amount)})
    return call


ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".odt", ".ods", ".odg", ".docx", ".xlsx", ".csv", ".txt", ".md",
                                   ".png", ".jpg", ".jpeg", ".zip"})
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENTS_MAX = 20


@transaction.atomic
def attachment_add(*, call: Call, upload: UploadedFile[Any], title: str = "", by: User) -> CallAttachment:
    """Attach a document to a draft call (the documents are fixed once the call is published)."""
    check_buy(by, call)
    _check_draft(call)
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_EXTENSIONS:
        raise ValidationError({"file": _("Type de document refusé (%(suffix)s). Formats acceptés : %(formats)s.") % {
            "suffix": suffix or "?", "formats": ", ".join(sorted(ATTACHMENT_EXTENSIONS))}})
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("Le document dépasse 20 Mo ; réduisez-le ou donnez un lien dans la "
                                         "description.")})
    if call.attachments.count() >= ATTACHMENTS_MAX:
        raise ValidationError({"file": ngettext("Un appel compte au plus %(n)s pièce jointe ; retirez-la d'abord.",
                                                "Un appel compte au plus %(n)s pièces jointes ; retirez-en une "
                                                "d'abord.", ATTACHMENTS_MAX) % {"n": ATTACHMENTS_MAX}})
    label = (title or "").strip()[:200] or PurePosixPath(upload.name or "document").stem[:200]
    item = CallAttachment(call=call, title=label, size=upload.size or 0, uploaded_by=by)
    item.file.save(upload.name or "document", upload, save=False)
    item.save()
    audit_record(actor=by, action="procurement.attachment.add", obj=item, organization=call.organization,
                 label=f"{call.title} — {item.title}", changes={"file": item.file.name, "size": item.size})
    return item


@transaction.atomic
def attachment_remove(*, attachment: CallAttachment, by: User) -> None:
    call = attachment.call
    check_buy(by, call)
    _check_draft(call)
    name = attachment.file.name or ""
    audit_record(actor=by, action="procurement.attachment.remove", obj=attachment, organization=call.organization,
                 label=f"{call.title} — {attachment.title}", changes={"file": name})
    attachment.delete()
    storage = attachment.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def call_publish(*, call: Call, reuse_comparison: str, by: Actor) -> Call:
    """Publish a draft: the reuse comparison is recorded, the bid period checked, the sealing key made."""
    check_buy(by, call)
    comparison = (reuse_comparison or "").strip()
    if len(comparison) < 20:
        raise ValidationError(_("Avant de publier, comparez votre besoin aux solutions existantes proposées "
                                "et expliquez en quelques phrases (20 caractères au moins) pourquoi aucune ne "
                                "convient ou comment vous la réutiliserez."), code="reuse_comparison")
    now = timezone.now()
    if call.questions_deadline <= now:
        raise ValidationError(_("La date limite des questions est déjà passée ; modifiez-la avant de publier."),
                              code="questions_deadline")
    check_bid_period(published=now, bid_deadline=call.bid_deadline)
    check_amount(call.amount, call.pricing)
    offered = reuse_candidates(call=call, user=by if isinstance(by, User) else None)
    call.reuse_comparison = comparison
    call.published_at = now
    call.public_key = custodian.call_public_key(call_id=call.pk, deadline=call.bid_deadline)
    call.save(update_fields=["reuse_comparison"])
    _move(call, CallState.PUBLISHED, by=by, changes={
        "reuse_comparison": comparison,
        "compared_with": {"software": [s.pk for s in offered.software], "solutions": [s.pk for s in offered.solutions],
                          "deliveries": [c.pk for c in offered.deliveries]}})
    transaction.on_commit(lambda: _schedule_opening(call))
    return call


def _schedule_opening(call: Call) -> None:
    """Open at the deadline with a deferred task; a backend without deferred tasks (the immediate
    one of tests) relies on ``ouvert procurement open-due`` and on opening at first access."""
    from django_tasks.exceptions import InvalidTaskError

    from .tasks import open_call_bids

    try:
        open_call_bids.using(run_after=call.bid_deadline).enqueue(call_id=call.pk)
    except InvalidTaskError:
        return


@transaction.atomic
def call_cancel(*, call: Call, reason: str, by: Actor) -> Call:
    check_buy(by, call)
    if not reason.strip():
        raise ValidationError(_("Dites pourquoi l'appel est annulé : la raison est publiée."), code="reason")
    return _move(call, CallState.CANCELLED, by=by, changes={"reason": reason.strip()})


# Questions and answers ------------------------------------------------------------------------


@transaction.atomic
def question_ask(*, call: Call, text: str, by: Actor) -> Question:
    person = check_person(by)
    if call.state != CallState.PUBLISHED:
        raise ValidationError(_("Cet appel ne reçoit pas de questions : il n'est pas en période de soumission."))
    if timezone.now() >= call.questions_deadline:
        raise ValidationError(
            _("La période des questions est terminée depuis le %(date)s : les questions tardives ne sont pas "
              "reçues, pour que chaque fournisseur ait les mêmes réponses à temps.") % {
                "date": timezone.localtime(call.questions_deadline).strftime("%Y-%m-%d %H:%M")}, code="late")
    if not text.strip():
        raise ValidationError(_("Écrivez votre question."), code="text")
    question = Question.objects.create(call=call, asked_by=person, text=text.strip()[:3000])
    audit_record(actor=by, action="procurement.question.ask", obj=question, organization=call.organization,
                 label=call.title)
    _notify(call, "procurement_call.question", gettext_noop("Nouvelle question sur l'appel « %(title)s »."), by)
    return question


@transaction.atomic
def question_answer(*, question: Question, answer: str, by: Actor) -> Question:
    call = question.call
    check_buy(by, call)
    if call.state != CallState.PUBLISHED or timezone.now() >= call.bid_deadline:
        raise ValidationError(_("Les réponses (addendas) sont publiées avant la date limite des soumissions."))
    if not answer.strip():
        raise ValidationError(_("Écrivez la réponse."), code="answer")
    question.answer, question.answered_at = answer.strip()[:5000], timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    schedule_ocds_dataset_refresh()  # an addendum is a release (tenderAmendment)
    audit_record(actor=by, action="procurement.question.answer", obj=question, organization=call.organization,
                 label=call.title)
    _notify(call, "procurement_call.addendum", gettext_noop("Addenda publié pour l'appel « %(title)s »."), by)
    return question


# Sealed bids ----------------------------------------------------------------------------------


def _check_bidding(call: Call, supplier: Supplier, by: Actor) -> User:
    person = check_person(by)
    check_supplier_member(person, supplier)
    if call.state != CallState.PUBLISHED or timezone.now() >= call.bid_deadline:
        raise ValidationError(_("La date limite des soumissions est passée : les soumissions ne sont plus reçues."),
                              code="deadline")
    return person


@transaction.atomic
def bid_submit(*, call: Call, supplier: Supplier, price: Decimal, proposal: str, by: Actor) -> Bid:
    """Submit or replace a bid; its price and proposal are sealed before they touch the database."""
    _check_bidding(call, supplier, by)
    refusal = eligibility_refusal(call, supplier)
    if refusal:
        raise PermissionDenied(refusal)
    if price <= 0:
        raise ValidationError(_("Le prix doit être positif."), code="price")
    if price > call.amount:
        raise ValidationError(_("Le prix de %(price)s $ dépasse le montant de l'appel (%(amount)s $).") % {
            "price": price, "amount": call.amount}, code="price")
    if not proposal.strip():
        raise ValidationError(_("Décrivez votre proposition."), code="proposal")
    envelope = sealing.seal(content=sealing.BidContent(price=price, proposal=proposal.strip()),
                            public_key=bytes(call.public_key), call_id=call.pk, supplier_id=supplier.pk)
    bid = Bid.objects.select_for_update().filter(call=call, supplier=supplier).first()
    now = timezone.now()
    if bid is None:
        bid = Bid.objects.create(call=call, supplier=supplier, sealed=envelope, submitted_at=now)
        action = "procurement.bid.submit"
    else:
        bid.sealed, bid.submitted_at, bid.state, bid.withdrawn_at = envelope, now, BidState.SUBMITTED, None
        bid.versions += 1
        bid.save(update_fields=["sealed", "submitted_at", "state", "withdrawn_at", "versions"])
        action = "procurement.bid.replace"
    # The audit names the bid and its version, never its content.
    audit_record(actor=by, action=action, obj=bid, organization=call.organization,
                 label=f"{call.title} — {supplier.name}", changes={"version": bid.versions})
    return bid


@transaction.atomic
def bid_withdraw(*, call: Call, supplier: Supplier, by: Actor) -> Bid:
    _check_bidding(call, supplier, by)
    bid = Bid.objects.select_for_update().filter(call=call, supplier=supplier, state=BidState.SUBMITTED).first()
    if bid is None:
        raise ValidationError(_("Vous n'avez pas de soumission déposée à retirer."))
    bid.state, bid.withdrawn_at, bid.sealed = BidState.WITHDRAWN, timezone.now(), b""
    bid.save(update_fields=["state", "withdrawn_at", "sealed"])
    audit_record(actor=by, action="procurement.bid.withdraw", obj=bid, organization=call.organization,
                 label=f"{call.title} — {supplier.name}")
    return bid


@transaction.atomic
def call_open_bids(*, call: Call, by: Actor = OPENING) -> bool:
    """Open every bid of a published call whose deadline has passed, together, once. True when
    this call opened them now. Anyone's first access after the deadline may trigger it: it needs
    no permission, only the clock."""
    locked = Call.objects.select_for_update().filter(pk=call.pk, state=CallState.PUBLISHED,
                                                     opened_at__isnull=True).first()
    if locked is None or timezone.now() < locked.bid_deadline:
        return False
    key = custodian.call_private_key(call_id=locked.pk, deadline=locked.bid_deadline)
    bids = list(Bid.objects.select_for_update().filter(call=locked, state=BidState.SUBMITTED))
    for bid in bids:
        try:
            content = sealing.open_envelope(envelope=bytes(bid.sealed), private_key=key, call_id=locked.pk,
                                            supplier_id=bid.supplier_id)
        except sealing.OpenError:
            bid.open_error = "does-not-open"
        else:
            bid.price, bid.proposal = content.price, content.proposal
    Bid.objects.bulk_update(bids, ["price", "proposal", "open_error"])
    locked.opened_at = timezone.now()
    _move(locked, CallState.CLOSED, by=by if is_system(by) else OPENING, changes={"bids": len(bids)})
    call.state, call.opened_at = locked.state, locked.opened_at
    return True


def calls_open_due(*, by: Actor = SCHEDULE) -> int:
    """Open the bids of every call whose deadline has passed (``ouvert procurement open-due``)."""
    due = Call.objects.filter(state=CallState.PUBLISHED, opened_at__isnull=True, bid_deadline__lte=timezone.now())
    return sum(1 for call in due if call_open_bids(call=call, by=by))
