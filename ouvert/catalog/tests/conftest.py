"""Fixtures for the catalogue tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def publisher(make_user, make_org, make_member):
    """An editor of a municipality."""
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval", name_en="City of Laval")
    user = make_user("editeur@laval.ca")
    make_member(user, org, "editor")
    return user, org


@pytest.fixture
def make_dataset(db):
    from ouvert.catalog import services

    def make(by, organization, title: str = "Écoles primaires", publish: bool = True, **fields):
        fields.setdefault("notes", "Emplacement des écoles primaires publiques du territoire, avec adresse.")
        dataset = services.dataset_create(by=by, organization=organization, title=title, **fields)
        if publish:
            services.dataset_publish(dataset=dataset, by=by)
        return dataset

    return make


@pytest.fixture(autouse=True)
def _french():
    """Services speak French unless a request says otherwise (a previous request may have left English on)."""
    from django.utils import translation

    with translation.override("fr"):
        yield
