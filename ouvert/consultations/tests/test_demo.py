"""The demo's consultations: a dozen, every phase, several kinds of bodies, added once."""

from __future__ import annotations

import pytest

from ouvert.consultations.demo_more import PLANNED, demo_load_more
from ouvert.consultations.models import Consultation
from ouvert.core.demo import _core_load

pytestmark = pytest.mark.django_db


def test_demo_consultations_cover_every_phase_and_kind_of_body(client):
    _core_load()
    assert demo_load_more() == len(PLANNED)
    assert demo_load_more() == 0  # idempotent
    consultations = list(Consultation.objects.select_related("organization"))
    assert {c.phase for c in consultations} == {"information", "participation", "analysis", "results"}
    assert {c.organization.kind for c in consultations} == {"ministry", "public_body", "municipality",
                                                             "civil_society"}
    closed = [c for c in consultations if c.phase in ("analysis", "results")]
    assert all(c.participations.filter(submitted_at__isnull=False).exists() for c in closed)
    listing = client.get("/fr/consultations/").content.decode()
    assert all(c.title.replace("'", "&#x27;") in listing for c in consultations)
