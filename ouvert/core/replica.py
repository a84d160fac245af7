"""An optional PostgreSQL read replica for the heavy reads: datastore queries and catalogue search
(``DATABASE_REPLICA_URL``; docs/operations.md).

A block under :func:`replica_reads` runs every query of this thread on the ``replica`` connection —
the ORM's and the raw SQL of the datastore alike, since both ask ``connections["default"]``: for the
block, this thread's ``default`` *is* the replica's connection; the primary's comes back on the way
out. Nothing else reads the replica, and nothing ever writes to it.

A replica lags (streaming replication: usually milliseconds, seconds under load). Reads that must see
their own writes stay on the primary: for ``REPLICA_LAG_SECONDS`` after a person's write
(a request with an unsafe method, signed in or with a token), :class:`ReplicaPinMiddleware` sends their
reads to the primary, in every app server (the pin is in the shared cache). Anyone else may see a
change up to the replica's lag late, which the search pages and the datastore API tolerate (they are
not read to decide a write)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("ouvert_replica_pinned", default=False)
F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and bool(settings.REPLICA_READS)


def _pin_key(user_id: Any) -> str:
    return f"ouvert:replica-pin:{user_id}"


@contextlib.contextmanager
def replica_reads() -> Iterator[str]:
    """Run the block's queries on the replica when one is configured, the primary is not inside a
    transaction (its reads must see its writes) and the person is not pinned; yields the alias used."""
    primary = connections[DEFAULT_DB_ALIAS]
    if not replica_configured() or _pinned.get() or primary.in_atomic_block \
            or getattr(connections._connections, "_ouvert_primary", None) is not None:  # type: ignore[attr-defined]
        yield DEFAULT_DB_ALIAS
        return
    local = connections._connections  # type: ignore[attr-defined]
    local._ouvert_primary = primary
    setattr(local, DEFAULT_DB_ALIAS, connections[REPLICA])
    try:
        yield REPLICA
    finally:
        setattr(local, DEFAULT_DB_ALIAS, primary)
        local._ouvert_primary = None


def on_replica(function: F) -> F:
    """Decorator: the function's reads under :func:`replica_reads`."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaPinMiddleware:
    """After a write by a person (signed in or with a token), their reads go to the primary for
    ``REPLICA_LAG_SECONDS``; before that, the request is marked pinned if such a write is recent."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if not replica_configured():
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        token = _pinned.set(bool(user_id and cache.get(_pin_key(user_id))))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        user = getattr(request, "user", None)  # a token may have signed the request in on the way
        if request.method not in SAFE_METHODS and user is not None and user.is_authenticated:
            cache.set(_pin_key(user.pk), 1, int(settings.REPLICA_LAG_SECONDS))
        return response
