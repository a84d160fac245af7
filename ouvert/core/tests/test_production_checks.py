"""``ouvert check`` fails (errors, non-zero exit) on each unsafe production setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from ouvert.core.checks import http_safety, production_settings

pytestmark = pytest.mark.one_engine  # its subprocesses run the embedded default whatever the pass

ROOT = Path(__file__).resolve().parents[3]  # this checkout, so that its code is run
STRONG_KEY = "Vq3-8fJz_kP0rT2mWx9LcYb7NsHd4GeA1uQiZo6Fj5Rt8Ky3Mp"
SAFE = {
    "PRODUCTION": True, "DEBUG": False, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": ["donnees.example.qc.ca"],
    "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "IS_SQLITE": False, "EMBEDDED_WORKER": False, "TASK_BROKER_URL": "", "METRICS_TOKEN": "jeton-de-collecte",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": "redis://127.0.0.1:6379/0"}},
}



def s3_with(**options: str) -> dict[str, dict[str, object]]:
    """STORAGES with S3 (credentials apart, HTTPS), ``options`` added or replaced."""
    return {"default": {"BACKEND": "storages.backends.s3.S3Storage",
                        "OPTIONS": {"bucket_name": "ouvert", "endpoint_url": "https://s3.example.qc.ca",
                                    "region_name": "ca-central-1", **options}},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}


def found(**overrides) -> dict[str, object]:
    with override_settings(**{**SAFE, **overrides}):
        messages = [*http_safety(None), *production_settings(None)]
    return {m.id: m for m in messages}


def test_safe_production_settings_pass():
    assert found() == {}


@pytest.mark.parametrize(("overrides", "error"), [
    ({"DEBUG": True}, "ouvert.E010"),
    ({"SECURE_HSTS_SECONDS": 0}, "ouvert.E011"),
    ({"SESSION_COOKIE_SECURE": False}, "ouvert.E012"),
    ({"CSRF_COOKIE_SECURE": False}, "ouvert.E012"),
    ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 5}, "ouvert.E020"),
    ({"SECRET_KEY": "court-mais-different"}, "ouvert.E020"),
    ({"SECRET_KEY": "x" * 60}, "ouvert.E020"),
    ({"SECRET_KEY": "changeme"}, "ouvert.E020"),
    ({"ALLOWED_HOSTS": ["*"]}, "ouvert.E021"),
    ({"ALLOWED_HOSTS": ["donnees.example.qc.ca", "*"]}, "ouvert.E021"),
    ({"SECURE_SSL_REDIRECT": False}, "ouvert.E022"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "ouvert.E023"),
    ({"IS_SQLITE": True}, "ouvert.E024"),
    ({"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}, "ouvert.E025"),
    ({"METRICS_TOKEN": ""}, "ouvert.E026"),
    # a task broker means workers on other machines, even with OUVERT_EMBEDDED_WORKER left on
    ({"IS_SQLITE": True, "EMBEDDED_WORKER": True, "TASK_BROKER_URL": "amqp://ouvert:x@mq.interne:5672/ouvert"},
     "ouvert.E024"),
    ({"EMBEDDED_WORKER": True, "TASK_BROKER_URL": "amqp://ouvert:x@mq.interne:5672/ouvert",
      "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}, "ouvert.E025"),
    ({"STORAGES": s3_with(access_key="AKIAEXEMPLE", secret_key="secret-dans-l-url")}, "ouvert.E027"),
    ({"STORAGES": s3_with(bucket_name="AKIAEXEMPLE:secret@ouvert")}, "ouvert.E027"),
    ({"STORAGES": s3_with(endpoint_url="http://s3.interne:9000")}, "ouvert.E028"),
])
def test_each_unsafe_setting_is_an_error(overrides, error):
    messages = found(**overrides)
    assert set(messages) == {error}
    message = messages[error]
    assert message.is_serious() and message.hint  # type: ignore[attr-defined]


def test_s3_with_credentials_apart_passes():
    assert found(STORAGES=s3_with()) == {}
    assert found(STORAGES=s3_with(endpoint_url="http://127.0.0.1:9000")) == {}  # this machine's, in plain HTTP


def test_one_machine_embedded_profile_may_keep_sqlite_and_the_local_cache():
    assert found(IS_SQLITE=True, EMBEDDED_WORKER=True,
                 CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}) == {}


def test_other_profiles_are_not_held_to_production_rules():
    with override_settings(**{**SAFE, "PRODUCTION": False, "METRICS_TOKEN": "", "SECURE_SSL_REDIRECT": False,
                              "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}):
        assert production_settings(None) == []


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DEBUG", "CACHE_URL", "EMAIL_URL", "METRICS_TOKEN",
                         # set by the browser tests' fixture in the same worker; never in a deployment
                         "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full.update({"OUVERT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ouvert.settings.prod",
                 "ALLOWED_HOSTS": "donnees.example.qc.ca", **env})
    return subprocess.run([sys.executable, "-m", "ouvert", "check"], capture_output=True, text=True,  # noqa: S603
                          env=full, check=False, cwd=ROOT)


@pytest.mark.slow  # the command in a subprocess
def test_the_command_exits_non_zero_on_unsafe_production_settings(tmp_path):
    bad = _check(tmp_path, SECRET_KEY="x" * 50, ALLOWED_HOSTS="*", SECURE_SSL_REDIRECT="false",
                 OUVERT_EMBEDDED_WORKER="false",
                 STORAGE_URL="s3://ouvert?endpoint_url=http://s3.interne:9000&access_key=AKIAEXEMPLE&secret_key=x")
    assert bad.returncode != 0
    for error in ("E020", "E021", "E022", "E023", "E024", "E025", "E026", "E027", "E028"):
        assert f"ouvert.{error}" in bad.stderr, bad.stderr
    good = _check(tmp_path, SECRET_KEY=STRONG_KEY, METRICS_TOKEN="jeton-de-collecte",
                  EMAIL_URL="smtp+tls://ouvert:motdepasse@smtp.example.qc.ca:587", OUVERT_EMBEDDED_WORKER="true")
    assert good.returncode == 0, good.stderr
    assert "ouvert.E0" not in good.stderr + good.stdout
