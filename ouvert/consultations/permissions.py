"""Who may organize, take part and moderate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ouvert.core.models import User
from ouvert.core.permissions import can_edit_in_organization, check_edit_in_organization, is_site_admin

from .models import Consultation, Phase


def can_organize(user: User | None, consultation: Consultation) -> bool:
    """Editors and admins of the owning organization (and site admins)."""
    return can_edit_in_organization(user, consultation.organization)


def check_organize(user: User | None, consultation: Consultation) -> None:
    check_edit_in_organization(user, consultation.organization)


def can_view(user: User | None, consultation: Consultation) -> bool:
    """Asked of the access model: published, or the reader belongs to the organizing organization."""
    from ouvert.core.access import may_read_standing

    from .access import consultation_standing

    return may_read_standing(user, consultation_standing(consultation))


def check_participation_open(consultation: Consultation) -> None:
    if consultation.phase != Phase.PARTICIPATION:
        raise PermissionDenied(_("La participation à cette consultation n'est pas ouverte en ce moment."))


def check_signed_in(user: User | None) -> None:
    if not user or not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour faire cela."))


def can_moderate(user: User | None, consultation: Consultation) -> bool:
    return is_site_admin(user) or can_organize(user, consultation)
