"""With ``CACHE_URL=redis://…`` app servers share sessions and rate limits: two separate processes
against the real Redis on 127.0.0.1:6379 (skipped where it is absent, failed under ``CI=true``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import IN_CI

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # processes of their own

ROOT = Path(__file__).resolve().parents[3]
REDIS = "redis://127.0.0.1:6379/0"
KEY = "Vq3-8fJz_kP0rT2mWx9LcYb7NsHd4GeA1uQiZo6Fj5Rt8Ky3Mp-partage"  # both processes sign alike

# One app server's part: open the shared SQLite file (sessions table only), then act on a session and
# count hits of a rate limit for one client address; print what it saw.
SERVER = r"""
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from importlib import import_module
from ouvert.core.ratelimit import rate_limit_hit

call_command("migrate", "sessions", verbosity=0)
action, address, session_key = sys.argv[1], sys.argv[2], sys.argv[3]
store = import_module(settings.SESSION_ENGINE).SessionStore
if action == "open":
    session = store()
    session["panier"] = ["jeu-eau-potable"]
    session.create()
    session.save()
    session_key = session.session_key
else:
    session = store(session_key=session_key)
seen = session.get("panier")
request = RequestFactory().post("/fr/compte/connexion/", REMOTE_ADDR=address)
hits = [rate_limit_hit(request, "login") for _ in range(3)]
print(json.dumps({"engine": settings.SESSION_ENGINE, "cache": settings.CACHES["default"]["BACKEND"],
                  "session_key": session_key, "seen": seen, "waits": hits}))
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_server():
    if not _redis_up():
        message = "Redis does not answer on 127.0.0.1:6379 (apt install redis-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    import redis

    client = redis.Redis.from_url(REDIS)
    yield client
    client.close()


def _server(tmp_path, *args: str, cache_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update(OUVERT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ouvert.settings.dev", SECRET_KEY=KEY,
               OUVERT_RATE_LOGIN="5")
    if cache_url:
        env["CACHE_URL"] = cache_url
    result = subprocess.run([sys.executable, "-c", SERVER, *args], capture_output=True, text=True,  # noqa: S603
                            env=env, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _not_near_a_window_end(window: int = 300, margin: int = 30) -> None:
    """The login limit counts in fixed windows of 300 s: both processes must fall in the same one."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.5)


def test_two_processes_share_a_session_and_a_rate_limit(tmp_path, redis_server):
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    _not_near_a_window_end()
    first = _server(tmp_path, "open", address, "-", cache_url=REDIS)
    assert first["engine"] == "django.contrib.sessions.backends.cached_db"
    assert first["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert first["waits"] == [None, None, None]  # 3 of the 5 login attempts allowed
    assert any(first["session_key"].encode() in key for key in redis_server.keys("*"))  # the session is in Redis

    second = _server(tmp_path, "read", address, first["session_key"], cache_url=REDIS)
    assert second["seen"] == ["jeu-eau-potable"]  # the session opened by the other process
    assert second["waits"][:2] == [None, None]  # attempts 4 and 5
    assert second["waits"][2] is not None and second["waits"][2] > 0  # the 6th, counted across both: refused


def test_without_redis_each_process_counts_alone(tmp_path):
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    first = _server(tmp_path, "open", address, "-", cache_url=None)
    second = _server(tmp_path, "read", address, first["session_key"], cache_url=None)
    assert first["engine"] == "django.contrib.sessions.backends.db"
    assert first["waits"] == second["waits"] == [None, None, None]  # the limit is per process: 6 of 5 allowed
