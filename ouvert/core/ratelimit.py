"""Fixed-window rate limits on public writes, keyed by a hash of the client address (never stored)."""

from __future__ import annotations

import hashlib
import time

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
