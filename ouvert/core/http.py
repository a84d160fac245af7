"""HTTP helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """``target`` when it is a path or URL on this site (same host, an HTTPS URL on an HTTPS request),
    else ``default``: a ``next`` parameter never sends anyone to another site."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default
