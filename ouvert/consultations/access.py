"""The consultations' part of the access model (:mod:`ouvert.core.access`): who may read a
consultation (kind ``consultation``, keyed by its primary key) and its stored files. A consultation
is public once published; before, only its organization's members and site administrators read
it. Its documents are public once it is published; a brief once its consultation is published and
while moderation has not hidden it; a file attached to an answer is never public (only the
organizing organization's members, for analysis)."""

from __future__ import annotations

from ouvert.core import access
from ouvert.core.access import PublishedPolicy, Standing

from .models import Answer, Brief, Consultation, Document


def consultation_standing(consultation: Consultation) -> Standing:
    """The standing of a consultation already loaded (no query)."""
    return Standing(organization_id=consultation.organization_id, public=consultation.published_at is not None)


class ConsultationPolicy(PublishedPolicy):
    kind = "consultation"
    model = Consultation


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
