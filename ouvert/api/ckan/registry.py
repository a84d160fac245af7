"""What an action is, and what it receives."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ouvert.core.models import User

from .errors import NotAuthorized


@dataclass
class Context:
    """Who calls, from which request. ``user`` is ``None`` for anonymous calls."""

    request: HttpRequest | None
    user: User | None
    api_version: int = 3

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_authenticated

    @property
    def caller(self) -> User:
        """The signed-in caller, for write actions (the view already refuses anonymous writes)."""
        if self.user is None:
            raise NotAuthorized(_("cette action exige un jeton d'API (en-tête Authorization)"))
        return self.user

    def absolute(self, path: str) -> str:
        if self.request is None:  # background work (harvesting): the configured public address
            from django.conf import settings

            return settings.SITE_URL + path
        return self.request.build_absolute_uri(path)


Handler = Callable[[Context, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    """One entry of the action table.

    ``read`` actions have no side effect: they answer GET and POST and are open to CORS. Other
    actions answer POST only, need a signed-in caller (an API token) and count against the write
    rate limits. A read that runs a user's query names a ``throttle`` scope of
    ``settings.RATE_LIMITS`` (counted per caller), and anonymous calls of such reads share
    ``settings.API_ANONYMOUS_QUERY_SLOTS`` slots per process."""

    name: str
    handler: Handler
    read: bool
    params: dict[str, str] = field(default_factory=dict)
    throttle: str | None = None

    @property
    def help(self) -> str:
        doc = inspect.getdoc(self.handler) or ""
        if self.params:
            doc += "\n\n" + "\n".join(f":param {name}: {text}" for name, text in self.params.items())
        return doc
