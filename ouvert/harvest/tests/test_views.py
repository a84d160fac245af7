"""The harvest pages: site administrators only; a source is created, run and reported in the browser flow."""

from __future__ import annotations

import pytest
from django.utils import translation

from ouvert.harvest.models import HarvestSource

pytestmark = pytest.mark.django_db


def test_pages_are_for_site_admins(client, make_user, site_admin, settings):
    settings.HARVEST_TIMEOUT = 1
    client.force_login(make_user())
    assert client.get("/fr/moissonnage/").status_code == 403
    client.force_login(site_admin)
    assert client.get("/fr/moissonnage/").status_code == 200
    assert client.get("/en/harvesting/").status_code == 200
    form = client.get("/fr/moissonnage/nouvelle/")
    assert form.status_code == 200 and "organization_map" in form.content.decode()
    bad = client.post("/fr/moissonnage/nouvelle/", {"name": "X", "kind": "ckan", "schedule": "manual",
                                                    "organization_map": "{pas du json"})
    assert bad.status_code == 200 and "JSON invalide" in bad.content.decode()
    created = client.post("/fr/moissonnage/nouvelle/", {
        "name": "Portail test", "kind": "ckan", "url": "http://127.0.0.1:9999", "schedule": "manual",
        "enabled": "on", "create_organizations": "on", "organization_map": '{"sdb": "sct"}'})
    assert created.status_code == 302
    source = HarvestSource.objects.get(slug="portail-test")
    assert source.organization_map == {"sdb": "sct"}
    assert client.get(source.get_absolute_url()).status_code == 200
    ran = client.post(f"/fr/moissonnage/{source.slug}/lancer/")
    assert ran.status_code == 302
    page = client.get(ran["Location"])
    assert page.status_code == 200 and "adresse interne" in page.content.decode()  # refused by default
    report = client.get(ran["Location"] + "?format=json").json()
    assert report["status"] == "failed" and report["created"] == 0
    assert client.post(f"/fr/moissonnage/{source.slug}/supprimer/").status_code == 302
    assert not HarvestSource.objects.exists()


def test_native_api(client, site_admin, make_user, make_token, settings):
    settings.HARVEST_TIMEOUT = 1
    from ouvert.harvest import services

    source = services.source_create(by=site_admin, name="Loin", kind="ckan", url="http://127.0.0.1:9999")
    token = make_token(site_admin)
    assert client.get("/api/v1/harvest/sources", HTTP_AUTHORIZATION=make_token(make_user())).status_code == 403
    assert client.get("/api/v1/harvest/sources").status_code == 401
    assert client.get("/api/v1/harvest/sources", HTTP_AUTHORIZATION=token).json()[0]["slug"] == "loin"
    started = client.post(f"/api/v1/harvest/sources/{source.slug}/runs", HTTP_AUTHORIZATION=token)
    assert started.status_code == 202 and started.json()["status"] == "failed"
    shown = client.get(f"/api/v1/harvest/runs/{started.json()['id']}", HTTP_AUTHORIZATION=token).json()
    assert "adresse interne" in shown["message"] and shown["items"] == []
    assert client.post("/api/v1/harvest/sources/absent/runs", HTTP_AUTHORIZATION=token).status_code == 404


def test_run_reports_are_stored_as_codes_and_shown_in_the_readers_language(client, site_admin, make_token,
                                                                           settings):
    settings.HARVEST_TIMEOUT = 1
    from ouvert.harvest import services
    from ouvert.harvest.models import HarvestRun, HarvestRunItem, ItemAction

    source = services.source_create(by=site_admin, name="Loin", kind="ckan", url="http://127.0.0.1:9999")
    run = services.run_request(source=source, by=site_admin)
    run.refresh_from_db()
    assert run.message["code"] == "fetch.blocked" and run.message["params"]["host"] == "127.0.0.1"
    HarvestRunItem.objects.create(run=run, action=ItemAction.ERROR, remote_id="x", reason={
        "code": "harvest.no_organization", "params": {"name": {"code": "harvest.no_organization_name"}}})
    token = make_token(site_admin)
    french = client.get(f"/api/v1/harvest/runs/{run.pk}", HTTP_AUTHORIZATION=token).json()
    english = client.get(f"/api/v1/harvest/runs/{run.pk}", HTTP_AUTHORIZATION=token, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "adresse interne" in french["message"] and "internal address" in english["message"]
    assert french["items"][0]["reason"].startswith("Aucune organisation locale pour « (sans organisation) »")
    assert english["items"][0]["reason"].startswith("No local organization for “(no organization)”")
    client.force_login(site_admin)
    with translation.override("en"):
        page = client.get(run.get_absolute_url()).content.decode()
    assert "internal address" in page and "No local organization for" in page
    # text kept from before codes existed is shown as it was written
    HarvestRun.objects.filter(pk=run.pk).update(message={"code": "legacy_text", "params": {
        "what": {"fr": "Ancien texte", "en": "Ancien texte"}}})
    assert client.get(f"/api/v1/harvest/runs/{run.pk}", HTTP_AUTHORIZATION=token).json()["message"] == "Ancien texte"
