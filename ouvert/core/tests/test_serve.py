"""`ouvert serve` as an operator runs it: a real server process on loopback, with the embedded task
worker picking up the password-reset e-mail from the database queue."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ouvert.api.tests.instance import migrated_sqlite

from .test_cli import ouvert

pytestmark = pytest.mark.one_engine  # its subprocesses run the embedded default whatever the pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.mark.slow  # starts ouvert serve in a subprocess
@pytest.mark.django_db
def test_serve_runs_embedded_worker_that_sends_queued_mail(tmp_path):
    migrated_sqlite(tmp_path)  # a copy of a migrated database: migrate below has nothing left to do
    assert ouvert("migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    ouvert("createadmin", "--email", "ops@exemple.qc.ca", "--password-stdin", data_dir=tmp_path,
           stdin="un-secret-solide-2026\n")
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "OUVERT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev",
           "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("OUVERT_SITE_URL", None)  # unset: links in e-mails name the address served on
    with log.open("w") as out:
        # a worker that polls every 60 s: the e-mail below can only go out in time if queuing it wakes the worker
        server = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(port),  # noqa: S603
                                   "--worker-interval", "60"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200  # noqa: S310
            except OSError:
                return False

        assert wait_for(up), log.read_text()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{base}/fr/compte/mot-de-passe/").read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "email": "ops@exemple.qc.ca"}).encode()
        request = urllib.request.Request(f"{base}/fr/compte/mot-de-passe/", data=data,
                                         headers={"Referer": f"{base}/fr/compte/mot-de-passe/"})
        time.sleep(2)  # past the worker's first poll at start-up: it is now in its 60 s sleep
        assert opener.open(request).status == 200
        sent = wait_for(lambda: "/fr/compte/mot-de-passe/" in log.read_text().split("Subject:", 1)[-1]
                        and "Subject:" in log.read_text(), timeout=15)
        assert sent, f"the worker did not send the queued e-mail:\n{log.read_text()}"
        assert "ops@exemple.qc.ca" in log.read_text()
        assert f"{base}/fr/compte/mot-de-passe/" in log.read_text()  # the link names this port, not 8000
        # DEBUG is off unless asked: static files still come from whitenoise, errors get our pages
        css = urllib.request.urlopen(f"{base}/static/ouvert/ouvert.css", timeout=5)  # noqa: S310
        assert css.status == 200 and "text/css" in css.headers["Content-Type"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/fr/cette-page-n-existe-pas/", timeout=5)  # noqa: S310
        page = missing.value.read().decode()
        assert missing.value.code == 404 and "Page introuvable" in page and "URLconf" not in page
        assert "Mode débogage" not in log.read_text()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


@pytest.mark.slow  # starts ouvert serve in a subprocess
@pytest.mark.django_db
def test_serve_debug_only_when_asked(tmp_path):
    migrated_sqlite(tmp_path)
    assert ouvert("migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "OUVERT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev",
           "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("DEBUG", None)
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(port), "--no-worker",  # noqa: S603
                                   "--debug"], stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"

        def missing_page():
            try:
                urllib.request.urlopen(f"{base}/fr/cette-page-n-existe-pas/", timeout=2)  # noqa: S310
            except urllib.error.HTTPError as error:
                return error.read().decode()
            except OSError:
                return None
            return None

        page = wait_for(missing_page)
        assert page and "URLconf" in page, log.read_text()  # Django's technical 404: DEBUG is on
        assert "Mode débogage actif" in log.read_text()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


@pytest.mark.slow  # starts ouvert serve (gunicorn and its workers) in a subprocess
def test_serve_in_the_production_profile_uses_several_gunicorn_processes(tmp_path):
    """The production profile picks gunicorn; concurrent requests are answered by more than one process.
    ``/healthz`` needs no database, so the (unreachable) PostgreSQL URL only keeps the SQLite steps away."""
    import concurrent.futures

    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "OUVERT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ouvert.settings.prod",
           "SECRET_KEY": "Vq3-8fJz_kP0rT2mWx9LcYb7NsHd4GeA1uQiZo6Fj5Rt8Ky3Mp-gunicorn", "PYTHONUNBUFFERED": "1",
           "DATABASE_URL": "postgres://ouvert@127.0.0.1:9/aucune", "SECURE_SSL_REDIRECT": "false"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(port), "--workers", "2",  # noqa: S603
                                   "--threads", "2", "--access-log"],
                                  stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/healthz"

        def get(_: int) -> int:
            try:
                return urllib.request.urlopen(url, timeout=5).status  # noqa: S310
            except OSError:
                return 0

        assert wait_for(lambda: get(0) == 200, timeout=90), log.read_text()

        def pids() -> set[str]:
            return set(re.findall(r"/healthz HTTP/1.1\" 200 .* pid=<?(\d+)", log.read_text(errors="replace")))

        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            for _ in range(20):  # the second process may still be importing the application
                assert set(pool.map(get, range(24))) == {200}
                if len(pids()) > 1:
                    break
        assert "gunicorn : 2 processus de 2 fils" in log.read_text()
        assert len(pids()) > 1, log.read_text()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=15)
