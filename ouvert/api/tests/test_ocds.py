"""OCDS output validated with libcoveocds (a test-only dependency: AGPL, never imported at run
time) against the LOCAL copy of the OCDS 1.1.5 schema and codelists in ../shared/realdata/ocds;
every network request is refused, so nothing is fetched."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from conftest import shared_path

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STANDARD = "https://standard.open-contracting.org/schema/1__1__5/"
CODELISTS = "https://codelists.invalid/1__1__5/codelists/"


class _Local:
    """A stand-in for ``requests.get`` that serves the schema's files from disk, and nothing else."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, url, *args, **kwargs):
        import requests

        for base, folder in ((CODELISTS, self.root / "codelists"), (STANDARD, self.root)):
            if str(url).startswith(base):
                path = folder / str(url)[len(base):]
                response = requests.models.Response()
                response.status_code = 200 if path.is_file() else 404
                response._content = path.read_bytes() if path.is_file() else b""  # noqa: SLF001
                response.url = str(url)
                response.encoding = "utf-8"
                return response
        raise requests.exceptions.ConnectionError(f"no network in tests: {url}")


@pytest.fixture
def cove(monkeypatch):
    import requests

    root = shared_path("realdata", "ocds", "schema-1__1__5")
    local = _Local(root)
    monkeypatch.setattr(requests, "get", local)
    monkeypatch.setattr(requests.Session, "get", lambda self, url, *a, **k: local(url))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"standard-1__1__5/schema/{path.relative_to(root)}")
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({
        "schema_version_choices": {"1.1": ("1.1", STANDARD, "1__1__5")},
        "schema_codelists": {"1.1": CODELISTS}, "standard_zip": buffer.getvalue(), "context": "api",
        "additional_checks": "none"})

    def check(data: dict) -> dict:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "data.json"
            path.write_text(json.dumps(data))
            return ocds_json_output(folder, str(path), "1.1", convert=False, lib_cove_ocds_config=config,
                                    record_pkg="records" in data)

    return check


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The procurement demo, loaded once for the module inside a transaction rolled back after its
    last test: each test runs in a savepoint over it and sees it unchanged."""
    from django.db import transaction

    from ouvert.core.demo import demo_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(only=["procurement"])
        yield
        transaction.set_rollback(True)


def _assert_valid(result: dict) -> None:
    assert result["validation_errors"] == [], json.dumps(result["validation_errors"], ensure_ascii=False)[:3000]
    assert result["additional_closed_codelist_values"] == {}, result["additional_closed_codelist_values"]


def test_release_and_record_packages_validate_with_zero_errors(client, demo, cove):
    releases = client.get("/ocds/releases.json").json()
    tags = {tag for r in releases["releases"] for tag in r["tag"]}
    assert {"tender", "tenderAmendment", "tenderUpdate", "award", "contract", "implementation",
            "tenderCancellation"} <= tags
    assert any(r["tender"].get("documents") for r in releases["releases"])  # the open call's attachment
    result = cove(releases)
    _assert_valid(result)
    broken = json.loads(json.dumps(releases))  # control: the validator does see errors offline
    broken["releases"][0]["tender"]["value"]["currency"] = "Dollars"
    del broken["releases"][0]["initiationType"]
    checked = cove(broken)
    assert len(checked["validation_errors"]) == 1 and "initiationType" in str(checked["validation_errors"])
    assert "Dollars" in json.dumps(checked["additional_closed_codelist_values"])
    records = client.get("/ocds/records.json").json()
    _assert_valid(cove(records))
    one = records["records"][0]["ocid"]
    _assert_valid(cove(client.get(f"/ocds/{one}.json").json()))


def test_releases_carry_bid_statistics_and_party_scale_but_no_bid_content(client, demo):
    from ouvert.procurement.models import Bid, Call, CallState

    releases = client.get("/ocds/releases.json").json()["releases"]
    awarded = Call.objects.get(state=CallState.PAID)
    award = [r for r in releases if "award" in r["tag"] and r["tender"]["title"] == awarded.title][0]
    assert award["tender"]["numberOfTenderers"] == 3
    scales = {p["name"]: p["details"]["scale"] for p in award["parties"] if "details" in p}
    assert scales == {"Logiciels Fleuve inc.": "sme", "Coopérative Code Boréal": "micro",
                      "Services numériques Laurentides ltée": "large"}
    assert award["awards"][0]["value"] == {"amount": 68000.0, "currency": "CAD"}
    text = json.dumps(releases, ensure_ascii=False)
    open_call = Call.objects.get(state=CallState.PUBLISHED)
    assert open_call.title in text and "Nous livrons en trois itérations" not in text
    assert all(b.proposal[:30] not in text for b in Bid.objects.exclude(proposal=""))
    assert "Tableau de bord libre des délais" not in text  # the draft is not published


def test_paging_and_monthly_files(client, demo, settings):
    from ouvert.api.ocds import views

    settings.OCDS_OCID_PREFIX = "ocds-test00"
    first = client.get("/ocds/releases.json").json()
    total = len(first["releases"])
    views.PAGE, saved = 3, views.PAGE
    try:
        page = client.get("/ocds/releases.json").json()
        assert len(page["releases"]) == 3 and page["links"]["next"].endswith("?page=2")
        second = client.get("/ocds/releases.json?page=2").json()
        assert second["releases"][0] != page["releases"][0] and "prev" in second["links"]
    finally:
        views.PAGE = saved
    assert client.get("/ocds/releases.json?page=abc").status_code == 400
    month = first["releases"][0]["date"][:7]
    bulk = client.get(f"/ocds/releases-{month}.json").json()
    assert bulk["releases"] and all(r["date"].startswith(month) for r in bulk["releases"])
    assert client.get("/ocds/releases-1999-01.json").status_code == 404
    assert all(r["ocid"].startswith("ocds-test00-") for r in first["releases"]) and total > 5
    assert client.get("/ocds/ocds-test00-99999.json").status_code == 404


def test_paged_packages_with_links_validate_with_zero_errors(client, demo, cove):
    """``links.next`` / ``links.prev`` (OCDS's paging convention for APIs) are not declared by the
    1.1 package schema, which allows additional fields: a paged package still validates."""
    from ouvert.api.ocds import views

    views.PAGE, saved = 3, views.PAGE
    try:
        first = client.get("/ocds/releases.json")
        second = client.get("/ocds/releases.json?page=2").json()
    finally:
        views.PAGE = saved
    assert first.json()["links"]["next"].endswith("?page=2") and second["links"]["prev"].endswith("?page=1")
    assert '<http://testserver/ocds/releases.json?page=2>; rel="next"' in first["Link"]
    for package in (first.json(), second):
        result = cove(package)
        _assert_valid(result)
        # reported only as additional fields (as is party scale, which 1.1 leaves to ``details``)
        assert {(f["path"], f["field"]) for f in result["additional_fields"]} == {
            ("", "links"), ("/releases/parties/details", "scale")}
