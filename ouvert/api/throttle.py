"""Rate limits on API writes, counted twice: per caller (token or account) and per client address.

Builds on :mod:`ouvert.core.ratelimit`; limits are ``settings.RATE_LIMITS["api_write"]`` (per
caller) and ``["api_write_ip"]`` (per client address, :func:`ouvert.core.ratelimit.client_address`)."""

from __future__ import annotations

from django.http import HttpRequest

from ouvert.core.ratelimit import address_key, rate_limit_hit


def _hit_address(request: HttpRequest, scope: str) -> int | None:
    return rate_limit_hit(request, scope, key=address_key(request))


def write_throttle(request: HttpRequest) -> int | None:
    """Count one write; the seconds to wait if either limit is exceeded, else ``None``."""
    waits = [w for w in (rate_limit_hit(request, "api_write"), _hit_address(request, "api_write_ip"))
             if w is not None]
    return max(waits) if waits else None
