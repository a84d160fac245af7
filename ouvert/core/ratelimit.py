"""Fixed-window rate limits on public writes and costly reads, keyed by the account or a hash of the
client address (never stored); and per-process concurrency slots for costly anonymous reads."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    address = request.META.get("REMOTE_ADDR", "")
    return "a" + hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]


def rate_limit_hit(request: HttpRequest, scope: str) -> int | None:
    """Count one hit for ``scope``; return the seconds to wait if the limit is exceeded, else None."""
    limit, window = settings.RATE_LIMITS.get(scope, (60, 60))
    now = int(time.time())
    bucket = now // window
    key = f"rl:{scope}:{client_key(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return (bucket + 1) * window - now
    return None


_slots_lock = threading.Lock()
_slots_taken: dict[str, int] = {}


@contextlib.contextmanager
def concurrency_slot(pool: str, limit: int) -> Iterator[bool]:
    """Hold one of ``limit`` slots of ``pool`` in this process for the block: yields True, or False
    without holding anything when every slot is taken (the caller answers 429). Per process: with
    several app servers, each has its own ``limit`` slots."""
    with _slots_lock:
        taken = _slots_taken.get(pool, 0)
        acquired = taken < limit
        if acquired:
            _slots_taken[pool] = taken + 1
    try:
        yield acquired
    finally:
        if acquired:
            with _slots_lock:
                _slots_taken[pool] -= 1
