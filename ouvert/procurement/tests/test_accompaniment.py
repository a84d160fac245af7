"""Accompaniment requests: a body asks; the team moves it received → in progress → closed with a
follow-up note; the requester is notified; nobody outside the body reads it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ouvert.procurement.accompaniment import accompaniment_move, accompaniment_request
from ouvert.procurement.models import Accompaniment

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    user = make_user("equipe@exemple.qc.ca")
    user.is_superuser = True
    user.save()
    return user


def test_request_moves_and_notifies_the_requester(client, buyer, buyer_org, team, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    client.force_login(buyer)
    response = client.post("/fr/acquisitions/accompagnement/", {
        "organization": buyer_org.pk, "subject": "Adopter QGIS", "description": "Former dix personnes."})
    item = Accompaniment.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.state == "received" and item.requester == buyer
    client.force_login(team)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(item.get_absolute_url(), {"state": "in_progress", "note": ""}).status_code == 302
    assert any("Adopter QGIS" in m.body and m.to == [buyer.email] for m in mailoutbox)
    page = client.post(item.get_absolute_url(), {"state": "closed", "note": ""})
    assert page.status_code == 200 and "note de suivi" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item.get_absolute_url(), {"state": "closed", "note": "Formation donnée le 3 décembre."})
    item.refresh_from_db()
    assert item.state == "closed" and item.follow_up == "Formation donnée le 3 décembre."
    assert any("Formation donnée" in m.body for m in mailoutbox)
    client.force_login(buyer)
    assert "Formation donnée le 3 décembre." in client.get(item.get_absolute_url()).content.decode()


def test_only_members_ask_only_the_team_moves_nobody_else_reads(client, buyer, buyer_org, make_user, team):
    outsider = make_user("autre@exemple.qc.ca")
    with pytest.raises(PermissionDenied):
        accompaniment_request(organization=buyer_org, subject="s", description="d", by=outsider)
    item = accompaniment_request(organization=buyer_org, subject="Secret Zqx", description="d", by=buyer)
    with pytest.raises(PermissionDenied):
        accompaniment_move(request=item, to="closed", note="n", by=buyer)
    client.force_login(buyer)
    assert client.post(item.get_absolute_url(), {"state": "closed", "note": "n"}).status_code == 403
    with pytest.raises(ValidationError):
        accompaniment_move(request=item, to="received", note="", by=team)
    client.force_login(outsider)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert "Secret Zqx" not in client.get("/fr/acquisitions/accompagnement/").content.decode()
    client.logout()
    assert client.get(item.get_absolute_url()).status_code == 302  # to the login page
    client.force_login(team)
    assert "Secret Zqx" in client.get("/fr/acquisitions/accompagnement/").content.decode()


def test_english_page(client, buyer):
    client.force_login(buyer)
    assert "Accompaniment requests" in client.get("/en/procurement/accompaniment/").content.decode()
