"""The publication as a followable kind (its declarer follows it, to hear reminders) and the
webhook events of the open-access app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ouvert.core import follows, webhooks
from ouvert.core.follows import FollowKind

from .models import Publication

EVENTS = {
    "publication.declared": _("Article déclaré"),
    "publication.deleted": _("Article retiré"),
    "publication.reminder": _("Rappel : article à mettre en libre accès"),
}


def _publication(key: str) -> Publication | None:
    try:
        pk = int(str(key))
    except ValueError:
        return None
    return Publication.objects.filter(pk=pk, deleted_at__isnull=True).first() if 0 < pk < 2**63 else None


def register() -> None:
    follows.register(FollowKind(
        kind="publication", label=_("Article"), lookup=_publication,
        title=lambda obj: obj.title if isinstance(obj, Publication) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Publication) else "",
        access_ref=lambda obj: ("publication", obj.pk) if isinstance(obj, Publication) else None,
    ))
    for code, label in EVENTS.items():
        webhooks.register_event(code, label)
