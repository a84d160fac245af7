"""Request types for the type checker (see docs/developing.md, "Type checking").

Django types ``request.user`` as ``User | AnonymousUser`` and knows nothing of the attributes our
middleware and django-ninja add. The domain layer takes ``User | None`` (``None``: nobody signed
in), so views and API operations say which kind of request they serve:

- ``AuthedHttpRequest``: a view behind ``login_required`` (or a check that redirects strangers);
  ``request.user`` is a ``User``.
- ``TokenHttpRequest``: a ninja operation behind ``token_auth``; ``request.auth`` (and
  ``request.user``) is the token's ``User``.
- ``signed_in_user(request)``: for pages and operations that serve everyone, the ``User`` or
  ``None``.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class OuvertHttpRequest(HttpRequest):
    """Any request once ``ApiTokenUserMiddleware`` has run."""

    api_token_invalid: bool  # an Authorization header named no live token
    authenticated_by_token: bool  # request.user comes from an API token (set only then)
    _dont_enforce_csrf_checks: bool  # read by CsrfViewMiddleware (set for token requests)


class AuthedHttpRequest(OuvertHttpRequest):
    user: User


class TokenHttpRequest(AuthedHttpRequest):
    auth: User


def signed_in_user(request: HttpRequest) -> User | None:
    """The signed-in person making ``request``, or ``None`` for an anonymous visitor."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None
