"""HTTP security headers of our own: a strict Content-Security-Policy on every HTML response.

Django 5.2 has no CSP of its own (6.0 will). The policy is one fixed string plus the basemap's tile
host, so a small middleware is simpler to read and to test than a dependency with its own settings
language. Django's ``SecurityMiddleware`` already sends ``X-Content-Type-Options: nosniff``,
``Referrer-Policy`` and ``Cross-Origin-Opener-Policy`` (settings in ``ouvert/settings/base.py``) and,
in production over HTTPS, HSTS. See docs/security.md.

A response that already carries a ``Content-Security-Policy`` (a downloaded file served with its own
sandbox policy, for instance) keeps it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def basemap_source(url: str) -> str | None:
    """The CSP source of a tile URL template: ``https://{s}.tile.example/{z}/{x}/{y}.png`` gives
    ``https://*.tile.example``; ``None`` when there is no usable basemap URL."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "tiles-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.replace("tiles-subdomain", "*")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy() -> str:
    images = ["'self'", "data:"]
    tiles = basemap_source(settings.OUVERT_BASEMAP_URL)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            # built per response (a few string joins) so that it follows the settings, as the maps do
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response
