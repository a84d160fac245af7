"""Who may do what. Services call these; views only hide buttons with them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Organization, Role, User


def is_site_admin(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def role_in(user: User | None, organization: Organization) -> str | None:
    if not user or not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, organization=organization).only("role").first()
    return membership.role if membership else None


def can_manage_organization(user: User | None, organization: Organization) -> bool:
    """Organization admins and site admins manage an organization's details and members."""
    return is_site_admin(user) or role_in(user, organization) == Role.ADMIN


def can_edit_in_organization(user: User | None, organization: Organization) -> bool:
    """Editors act only inside their own organizations; admins too."""
    return is_site_admin(user) or role_in(user, organization) in {Role.ADMIN, Role.EDITOR}


def is_member_of(user: User | None, organization: Organization) -> bool:
    return is_site_admin(user) or role_in(user, organization) is not None


def can_view_audit(user: User | None, organization: Organization | None = None) -> bool:
    if is_site_admin(user):
        return True
    if organization is None:
        return bool(user and user.is_authenticated and
                    Membership.objects.filter(user=user, role=Role.ADMIN).exists())
    return can_manage_organization(user, organization)


def check_site_admin(user: User | None) -> None:
    if not is_site_admin(user):
        raise PermissionDenied(_("Réservé aux administrateurs du site."))


def check_manage_organization(user: User | None, organization: Organization) -> None:
    if not can_manage_organization(user, organization):
        raise PermissionDenied(
            _("Seuls les administrateurs de « %(org)s » peuvent faire cela.") % {"org": organization.name}
        )


def check_edit_in_organization(user: User | None, organization: Organization) -> None:
    if not can_edit_in_organization(user, organization):
        raise PermissionDenied(
            _("Seuls les éditeurs et administrateurs de « %(org)s » peuvent faire cela.")
            % {"org": organization.name}
        )
