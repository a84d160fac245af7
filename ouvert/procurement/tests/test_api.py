"""Native API of the free-software catalogue, the market dashboard and accompaniment requests: the
same readers as the pages (the access model), typed answers, clear errors."""

import pytest

from ouvert.procurement.accompaniment import accompaniment_request
from ouvert.procurement.software import software_import, software_use_declare

from .test_software import publiccode

pytestmark = pytest.mark.django_db


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_software_list_filters_detail_and_unpublished_entries(client, buyer, buyer_org, make_user, make_token):
    entry = software_import(text=publiccode(), organization=buyer_org, by=buyer).software
    software_use_declare(software=entry, organization=buyer_org, role="referent", by=buyer)
    hidden = software_import(text=publiccode(name="Brouillon Zqx", url="https://depot.exemple.quebec/zqx"),
                             organization=buyer_org, by=buyer).software
    hidden.published = False
    hidden.save()
    page = client.get("/api/v1/procurement/software").json()
    assert page["count"] == 1 and page["results"][0]["name"] == "Docuthèque"
    assert page["results"][0]["n_users"] == 1 and page["results"][0]["organization"] == "mtess"
    assert client.get("/api/v1/procurement/software?q=zzz").json()["count"] == 0
    assert client.get("/api/v1/procurement/software?organization=mtess").json()["count"] == 1
    bad = client.get("/api/v1/procurement/software?prerogative=gratuit")
    assert bad.status_code == 422 and "prerogative" in bad.content.decode()
    detail = client.get(f"/api/v1/procurement/software/{entry.pk}").json()
    assert detail["long_description"].startswith("Un logiciel libre") and detail["call"] is None
    assert [(u["organization"], u["role"]) for u in detail["users"]] == [("mtess", "referent")]
    assert client.get(detail["publiccode"]).status_code == 200
    assert client.get(f"/api/v1/procurement/software/{hidden.pk}").status_code == 404
    assert "Zqx" not in client.get("/api/v1/procurement/software").content.decode()
    member = _auth(make_token(buyer))
    assert client.get(f"/api/v1/procurement/software/{hidden.pk}", **member).json()["published"] is False
    assert client.get("/api/v1/procurement/software", **member).json()["count"] == 2
    outsider = _auth(make_token(make_user("curieux@exemple.qc.ca")))
    assert client.get(f"/api/v1/procurement/software/{hidden.pk}", **outsider).status_code == 404


def test_dashboard_series_match_the_csv(client, make_call):
    make_call()
    make_call(publish=False, title="Brouillon secret")
    every = client.get("/api/v1/procurement/dashboard").json()
    assert [s["slug"] for s in every][:2] == ["calls", "bids_per_call"]
    calls = client.get("/api/v1/procurement/dashboard/calls").json()
    assert calls == every[0] and calls["overall"] == 1 and calls["points"][0]["value"] == 1  # not the draft
    csv = client.get(calls["csv"]).content.decode().splitlines()
    assert csv[1] == f"{calls['points'][0]['month']},1,1"
    assert client.get("/api/v1/procurement/dashboard/nope").status_code == 404


def test_accompaniments_only_for_the_body_and_the_team(client, buyer, buyer_org, make_user, make_token, site_admin):
    asker = _auth(make_token(buyer))
    assert client.get("/api/v1/procurement/accompaniments").status_code == 401
    created = client.post("/api/v1/procurement/accompaniments", {
        "organization": "mtess", "subject": "Adopter QGIS Zqx", "description": "Former dix personnes."},
        content_type="application/json", **asker)
    assert created.status_code == 201 and created.json()["state"] == "received"
    pk = created.json()["id"]
    accompaniment_request(organization=buyer_org, subject="Autre", description="d", by=buyer)
    assert [a["subject"] for a in client.get("/api/v1/procurement/accompaniments", **asker).json()] == [
        "Autre", "Adopter QGIS Zqx"]
    outsider = _auth(make_token(make_user("curieux@exemple.qc.ca")))
    assert client.get("/api/v1/procurement/accompaniments", **outsider).json() == []
    assert client.get(f"/api/v1/procurement/accompaniments/{pk}", **outsider).status_code == 404
    refused = client.post("/api/v1/procurement/accompaniments", {
        "organization": "mtess", "subject": "s", "description": "d"}, content_type="application/json", **outsider)
    assert refused.status_code == 403
    assert client.post(f"/api/v1/procurement/accompaniments/{pk}/move", {"state": "closed", "note": "n"},
                       content_type="application/json", **asker).status_code == 403
    team = _auth(make_token(site_admin))
    missing_note = client.post(f"/api/v1/procurement/accompaniments/{pk}/move", {"state": "closed"},
                               content_type="application/json", **team)
    assert missing_note.status_code == 422 and "note de suivi" in missing_note.content.decode()
    closed = client.post(f"/api/v1/procurement/accompaniments/{pk}/move",
                         {"state": "closed", "note": "Formation donnée."}, content_type="application/json", **team)
    assert closed.json()["state"] == "closed" and closed.json()["follow_up"] == "Formation donnée."
    assert client.get(f"/api/v1/procurement/accompaniments/{pk}", **asker).json()["state"] == "closed"
