"""The one way a service tells followers and webhook subscribers that something happened.

A service calls :func:`notify` inside its transaction; once it commits, the task
:func:`notice_dispatch` finds the follows the event reaches (:meth:`FollowKind.reached`), keeps only
the people who may read the object *now* (:mod:`ouvert.core.access`), and either e-mails them at
once or keeps a :class:`~ouvert.core.models.PendingNotice` for their daily digest; then it hands
the event to the webhook subscriptions that want it (:mod:`ouvert.core.webhooks`) when the object
is public.

Messages are stored and passed as a French message id (marked with ``gettext_noop``) plus
parameters, translated in each recipient's language when the e-mail is written.

Digests: :func:`digests_send` e-mails every person whose oldest pending notice has waited
``min_age``; ``ouvert notices due`` (cron, every few minutes) runs it with a day, and a deferred
task queued with the first pending notice runs it on the worker as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from .actors import Actor
from .follows import follow_kind, kind_label, may_read_object, unsubscribe_token
from .models import Follow, Frequency, PendingNotice, User

logger = logging.getLogger(__name__)

__all__ = ["DIGEST_AGE", "digests_send", "message", "notice_dispatch", "notify", "unsubscribe_url"]

DIGEST_AGE = dt.timedelta(days=1)
Params = Mapping[str, str | int | float]


def message(code: str, params: Mapping[str, object] | None) -> str:
    """A stored message (French id + parameters) in the current language."""
    text = gettext(code) if code else ""
    if params:
        try:
            return text % dict(params)
        except (KeyError, TypeError, ValueError):
            return text
    return text


def unsubscribe_url(follow: Follow) -> str:
    return settings.SITE_URL + reverse("core:unsubscribe", kwargs={"token": unsubscribe_token(follow)})


def notify(*, kind: str, key: object, event: str, summary: str = "", params: Params | None = None,
           subject: str = "", by: Actor | None, gone: bool = False) -> None:
    """Tell followers and webhook subscribers about ``event`` on ``kind:key`` once the current
    transaction commits.

    ``summary`` (and optionally ``subject``) are French message ids with ``%(name)s`` parameters in
    ``params``; an event without a summary reaches webhooks only. ``gone``: the object was public
    and no longer exists for anyone (deleted, unpublished); only webhooks hear of it, the caller
    having checked that it was public. ``by`` is the person or system actor who caused it (kept out
    of every payload)."""
    values = dict(params or {})
    event_id, occurred_at, key_text = str(uuid.uuid4()), timezone.now().isoformat(), str(key)
    transaction.on_commit(lambda: notice_dispatch.enqueue(
        kind=kind, key=key_text, event=event, summary=summary, params=values, subject=subject, gone=gone,
        event_id=event_id, occurred_at=occurred_at))


def _mail(follows: list[Follow], *, items: list[tuple[str, str]], subject: str, digest: bool) -> None:
    """One e-mail to the person of ``follows``, with an unsubscribe link for each of them."""
    user = follows[0].user
    with translation.override(user.preferred_language or "fr"):
        links = [(kind_label(f.kind), _follow_title(f), unsubscribe_url(f)) for f in follows]
        context = {"items": items, "unsubscribe_url": links[0][2], "unsubscribes": links,
                   "site_url": settings.SITE_URL, "digest": digest, "subject": subject}
        subject_text = render_to_string("core/email/notice_subject.txt", context).strip()
        body = render_to_string("core/email/notice.txt", context)
    send_mail(subject_text, body, None, [user.email])


def _queue_digest(first_at: dt.datetime) -> None:
    """Run the digest on the worker when the first pending notice has waited a day (a backend
    without deferred tasks relies on ``ouvert notices due``)."""
    try:
        digest_task.using(run_after=first_at + DIGEST_AGE).enqueue(min_age_seconds=int(DIGEST_AGE.total_seconds()))
    except InvalidTaskError:
        return


@task()
def notice_dispatch(*, kind: str, key: str, event: str, summary: str, params: dict[str, str | int | float],
                    subject: str, gone: bool, event_id: str, occurred_at: str) -> int:
    """Send one event: e-mails and digest entries for followers, deliveries for webhooks. Returns the
    number of people told."""
    from . import webhooks

    registered = follow_kind(kind)
    if registered is None:
        logger.warning("notice for unregistered kind %s", kind)
        return 0
    obj = None if gone else registered.lookup(key)
    if obj is not None and may_read_object(None, registered, obj):
        webhooks.deliveries_create(kind=kind, key=key, event=event, event_id=event_id, occurred_at=occurred_at,
                                   title=registered.title(obj), url=settings.SITE_URL + registered.url(obj))
    elif gone:
        webhooks.deliveries_create(kind=kind, key=key, event=event, event_id=event_id, occurred_at=occurred_at,
                                   title=str(params.get("title", "")), url="")
    if obj is None or not summary:
        return 0
    url = settings.SITE_URL + registered.url(obj)
    told = 0
    seen: set[int] = set()
    follows = (Follow.objects.filter(registered.reached(key)).select_related("user")
               .filter(user__is_active=True).order_by("created_at", "id"))
    for follow in follows:
        if follow.user_id in seen:
            continue  # one notice per person and change
        seen.add(follow.user_id)
        if not may_read_object(follow.user, registered, obj):
            continue
        if follow.frequency == Frequency.DAILY:
            first = not PendingNotice.objects.filter(follow__user_id=follow.user_id).exists()
            notice = PendingNotice.objects.create(follow=follow, kind=kind, key=key, event=event,
                                                  summary=summary[:300], params=params)
            if first:
                _queue_digest(notice.created_at)
        else:
            with translation.override(follow.user.preferred_language or "fr"):
                items = [(message(summary, params), url)]
                title = message(subject, params) if subject else ""
            _mail([follow], items=items, subject=title or _default_subject(registered.title(obj), follow),
                  digest=False)
        told += 1
    return told


def _follow_title(follow: Follow) -> str:
    """What a follow is about, as a person reads it (its key when the object is gone)."""
    registered = follow_kind(follow.kind)
    obj = registered.lookup(follow.key) if registered is not None else None
    return registered.title(obj) if registered is not None and obj is not None else follow.key


def _default_subject(title: str, follow: Follow) -> str:
    with translation.override(follow.user.preferred_language or "fr"):
        return gettext("Ouvert : du nouveau dans « %(title)s »") % {"title": title}


def digests_send(*, min_age: dt.timedelta = dt.timedelta(0), now: dt.datetime | None = None) -> int:
    """One e-mail per person whose oldest pending notice is at least ``min_age`` old, listing all
    their pending notices (still readable by them); returns the number of e-mails."""
    now = now or timezone.now()
    due_users = (PendingNotice.objects.filter(created_at__lte=now - min_age).order_by()
                 .values_list("follow__user_id", flat=True).distinct())
    sent = 0
    for user_id in list(due_users):
        with transaction.atomic():
            notices = list(PendingNotice.objects.select_for_update().filter(follow__user_id=user_id)
                           .select_related("follow", "follow__user").order_by("created_at", "id"))
            if not notices:
                continue
            follows = list({n.follow_id: n.follow for n in notices}.values())
            with translation.override(follows[0].user.preferred_language or "fr"):
                items = _digest_items(follows[0].user, notices)
            if items:
                _mail(follows, items=items, subject="", digest=True)
                sent += 1
            PendingNotice.objects.filter(pk__in=[n.pk for n in notices]).delete()
    return sent


def _digest_items(user: User, notices: list[PendingNotice]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for notice in notices:
        registered = follow_kind(notice.kind)
        obj = registered.lookup(notice.key) if registered is not None else None
        if registered is None or obj is None or not may_read_object(user, registered, obj):
            continue
        items.append((message(notice.summary, notice.params), settings.SITE_URL + registered.url(obj)))
    return items


@task()
def digest_task(*, min_age_seconds: int = 0) -> int:
    """The daily digest on the worker (``ouvert notices due`` and the deferred task queue it)."""
    return digests_send(min_age=dt.timedelta(seconds=min_age_seconds))
