"""API tokens in the ``Authorization`` header (``Authorization: <token>`` as CKAN clients send it,
or ``Authorization: Bearer <token>``) authenticate the request as the token's user.

A request authenticated by a token is exempt from CSRF checks: browsers never attach that header
on their own, so a forged cross-site request cannot carry it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import token_authenticate
from .typing import OuvertHttpRequest


def token_from_header(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    header = header.strip()
    if not header:
        return None
    if header.lower().startswith(("bearer ", "token ")):
        header = header.split(None, 1)[1]
    return header.strip() or None


class ApiTokenUserMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OuvertHttpRequest) -> HttpResponse:
        secret = token_from_header(request)
        request.api_token_invalid = False
        if secret:
            user = token_authenticate(secret)
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True
                request.authenticated_by_token = True
            else:
                request.api_token_invalid = True
        return self.get_response(request)
