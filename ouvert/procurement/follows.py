"""The followable kind ``procurement_call`` and its webhook events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouvert.core import follows, webhooks
from ouvert.core.follows import FollowKind

from .models import Accompaniment, Call

EVENTS = {
    "procurement_call.published": _("Appel de micro-acquisition publié"),
    "procurement_call.question": _("Question posée sur un appel"),
    "procurement_call.addendum": _("Addenda publié pour un appel"),
    "procurement_call.closed": _("Soumissions ouvertes à la date limite"),
    "procurement_call.cancelled": _("Appel annulé"),
    "procurement_call.unsuccessful": _("Appel infructueux"),
    "procurement_call.debriefing": _("Classement d'un appel publié"),
    "procurement_call.awarded": _("Appel adjugé"),
    "procurement_call.delivered": _("Livrable déposé"),
    "procurement_call.accepted": _("Livrable accepté"),
    "procurement_call.rejected": _("Livrable refusé"),
    "procurement_call.paid": _("Fournisseur payé"),
}


def _call(key: str) -> Call | None:
    from .access import _int

    pk = _int(key)
    return Call.objects.select_related("organization").filter(pk=pk).first() if pk else None


ACCOMPANIMENT_EVENTS = {
    "procurement_accompaniment.in_progress": _("Demande d'accompagnement prise en charge"),
    "procurement_accompaniment.closed": _("Demande d'accompagnement fermée"),
}


def _accompaniment(key: str) -> Accompaniment | None:
    from .access import _int

    pk = _int(key)
    return Accompaniment.objects.filter(pk=pk).first() if pk else None


def register() -> None:
    follows.register(FollowKind(
        kind="procurement_accompaniment", label=_("Demande d'accompagnement"), lookup=_accompaniment,
        title=lambda obj: obj.subject if isinstance(obj, Accompaniment) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Accompaniment) else "",
        access_ref=lambda obj: ("procurement_accompaniment", obj.pk) if isinstance(obj, Accompaniment) else None,
    ))
    for code, label in ACCOMPANIMENT_EVENTS.items():
        webhooks.register_event(code, label)
    follows.register(FollowKind(
        kind="procurement_call", label=_("Appel de micro-acquisition"), lookup=_call,
        title=lambda obj: obj.title if isinstance(obj, Call) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Call) else "",
        access_ref=lambda obj: ("procurement_call", obj.pk) if isinstance(obj, Call) else None,
    ))
    for code, label in EVENTS.items():
        webhooks.register_event(code, label)
