"""Native API for organizations and the current user."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from ouvert.core.api_auth import token_auth
from ouvert.core.cursors import cursor_decode, cursor_encode

from . import permissions, selectors, services
from .models import Organization, OrganizationKind, Role
from .typing import TokenHttpRequest

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: str
    slug: str
    kind: OrganizationKind
    name_fr: str
    name_en: str
    acronym: str
    description_fr: str
    description_en: str
    website: str
    logo_url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_id(obj: Organization) -> str:
        return str(obj.id)

    @staticmethod
    def resolve_logo_url(obj: Organization) -> str | None:
        return obj.logo.url if obj.logo else None


class OrganizationPage(Schema):
    count: int
    next_cursor: str | None = Field(None, description="Passez-le en `cursor` pour la page suivante.")
    results: list[OrganizationOut]


class OrganizationFilters(Schema):
    kind: OrganizationKind | None = None
    q: str | None = Field(None, description="Texte cherché dans le nom ou le sigle.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=500)


class MemberOut(Schema):
    email: str
    full_name: str
    role: Role
    is_open_gov_contact: bool


class MemberIn(Schema):
    email: str
    role: Role
    is_open_gov_contact: bool = False


class MeOut(Schema):
    email: str
    full_name: str
    is_site_admin: bool
    organizations: list[dict]


@router.get("/organizations", response=OrganizationPage, summary="Lister les organisations")
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]):
    qs = selectors.organization_list(kind=filters.kind, q=filters.q).order_by("slug")
    count = qs.count()
    if filters.cursor:
        qs = qs.filter(slug__gt=cursor_decode(filters.cursor))
    rows = list(qs[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {"count": count, "next_cursor": cursor_encode(rows[-1].slug) if more else None, "results": rows}


@router.get("/organizations/{slug}", response=OrganizationOut, summary="Une organisation")
def organization_show(request: HttpRequest, slug: str):
    return get_object_or_404(Organization, slug=slug)


@router.get("/organizations/{slug}/members", response=list[MemberOut], auth=token_auth,
            summary="Membres d'une organisation (administrateurs de l'organisation)")
def organization_members(request: TokenHttpRequest, slug: str):
    organization = get_object_or_404(Organization, slug=slug)
    permissions.check_manage_organization(request.auth, organization)
    return [MemberOut(email=m.user.email, full_name=m.user.full_name, role=Role(m.role),
                      is_open_gov_contact=m.is_open_gov_contact)
            for m in selectors.organization_members(organization=organization)]


@router.post("/organizations/{slug}/members", response=MemberOut, auth=token_auth,
             summary="Ajouter un membre ou changer son rôle")
def organization_member_set(request: TokenHttpRequest, slug: str, payload: MemberIn):
    organization = get_object_or_404(Organization, slug=slug)
    membership = services.membership_set(organization=organization, by=request.auth, email=payload.email,
                                         role=payload.role, is_open_gov_contact=payload.is_open_gov_contact)
    return MemberOut(email=membership.user.email, full_name=membership.user.full_name,
                     role=Role(membership.role), is_open_gov_contact=membership.is_open_gov_contact)


@router.get("/me", response=MeOut, auth=token_auth, tags=["users"], summary="Le compte du jeton")
def me(request: TokenHttpRequest):
    user = request.auth
    return MeOut(
        email=user.email, full_name=user.full_name, is_site_admin=permissions.is_site_admin(user),
        organizations=[{"slug": m.organization.slug, "role": m.role}
                       for m in user.memberships.select_related("organization")],
    )
