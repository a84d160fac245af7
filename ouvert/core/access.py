"""The access model: the one place that decides who may read or change an object, now.

Every read path (pages, native API, CKAN API, exports, map features, files, history, search) asks
this module, from the owner's *current* state, instead of a flag copied at some earlier moment.

Objects are named by a **kind** and a **key**: ``("resource", <uuid>)`` for a catalogue resource
and everything derived from it (its datastore tables, its map layer, its stored file),
``("dataset", <uuid>)``, and whatever kinds later apps register (a call and its bids, a publication
and its embargoed file, a draft plan). The app that owns a kind registers a :class:`Policy` from
its ``AppConfig.ready()``; core imports no app. A kind nobody registered is readable by nobody
(fail closed), not even a site administrator's guess at it.

The rule, for every kind, is the same three lines (:func:`may_read_standing`):

- a **public** object (published, not private, not embargoed, not in the trash) is readable by
  anyone;
- otherwise only by members of the owning organization (any role) and site administrators;
- an object that does not exist (a deleted resource, an unknown id) is readable by nobody.

Change is for editors and administrators of the owning organization (or site administrators),
and never on an object that is not ``live`` (in the trash: restore it first).

Lists are filtered inside the database: :func:`readable_keys` gives a subquery of the keys a
person may read, to use as ``.filter(resource_id__in=readable_keys(user, "resource"))``.

Files are resolved by their storage name: apps register a :class:`FilePolicy` per folder prefix
(``resources/`` belongs to the catalogue); a file under no registered prefix is served to nobody.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Model, Q, QuerySet

from .models import Membership, Role, User

__all__ = [
    "PUBLIC",
    "FilePolicy",
    "Policy",
    "Standing",
    "check_read",
    "file_standing",
    "may_change",
    "may_change_standing",
    "may_read",
    "may_read_standing",
    "member_organization_ids",
    "readable_among",
    "readable_keys",
    "register",
    "register_files",
    "standing_of",
]


@dataclass(frozen=True, slots=True)
class Standing:
    """What an object's owner has made of it at this moment."""

    organization_id: uuid.UUID | None
    public: bool
    live: bool = True  # False in the trash: members still read it, nobody changes it


PUBLIC = Standing(organization_id=None, public=True)


class Policy(Protocol):
    """Registered by the app that owns a kind of object."""

    kind: str

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        """The current standing of each existing key (absent keys are simply missing), normalized
        keys as the dict's keys (e.g. ``uuid.UUID``)."""
        ...

    def normalize(self, key: Any) -> Hashable | None:
        """The key in the form ``standings`` returns (None when it cannot be one)."""
        ...

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        """A ``values_list(flat=True)`` queryset of the keys that are public or owned by one of
        ``organization_ids`` (``None``: every existing key, for site administrators)."""
        ...


FilePolicy = Callable[[str], Standing | None]
"""Given a storage name under the registered prefix, the standing of the object owning that file
(None: no object owns it, so nobody reads it)."""

_POLICIES: dict[str, Policy] = {}
_FILE_POLICIES: dict[str, FilePolicy] = {}


class PublishedPolicy:
    """The policy of a kind whose objects have an integer key, an owning ``organization`` and a
    ``published_at`` (None: not published): public once published, else for the owner's members. A kind
    declares ``kind`` and ``model`` (e.g. consultations, action plans)."""

    kind: str
    model: type[Model]

    def normalize(self, key: Any) -> Hashable | None:
        try:
            return int(key)
        except (TypeError, ValueError):
            return None

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = self.model._default_manager.filter(pk__in=list(keys)).values_list("pk", "organization_id",
                                                                                 "published_at")
        return {pk: Standing(organization_id=org_id, public=published is not None) for pk, org_id, published in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = self.model._default_manager.all()
        if organization_ids is not None:
            rows = rows.filter(Q(published_at__isnull=False) | Q(organization_id__in=list(organization_ids)))
        return rows.values_list("pk", flat=True)


def register(policy: Policy) -> None:
    _POLICIES[policy.kind] = policy


def register_files(prefix: str, policy: FilePolicy) -> None:
    if not prefix.endswith("/"):
        raise ValueError("a file prefix is a folder and ends with '/'")
    _FILE_POLICIES[prefix] = policy


def _is_site_admin(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def member_organization_ids(user: User | None) -> frozenset[uuid.UUID]:
    """The organizations the person belongs to (any role), read once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ouvert_member_orgs", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        user._ouvert_member_orgs = cached  # type: ignore[attr-defined]  # a per-object cache, not a field
    return cached


def _editor_organization_ids(user: User | None) -> frozenset[uuid.UUID]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_ouvert_editor_orgs", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.EDITOR])
                           .values_list("organization_id", flat=True))
        user._ouvert_editor_orgs = cached  # type: ignore[attr-defined]  # a per-object cache, not a field
    return cached


def may_read_standing(user: User | None, standing: Standing | None) -> bool:
    """The rule itself, for a standing already in hand (an app that has loaded its object)."""
    if standing is None:
        return False
    if standing.public:
        return True
    if _is_site_admin(user):
        return True
    return standing.organization_id is not None and standing.organization_id in member_organization_ids(user)


def may_change_standing(user: User | None, standing: Standing | None) -> bool:
    if standing is None or not standing.live:
        return False
    if _is_site_admin(user):
        return True
    return standing.organization_id is not None and standing.organization_id in _editor_organization_ids(user)


def standing_of(kind: str, key: Any) -> Standing | None:
    policy = _POLICIES.get(kind)
    if policy is None:
        return None
    normalized = policy.normalize(key)
    if normalized is None:
        return None
    return policy.standings([normalized]).get(normalized)


def may_read(user: User | None, kind: str, key: Any) -> bool:
    return may_read_standing(user, standing_of(kind, key))


def may_change(user: User | None, kind: str, key: Any) -> bool:
    return may_change_standing(user, standing_of(kind, key))


def check_read(user: User | None, kind: str, key: Any, *, not_found: Callable[[], Exception]) -> Standing:
    """The standing when the person may read it; otherwise raise ``not_found()`` — the same answer
    for an absent object and a forbidden one, so that ids cannot be probed."""
    standing = standing_of(kind, key)
    if not may_read_standing(user, standing):
        raise not_found()
    assert standing is not None  # noqa: S101 — may_read_standing refuses None
    return standing


def readable_among(user: User | None, kind: str, keys: Collection[Any]) -> set[Any]:
    """The subset of ``keys`` (normalized) the person may read, in one query."""
    policy = _POLICIES.get(kind)
    if policy is None or not keys:
        return set()
    normalized = {k for k in (policy.normalize(key) for key in keys) if k is not None}
    standings = policy.standings(normalized)
    return {key for key, standing in standings.items() if may_read_standing(user, standing)}


def readable_keys(user: User | None, kind: str) -> QuerySet[Any, Any] | list[Any]:
    """A subquery of every key of ``kind`` the person may read (``[]`` for an unregistered kind)."""
    policy = _POLICIES.get(kind)
    if policy is None:
        return []
    if _is_site_admin(user):
        return policy.readable_keys(organization_ids=None)
    return policy.readable_keys(organization_ids=member_organization_ids(user))


def file_standing(name: str) -> Standing | None:
    """The standing of the object that owns the stored file ``name`` (a storage name), or None."""
    if not name or name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    for prefix in sorted(_FILE_POLICIES, key=len, reverse=True):
        if name.startswith(prefix):
            return _FILE_POLICIES[prefix](name)
    return None
