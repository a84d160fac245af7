"""Destructive buttons ask first, without script: the real form sits in a disclosure that says what
will happen (issue 14: removing a resource, deleting a dataset for good)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _confirm_blocks(page: str) -> list[str]:
    return re.findall(r'<details class="confirm">(.*?)</details>', page, re.S)


def test_removing_a_resource_and_purging_a_dataset_ask_first(client, publisher, make_dataset, make_user,
                                                             make_member):
    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org)
    resource = services.resource_create(dataset=dataset, by=user, name="Liste", url="https://exemple.qc.ca/a.csv")
    client.force_login(user)
    page = client.get(f"/fr/donnees/jeux/{dataset.name}/ressources/{resource.pk}/").content.decode()
    [block] = [b for b in _confirm_blocks(page) if "/retirer/" in b]
    assert "<summary>Retirer cette ressource" in block and "l'historique du jeu garde sa trace" in block
    assert "Oui, retirer cette ressource" in block
    assert page.count(f"/ressources/{resource.pk}/retirer/") == 1  # only inside the disclosure

    services.dataset_delete(dataset=dataset, by=user)
    admin = make_user("admin@laval.ca")
    make_member(admin, org, "admin")  # the trash is its organization's admins'
    client.force_login(admin)
    trash = client.get("/fr/donnees/corbeille/").content.decode()
    [block] = [b for b in _confirm_blocks(trash) if "/purger/" in b]
    assert "ne peut pas être annulée" in block and dataset.title in block
    english = client.get("/en/data/trash/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This cannot be undone." in english
