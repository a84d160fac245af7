"""Fixtures for the consultations tests: an organizer and an open consultation with a survey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fast_anonymous(settings):
    settings.CONSULTATIONS_MIN_SECONDS_PER_PAGE = 0


@pytest.fixture
def org(make_org):
    return make_org("sct", name_fr="Secrétariat du Conseil du trésor", name_en="Treasury Board Secretariat")


@pytest.fixture
def organizer(make_user, make_member, org):
    user = make_user("organisatrice@exemple.qc.ca")
    make_member(user, org, "editor")
    return user


@pytest.fixture
def make_consultation(org, organizer):
    from ouvert.consultations import services

    def make(*, publish: bool = True, opens: int = -1, closes: int = 20, **fields):
        now = timezone.now()
        data = {
            "title": "Plan d'action pour un gouvernement ouvert",
            "summary": "Vos priorités pour le prochain plan.",
            "body": "Le **plan** compte cinq engagements. <script>alert(1)</script>",
            "topic": "governance", "region": "all", "contact_name": "Équipe", "contact_email": "go@exemple.qc.ca",
            "opens_at": now + dt.timedelta(days=opens), "closes_at": now + dt.timedelta(days=closes),
            "purpose_stated": True, "feedback_planned": True, "has_proposals": True, "has_discussion": True,
            "has_briefs": True, "consent_text": "Vos réponses servent à préparer le plan.",
        }
        data.update(fields)
        consultation = services.consultation_create(organization=org, by=organizer, **data)
        return consultation

    return make


@pytest.fixture
def survey(make_consultation, organizer):
    """An open consultation with two pages: a conditional question, a ranking, a grid, required items."""
    from ouvert.consultations import services

    c = make_consultation()
    q = {}
    q["used"] = services.question_create(consultation=c, by=organizer, kind="single", label="Déjà participé?",
                                         required=True, choices=["Oui", "Non"])
    q["how"] = services.question_create(consultation=c, by=organizer, kind="multiple", label="Comment?",
                                        choices=["En ligne", "En personne"], required=True,
                                        condition_question=q["used"], condition_value="Oui")
    q["rank"] = services.question_create(consultation=c, by=organizer, kind="ranking", label="Classez",
                                         choices=["Transparence", "Participation", "Innovation"])
    q["scale"] = services.question_create(consultation=c, by=organizer, kind="scale", label="Utilité",
                                          required=True, scale_min=1, scale_max=5)
    q["grid"] = services.question_create(consultation=c, by=organizer, kind="matrix", page=2, label="Priorités",
                                         rows=["Données", "Recherche"], choices=["Faible", "Élevée"])
    q["idea"] = services.question_create(consultation=c, by=organizer, kind="long_text", page=2, label="Votre idée")
    q["age"] = services.question_create(consultation=c, by=organizer, kind="number", page=2, label="Nombre")
    q["when"] = services.question_create(consultation=c, by=organizer, kind="date", page=2, label="Date")
    q["file"] = services.question_create(consultation=c, by=organizer, kind="file", page=2, label="Pièce jointe")
    q["short"] = services.question_create(consultation=c, by=organizer, kind="short_text", page=2, label="Un mot")
    services.consultation_publish(consultation=c, by=organizer)
    c.q = q
    return c
