"""Authentication for the native API: the token middleware has already resolved the user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader


class TokenAuth(APIKeyHeader):
    """``Authorization: <token>`` or ``Authorization: Bearer <token>`` (see ``ouvert token create``)."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None):
        if getattr(request, "authenticated_by_token", False):
            return request.user
        return None


token_auth = TokenAuth()
