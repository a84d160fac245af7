"""A second, empty Ouvert started as a user would (``ouvert serve``), with its own data directory,
on a free loopback port. Used by the dump/load and harvesting tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def tool_env(**extra: str) -> dict[str, str]:
    """An environment where ``ckanapi`` and ``ouvert`` from this virtualenv are on the PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}
    return env


def _ouvert_env(data_dir: Path) -> dict[str, str]:
    settings_module = os.environ.get("OUVERT_SECOND_INSTANCE_SETTINGS", "ouvert.settings.dev")
    env = tool_env(OUVERT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE=settings_module,
                   OUVERT_EMBEDDED_WORKER="false", DEBUG="false")
    env.pop("DATABASE_URL", None)
    return env


def run_ouvert(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "ouvert", *args], input=stdin, capture_output=True,  # noqa: S603
                            text=True, env=_ouvert_env(data_dir), timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _migrations_digest() -> str:
    """Changes with any migration file of the project or of Django, so a stale template is never used."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def migrated_sqlite(data_dir: Path) -> Path:
    """Put in ``data_dir`` the embedded database as ``ouvert migrate`` leaves it on a fresh data
    directory. The first call of the test run migrates one template (under a lock shared by the
    test processes); later calls copy it. The tests still run ``migrate`` themselves, which then
    finds nothing to apply: a whole migration from nothing costs 20 s of CPU, and several tests start
    a fresh instance."""
    import filelock

    cache = Path(tempfile.gettempdir()) / f"ouvert-tests-migrated-{_migrations_digest()}"
    cache.mkdir(exist_ok=True)
    template = cache / "ouvert.sqlite3"
    with filelock.FileLock(str(cache / "lock")):
        if not template.exists():
            build = cache / "build"
            shutil.rmtree(build, ignore_errors=True)
            run_ouvert(build, "migrate", "-v", "0")
            with sqlite3.connect(build / "ouvert.sqlite3") as source, sqlite3.connect(cache / "partial") as target:
                source.backup(target)
            (cache / "partial").rename(template)
            shutil.rmtree(build, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "ouvert.sqlite3"
    shutil.copyfile(template, database)
    return database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def second_ouvert(data_dir: Path):
    """Yield ``(base_url, admin_token)`` of a fresh instance; stop it afterwards."""
    migrated_sqlite(data_dir)
    run_ouvert(data_dir, "migrate", "-v", "0")
    run_ouvert(data_dir, "createadmin", "--email", "admin@deux.example", "--password-stdin",
               stdin="un-secret-solide-2026\n")
    token = run_ouvert(data_dir, "token", "create", "--user", "admin@deux.example", "--name", "tests").strip()
    port = free_port()
    log = open(data_dir / "serve.log", "w")  # noqa: SIM115 — closed below
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "ouvert", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker",
         "--threads", "4"], env=_ouvert_env(data_dir), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "serve.log").read_text()) from None
                time.sleep(0.3)
        yield url, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
