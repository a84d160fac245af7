"""Settings come from the environment (12-factor)."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # every test loads the settings in a fresh Python process

PRINT = ("import json; from django.conf import settings as s; print(json.dumps({"
         "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
         "'storage': s.STORAGES['default'], 'hosts': s.ALLOWED_HOSTS, 'email': s.EMAIL_BACKEND,"
         "'email_host': getattr(s, 'EMAIL_HOST', None), 'tls': getattr(s, 'EMAIL_USE_TLS', None),"
         "'debug': s.DEBUG}))")


def settings_with(tmp_path, module: str = "ouvert.settings.dev", **env) -> dict:
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STORAGE_URL", "EMAIL_URL"}}
    full.update(OUVERT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE=module, **env)
    code = f"import django; django.setup(); {PRINT}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_embedded_sqlite_in_data_dir(tmp_path):
    conf = settings_with(tmp_path)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"] == str(tmp_path / "ouvert.sqlite3")
    assert conf["email"].endswith("console.EmailBackend")


def _run(code: str, data_dir, module: str = "ouvert.settings.dev") -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(OUVERT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("module", ["ouvert.settings.dev", "ouvert.settings.test"])
def test_importing_the_settings_writes_nothing(tmp_path, module):
    data_dir = tmp_path / "absent"
    _run("import django; django.setup(); from django.conf import settings; settings.DATABASES; settings.STATIC_ROOT",
         data_dir, module)
    assert not data_dir.exists()


def test_the_command_prepares_the_data_dir_and_keeps_one_key(tmp_path):
    data_dir = tmp_path / "absent"
    code = ("import django; django.setup(); from ouvert.cli import prepare_data_dir; prepare_data_dir(); "
            "from django.conf import settings; print(settings.SECRET_KEY)")
    first = _run(code, data_dir)
    key = data_dir / "secret_key"
    assert key.read_text().strip() == first and len(first) >= 50
    assert key.stat().st_mode & 0o777 == 0o600
    assert (data_dir / "static").is_dir()
    assert _run("import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
                data_dir) == first


def test_the_key_is_made_at_its_first_use_without_the_command(tmp_path):
    data_dir = tmp_path / "absent"
    code = ("import django; django.setup(); from django.core import signing; "
            "print(signing.loads(signing.dumps('ok')))")
    assert _run(code, data_dir) == "ok"
    assert (data_dir / "secret_key").exists()


def test_environment_selects_postgres_smtp_storage_and_hosts(tmp_path):
    conf = settings_with(tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/ouvert",
                         EMAIL_URL="smtp+tls://user:pa%40ss@smtp.example:587", ALLOWED_HOSTS="a.example,b.example",
                         STORAGE_URL="file:///srv/ouvert/media")
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["email"].endswith("smtp.EmailBackend") and conf["email_host"] == "smtp.example" and conf["tls"]
    assert conf["hosts"] == ["a.example", "b.example"]
    assert conf["storage"]["OPTIONS"]["location"] == "/srv/ouvert/media"


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(OUVERT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ouvert.settings.prod")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], capture_output=True,  # noqa: S603
                            text=True, env=env, check=False)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("url", ["ftp://nope"])
def test_unknown_storage_scheme_is_a_clear_error(tmp_path, url):
    env = {**os.environ, "OUVERT_DATA_DIR": str(tmp_path), "STORAGE_URL": url,
           "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], capture_output=True,  # noqa: S603
                            text=True, env=env, check=False)
    assert "unsupported scheme 'ftp'" in result.stderr
