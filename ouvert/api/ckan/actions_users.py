"""People: public fields only."""

from __future__ import annotations

from typing import Any

from .actions_organizations import get_user
from .dictize import user_dict
from .params import required_id
from .registry import Context


def user_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A person's public profile by ``id`` (their public name); the e-mail only to themselves and
    site administrators."""
    return user_dict(get_user(required_id(data)), context)
