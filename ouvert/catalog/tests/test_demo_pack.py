"""The demo data pack (ouvert/catalog/demo_data) and the demo a newcomer starts from a clean clone."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ouvert.catalog.demo import PACK, pack_files, pack_manifest

MAX_PACK_BYTES = 15 * 1024 * 1024


def test_pack_files_match_the_manifest_and_each_names_its_source_and_licence():
    manifest = pack_manifest()
    total = 0
    for item in manifest["datasets"]:
        assert item["publisher"] and item["licence"]["slug"] == "cc-by-4.0" and item["files"]
        for entry in item["files"]:
            data = (PACK / entry["file"]).read_bytes()
            total += len(data)
            assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert entry["source"]["repository"].startswith("https://github.com/") and entry["source"]["commit"]
            if entry["rows_kept"] is not None:  # trimmed: the header and the first rows, nothing else
                assert data.count(b"\n") == entry["rows_kept"] + 1 and entry["rows_total"] > entry["rows_kept"]
    assert total <= MAX_PACK_BYTES
    notice = (PACK / "NOTICE.md").read_text(encoding="utf-8")
    assert all(item["title"] in notice for item in manifest["datasets"])
    shipped = {str(p.relative_to(PACK)) for p in PACK.rglob("*") if p.is_file()} - {"manifest.json", "NOTICE.md"}
    assert shipped == {e["file"] for item in manifest["datasets"] for e in item["files"]}


def test_pack_covers_what_a_visitor_meets():
    items = pack_manifest()["datasets"]
    organizations = {item["organization"] for item in items}
    assert {"gatineau", "montreal"} <= organizations  # municipalities
    assert {"msp", "mtmd", "mtess"} <= organizations  # ministries
    assert {"seao", "frqnt"} <= organizations  # public bodies
    assert {"votepour", "ulaval-chaire-ssn"} <= organizations  # civil society
    names = {e["name"] for item in items for e in item["files"]}
    assert {"merge.shp", "merge.dbf", "merge.shx", "merge.prj"} <= names  # a shapefile in Québec Lambert
    assert "bikes.csv" in names and "quartiers-sociologiques.json" in names  # Windows-1252 files
    assert "contrats-nb3.csv" in names  # no header row: fails a guideline and shows its report
    districts = next(i for i in items if i["key"] == "districts-electoraux-de-montreal")
    assert [f.filename for f in pack_files(districts)] == ["merge.zip"]


def test_every_demo_dataset_has_english_metadata():
    """The English pages find the demo by English words: each dataset of the pack has an English title,
    description and keywords (``demo_english``), and its English description gives the provenance."""
    from ouvert.catalog.demo import _notes_en
    from ouvert.catalog.demo_english import ENGLISH

    items = pack_manifest()["datasets"]
    assert set(ENGLISH) == {item["key"] for item in items}
    for item in items:
        english = ENGLISH[item["key"]]
        assert english.title and english.title != item["title"], item["key"]
        assert len(english.description) >= 40 and len(english.keywords.split(",")) >= 2, item["key"]
        notes = _notes_en(item)
        assert notes.startswith(english.description) and "**Provenance.** Real data published by" in notes
        assert bool(english.licence_note) == bool(item["licence_note"]), item["key"]
    cycling = [e for e in ENGLISH.values() if "bicycle" in e.keywords]
    assert len(cycling) >= 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 — our local demo
        return json.load(response)


def _clean_clone(target: Path) -> Path:
    """The checkout as a newcomer gets it, in a folder with nothing beside it (no ../shared)."""
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "__pycache__", "*.egg-info",
                                    "test-results", ".pytest_cache", ".ruff_cache")
    clone = target / "ouvert-clone"
    shutil.copytree(settings.PROJECT_DIR, clone, ignore=ignore)
    assert not (clone.parent / "shared").exists()
    return clone


@contextlib.contextmanager
def _demo_database():
    """The database URL the demo runs on: the embedded default, or, in the PostgreSQL pass, a fresh
    database of its own on that server (the test databases belong to the workers), dropped after."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        yield None
        return
    import psycopg

    name = f"ouvert_demo_{uuid.uuid4().hex[:12]}"
    admin_url = server.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.one_engine  # the demo runs on the embedded default (SQLite), whatever the pass
def test_demo_from_a_clean_clone_serves_real_tables_and_maps(tmp_path):
    """What ``sh scripts/demo`` runs once installed (``ouvert demo --port P``), from a copy of the
    checkout with no ../shared beside it; counted through the CKAN and geo APIs as a visitor's
    program would. In the PostgreSQL pass the demo gets a new database of its own on that server."""
    with _demo_database() as database_url:
        _run_demo_and_count(tmp_path, database_url)


def _run_demo_and_count(tmp_path: Path, database_url: str | None) -> None:
    clone = _clean_clone(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OUVERT_DATA_DIR": str(clone / "var"), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev",
           "PYTHONPATH": str(clone)}
    env.pop("OUVERT_SITE_URL", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "ouvert", "demo", "--port", str(port)],  # noqa: S603
                               cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        while True:
            try:
                _get(base, "/api/3/action/status_show")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, (tmp_path / "demo.log").read_text()
                assert time.monotonic() - started < 600, "the demo did not serve within 10 minutes"
                time.sleep(1)
        found = _get(base, "/api/3/action/package_search?rows=1000")["result"]
        keys = {item["key"] for item in pack_manifest()["datasets"]}
        packages = {p["name"]: p for p in found["results"]}
        assert keys <= set(packages)
        queryable, mapped = set(), set()
        for name, package in packages.items():
            data = [r for r in package["resources"] if r["resource_type"] != "documentation"]
            if name in keys:  # a real data resource, and the documentation link marked as such
                assert data and any(r["resource_type"] == "documentation" for r in package["resources"])
            for resource in data:
                shown = _get(base, f"/api/3/action/resource_show?id={resource['id']}")["result"]
                if shown["datastore_active"]:
                    rows = _get(base, f"/api/3/action/datastore_search?resource_id={resource['id']}&limit=1")
                    if rows["result"]["total"] > 0 and rows["result"]["records"]:
                        queryable.add(name)
                try:
                    layer = _get(base, f"/api/v1/geo/layers/{resource['id']}")
                except urllib.error.HTTPError as error:
                    assert error.code == 404
                    continue
                if layer["mappable_count"] > 0:
                    mapped.add(name)
        assert len(queryable) >= 20, sorted(queryable)
        assert len(mapped) >= 8, sorted(mapped)
        with urllib.request.urlopen(f"{base}/fr/", timeout=30) as response:  # noqa: S310
            home = response.read().decode()
        assert f"<strong>{found['count']}</strong> jeux de données publiés" in home
        if not database_url:  # the embedded worker sends the demo's e-mails (console)
            while f"{base}/fr/consultations/" not in (tmp_path / "demo.log").read_text():
                assert time.monotonic() - started < 600, "no demo e-mail names the address served on"
                time.sleep(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    output = (tmp_path / "demo.log").read_text()
    assert f"catalogue : {len(keys)} jeux de données" in output and "http://127.0.0.1:8000" not in output


def _failed_rules(dataset) -> set[str]:
    return {f["rule"] for f in (dataset.quality_report or {}).get("findings", []) if f.get("status") == "fail"}


@pytest.mark.slow
@pytest.mark.one_engine  # the demo's dictionaries do not depend on the engine
@pytest.mark.django_db(transaction=True)
def test_every_demo_table_has_a_complete_dictionary_so_no_organization_is_at_zero_for_f12():
    """The demo's tables carry a description for every column (scripts/demo_dictionaries.py), so rule
    F12 never fails and an organization's conformity rate reflects its files' real defects."""
    from ouvert.catalog import demo as catalog_demo
    from ouvert.catalog.models import Dataset
    from ouvert.core import demo as core_demo

    for item in pack_manifest()["datasets"]:
        for entry in item["files"]:
            for column in entry["data_dictionary"]:
                assert column["name"] and len(column["description"]) >= 10, (entry["file"], column)
    core_demo._core_load()  # the organizations and people; then only the catalogue's part of the demo
    assert catalog_demo.demo_load() is True
    datasets = list(Dataset.objects.filter(name__in=[i["key"] for i in pack_manifest()["datasets"]])
                    .select_related("organization"))
    assert len(datasets) == len(pack_manifest()["datasets"])
    f12 = {d.name: [f.get("where", {}) for f in d.quality_report.get("findings", [])
                    if f["rule"] == "F12" and f["status"] == "fail"] for d in datasets if "F12" in _failed_rules(d)}
    assert not f12, f"F12 fails on {f12}"
    by_organization: dict[str, list] = {}
    for dataset in datasets:
        assert dataset.quality_checked_at is not None, dataset.name
        by_organization.setdefault(dataset.organization.slug, []).append(dataset)
    # Read in English: a visitor of the English catalogue finds the cycling datasets by English words,
    # and a French page asked in English says it shows the English matches.
    client = Client()
    english = client.get("/en/data/", {"q": "bicycles"}).content.decode()
    assert "Bicycle network" in english and "Bicycle counts on bike paths" in english
    french = client.get("/fr/donnees/", {"q": "bicycle"}).content.decode()
    assert 'id="other-language"' in french and "Réseau cyclable" in french
    conforming = {slug: sum(d.conforms for d in items) for slug, items in by_organization.items()}
    assert sum(1 for n in conforming.values() if n) >= len(conforming) // 2, conforming
    for slug, items in by_organization.items():
        if conforming[slug] == 0:  # only for other rules than F12: real defects the demo shows on purpose
            assert all(_failed_rules(d) - {"F12"} for d in items), slug
