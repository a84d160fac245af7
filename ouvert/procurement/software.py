"""The free-software catalogue (commitment 5, on the model of France's SILL): writes and reads.

An entry is created and refreshed by importing a publiccode.yml (:func:`software_import`), checked
by the same validator as deliveries (:mod:`.publiccode`). An invalid import changes nothing but
``import_errors``, which the maintainer sees key by key: the last valid version stays in place.
:func:`software_export` writes the entry back as a publiccode.yml that imports unchanged. Public
bodies declare that they use an entry, naming one person (user or referent) per body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ouvert.core import access
from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization, User
from ouvert.core.permissions import check_edit_in_organization, is_member_of

from . import publiccode
from .models import Call, Delivery, Software, SoftwareRole, SoftwareUse
from .permissions import check_buy, check_person

__all__ = ["ImportResult", "SoftwareExtras", "software_export", "software_from_delivery", "software_get_for",
           "software_import", "software_list", "software_use_declare", "software_users"]

KIND = "procurement_software"


@dataclass(frozen=True)
class SoftwareExtras:
    """What the catalogue adds to publiccode.yml (kept by the maintainer, not in the file)."""

    similar_products: str = ""
    support_providers: str = ""
    in_support_contract: bool = False
    from_quebec_body: bool = False
    accessible: bool = False


@dataclass(frozen=True)
class ImportResult:
    software: Software | None
    errors: list[dict[str, Any]]

    @property
    def valid(self) -> bool:
        return not self.errors


def _description(data: dict[str, Any]) -> tuple[str, str]:
    descriptions = data.get("description") or {}
    chosen: dict[str, Any] = descriptions.get("fr") or descriptions.get("en") or next(iter(descriptions.values()), {})
    return str(chosen.get("shortDescription", "")).strip()[:150], str(chosen.get("longDescription", "")).strip()


def _category(data: dict[str, Any]) -> str:
    categories = data.get("categories")
    if isinstance(categories, list) and categories:
        return str(categories[0])[:60]
    return ""


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    short, long = _description(data)
    return {"name": str(data["name"]).strip()[:100], "url": str(data["url"]).strip()[:500],
            "licence": str(data["legal"]["license"]).strip()[:200], "short_description": short,
            "long_description": long, "category": _category(data)}


@transaction.atomic
def software_import(*, text: str, organization: Organization, by: Actor, software: Software | None = None,
                    extras: SoftwareExtras | None = None) -> ImportResult:
    """Create (``software`` None) or refresh an entry from a publiccode.yml.

    Invalid: nothing is created; an existing entry keeps its last valid version and records the
    errors. Valid: the entry takes the file's fields and the file itself; errors are cleared."""
    person = check_person(by)
    target = software.organization if software is not None else organization
    check_edit_in_organization(person, target)
    report = publiccode.validate(text)
    if not report.valid:
        if software is not None:
            software.import_errors = report.errors
            software.save(update_fields=["import_errors", "updated_at"])
            audit_record(actor=by, action="procurement.software.import_refused", obj=software,
                         organization=target, changes={"errors": len(report.errors)})
        return ImportResult(software=software, errors=report.errors)
    fields = _fields(report.data)
    created = software is None
    entry = software if software is not None else Software(organization=organization)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.publiccode = text
    entry.import_errors = []
    if extras is not None:
        for name in ("similar_products", "support_providers", "in_support_contract", "from_quebec_body",
                     "accessible"):
            setattr(entry, name, getattr(extras, name))
    entry.full_clean(exclude=["organization"])
    entry.save()
    audit_record(actor=by, action="procurement.software.create" if created else "procurement.software.update",
                 obj=entry, organization=target, changes={"name": entry.name, "licence": entry.licence})
    return ImportResult(software=entry, errors=[])


def software_from_delivery(*, call: Call, delivery: Delivery, by: Actor) -> Software:
    """Enter (or refresh) the catalogue entry of an accepted delivery, from its validated publiccode.yml.

    Called by the acceptance service, in its transaction. The entry is the call's if it has one;
    else the buying body's entry for the same code address (imported before, not yet tied to a
    call); else a new one, published and maintained by the buying body. It is linked to the call
    and the delivery, and the buying body is recorded as its user (the call's buyer as referent).
    The catalogue's own fields (similar products, support, prerogatives) are left as they were."""
    check_buy(by, call)
    report = publiccode.validate(delivery.publiccode)
    if not report.valid:
        raise ValidationError(_("Le publiccode.yml du livrable n'est pas valide."))
    fields = _fields(report.data)
    entry = Software.objects.filter(call=call).first()
    if entry is None:
        entry = Software.objects.filter(organization=call.organization, url=fields["url"], call__isnull=True).first()
    created = entry is None
    if entry is None:
        entry = Software(organization=call.organization)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.publiccode = delivery.publiccode
    entry.import_errors = []
    entry.call = call
    entry.delivery = delivery
    entry.published = True
    entry.full_clean(exclude=["organization", "call", "delivery"])
    entry.save()
    SoftwareUse.objects.get_or_create(software=entry, organization=call.organization,
                                      defaults={"person": call.created_by, "role": SoftwareRole.REFERENT})
    audit_record(actor=by, action="procurement.software.create" if created else "procurement.software.update",
                 obj=entry, organization=call.organization,
                 changes={"name": entry.name, "licence": entry.licence, "call": call.pk})
    return entry


def software_export(*, software: Software) -> str:
    """The entry as a publiccode.yml: the last valid file, its keys set to the entry's fields.

    Importing the result gives back the same fields, and exporting again the same text."""
    data: dict[str, Any] = yaml.safe_load(software.publiccode) or {}
    data["name"] = software.name
    data["url"] = software.url
    data.setdefault("legal", {})["license"] = software.licence
    descriptions = data.setdefault("description", {})
    lang = "fr" if "fr" in descriptions else next(iter(descriptions), "fr")
    chosen = descriptions.setdefault(lang, {})
    chosen["shortDescription"] = software.short_description
    chosen["longDescription"] = software.long_description
    if software.category:
        categories = [c for c in data.get("categories") or [] if c != software.category]
        data["categories"] = [software.category, *categories]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@transaction.atomic
def software_use_declare(*, software: Software, organization: Organization, role: str, by: Actor) -> SoftwareUse:
    """A member of ``organization`` declares that it uses the software, answering for it as ``role``."""
    person = check_person(by)
    if not is_member_of(person, organization):
        raise PermissionDenied(_("Seuls les membres de « %(org)s » peuvent déclarer son utilisation.")
                               % {"org": organization.name})
    if role not in SoftwareRole.values:
        raise ValidationError(_("Choisissez votre rôle : utilisateur ou référent."))
    use, created = SoftwareUse.objects.get_or_create(software=software, organization=organization,
                                                     defaults={"person": person, "role": role})
    if not created:
        raise ValidationError(_("%(body)s déclare déjà utiliser ce logiciel.") % {"body": organization.name})
    audit_record(actor=by, action="procurement.software.use", obj=use, organization=organization,
                 label=f"{software.name} — {organization.name}")
    return use


@dataclass(frozen=True)
class SoftwareFilters:
    q: str = ""
    category: str = ""
    licence: str = ""
    prerogative: str = ""
    organization: str = ""


PREROGATIVES = ("in_support_contract", "from_quebec_body", "accessible")


def software_list(*, user: User | None, filters: SoftwareFilters | None = None) -> QuerySet[Software]:
    """The entries ``user`` may read, filtered, with their number of user bodies."""
    f = filters or SoftwareFilters()
    rows = Software.objects.filter(pk__in=access.readable_keys(user, KIND))
    if f.q:
        rows = rows.filter(Q(name__icontains=f.q) | Q(short_description__icontains=f.q)
                           | Q(similar_products__icontains=f.q))
    if f.category:
        rows = rows.filter(category=f.category)
    if f.licence:
        rows = rows.filter(licence=f.licence)
    if f.prerogative in PREROGATIVES:
        rows = rows.filter(**{f.prerogative: True})
    if f.organization:
        rows = rows.filter(uses__organization__slug=f.organization)
    return rows.select_related("organization").annotate(n_users=Count("uses", distinct=True)).order_by("name")


def software_facets(*, user: User | None) -> tuple[list[str], list[str]]:
    """The categories and licences among the entries ``user`` may read (for the filters)."""
    rows = Software.objects.filter(pk__in=access.readable_keys(user, KIND))
    categories = sorted({c for c in rows.values_list("category", flat=True) if c})
    licences = sorted(set(rows.values_list("licence", flat=True)))
    return categories, licences


def software_get_for(*, user: User | None, pk: object) -> Software:
    access.check_read(user, KIND, pk, not_found=Http404)
    return Software.objects.select_related("organization", "call", "delivery").get(pk=int(str(pk)))


def software_of_call(*, user: User | None, call: Call) -> Software | None:
    """The catalogue entry that came from this call's accepted delivery, when ``user`` may read it."""
    return Software.objects.filter(call=call, pk__in=access.readable_keys(user, KIND)).first()


def software_users(*, software: Software) -> list[SoftwareUse]:
    return list(software.uses.select_related("organization", "person").order_by("declared_at"))
