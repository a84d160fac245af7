"""Authentication for the native API: the token middleware has already resolved the user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyHeader

from ouvert.core.models import User
from ouvert.core.typing import signed_in_user


class TokenAuth(APIKeyHeader):
    """``Authorization: <token>`` or ``Authorization: Bearer <token>`` (see ``ouvert token create``)."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if getattr(request, "authenticated_by_token", False):
            return signed_in_user(request)  # the token's user, set by the middleware
        return None


token_auth = TokenAuth()
