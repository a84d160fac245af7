from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _custodian_secret(settings):
    settings.PROCUREMENT_KEY_SECRET = "test-custodian-secret-not-in-the-database"


class Clock:
    """Moves ``timezone.now()`` for every module that reads it (the custodian included)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = dt.timedelta(0)
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def jump_past(self, moment: dt.datetime) -> None:
        self.offset += (moment - timezone.now()) + dt.timedelta(minutes=1)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def buyer_org(make_org):
    return make_org("mtess", name_fr="Ministère de l'essai")


@pytest.fixture
def buyer(make_user, make_member, buyer_org):
    user = make_user("acheteur@exemple.qc.ca")
    make_member(user, buyer_org, "editor")
    return user


@pytest.fixture
def make_supplier(make_user):
    from ouvert.procurement.services import supplier_register

    counter = {"n": 0}

    def make(size: str = "small", email: str | None = None):
        counter["n"] += 1
        user = make_user(email or f"fournisseur{counter['n']}@exemple.qc.ca")
        supplier = supplier_register(name=f"Coop {counter['n']}", neq=f"11{counter['n']:08d}", size=size,
                                     region="Montréal", contact_email=user.email, by=user)
        return supplier, user

    return make


def call_input(**overrides):
    from ouvert.procurement.services import CallInput

    now = timezone.now()
    data = {"title": "Module de prise de rendez-vous", "summary": "Un module libre de prise de rendez-vous.",
            "description": "Ajouter la prise de rendez-vous au portail.", "deliverables": "Code, tests, docs",
            "pricing": "maximum", "amount": Decimal("45000"), "questions_deadline": now + dt.timedelta(days=7),
            "bid_deadline": now + dt.timedelta(days=30), "delivery_date": (now + dt.timedelta(days=90)).date(),
            "skills": "Python Django", "acceptance_criteria": ["Les tests passent", "Documentation en français"],
            "evaluation_criteria": [("Qualité technique", 60), ("Prix", 40)]}
    data.update(overrides)
    return CallInput(**data)


@pytest.fixture
def make_call(buyer, buyer_org):
    from ouvert.procurement.services import call_create, call_publish

    def make(publish: bool = True, **overrides):
        call = call_create(organization=buyer_org, data=call_input(**overrides), by=buyer)
        if publish:
            call_publish(call=call, reuse_comparison="Aucune solution existante ne couvre ce besoin précis.",
                         by=buyer)
        return call

    return make
