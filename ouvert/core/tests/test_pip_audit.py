"""pip-audit, offline, against the dated OSV snapshot (scripts/audit_deps.py): the lock passes (its accepted
exceptions aside, each with its reason in docs/operations.md), and a pin with known vulnerabilities fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # pip-audit in a subprocess, a few seconds each

ROOT = Path(__file__).resolve().parents[3]
SNAPSHOT = ROOT / ".ci" / "advisories" / "pypi-osv.json"


def audit(requirements: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, str(ROOT / "scripts" / "audit_deps.py"), str(requirements)],
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)


def reported(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str, str]]:
    """(package, version, id) rows of pip-audit's table."""
    rows = set()
    for line in result.stdout.splitlines():
        cells = line.split()
        if len(cells) >= 3 and cells[2].startswith(("PYSEC-", "GHSA-", "CVE-")):
            rows.add((cells[0], cells[1], cells[2]))
    return rows


def test_the_snapshot_says_where_it_comes_from_and_covers_the_lock():
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot["source"] == "https://github.com/pypa/advisory-database"
    assert len(snapshot["commit"]) == 40 and snapshot["commit_date"][:4].isdigit()
    assert {"django", "urllib3", "pip-audit"} <= set(snapshot["packages"])
    assert len(snapshot["vulns"]["django"]) > 50


def test_the_lock_has_no_known_vulnerability():
    result = audit(ROOT / "requirements.lock")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No known vulnerabilities found" in result.stdout + result.stderr


def test_old_pins_with_known_vulnerabilities_fail_the_run(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==3.2.0\nurllib3==1.26.4\nrequests==2.34.2\n")
    result = audit(requirements)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = reported(result)
    # CVE-2021-33503 (urllib3, fixed in 1.26.5) and CVE-2023-31047 (Django, fixed in 3.2.19)
    assert ("urllib3", "1.26.4", "PYSEC-2021-108") in rows
    assert ("django", "3.2.0", "PYSEC-2023-61") in rows
    assert not any(package == "requests" for package, _, _ in rows)


def test_ranges_are_read_as_osv_defines_them(tmp_path):
    """PYSEC-2023-212 lists its ECOSYSTEM events out of order: [2.0.0, 2.0.7) and [0, 1.26.18)."""
    for version, affected in (("2.0.6", True), ("2.0.7", False), ("1.26.17", True), ("1.26.18", False)):
        requirements = tmp_path / f"urllib3-{version}.txt"
        requirements.write_text(f"urllib3=={version}\n")
        rows = reported(audit(requirements))
        assert (("urllib3", version, "PYSEC-2023-212") in rows) is affected, (version, rows)


def test_a_pin_the_snapshot_does_not_cover_fails(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("urllib3==2.8.0\npaquet-absent-de-l-instantane==1.0\n")
    result = audit(requirements)
    assert result.returncode == 1
    assert "paquet-absent-de-l-instantane" in result.stderr
    assert "refresh_advisories.py" in result.stderr
