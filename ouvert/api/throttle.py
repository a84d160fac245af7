"""Rate limits on API writes, counted twice: per caller (token or account) and per client address.

Builds on :mod:`ouvert.core.ratelimit`; limits are ``settings.RATE_LIMITS["api_write"]`` (per
caller) and ``["api_write_ip"]`` (per address)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from ouvert.core.ratelimit import rate_limit_hit


def _hit_address(request: HttpRequest, scope: str) -> int | None:
    limit, window = settings.RATE_LIMITS.get(scope, (600, 60))
    now = int(time.time())
    bucket = now // window
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    key = f"rl:{scope}:a{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return (bucket + 1) * window - now if count > limit else None


def write_throttle(request: HttpRequest) -> int | None:
    """Count one write; the seconds to wait if either limit is exceeded, else ``None``."""
    waits = [w for w in (rate_limit_hit(request, "api_write"), _hit_address(request, "api_write_ip"))
             if w is not None]
    return max(waits) if waits else None
