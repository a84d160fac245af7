"""Follows: one model for every followable object, and the registry of followable kinds.

An app that has things people may follow registers a :class:`FollowKind` from its
``AppConfig.ready()`` (as it registers its access policies in :mod:`ouvert.core.access`); core
imports no app. A kind says how to find an object from its key, its title and URL, which object of
the access model stands for it (so that following it, and hearing about it, ask
:func:`ouvert.core.access.may_read`), which follows an event about it reaches (a dataset's change
reaches the followers of the dataset, of its organization, of its keywords and of the saved
searches it matches) and what its Atom feed lists.

Writes are :func:`follow_create` and :func:`follow_delete`; notices go through
:func:`ouvert.core.notices.notify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import access
from .audit import audit_record
from .models import Follow, Frequency, User

__all__ = [
    "FeedEntry",
    "FollowKind",
    "follow_create",
    "follow_delete",
    "follow_for_token",
    "follow_get",
    "follow_kind",
    "follows_of",
    "kind_label",
    "may_follow",
    "register",
    "unsubscribe_token",
]

UNSUBSCRIBE_SALT = "ouvert.follows.unsubscribe"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of an object's Atom feed."""

    title: str
    url: str
    updated: dt.datetime
    description: str = ""
    published: dt.datetime | None = None
    author: str = ""


@dataclass(frozen=True)
class FollowKind:
    """What core needs to know about one kind of followable object.

    - ``lookup(key)``: the object, or None when there is none under that key (the key is whatever
      the follow form sends: a dataset's id, an organization's slug, a saved search's query string);
    - ``title(obj)``, ``url(obj)``: how notices, feeds and the "my follows" page name it;
    - ``access_ref(obj)``: the ``(kind, key)`` of :mod:`ouvert.core.access` that decides who may read
      it (None: a public thing, like a keyword);
    - ``reach(key)``: the follows an event about this object reaches (default: its own followers);
    - ``feed(key)``: its Atom entries, newest first, only public things.
    """

    kind: str
    label: str | Promise
    lookup: Callable[[str], object | None]
    title: Callable[[object], str]
    url: Callable[[object], str]
    access_ref: Callable[[object], tuple[str, object] | None] = field(default=lambda obj: None)
    reach: Callable[[str], Q] | None = None
    feed: Callable[[str], Sequence[FeedEntry]] | None = None

    def reached(self, key: str) -> Q:
        return self.reach(key) if self.reach is not None else Q(kind=self.kind, key=key)


_KINDS: dict[str, FollowKind] = {}


def register(kind: FollowKind) -> None:
    _KINDS[kind.kind] = kind


def follow_kind(kind: str) -> FollowKind | None:
    return _KINDS.get(kind)


def kind_label(kind: str) -> str:
    registered = _KINDS.get(kind)
    return str(registered.label) if registered is not None else kind


def may_read_object(user: User | None, kind: FollowKind, obj: object) -> bool:
    """Whether ``user`` (None: an anonymous reader) may read ``obj`` now, per the access model."""
    ref = kind.access_ref(obj)
    if ref is None:
        return True
    return access.may_read(user, ref[0], ref[1])


def may_follow(user: User | None, kind: str, key: str) -> bool:
    registered = _KINDS.get(kind)
    if registered is None or not key or user is None or not user.is_authenticated:
        return False
    obj = registered.lookup(key)
    return obj is not None and may_read_object(user, registered, obj)


def follow_get(*, user: User, kind: str, key: str) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user=user, kind=kind, key=key[:500]).first()


def follows_of(*, user: User) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user)


@transaction.atomic
def follow_create(*, user: User, kind: str, key: str, frequency: str = Frequency.IMMEDIATE,
                  by: User) -> Follow:
    """``by`` follows ``kind:key`` for themselves (``user`` is ``by``: nobody subscribes somebody else)."""
    if not by.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour faire cela."))
    if user.pk != by.pk:
        raise PermissionDenied(_("On ne peut abonner que soi-même."))
    key = (key or "").strip()[:500]
    if _KINDS.get(kind) is None or not key or not may_follow(user, kind, key):
        raise ValidationError(_("Je ne sais pas quoi suivre."))
    if frequency not in Frequency.values:
        frequency = Frequency.IMMEDIATE
    follow, created = Follow.objects.get_or_create(user=user, kind=kind, key=key, defaults={"frequency": frequency})
    if not created and follow.frequency != frequency:
        follow.frequency = frequency
        follow.save(update_fields=["frequency"])
    audit_record(actor=by, action="follow.create", obj=follow, label=f"{kind}:{key}"[:300])
    return follow


@transaction.atomic
def follow_delete(*, follow: Follow, by: User | None) -> None:
    """Stop following. ``by`` is None (anonymous) when the signed unsubscribe link came from an
    e-mail; otherwise it must be the follower."""
    if by is not None and by.is_authenticated and by.pk != follow.user_id:
        raise PermissionDenied(_("Ce suivi n'est pas le vôtre."))
    audit_record(actor=by, action="follow.delete", obj=follow, label=f"{follow.kind}:{follow.key}"[:300])
    follow.delete()


def unsubscribe_token(follow: Follow) -> str:
    """The signed token of the unsubscribe link in every notice (works without signing in)."""
    return signing.dumps(str(follow.token), salt=UNSUBSCRIBE_SALT)


def follow_for_token(token: str) -> Follow | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, str):
        return None
    try:
        return Follow.objects.select_related("user").filter(token=value).first()
    except ValidationError:
        return None
