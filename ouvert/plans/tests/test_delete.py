"""Deleting from the web: a draft plan, its challenges, commitments and milestones, after a
confirmation page; never a published plan's (its history is public). A draft plan never becomes
an open dataset."""

import pytest
from django.core.exceptions import ValidationError

from ouvert.core.models import AuditEntry
from ouvert.plans import services
from ouvert.plans.models import Challenge, Commitment, Milestone, Plan

pytestmark = pytest.mark.django_db


def test_a_draft_is_deleted_piece_by_piece_after_confirmation(client, make_plan, coordinator, contact):
    draft = make_plan(publish=False, slug="brouillon")
    commitment = draft.commitments.get()
    milestone = commitment.milestones.get(number="1.2")
    base = "/fr/plans-action/brouillon"
    client.force_login(contact)  # not a manager of the plan
    assert client.get(f"{base}/jalons/{milestone.pk}/supprimer/").status_code in (403, 404)
    assert client.post(f"{base}/supprimer/").status_code in (403, 404) and Plan.objects.filter(pk=draft.pk).exists()
    client.force_login(coordinator)
    edit = client.get(f"{base}/jalons/{milestone.pk}/modifier/").content.decode()
    assert f"{base}/jalons/{milestone.pk}/supprimer/" in edit
    confirm = client.get(f"{base}/jalons/{milestone.pk}/supprimer/").content.decode()
    assert "Supprimer le jalon 1.2 ?" in confirm and "définitive" in confirm
    assert Milestone.objects.filter(pk=milestone.pk).exists()  # asking is not deleting
    response = client.post(f"{base}/jalons/{milestone.pk}/supprimer/")
    assert response.status_code == 302 and not Milestone.objects.filter(pk=milestone.pk).exists()
    assert "1 jalon et son avancement seront supprimés avec lui." in client.get(
        f"{base}/engagements/{commitment.pk}/supprimer/").content.decode()
    client.post(f"{base}/engagements/{commitment.pk}/supprimer/")
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    assert not Milestone.objects.filter(commitment__plan=draft).exists()
    challenge = draft.challenges.get()
    assert f"{base}/defis/{challenge.pk}/supprimer/" in client.get(f"{base}/modifier/").content.decode()
    client.post(f"{base}/defis/{challenge.pk}/supprimer/")
    assert not Challenge.objects.filter(pk=challenge.pk).exists()
    assert "0 engagement sera supprimé avec lui." in client.get(f"{base}/supprimer/").content.decode()  # French: 0 is singular
    assert client.post(f"{base}/supprimer/")["Location"] == "/fr/plans-action/"
    assert not Plan.objects.filter(pk=draft.pk).exists()
    actions = set(AuditEntry.objects.filter(action__endswith=".delete").values_list("action", flat=True))
    assert actions == {"plan.delete", "plan.challenge.delete", "plan.commitment.delete", "plan.milestone.delete"}


def test_a_published_plan_is_never_deleted(client, plan, coordinator):
    milestone = Milestone.objects.filter(commitment__plan=plan).first()
    client.force_login(coordinator)
    assert "supprimer" not in client.get(f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/modifier/").content.decode()
    for url in ("/fr/plans-action/2021-2023/supprimer/", f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/supprimer/",
                f"/fr/plans-action/2021-2023/engagements/{milestone.commitment_id}/supprimer/"):
        page = client.get(url).content.decode()
        assert "Suppression impossible" in page and "non poursuivi" in page and "définitivement" not in page
        assert client.post(url).status_code == 400
    assert Milestone.objects.filter(pk=milestone.pk).exists() and Plan.objects.filter(pk=plan.pk).exists()
    with pytest.raises(ValidationError, match="historique est public"):
        services.milestone_delete(milestone=milestone, by=coordinator)


def test_a_draft_plan_never_becomes_an_open_dataset(client, make_plan, coordinator):
    from ouvert.catalog.models import Dataset

    make_plan(publish=False, slug="brouillon")
    client.force_login(coordinator)
    response = client.post("/fr/plans-action/brouillon/publier-donnees-ouvertes/", follow=True)
    assert "Publiez d&#x27;abord le plan" in response.content.decode()
    assert not Dataset.objects.filter(name="plan-action-brouillon").exists()
