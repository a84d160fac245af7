"""Who may do what with plans (built on :mod:`ouvert.core.permissions`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, OrganizationKind, User
from ouvert.core.permissions import can_edit_in_organization, is_site_admin

from .models import Milestone, Plan


def can_manage_plan(user: User | None, plan: Plan) -> bool:
    """Editors and administrators of the plan's organization (the coordinating body)."""
    return can_edit_in_organization(user, plan.organization)


def can_post_progress(user: User | None, milestone: Milestone) -> bool:
    """Editors and administrators of the milestone's responsible body."""
    return can_edit_in_organization(user, milestone.responsible_body)


def can_rate_for(user: User | None, organization: Organization) -> bool:
    """An independent rating comes from an editor of a civil-society organization (or a site
    administrator recording the IRM's)."""
    if is_site_admin(user):
        return True
    return organization.kind == OrganizationKind.CIVIL_SOCIETY and can_edit_in_organization(user, organization)


def check_manage_plan(user: User | None, plan: Plan) -> None:
    if not can_manage_plan(user, plan):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation responsable du plan peuvent faire cela."))


def check_post_progress(user: User | None, milestone: Milestone) -> None:
    if not can_post_progress(user, milestone):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme responsable du jalon peuvent publier "
                                 "son avancement."))


def check_rate_for(user: User | None, organization: Organization) -> None:
    if not can_rate_for(user, organization):
        raise PermissionDenied(_("Seuls les éditeurs d'une organisation de la société civile peuvent "
                                 "publier une évaluation indépendante."))


def can_edit_in(user: User | None, organization: Organization) -> bool:
    return can_edit_in_organization(user, organization)
