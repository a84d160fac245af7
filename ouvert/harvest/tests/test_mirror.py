"""One Ouvert harvests another (a second instance on loopback, spoken to as a CKAN portal)."""

from __future__ import annotations

import ckanapi
import pytest

from ouvert.api.tests.instance import second_ouvert
from ouvert.harvest import services
from ouvert.harvest.models import RunStatus, SourceKind

# harvests a second Ouvert started in a subprocess (the embedded default); the harvest's writes are
# tested on both engines in test_harvest: one pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.one_engine]

COMPARED = ("name", "title", "notes", "license_id", "update_frequency", "private", "state", "num_resources")


def test_harvest_mirrors_another_ouvert(client, site_admin, tmp_path, settings, allow_loopback):
    settings.HARVEST_TIMEOUT = 10
    with second_ouvert(tmp_path / "source") as (url, token):
        remote = ckanapi.RemoteCKAN(url, apikey=token)
        remote.action.organization_create(name="ville-de-laval", title="Ville de Laval", kind="municipality",
                                          title_translated={"fr": "Ville de Laval", "en": "City of Laval"})
        for n in range(3):
            remote.action.package_create(
                name=f"collectes-{n}", title=f"Collectes des matières résiduelles {n}", owner_org="ville-de-laval",
                notes="Calendrier des collectes", tags=[{"name": "collectes"}, {"name": f"secteur-{n}"}],
                groups=[{"name": "environnement"}], license_id="cc-by-4.0", update_frequency="weekly",
                resources=[{"url": f"https://laval.example/collectes-{n}.csv", "name": "Calendrier",
                            "format": "CSV"}])
        source = services.source_create(by=site_admin, name="Laval", kind=SourceKind.CKAN, url=url)
        first = services.run_request(source=source, by=site_admin)
        first.refresh_from_db()
        assert (first.status, first.created, first.errors) == (RunStatus.SUCCEEDED, 3, 0), first.shown_message

        for n in range(3):
            mine = client.get(f"/api/3/action/package_show?id=collectes-{n}").json()["result"]
            theirs = remote.action.package_show(id=f"collectes-{n}")
            assert {k: mine[k] for k in COMPARED} == {k: theirs[k] for k in COMPARED}
            assert sorted(t["name"] for t in mine["tags"]) == sorted(t["name"] for t in theirs["tags"])
            assert [g["name"] for g in mine["groups"]] == ["environnement"]
            assert [(r["name"], r["format"], r["url"]) for r in mine["resources"]] == [
                (r["name"], r["format"], r["url"]) for r in theirs["resources"]]
            assert mine["organization"]["title_translated"] == {"fr": "Ville de Laval", "en": "City of Laval"}
            assert mine["harvest_source"]["remote_id"] == theirs["id"]

        unchanged = services.run_request(source=source, by=site_admin)
        unchanged.refresh_from_db()
        assert (unchanged.created, unchanged.updated, unchanged.unchanged, unchanged.deleted) == (0, 0, 3, 0)

        remote.action.package_patch(id="collectes-0", title="Collectes (nouveau calendrier)")
        remote.action.package_delete(id="collectes-2")
        incremental = services.run_request(source=source, by=site_admin)
        incremental.refresh_from_db()
        assert (incremental.created, incremental.updated, incremental.unchanged, incremental.deleted) == (0, 1, 1, 1)
        assert client.get("/api/3/action/package_show?id=collectes-0").json()["result"]["title"] == \
            "Collectes (nouveau calendrier)"
        assert client.get("/api/3/action/package_show?id=collectes-2").status_code == 404
        assert {i.action for i in incremental.items.all()} == {"updated", "deleted"}
