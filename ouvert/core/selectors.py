"""Reads for people, organizations and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import ngettext

from . import permissions
from .models import AuditEntry, Membership, Organization, OrganizationKind, Role, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def organization_list(*, kind: str | None = None, q: str | None = None) -> QuerySet[Organization]:
    qs = Organization.objects.annotate(member_count=Count("memberships"))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name_fr__icontains=q) | Q(name_en__icontains=q) | Q(acronym__icontains=q))
    return qs.order_by("name_fr")


def organization_kind_count_label(kind: str, n: int) -> str:
    """What follows the number of organizations of a kind ("1 ministère", "12 ministères")."""
    labels = {
        OrganizationKind.MINISTRY: ngettext("ministère", "ministères", n),
        OrganizationKind.PUBLIC_BODY: ngettext("organisme public", "organismes publics", n),
        OrganizationKind.MUNICIPALITY: ngettext("municipalité", "municipalités", n),
        OrganizationKind.CIVIL_SOCIETY: ngettext("organisation de la société civile",
                                                 "organisations de la société civile", n),
    }
    return labels.get(OrganizationKind(kind), str(kind))


def organization_counts_by_kind() -> list[tuple[str, StrOrPromise, int]]:
    """(kind, label agreeing with the count, count) for every kind, in the enumeration's order."""
    counts = dict(Organization.objects.values_list("kind").annotate(n=Count("id")))
    return [(kind.value, organization_kind_count_label(kind.value, counts.get(kind.value, 0)),
             counts.get(kind.value, 0)) for kind in OrganizationKind]


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("role", "user__email")


def organization_open_gov_contacts(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.filter(is_open_gov_contact=True).select_related("user")


def user_get_for(*, viewer: User | None, ref: str) -> User | None:
    """The person ``ref`` names (public name, that is the numeric id; an e-mail address for site
    administrators only), if ``viewer`` may see their profile: themselves, site administrators, and
    the administrators of an organization the person belongs to. Nobody has a public profile, so
    anyone else gets ``None`` — the same answer whether the account exists or not."""
    ref = (ref or "").strip()
    if viewer is None or not viewer.is_authenticated:
        return None
    site_admin = permissions.is_site_admin(viewer)
    if ref.isdigit() and len(ref) < 19:
        user = User.objects.filter(pk=int(ref), is_active=True).first()
    elif "@" in ref and site_admin:
        user = User.objects.filter(email__iexact=ref, is_active=True).first()
    else:
        return None
    if user is None:
        return None
    if site_admin or user.pk == viewer.pk:
        return user
    managed = Membership.objects.filter(user=viewer, role=Role.ADMIN).values("organization_id")
    if Membership.objects.filter(user=user, organization_id__in=managed).exists():
        return user
    return None


def users_visible_to(*, viewer: User | None) -> QuerySet[User]:
    """The people whose profile ``viewer`` may see (as :func:`user_get_for` decides): everyone for site
    administrators, otherwise themselves and the members of the organizations they administer; nobody
    for an anonymous visitor (no one has a public profile)."""
    if viewer is None or not viewer.is_authenticated:
        return User.objects.none()
    active = User.objects.filter(is_active=True)
    if permissions.is_site_admin(viewer):
        return active
    managed = Membership.objects.filter(user=viewer, role=Role.ADMIN).values("organization_id")
    members = Membership.objects.filter(organization_id__in=managed).values("user_id")
    return active.filter(Q(pk=viewer.pk) | Q(pk__in=members))


def user_organizations(*, user: User, roles: list[str] | None = None) -> QuerySet[Organization]:
    if permissions.is_site_admin(user) and roles is not None:
        return Organization.objects.all()
    qs = Organization.objects.filter(memberships__user=user)
    if roles:
        qs = qs.filter(memberships__role__in=roles)
    return qs.distinct()


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def audit_list(*, viewer: User, organization: Organization | None = None, action: str = "",
               actor: str = "", date_from: dt.date | None = None,
               date_to: dt.date | None = None) -> QuerySet[AuditEntry]:
    """Audit entries the viewer may see: all for site admins, their organizations' for org admins."""
    qs = AuditEntry.objects.select_related("organization")
    if not permissions.is_site_admin(viewer):
        qs = qs.filter(organization__in=user_organizations(user=viewer, roles=[Role.ADMIN]))
    if organization is not None:
        qs = qs.filter(organization=organization)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
