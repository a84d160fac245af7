"""Organizations: list, show, create, update, add members — through ``ouvert.core.services``."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext as _

from ouvert.core import permissions, services
from ouvert.core.models import AuditEntry, Organization, OrganizationKind, Role, User
from ouvert.core.read_model import organization_view

from . import errors
from .bridge import package_counts
from .dictize import member_dict, organization_dict, user_dict
from .params import as_bool, as_int, as_list, as_str, required, required_id
from .registry import Context

LIST_MAX = 1000
SORT_FIELDS = {"name": "slug", "title": "name_fr", "package_count": "package_count"}
DEFAULT_KIND = OrganizationKind.PUBLIC_BODY
CKAN_ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "member": Role.MEMBER}


def get_organization(ref: str) -> Organization:
    """An organization by id or name (slug)."""
    try:
        org = Organization.objects.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        org = None
    org = org or Organization.objects.filter(slug=ref).first()
    if org is None:
        raise errors.NotFound(_("organisation « %(ref)s »") % {"ref": ref})
    return org


def get_user(ref: str) -> User:
    """A user by public name (numeric id) or e-mail address, for write actions only, once the caller
    has been found to manage the organization (a lookup is otherwise an existence oracle)."""
    user = None
    if ref.isdigit():
        user = User.objects.filter(pk=int(ref), is_active=True).first()
    elif "@" in ref:
        user = User.objects.filter(email__iexact=ref, is_active=True).first()
    if user is None:
        raise errors.NotFound(_("utilisateur « %(ref)s »") % {"ref": ref})
    return user


def _sort(value: str) -> tuple[str, bool]:
    parts = value.strip().split()
    if not parts or parts[0] not in SORT_FIELDS or len(parts) > 2 or (
            len(parts) == 2 and parts[1].lower() not in {"asc", "desc"}):
        raise errors.ValidationError({"sort": [_("Tri impossible sur « %(s)s » : utilisez name, title ou "
                                                 "package_count, suivi de asc ou desc.") % {"s": value}]})
    return parts[0], len(parts) == 2 and parts[1].lower() == "desc"


def organization_list(context: Context, data: dict[str, Any]) -> list:
    """The organizations' names, or their dictionaries with ``all_fields``."""
    all_fields = as_bool(data, "all_fields", False)
    include_count = as_bool(data, "include_dataset_count", True)
    field, descending = _sort(as_str(data, "sort") or as_str(data, "order_by") or "title asc")
    limit = as_int(data, "limit", LIST_MAX, maximum=LIST_MAX)
    offset = as_int(data, "offset", 0)
    qs = Organization.objects.all()
    q = as_str(data, "q").strip()
    if q:
        qs = qs.filter(Q(slug__icontains=q) | Q(name_fr__icontains=q) | Q(name_en__icontains=q)
                       | Q(acronym__icontains=q))
    names = as_list(data, "organizations")
    if names is not None:
        qs = qs.filter(slug__in=[str(n) for n in names])
    orgs = list(qs)
    counts = package_counts([o.pk for o in orgs], context) if (include_count or field == "package_count") else {}
    key = {"name": lambda o: o.slug, "title": lambda o: (o.name_fr.casefold(), o.slug),
           "package_count": lambda o: (counts.get(str(o.pk), 0), o.slug)}[field]
    orgs.sort(key=key, reverse=descending)
    orgs = orgs[offset:offset + limit]
    if not all_fields:
        return [o.slug for o in orgs]
    return [organization_dict(organization_view(o), context,
                              package_count=counts.get(str(o.pk), 0) if include_count else None) for o in orgs]


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One organization, by ``id`` or name; its members for those who manage it."""
    org = get_organization(required_id(data))
    counts = package_counts([org.pk], context) if as_bool(data, "include_dataset_count", True) else None
    result = organization_dict(organization_view(org), context,
                               package_count=None if counts is None else counts.get(str(org.pk), 0))
    # CKAN's organization_show keys; an organization has no extras, sub-groups or tags here.
    result.update(extras=[], groups=[], tags=[])
    if as_bool(data, "include_users", True):
        # Members are shown to those who manage the organization only (nobody has a public profile).
        manages = context.user is not None and permissions.can_manage_organization(context.user, org)
        result["users"] = [
            {**user_dict(m.user, context), "capacity": m.role}
            for m in org.memberships.select_related("user").order_by("user__pk")
        ] if manages else []
    if as_bool(data, "include_datasets", False):
        from .bridge import catalog_installed

        if catalog_installed():
            from .packages_read import organization_packages

            result["packages"] = organization_packages(org, context)
        else:
            result["packages"] = []
    return result


def _translated(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.ValidationError({key: [_("Objet attendu, par exemple {\"fr\": \"…\", \"en\": \"…\"}.")]})
    return {lang: str(value[lang]) for lang in ("fr", "en") if value.get(lang) is not None}


def _fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Service keyword arguments from a CKAN organization dict (only the keys present)."""
    fields: dict[str, Any] = {}
    title = _translated(data, "title_translated")
    description = _translated(data, "description_translated")
    if "name" in data:
        fields["slug"] = as_str(data, "name").strip()
    if "title" in data or "fr" in title:
        fields["name_fr"] = title.get("fr") or as_str(data, "title")
    if "en" in title:
        fields["name_en"] = title["en"]
    if "description" in data or "fr" in description:
        fields["description_fr"] = description.get("fr", as_str(data, "description"))
    if "en" in description:
        fields["description_en"] = description["en"]
    for key in ("kind", "acronym", "website"):
        if key in data:
            fields[key] = as_str(data, key).strip()
    upload = data.get("image_upload")
    if isinstance(upload, UploadedFile):
        fields["logo"] = upload
    if creating:
        fields.setdefault("kind", DEFAULT_KIND)
        if not fields.get("name_fr"):
            fields["name_fr"] = fields.get("slug", "")
    return fields


def _apply_users(org: Organization, data: dict[str, Any], context: Context) -> None:
    """``users``: [{name, capacity}] adds people or changes their role; it never removes anyone."""
    users = data.get("users")
    if users in (None, ""):
        return
    if not isinstance(users, list):
        raise errors.ValidationError({"users": [_("Liste attendue.")]})
    for entry in users:
        if not isinstance(entry, dict) or not (entry.get("name") or entry.get("id")):
            raise errors.ValidationError({"users": [_("Chaque membre doit avoir un « name ».")]})
        user = get_user(str(entry.get("name") or entry.get("id")))
        role = CKAN_ROLES.get(str(entry.get("capacity") or "member"))
        if role is None:
            raise errors.ValidationError({"users": [_("Rôle inconnu : utilisez admin, editor ou member.")]})
        services.membership_set(organization=org, by=context.caller, email=user.email, role=role)


def _rekey(org: Organization, new_id: str) -> Organization:
    """Give a just-created organization the id it had on the portal it comes from (``ckanapi load``)."""
    try:
        wanted = uuid.UUID(str(new_id))
    except ValueError:
        raise errors.ValidationError({"id": [_("Identifiant UUID invalide.")]}) from None
    if wanted == org.pk:
        return org
    if Organization.objects.filter(pk=wanted).exists():
        raise errors.ValidationError({"id": [_("Cet identifiant est déjà utilisé.")]})
    old = org.pk
    Organization.objects.filter(pk=old).update(id=wanted)
    AuditEntry.objects.filter(organization_id=old).update(organization_id=wanted)
    AuditEntry.objects.filter(object_type="core.organization", object_id=str(old)).update(object_id=str(wanted))
    return Organization.objects.get(pk=wanted)


def organization_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create an organization (site administrators). ``name`` is required."""
    required(data, "name")
    org = services.organization_create(by=context.caller, **_fields(data, creating=True))
    if data.get("id"):
        org = _rekey(org, data["id"])
    _apply_users(org, data, context)
    return organization_show(context, {"id": str(org.pk)})


def organization_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change an organization (its administrators). Keys left out keep their value."""
    org = get_organization(required_id(data))
    fields = _fields(data, creating=False)
    if "slug" in fields and not fields["slug"]:
        fields.pop("slug")
    services.organization_update(organization=org, by=context.caller, **fields)
    _apply_users(org, data, context)
    return organization_show(context, {"id": str(org.pk)})


def organization_member_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a person to an organization, or change their role (``id``, ``username``, ``role``)."""
    org = get_organization(required_id(data))
    permissions.check_manage_organization(context.user, org)  # before the lookup: no existence oracle
    user = get_user(str(required(data, "username")))
    role = CKAN_ROLES.get(as_str(data, "role") or "member")
    if role is None:
        raise errors.ValidationError({"role": [_("Rôle inconnu : utilisez admin, editor ou member.")]})
    membership = services.membership_set(organization=org, by=context.caller, email=user.email, role=role)
    return member_dict(membership)
