"""Accompaniment requests (commitment 5.3): a public body asks the site's team for help with free
software; the team moves the request received → in progress → closed, with a follow-up note the
requester is told about (the requester follows the request from the moment it is made)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ouvert.core import access, follows
from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization, User
from ouvert.core.notices import notify
from ouvert.core.permissions import is_member_of, is_site_admin

from .models import Accompaniment, AccompanimentState
from .permissions import check_person

KIND = "procurement_accompaniment"
MOVES = {AccompanimentState.RECEIVED: {AccompanimentState.IN_PROGRESS, AccompanimentState.CLOSED},
         AccompanimentState.IN_PROGRESS: {AccompanimentState.CLOSED}, AccompanimentState.CLOSED: set()}
SUMMARIES = {
    AccompanimentState.IN_PROGRESS: gettext_noop(
        "Votre demande d'accompagnement « %(subject)s » est prise en charge."),
    AccompanimentState.CLOSED: gettext_noop("Votre demande d'accompagnement « %(subject)s » est fermée : %(note)s"),
}


@transaction.atomic
def accompaniment_request(*, organization: Organization, subject: str, description: str,
                          by: Actor) -> Accompaniment:
    """A member of ``organization`` asks for help; they follow the request from now on."""
    person = check_person(by)
    if not is_member_of(person, organization):
        raise PermissionDenied(_("Seuls les membres de « %(org)s » demandent un accompagnement en son nom.")
                               % {"org": organization.name})
    if not subject.strip() or not description.strip():
        raise ValidationError(_("Donnez l'objet de la demande et décrivez votre besoin."))
    request = Accompaniment.objects.create(organization=organization, requester=person,
                                           subject=subject.strip()[:200], description=description.strip()[:5000])
    follows.follow_create(user=person, kind=KIND, key=str(request.pk), by=person)
    audit_record(actor=by, action="procurement.accompaniment.request", obj=request, organization=organization,
                 label=request.subject)
    return request


@transaction.atomic
def accompaniment_move(*, request: Accompaniment, to: str, note: str, by: Actor) -> Accompaniment:
    """The team (site administrators) moves a request on; closing needs a follow-up note."""
    person = check_person(by)
    if not is_site_admin(person):
        raise PermissionDenied(_("Seule l'équipe d'accompagnement (administrateurs du site) fait avancer "
                                 "une demande."))
    if to not in MOVES.get(AccompanimentState(request.state), set()):
        raise ValidationError(_("Une demande « %(from)s » ne peut pas passer à « %(to)s ».") % {
            "from": AccompanimentState(request.state).label,
            "to": AccompanimentState(to).label if to in AccompanimentState.values else to})
    if to == AccompanimentState.CLOSED and not note.strip():
        raise ValidationError(_("Écrivez la note de suivi : elle est transmise à l'organisme qui a demandé."))
    before = request.state
    request.state = to
    if note.strip():
        request.follow_up = note.strip()[:5000]
    request.save(update_fields=["state", "follow_up", "updated_at"])
    audit_record(actor=by, action=f"procurement.accompaniment.{to}", obj=request, organization=request.organization,
                 changes={"state": [before, to]})
    notify(kind=KIND, key=request.pk, event=f"procurement_accompaniment.{to}",
           summary=SUMMARIES[AccompanimentState(to)],
           params={"subject": request.subject, "note": request.follow_up}, by=by)
    return request


def accompaniments_for(*, user: User) -> QuerySet[Accompaniment]:
    return (Accompaniment.objects.filter(pk__in=access.readable_keys(user, KIND))
            .select_related("organization", "requester").order_by("-created_at"))


def accompaniment_get_for(*, user: User | None, pk: object) -> Accompaniment:
    access.check_read(user, KIND, pk, not_found=Http404)
    return Accompaniment.objects.select_related("organization", "requester").get(pk=int(str(pk)))
