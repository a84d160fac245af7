"""bandit finds nothing in the application code (exceptions in pyproject.toml's [tool.bandit], each
with its reason in docs/operations.md), and the same configuration still catches a real finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # a whole-tree scan, about 15 s

ROOT = Path(__file__).resolve().parents[3]


def bandit(target: Path) -> list[dict]:
    result = subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, "-m", "bandit", "-q", "-r", str(target), "-c", str(ROOT / "pyproject.toml"),
         "--severity-level", "medium", "--confidence-level", "medium", "-f", "json"],
        capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr  # 1: findings; anything else: bandit failed
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return report["results"]


def test_application_code_has_no_finding():
    findings = bandit(ROOT / "ouvert")
    assert findings == [], "\n".join(f"{f['filename']}:{f['line_number']} {f['test_id']} {f['issue_text']}"
                                     for f in findings)


def test_the_configuration_still_catches_dangerous_calls(tmp_path):
    (tmp_path / "mauvais.py").write_text(
        "import pickle, subprocess, yaml\n"
        "def f(data, command):\n"
        "    subprocess.call(command, shell=True)\n"
        "    yaml.load(data)\n"
        "    return pickle.loads(data)\n")
    assert {f["test_id"] for f in bandit(tmp_path)} >= {"B602", "B506", "B301"}
