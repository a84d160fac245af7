"""The real ``ckanapi`` client (Python API and CLI) against Ouvert."""

from __future__ import annotations

import json
import subprocess

import ckanapi
import pytest

from .instance import second_ouvert, tool_env

# The client's wire protocol does not depend on the engine (the searches behind it are tested on both in
# test_ckan_packages and the catalogue's tests): one pass, with its second instance on the embedded default.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_engine]

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
       b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
VOLATILE = {"created", "metadata_modified", "image_url", "image_display_url"}


def ckan_cli(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(["ckanapi", *args], input=stdin, capture_output=True, text=True,  # noqa: S603, S607
                            env=tool_env(), timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def load(dump, url: str, token: str, log) -> list[str]:
    """``ckanapi load organizations``; the action done for each line, failing on any error."""
    ckan_cli("load", "organizations", "-I", str(dump), "-r", url, "-a", token, "-l", str(log), "-q")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert all(entry[3] is None for entry in entries), entries
    return [entry[2] for entry in entries]


def stable(orgs: list[dict]) -> list[dict]:
    return [{k: v for k, v in org.items() if k not in VOLATILE} for org in orgs]


def test_python_api_reads_writes_and_errors(live_server, site_admin, make_token, make_user, tmp_path):
    admin = ckanapi.RemoteCKAN(live_server.url, apikey=make_token(site_admin))
    created = admin.action.organization_create(name="mamh", title="Affaires municipales", kind="ministry",
                                               acronym="MAMH")
    assert created["name"] == "mamh"
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    with logo.open("rb") as handle:
        updated = admin.call_action("organization_update", {"id": "mamh"}, files={"image_upload": handle})
    assert updated["image_url"].startswith(live_server.url)
    anonymous = ckanapi.RemoteCKAN(live_server.url)
    assert anonymous.action.organization_list() == ["mamh"]
    assert anonymous.action.organization_show(id="mamh")["acronym"] == "MAMH"
    reader = ckanapi.RemoteCKAN(live_server.url, get_only=True)
    assert reader.action.organization_list(all_fields=True)[0]["title"] == "Affaires municipales"
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.organization_show(id="absent")
    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.organization_create(name="x")
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(live_server.url, apikey=make_token(make_user())).action.organization_create(name="x")
    with pytest.raises(ckanapi.ValidationError) as error:
        admin.action.organization_create(name="mamh")
    assert "slug" in error.value.error_dict
    with pytest.raises(ckanapi.CKANAPIError):
        anonymous.action.package_purge(id="x")


@pytest.mark.slow  # a second instance and the ckanapi CLI in subprocesses
def test_cli_dump_and_load_organizations_into_a_second_instance(live_server, site_admin, make_token, tmp_path):
    admin = ckanapi.RemoteCKAN(live_server.url, apikey=make_token(site_admin))
    admin.action.organization_create(name="sct", title="Secrétariat du Conseil du trésor", kind="ministry",
                                     title_translated={"fr": "Secrétariat du Conseil du trésor",
                                                       "en": "Treasury Board Secretariat"},
                                     description="Gouvernement ouvert", acronym="SCT", website="https://sct.example")
    admin.action.organization_create(name="montreal", title="Ville de Montréal", kind="municipality")
    listed = json.loads(ckan_cli("action", "organization_list", "-r", live_server.url))
    assert listed == ["sct", "montreal"] or sorted(listed) == ["montreal", "sct"]
    dump = tmp_path / "orgs.jsonl"
    ckan_cli("dump", "organizations", "--all", "-r", live_server.url, "-O", str(dump))
    lines = [json.loads(line) for line in dump.read_text().splitlines()]
    assert {line["name"] for line in lines} == {"sct", "montreal"}

    with second_ouvert(tmp_path / "deux") as (url, token):
        assert load(dump, url, token, tmp_path / "load1.log") == ["create", "create"]
        source = admin.action.organization_list(all_fields=True)
        target = ckanapi.RemoteCKAN(url).action.organization_list(all_fields=True)
        assert stable(target) == stable(source)
        # Loading the same dump again updates in place: still identical, nothing duplicated.
        assert load(dump, url, token, tmp_path / "load2.log") == ["update", "update"]
        assert stable(ckanapi.RemoteCKAN(url).action.organization_list(all_fields=True)) == stable(source)


CATALOGUE = pytest.mark.skipif(not __import__("django.apps").apps.apps.is_installed("ouvert.catalog"),
                               reason="the catalogue is not installed")
DATASET_VOLATILE = {"metadata_created", "metadata_modified", "first_published_at", "data_modified_at", "qa",
                    "creator_user_id"}  # the account that loaded it, on the other site


def comparable(pkg: dict) -> dict:
    """A package dict without what a load legitimately changes (timestamps, site address) or derives
    again on its own (``datastore_active``: the target's worker ingests the uploaded files after the
    load, in the background; ``qa``: the target's quality task recomputes it then)."""
    out = {k: v for k, v in pkg.items() if k not in DATASET_VOLATILE}
    out["organization"] = {k: v for k, v in pkg["organization"].items() if k not in VOLATILE}
    out["resources"] = [{k: v for k, v in r.items() if k not in {"created", "last_modified", "metadata_modified",
                                                                  "url", "download_count", "datastore_active"}}
                        for r in pkg["resources"]]
    return out


@CATALOGUE
@pytest.mark.slow  # a second instance and the ckanapi CLI in subprocesses
def test_datasets_search_upload_dump_and_load(live_server, site_admin, make_token, tmp_path):
    from ouvert.catalog.models import Licence, Theme

    # Transactional tests empty the tables the migrations seeded: put back what this test uses.
    Licence.objects.get_or_create(slug="cc-by-4.0", defaults={
        "title_fr": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "title_en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/deed.fr", "is_default": True})
    Theme.objects.get_or_create(slug="transport", defaults={"title_fr": "Transport", "title_en": "Transportation"})
    admin = ckanapi.RemoteCKAN(live_server.url, apikey=make_token(site_admin))
    admin.action.organization_create(name="mtmd", title="Ministère des Transports", kind="ministry")
    for n in range(3):
        admin.action.package_create(
            name=f"debits-circulation-{n}", title=f"Débits de circulation {n}", owner_org="mtmd",
            notes="Comptages routiers", tags=[{"name": "circulation"}], groups=[{"name": "transport"}],
            license_id="cc-by-4.0", update_frequency="yearly",
            resources=[{"url": f"https://donnees.example/debits-{n}.csv", "name": "Débits", "format": "CSV"}])
    csv = tmp_path / "debits.csv"
    csv.write_text("station;debit\n1;1200\n", encoding="utf-8")
    with csv.open("rb") as handle:
        uploaded = admin.call_action("resource_create", {"package_id": "debits-circulation-0", "name": "Fichier"},
                                     files={"upload": handle})
    assert uploaded["url_type"] == "upload" and uploaded["size"] == csv.stat().st_size
    found = ckanapi.RemoteCKAN(live_server.url).action.package_search(q="circulation", rows=2)
    assert found["count"] == 3 and len(found["results"]) == 2
    cli = json.loads(ckan_cli("action", "package_search", "fq=tags:circulation", "-r", live_server.url))
    assert cli["count"] == 3

    orgs, datasets = tmp_path / "orgs.jsonl", tmp_path / "datasets.jsonl"
    ckan_cli("dump", "organizations", "--all", "-r", live_server.url, "-O", str(orgs))
    ckan_cli("dump", "datasets", "--all", "-r", live_server.url, "-O", str(datasets))
    assert len(datasets.read_text().splitlines()) == 3
    with second_ouvert(tmp_path / "deux") as (url, token):
        assert load(orgs, url, token, tmp_path / "orgs.log") == ["create"]
        ckan_cli("load", "datasets", "-I", str(datasets), "-r", url, "-a", token, "--upload-resources",
                 "-l", str(tmp_path / "ds.log"),
                 "-q")
        entries = [json.loads(line) for line in (tmp_path / "ds.log").read_text().splitlines()]
        assert all(entry[3] is None for entry in entries), entries
        target = ckanapi.RemoteCKAN(url)
        for name in [f"debits-circulation-{n}" for n in range(3)]:
            loaded, original = comparable(target.action.package_show(id=name)), comparable(
                admin.action.package_show(id=name))
            for mine, theirs in zip(loaded.pop("resources"), original.pop("resources"), strict=True):
                assert {k: v for k, v in mine.items() if v != theirs.get(k)} == {}, (mine, theirs)
            assert loaded == original
        assert target.action.package_search(q="circulation")["count"] == 3
