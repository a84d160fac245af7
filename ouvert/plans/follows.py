"""The plans' followable kind (``plan``, keyed by its id) and webhook events. A plan's Atom feed
(``/<lang>/suivis/fil/plan/<id>/``) lists its progress updates, newest first."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouvert.core import follows, webhooks
from ouvert.core.follows import FeedEntry, FollowKind

from .models import Plan, ProgressUpdate

EVENTS = {
    "plan.published": _("Plan d'action publié"),
    "plan.progress": _("Avancement d'un jalon publié"),
    "plan.milestone_late": _("Jalon en retard sur son échéance"),
}

FEED_SIZE = 50


def _plan(key: str) -> Plan | None:
    try:
        pk = int(str(key))
    except ValueError:
        return Plan.objects.select_related("organization").filter(slug=str(key)[:80]).first()
    return Plan.objects.select_related("organization").filter(pk=pk).first()


def plan_feed(key: str) -> list[FeedEntry]:
    plan = _plan(key)
    if plan is None or plan.published_at is None:
        return []
    updates = (ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
               .select_related("milestone__commitment", "organization")[:FEED_SIZE])
    entries = [FeedEntry(
        title=gettext("Jalon %(number)s : %(level)s") % {"number": u.milestone.number, "level": u.get_level_display()},
        url=u.milestone.commitment.get_absolute_url() + f"#jalon-{u.milestone.pk}", updated=u.created_at,
        description=u.text, author=u.organization.name) for u in updates]
    entries.append(FeedEntry(title=gettext("Le plan « %(title)s » est publié") % {"title": plan.title},
                             url=plan.get_absolute_url(), updated=plan.published_at, description=plan.summary,
                             author=plan.organization.name))
    return entries


def register() -> None:
    follows.register(FollowKind(
        kind="plan", label=_("Plan d'action"), lookup=_plan,
        title=lambda obj: obj.title if isinstance(obj, Plan) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Plan) else "",
        access_ref=lambda obj: ("plan", obj.pk) if isinstance(obj, Plan) else None,
        feed=plan_feed,
    ))
    for code, label in EVENTS.items():
        webhooks.register_event(code, label)
