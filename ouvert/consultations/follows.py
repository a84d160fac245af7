"""The consultations' followable kind and webhook events (registered from ``ConsultationsConfig.ready()``).

A consultation is followed by its id. Its followers hear when participation opens and when the
results are published (:mod:`ouvert.consultations.tasks`, through :func:`ouvert.core.notices.notify`);
webhooks get ``consultation.opened`` and ``consultation.results_published``.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouvert.core import follows, webhooks
from ouvert.core.follows import FeedEntry, FollowKind

from .models import Consultation

__all__ = ["EVENTS", "register"]

EVENTS = {
    "consultation.opened": _("Participation ouverte à une consultation"),
    "consultation.results_published": _("Résultats d'une consultation publiés"),
}


def _consultation(key: str) -> Consultation | None:
    try:
        pk = int(str(key))
    except ValueError:
        return Consultation.objects.select_related("organization").filter(slug=str(key)[:120]).first()
    return Consultation.objects.select_related("organization").filter(pk=pk).first()


def consultation_feed(key: str) -> list[FeedEntry]:
    """What happened to a published consultation: its publication and its results, newest first."""
    consultation = _consultation(key)
    if consultation is None or consultation.published_at is None:
        return []
    url, author = consultation.get_absolute_url(), consultation.organization.name
    entries = [FeedEntry(title=gettext("La consultation « %(title)s » est publiée") % {"title": consultation.title},
                         url=url, updated=consultation.published_at, description=consultation.summary, author=author)]
    if consultation.results_published_at:
        entries.insert(0, FeedEntry(
            title=gettext("Les résultats de « %(title)s » sont publiés") % {"title": consultation.title},
            url=url, updated=consultation.results_published_at, description=consultation.what_we_did[:2000],
            author=author))
    return entries


def register() -> None:
    follows.register(FollowKind(
        kind="consultation", label=_("Consultation"), lookup=_consultation,
        title=lambda obj: obj.title if isinstance(obj, Consultation) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Consultation) else "",
        access_ref=lambda obj: ("consultation", obj.pk) if isinstance(obj, Consultation) else None,
        feed=consultation_feed,
    ))
    for code, label in EVENTS.items():
        webhooks.register_event(code, label)
