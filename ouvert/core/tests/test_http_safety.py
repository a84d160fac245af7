"""DEBUG is never on by default, production sends HSTS over HTTPS, and ``ouvert check`` reports unsafe
production settings."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from ouvert.cli import debug_requested
from ouvert.core.checks import http_safety, production_database

from .test_settings import settings_with

pytestmark = pytest.mark.one_engine  # its subprocesses run the embedded default whatever the pass

SECURE = {"PRODUCTION": True, "DEBUG": False, "SECURE_HSTS_SECONDS": 31536000, "SESSION_COOKIE_SECURE": True,
          "CSRF_COOKIE_SECURE": True}


def ids(messages) -> set[str]:
    return {m.id for m in messages}


@pytest.mark.slow  # settings loaded in a subprocess
def test_embedded_profile_has_debug_off_unless_asked(tmp_path):
    assert settings_with(tmp_path)["debug"] is False
    assert settings_with(tmp_path, DEBUG="true")["debug"] is True


@pytest.mark.parametrize(("argv", "wanted"), [
    (["ouvert", "serve"], False),
    (["ouvert", "serve", "--port", "8001", "--debug"], True),
    (["ouvert", "demo", "--debug"], True),
    (["ouvert", "migrate", "--debug"], False),
    (["ouvert"], False),
])
def test_debug_only_on_an_explicit_flag(argv, wanted):
    assert debug_requested(argv) is wanted


@pytest.mark.slow  # settings loaded in a subprocess
def test_production_defaults_to_one_year_hsts_with_subdomains(tmp_path):
    code = ("from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SECURE_HSTS_PRELOAD, s.DEBUG, s.SESSION_COOKIE_SECURE)")
    conf = _prod(tmp_path, code)
    assert conf == "31536000 True False False True"
    assert _prod(tmp_path, "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS)",
                 SECURE_HSTS_SECONDS="600") == "600"


@pytest.mark.slow  # settings loaded in a subprocess
def test_production_sends_hsts_on_https_only(tmp_path):
    code = ("from django.test import Client; c = Client();"
            "print(c.get('/static/nope', secure=True).headers.get('Strict-Transport-Security'), "
            "c.get('/static/nope').headers.get('Strict-Transport-Security'), "
            "c.get('/static/nope', HTTP_X_FORWARDED_PROTO='https').headers.get('Strict-Transport-Security'))")
    out = _prod(tmp_path, code)
    assert out == "max-age=31536000; includeSubDomains None max-age=31536000; includeSubDomains"


def _prod(tmp_path, code: str, **env) -> str:
    import os
    import subprocess
    import sys

    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    full.update(OUVERT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ouvert.settings.prod", SECRET_KEY="x" * 50,
                ALLOWED_HOSTS="testserver", **env)
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],  # noqa: S603
                            capture_output=True, text=True, env=full, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_passes_safe_production_settings():
    with override_settings(**SECURE):
        assert http_safety(None) == []


def test_check_fails_on_debug_hsts_and_cookies_in_production():
    with override_settings(**{**SECURE, "DEBUG": True, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}):
        found = http_safety(None)
    assert ids(found) == {"ouvert.E010", "ouvert.E011", "ouvert.E012"}
    assert all(m.is_serious() for m in found)
    assert "SECURE_HSTS_SECONDS" in next(m for m in found if m.id == "ouvert.E011").hint


def test_check_warns_on_debug_reachable_from_other_hosts():
    with override_settings(PRODUCTION=False, DEBUG=True, ALLOWED_HOSTS=["donnees.example.qc.ca", "localhost"]):
        assert ids(http_safety(None)) == {"ouvert.W010"}
    with override_settings(PRODUCTION=False, DEBUG=True, ALLOWED_HOSTS=["localhost", "127.0.0.1"]):
        assert http_safety(None) == []


def test_sqlite_warning_is_for_the_production_profile():
    with override_settings(PRODUCTION=False, IS_SQLITE=True):
        assert production_database(None) == []
    with override_settings(PRODUCTION=True, IS_SQLITE=True):
        assert ids(production_database(None)) == {"ouvert.W002"}


@pytest.mark.django_db
def test_error_pages_render_without_debug(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    missing = client.get("/fr/cette-page-n-existe-pas/")
    assert missing.status_code == 404 and "Page introuvable" in missing.text
    assert "URLconf" not in missing.text


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom", _boom)]


@pytest.mark.django_db
def test_server_error_page_renders_without_debug(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500 and "Une erreur est survenue" in response.text
    assert "boom" not in response.text
