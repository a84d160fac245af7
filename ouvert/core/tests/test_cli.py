"""The ``ouvert`` command, run as a user would: a subprocess with its own data directory."""

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.one_engine]  # each test runs the ouvert command in subprocesses


def ouvert(*args: str, data_dir, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "OUVERT_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "ouvert", *args], input=stdin, capture_output=True,  # noqa: S603
                          text=True, env=env, timeout=120, check=False)


def test_help_lists_commands_and_each_has_help(tmp_path):
    result = ouvert("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for name in ("serve", "demo", "worker", "migrate", "createadmin", "token", "check"):
        assert name in result.stdout
        sub = ouvert(name, "--help", data_dir=tmp_path)
        assert sub.returncode == 0, sub.stderr
        assert "usage" in sub.stdout.lower()


def test_migrate_createadmin_token_and_check(tmp_path):
    assert ouvert("migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    assert (tmp_path / "ouvert.sqlite3").exists()
    result = ouvert("createadmin", "--email", "ops@exemple.qc.ca", "--password-stdin",
                    data_dir=tmp_path, stdin="un-secret-solide-2026\n")
    assert result.returncode == 0, result.stderr
    result = ouvert("createadmin", "--email", "x@exemple.qc.ca", data_dir=tmp_path, stdin="")
    assert result.returncode != 0 and "--password-stdin" in result.stderr
    result = ouvert("token", "create", "--user", "ops@exemple.qc.ca", "--name", "moissonneur", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("ouv_")
    listing = ouvert("token", "list", "--user", "ops@exemple.qc.ca", data_dir=tmp_path)
    assert "moissonneur" in listing.stdout and "actif" in listing.stdout
    result = ouvert("token", "create", "--user", "absent@exemple.qc.ca", "--name", "x", data_dir=tmp_path)
    assert result.returncode != 0 and "absent@exemple.qc.ca" in result.stderr
    check = ouvert("check", data_dir=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "ouvert.W002" not in check.stderr  # DEBUG is on in the dev profile


def test_demo_loads_once(tmp_path):
    first = ouvert("demo", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "chargées" in first.stdout
    second = ouvert("demo", "--no-serve", data_dir=tmp_path)
    assert "déjà présentes" in second.stdout
