"""CORS for read endpoints and rate limits on native API writes.

- Read endpoints (GET/HEAD on ``/api/v1/``, the linked-data documents, and the CKAN actions marked
  ``read`` whatever the method) answer any origin (``Access-Control-Allow-Origin: *``, no
  credentials); preflight ``OPTIONS`` requests for them are answered here. Write endpoints get no
  CORS header, so browsers keep other sites from calling them.
- Writes to the native API (POST, PUT, PATCH, DELETE under ``/api/v1/``) count against the per-caller
  and per-address limits of :func:`ouvert.core.ratelimit.write_throttle`; past them: ``429`` with ``Retry-After``.
  The CKAN-compatible API applies the same limits to its write actions itself."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core.ratelimit import write_throttle

SAFE = {"GET", "HEAD"}
NATIVE = "/api/v1/"
CKAN_ACTION = re.compile(r"^/+api/(?:3/)?action/([A-Za-z0-9_]+)/?$")
LINKED_DATA = re.compile(r"^/(?:catalog\.(?:ttl|jsonld|rdf)|dataset/[^/]+(?:\.(?:ttl|jsonld|rdf)|/datapackage\.json))$")
ALLOW_HEADERS = "Authorization, Content-Type, X-CKAN-API-Key"


def _ckan_read(path: str) -> bool:
    match = CKAN_ACTION.match(path)
    if not match:
        return False
    from .ckan.table import ACTIONS

    action = ACTIONS.get(match.group(1))
    return action is not None and action.read


def cors_methods(request: HttpRequest, method: str) -> str | None:
    """The methods allowed cross-origin for this path, if ``method`` is one of them."""
    path = request.path
    if _ckan_read(path):
        return "GET, POST, OPTIONS"
    if (path.startswith(NATIVE) or path == "/api/3" or LINKED_DATA.match(path)) and method in SAFE:
        return "GET, HEAD, OPTIONS"
    return None


def _body_has_nul(request: HttpRequest) -> bool:
    """NUL in a form field, a file name or a JSON string (PostgreSQL text cannot hold it)."""
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            fields = request.POST
            files = request.FILES
        except Exception:  # noqa: BLE001 — a malformed body is the view's to report
            return False
        return any("\x00" in key or any("\x00" in v for v in fields.getlist(key)) for key in fields) or any(
            "\x00" in (upload.name or "") for key in files for upload in files.getlist(key))
    try:
        return b"\\u0000" in request.body or b"\x00" in request.body and content_type.endswith("json")
    except Exception:  # noqa: BLE001 — body already consumed or too large: leave it to the view
        return False


class ApiCorsAndThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and ("\x00" in request.path or any(
                "\x00" in key or any("\x00" in value for value in request.GET.getlist(key))
                for key in request.GET)):
            # PostgreSQL cannot store or compare text holding NUL: refuse it here, for every endpoint.
            return JsonResponse({"detail": _("Caractère NUL (\\u0000) refusé dans l'adresse.")}, status=400)
        if request.path.startswith(NATIVE) and request.method not in SAFE | {"OPTIONS"} and _body_has_nul(request):
            return JsonResponse({"detail": _("Caractère NUL (\\u0000) refusé dans le corps de la requête.")},
                                status=400)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            methods = cors_methods(request, request.headers["Access-Control-Request-Method"].upper())
            response = HttpResponse(status=204 if methods else 403)
            if methods:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = methods
                response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response["Access-Control-Max-Age"] = "86400"
            return response
        if request.path.startswith(NATIVE) and request.method not in SAFE | {"OPTIONS"}:
            wait = write_throttle(request)
            if wait is not None:
                response = JsonResponse(
                    {"detail": ngettext("Trop de requêtes d'écriture. Réessayez dans %(s)s seconde.",
                                        "Trop de requêtes d'écriture. Réessayez dans %(s)s secondes.", wait)
                     % {"s": wait}},
                    status=429)
                response["Retry-After"] = str(wait)
                return response
        response = self.get_response(request)
        if cors_methods(request, request.method or ""):
            response["Access-Control-Allow-Origin"] = "*"
        return response
