"""Harvest runs against sources on loopback: recorded real CKAN answers and hostile sources."""

from __future__ import annotations

import json
import socket

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from conftest import shared_path
from ouvert.core.actors import HARVEST
from ouvert.core.models import Organization
from ouvert.harvest import services
from ouvert.harvest.models import HarvestRun, RunStatus, SourceKind

from .fake_source import fixed, serve, slow

pytestmark = pytest.mark.django_db


@pytest.fixture
def ckan_source(site_admin):
    def make(url: str, **fields):
        return services.source_create(by=site_admin, name="Portail distant", kind=SourceKind.CKAN, url=url,
                                      **fields)
    return make


def recorded_ckan(path, query):
    folder = shared_path("realdata", "ckan-api", "amsterdam-dcatd-demo.ckan.org")
    if path.endswith("/package_search"):
        body = json.loads((folder / "packages.json").read_text())
        start = int(query.get("start", ["0"])[0])
        rows = int(query.get("rows", ["10"])[0])
        body["result"]["results"] = body["result"]["results"][start:start + rows]
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
    return 404, {}, b""


def test_only_site_admins_manage_sources(make_user, site_admin):
    with pytest.raises(PermissionDenied):
        services.source_create(by=make_user(), name="x", kind=SourceKind.CKAN, url="https://x.example")
    with pytest.raises(ValidationError):
        services.source_create(by=site_admin, name="x", kind=SourceKind.CKAN)
    source = services.source_create(by=site_admin, name="Données Canada", kind=SourceKind.CKAN,
                                    url="https://open.canada.ca/data", schedule="daily")
    assert source.slug == "donnees-canada" and source.next_run_at is not None
    with pytest.raises(PermissionDenied):
        services.run_request(source=source, by=make_user())


def test_recorded_real_ckan_is_harvested(ckan_source, settings, make_org, client, allow_loopback):
    settings.HARVEST_TIMEOUT = 5
    with serve(recorded_ckan) as url:
        source = ckan_source(url)
        run = services.run_request(source=source, by=source.owner)
        run.refresh_from_db()
        assert run.total == 3 and run.done == 3 and run.status == RunStatus.PARTIAL
        assert run.created == 1 and run.errors == 2
        reasons = {item.remote_name: item.shown_reason for item in run.items.filter(action="error")}
        assert set(reasons) == {"100-validated-species-of-plants",
                                "1617in10-regulation-of-sale-of-overseas-properties-20170426-c"}
        assert all("Aucune organisation locale" in reason for reason in reasons.values())
        assert Organization.objects.filter(slug="sdb").exists()
        shown = client.get("/api/3/action/package_show?id=2016-regione-asia-est-oceania-classi-di-eta").json()
        pkg = shown["result"]
        assert pkg["organization"]["name"] == "sdb" and pkg["harvest_source"]["name"] == "Portail distant"
        assert [r["format"] for r in pkg["resources"]] == ["CSV"] and [t["name"] for t in pkg["tags"]] == [
            "2016", "et\u00e0", "rase"]

        services.source_update(source=source, by=source.owner, default_organization=make_org("accueil"))
        again = services.run_request(source=source, by=source.owner)
        again.refresh_from_db()
        assert (again.created, again.unchanged, again.errors, again.status) == (2, 1, 0, RunStatus.SUCCEEDED)
        assert source.harvested.count() == 3


def test_a_run_where_every_dataset_failed_is_failed_not_succeeded(ckan_source, settings, client, allow_loopback,
                                                                   site_admin):
    def orphans(path, query):
        status, headers, body = recorded_ckan(path, query)
        if status == 200:
            data = json.loads(body)
            for package in data["result"]["results"]:
                package["organization"] = None
            body = json.dumps(data).encode()
        return status, headers, body

    settings.HARVEST_TIMEOUT = 5
    with serve(orphans) as url:
        run = services.run_request(source=ckan_source(url), by=site_admin)
    run.refresh_from_db()
    assert (run.errors, run.created, run.status) == (3, 0, RunStatus.FAILED)
    client.force_login(site_admin)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Réussi" not in page and "Échoué" in page and "Aucun des 3 jeux de données" in page
    with translation.override("en"):
        english = client.get(run.get_absolute_url()).content.decode()
    assert "None of the 3 datasets" in english


@pytest.mark.parametrize("route,reason", [
    (slow(3), "Délai dépassé"),
    (fixed(b'{"success": true, "result": {"count": 1, "results": [{"id": "a"'), "JSON invalide"),
    (fixed("{\"success\": true, \"é\": 1}".encode("latin-1")), "UTF-8"),
    (fixed(b'{"success": true}', content_type="application/json; charset=windows-1252"), "windows-1252"),
    (fixed(b" " * 300_000), "trop volumineuse"),
    (fixed(b"<html>Maintenance</html>", content_type="text/html"), "JSON invalide"),
    (fixed(b'{"success": false, "error": {"__type": "Authorization Error", "message": "x"}}'), "Authorization Error"),
    (fixed(b"", status=503), "503"),
    (fixed(b'[1, 2, 3]'), "API Action"),
    (fixed(b'{"success": true, "result": {"count": 5, "results": []}}'), "incomplet"),
])
def test_hostile_sources_fail_clearly_and_change_nothing(ckan_source, settings, route, reason, allow_loopback):
    settings.HARVEST_TIMEOUT = 1
    settings.HARVEST_MAX_BYTES = 200_000
    before = Organization.objects.count()
    with serve(route) as url:
        source = ckan_source(url)
        run = services.run_request(source=source, by=source.owner)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED, run.shown_message
    assert reason in run.shown_message
    assert run.created == run.updated == run.deleted == 0
    assert Organization.objects.count() == before


def test_unreachable_source(ckan_source, settings, allow_loopback):
    settings.HARVEST_TIMEOUT = 1
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = ckan_source(f"http://127.0.0.1:{port}")
    run = services.run_request(source=source, by=source.owner)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "injoignable" in run.shown_message


def test_a_source_on_loopback_is_refused_by_default(ckan_source, settings):
    assert settings.OUVERT_FETCH_ALLOW_PRIVATE is False
    hits = []

    def route(path, query):
        hits.append(path)
        return 200, {"Content-Type": "application/json"}, b'{"success": true, "result": "SECRET-42"}'

    with serve(route) as url:
        run = services.run_request(source=ckan_source(url), by=HARVEST, trigger="schedule")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "adresse interne" in run.shown_message
    assert hits == [] and "SECRET" not in run.shown_message


SECRET = b"SECRET-TOKEN-42"


@pytest.mark.parametrize("route,shown", [
    (fixed(b"<html>" + SECRET + b"</html>", content_type="text/html", status=403), ["403", "text/html"]),
    (fixed(b'{"success": false, "error": {"message": "' + SECRET + b'"}}'), ["type non précisé"]),
    (fixed(b'{"success": false, "error": {"__type": "' + SECRET + b'"}}'), ["type non précisé"]),
    (fixed(b'{"success": true, "result": ' + SECRET + b'}'), ["JSON invalide"]),
])
def test_reports_keep_status_type_and_reason_never_the_answer(ckan_source, settings, allow_loopback, route,
                                                              shown):
    settings.HARVEST_TIMEOUT = 1
    with serve(route) as url:
        run = services.run_request(source=ckan_source(url), by=HARVEST, trigger="schedule")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert all(part in run.shown_message for part in shown), run.shown_message
    assert SECRET.decode() not in run.shown_message


def test_one_run_at_a_time_and_schedule(ckan_source, site_admin):
    source = ckan_source("http://127.0.0.1:9", schedule="hourly")
    HarvestRun.objects.create(source=source, status=RunStatus.RUNNING)
    with pytest.raises(ValidationError):
        services.run_request(source=source, by=site_admin)
    from django.utils import timezone

    assert services.runs_due(timezone.now()) == []  # not due yet
    later = source.next_run_at + timezone.timedelta(seconds=1)
    HarvestRun.objects.update(status=RunStatus.FAILED)
    runs = services.runs_due(later)
    assert len(runs) == 1 and runs[0].trigger == "schedule"


def test_a_run_past_its_deadline_starts_no_request(ckan_source, settings, allow_loopback):
    settings.HARVEST_MAX_RUN_SECONDS = -1
    hits = []
    with serve(lambda path, query: (hits.append(path), (200, {}, b"{}"))[1]) as url:
        run = services.run_request(source=ckan_source(url), by=HARVEST, trigger="schedule")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "Durée maximale" in run.shown_message and hits == []
