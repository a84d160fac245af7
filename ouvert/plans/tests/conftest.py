"""Fixtures for the plans tests: a coordinating body (sct) with an editor, a responsible body with
its open-government contact, a published plan with one commitment and two milestones."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def sct(make_org):
    return make_org("sct", name_fr="Secrétariat du Conseil du trésor", name_en="Treasury Board Secretariat")


@pytest.fixture
def body(make_org):
    return make_org("banq", kind="public_body", name_fr="Bibliothèque et Archives nationales du Québec")


@pytest.fixture
def coordinator(make_user, make_member, sct):
    user = make_user("coordination@sct.qc.ca", full_name="Hélène Tremblay")
    make_member(user, sct, "editor")
    return user


@pytest.fixture
def contact(make_user, make_member, body):
    user = make_user("repondante@banq.qc.ca", full_name="Julie Côté")
    make_member(user, body, "editor", is_open_gov_contact=True)
    return user


@pytest.fixture
def make_plan(sct, body, coordinator):
    from ouvert.plans import services

    def make(*, publish: bool = True, slug: str = "2021-2023", deadline: dt.date | None = None):
        plan = services.plan_create(organization=sct, slug=slug, title="Plan d'action 2021-2023",
                                    period_start=dt.date(2021, 12, 1), period_end=dt.date(2023, 3, 31),
                                    ogp_values=["transparency"], by=coordinator)
        challenge = services.challenge_create(plan=plan, number=1, title="Circulation de l'information",
                                              by=coordinator)
        commitment, _ = services.commitment_save(plan=plan, external_id="c1", number="1",
                                                 title="Démocratiser les données ouvertes", lead_body=sct,
                                                 supporting_bodies=[body], challenge=challenge, by=coordinator)
        services.milestone_save(commitment=commitment, external_id="m1", number="1.1",
                                description="Créer une section pédagogique", responsible_body=sct,
                                deadline=deadline or dt.date(2030, 3, 31), by=coordinator)
        services.milestone_save(commitment=commitment, external_id="m2", number="1.2",
                                description="Projet pilote de priorisation", responsible_body=body,
                                collaborators=[sct], deadline=deadline or dt.date(2030, 10, 31), by=coordinator)
        if publish:
            services.plan_publish(plan=plan, by=coordinator)
        return plan

    return make


@pytest.fixture
def plan(make_plan):
    return make_plan()


@pytest.fixture
def public_dataset(sct, coordinator):
    from ouvert.catalog import services as catalog

    dataset = catalog.dataset_create(by=coordinator, organization=sct, title="Tutoriels de données",
                                     name="tutoriels-donnees", notes="Des tutoriels pour apprendre à réutiliser les "
                                     "données ouvertes, avec des exemples concrets et des fichiers.")
    catalog.dataset_publish(dataset=dataset, by=coordinator)
    return dataset
