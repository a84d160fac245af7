"""The consultations' part of the access model (:mod:`ouvert.core.access`): who may read a
consultation (kind ``consultation``, keyed by its primary key) and its stored files. A consultation
is public once published; before, only its organization's members and site administrators read
it. Its documents are public once it is published; a brief once its consultation is published and
while moderation has not hidden it; a file attached to an answer is never public (only the
organizing organization's members, for analysis)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable
from typing import Any

from django.db.models import Q, QuerySet

from ouvert.core import access
from ouvert.core.access import Standing

from .models import Answer, Brief, Consultation, Document


def consultation_standing(consultation: Consultation) -> Standing:
    """The standing of a consultation already loaded (no query)."""
    return Standing(organization_id=consultation.organization_id, public=consultation.published_at is not None)


class ConsultationPolicy:
    kind = "consultation"

    def normalize(self, key: Any) -> Hashable | None:
        try:
            return int(key)
        except (TypeError, ValueError):
            return None

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Consultation.objects.filter(pk__in=list(keys)).values_list("pk", "organization_id", "published_at")
        return {pk: Standing(organization_id=org_id, public=published is not None) for pk, org_id, published in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Consultation.objects.all()
        if organization_ids is not None:
            rows = rows.filter(Q(published_at__isnull=False) | Q(organization_id__in=list(organization_ids)))
        return rows.values_list("pk", flat=True)


def document_file_standing(name: str) -> Standing | None:
    row = Document.objects.filter(file=name).values_list("consultation__organization_id",
                                                         "consultation__published_at").first()
    if row is None:
        return None
    return Standing(organization_id=row[0], public=row[1] is not None)


def brief_file_standing(name: str) -> Standing | None:
    row = Brief.objects.filter(file=name).values_list("consultation__organization_id",
                                                      "consultation__published_at", "hidden").first()
    if row is None:
        return None
    return Standing(organization_id=row[0], public=row[1] is not None and not row[2])


def answer_file_standing(name: str) -> Standing | None:
    organization_id = (Answer.objects.filter(file=name)
                       .values_list("participation__consultation__organization_id", flat=True).first())
    if organization_id is None:
        return None
    return Standing(organization_id=organization_id, public=False)


def register() -> None:
    access.register(ConsultationPolicy())
    access.register_files("consultations/documents/", document_file_standing)
    access.register_files("consultations/briefs/", brief_file_standing)
    access.register_files("consultations/answers/", answer_file_standing)
