"""The reusable-solutions catalogue (writes and reads): an accepted delivery enters it from its
publiccode.yml (:func:`solution_from_delivery`, called by the acceptance service); a public body's
editors declare that it uses a solution (:func:`solution_use_declare`), so reuse is measured."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.bounds import INT64_MAX
from ouvert.core.models import Organization
from ouvert.core.permissions import check_edit_in_organization

from . import publiccode
from .models import Call, Delivery, Solution, SolutionUse
from .permissions import check_person


def _description(data: dict[str, Any]) -> tuple[str, str]:
    descriptions = data.get("description") or {}
    chosen: dict[str, Any] = descriptions.get("fr") or descriptions.get("en") or next(iter(descriptions.values()), {})
    return str(chosen.get("shortDescription", ""))[:150], str(chosen.get("longDescription", ""))[:10000]


def solution_from_delivery(*, call: Call, delivery: Delivery, by: Actor) -> Solution:
    """Enter (or refresh) the solution of an accepted delivery; its publiccode.yml must be valid."""
    report = publiccode.validate(delivery.publiccode)
    if not report.valid:
        raise ValidationError(_("Le publiccode.yml du livrable n'est pas valide."))
    short, long = _description(report.data)
    solution, created = Solution.objects.update_or_create(call=call, defaults={
        "name": str(report.data["name"])[:100], "short_description": short, "long_description": long,
        "url": str(report.data["url"])[:500], "licence": str(report.data["legal"]["license"])[:200],
        "development_status": str(report.data["developmentStatus"])[:20], "publiccode": delivery.publiccode,
        "funded_by": call.organization})
    SolutionUse.objects.get_or_create(solution=solution, organization=call.organization,
                                      defaults={"referent": call.created_by})
    audit_record(actor=by, action="procurement.solution.create" if created else "procurement.solution.update",
                 obj=solution, organization=call.organization, changes={"name": solution.name})
    return solution


@transaction.atomic
def solution_use_declare(*, solution: Solution, organization: Organization, by: Actor) -> SolutionUse:
    person = check_person(by)
    check_edit_in_organization(person, organization)
    use, created = SolutionUse.objects.get_or_create(solution=solution, organization=organization,
                                                     defaults={"referent": person})
    if not created:
        raise ValidationError(_("%(body)s déclare déjà utiliser cette solution.") % {"body": organization.name})
    audit_record(actor=by, action="procurement.solution.use", obj=use, organization=organization,
                 label=f"{solution.name} — {organization.name}")
    return use


def solutions_list() -> QuerySet[Solution]:
    return Solution.objects.select_related("funded_by").annotate(n_users=Count("uses")).order_by("name")


def solution_get(*, pk: object) -> Solution:
    try:
        number = int(str(pk))
    except ValueError:
        number = 0
    solution = (Solution.objects.select_related("funded_by", "call").filter(pk=number).first()
                if 0 < number <= INT64_MAX else None)
    if solution is None:
        raise Http404
    return solution


def solution_users(*, solution: Solution) -> list[SolutionUse]:
    return list(solution.uses.select_related("organization", "referent").order_by("declared_at"))
