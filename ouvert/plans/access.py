"""The plans' part of the access model (:mod:`ouvert.core.access`): a plan (kind ``plan``, keyed by
its primary key) is public once published; before, only its organization's members and site
administrators read it. Its commitments, milestones, updates, ratings and evidence documents
share its standing (``plans/evidence/`` files)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable
from typing import Any

from django.db.models import Q, QuerySet

from ouvert.core import access
from ouvert.core.access import PublishedPolicy, Standing

from .models import Meeting, Plan, ProgressUpdate


def plan_standing(plan: Plan) -> Standing:
    """The standing of a plan already loaded (no query)."""
    return Standing(organization_id=plan.organization_id, public=plan.published_at is not None)


class PlanPolicy(PublishedPolicy):
    kind = "plan"
    model = Plan


class MeetingPolicy:
    """A committee meeting (kind ``committee_meeting``): public once announced; its minutes are
    shown once published (before, to the coordinating organization's editors only)."""

    kind = "committee_meeting"

    def normalize(self, key: Any) -> Hashable | None:
        try:
            return int(key)
        except (TypeError, ValueError):
            return None

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Meeting.objects.filter(pk__in=list(keys)).values_list("pk", "committee__organization_id", "published_at")
        return {pk: Standing(organization_id=org_id, public=published is not None) for pk, org_id, published in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Meeting.objects.all()
        if organization_ids is not None:
            rows = rows.filter(Q(published_at__isnull=False) | Q(committee__organization_id__in=list(organization_ids)))
        return rows.values_list("pk", flat=True)


def evidence_file_standing(name: str) -> Standing | None:
    row = (ProgressUpdate.objects.filter(evidence_file=name)
           .values_list("milestone__commitment__plan__organization_id", "milestone__commitment__plan__published_at")
           .first())
    if row is None:
        return None
    return Standing(organization_id=row[0], public=row[1] is not None)


def register() -> None:
    access.register(PlanPolicy())
    access.register(MeetingPolicy())
    access.register_files("plans/evidence/", evidence_file_standing)
