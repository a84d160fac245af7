"""People. Nobody has a public profile: ``user_show`` answers the person themselves, site
administrators and the administrators of an organization the person belongs to; anyone else gets
Not Found, the same answer as for an account that does not exist. There is no ``user_list``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ouvert.core.selectors import user_get_for

from . import errors
from .dictize import user_dict
from .params import required_id
from .registry import Context


def user_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A person's profile by ``id`` (their public name), for themselves, site administrators and the
    administrators of their organizations; the e-mail only to themselves and site administrators.
    Site administrators may also look a person up by e-mail address."""
    ref = required_id(data)
    user = user_get_for(viewer=context.user if context.is_authenticated else None, ref=ref)
    if user is None:
        raise errors.NotFound(_("utilisateur « %(ref)s »") % {"ref": ref})
    return user_dict(user, context)
