"""Request ids in and out, and the production profile's JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from ouvert.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The JSON lines written by the ``django.request`` logger during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_request_id_is_kept_from_the_load_balancer_and_sent_back(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42_x"})
    assert response["X-Request-ID"] == "lb-7f3a.42_x"


def test_request_id_is_made_when_absent_or_unsafe(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    unsafe = client.get("/healthz", headers={"X-Request-ID": 'x"\n{"level": "CRITICAL"}'})["X-Request-ID"]
    assert len(unsafe) == 32 and "{" not in unsafe
    assert len(client.get("/healthz", headers={"X-Request-ID": "a" * 500})["X-Request-ID"]) == 32


def test_log_lines_carry_request_id_route_and_fields(client, json_lines):
    response = client.get("/fr/organisations/nulle-part/", headers={"X-Request-ID": "demande-123"})
    assert response.status_code == 404
    lines = json_lines()
    assert lines, "django.request logs a 404"
    line = lines[-1]
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "route"}
    assert line["request_id"] == "demande-123"
    assert line["route"] == "fr/organisations/<slug:slug>/"
    assert line["logger"] == "django.request" and line["level"] == "WARNING"
    assert "/fr/organisations/nulle-part/" in line["message"]
    assert line["time"].endswith("+00:00")


@pytest.mark.one_engine
def test_the_production_profile_writes_one_json_object_per_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(OUVERT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ouvert.settings.prod",
               SECRET_KEY="k" * 60, LOG_LEVEL="INFO")
    code = ("import django, logging; django.setup(); log = logging.getLogger('ouvert.essai'); "
            "log.info('bonjour %s', 'Québec')\n"
            "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('échec')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["level"], line["message"]) for line in lines] == [("INFO", "bonjour Québec"), ("ERROR", "échec")]
    assert lines[0]["logger"] == "ouvert.essai" and lines[0]["request_id"] == "" and lines[0]["route"] == ""
    assert "ZeroDivisionError" in lines[1]["exception"]
