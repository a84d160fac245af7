"""Who may do what in the open-access app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ouvert.core.actors import Actor, is_system
from ouvert.core.models import User
from ouvert.core.permissions import can_edit_in_organization, is_site_admin

from .models import Funder, Publication


def can_declare(user: Actor | None) -> bool:
    """Any signed-in person may declare an article (researchers and their institution's staff)."""
    return is_system(user) or (user is not None and user.is_authenticated and user.is_active)


def can_manage_funder(user: Actor | None, funder: Funder) -> bool:
    if is_system(user):
        return True
    return user is not None and user.is_authenticated and can_edit_in_organization(user, funder.organization)


def can_edit_publication(user: Actor | None, publication: Publication) -> bool:
    if is_system(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active or publication.deleted_at is not None:
        return False
    if is_site_admin(user) or publication.declared_by_id == user.pk:
        return True
    funders = Funder.objects.filter(grants__publication_links__publication=publication).select_related("organization")
    return any(can_edit_in_organization(user, funder.organization) for funder in funders)


def can_manage_policies(user: Actor | None) -> bool:
    return is_system(user) or (isinstance(user, User) and is_site_admin(user))


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Vous n'avez pas la permission de faire cela."))
