"""Tasks on RabbitMQ (``OUVERT_TASK_BROKER_URL``) as operators run them: real worker processes against the
real broker on 127.0.0.1:5672 (skipped where it is absent, failed under ``CI=true``), sharing one SQLite
ledger in a temporary folder. A worker killed with SIGKILL in the middle of a task never acknowledged
it: the broker hands it to the next worker, which runs it again, and the task completes once."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import IN_CI

from .test_serve import wait_for

pytestmark = pytest.mark.slow  # processes of their own

ROOT = Path(__file__).resolve().parents[3]
BROKER = "amqp://guest:guest@127.0.0.1:5672//"

ENQUEUE = r"""
import json, sys
import django
django.setup()
from ouvert.core.tests.task_probe import probe_task
result = probe_task.enqueue(folder=sys.argv[1], hold_seconds=float(sys.argv[2]))
print(json.dumps({"id": str(result.id), "backend": type(result.task.get_backend()).__name__}))
"""


def _rabbitmq_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1) as conn:
            conn.sendall(b"AMQP\x00\x00\x09\x01")
            return conn.recv(8).startswith(b"\x01")  # connection.start frame
    except OSError:
        return False


@pytest.fixture
def broker_env(tmp_path):
    if not _rabbitmq_up():
        message = "RabbitMQ does not answer on 127.0.0.1:5672 (apt install rabbitmq-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    queue = f"ouvert-test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(OUVERT_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="ouvert.settings.dev",
               OUVERT_TASK_BROKER_URL=BROKER, OUVERT_TASK_QUEUE=queue, PYTHONUNBUFFERED="1")
    yield env
    from kombu import Connection

    with Connection(BROKER) as conn:
        conn.default_channel.queue_delete(queue)


def _worker(env: dict, log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen([sys.executable, "-m", "ouvert", "worker", "--pool", "solo"],  # noqa: S603
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _row(env: dict, result_id: str) -> dict:
    database = sqlite3.connect(Path(env["OUVERT_DATA_DIR"]) / "ouvert.sqlite3")
    try:
        status, workers, value = database.execute(
            "SELECT status, worker_ids, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (result_id.replace("-", ""),)).fetchone()
    finally:
        database.close()
    return {"status": status, "workers": json.loads(workers), "value": json.loads(value) if value else None}


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_task_whose_worker_is_killed_runs_again_on_another_and_completes_once(tmp_path, broker_env):
    folder = tmp_path / "probe"
    folder.mkdir()
    log = tmp_path / "workers.log"
    # two workers on two "machines" start while the ledger is created (each takes seconds to start)
    migrate = subprocess.Popen([sys.executable, "-m", "ouvert", "migrate", "django_tasks_database", "-v", "0"],  # noqa: S603
                               env=broker_env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    workers = [_worker(broker_env, log), _worker(broker_env, log)]
    try:
        assert migrate.wait(timeout=60) == 0, migrate.stderr.read() if migrate.stderr else ""
        enqueued = subprocess.run([sys.executable, "-c", ENQUEUE, str(folder), "60"], env=broker_env, cwd=ROOT,  # noqa: S603
                                  capture_output=True, text=True, check=False)
        assert enqueued.returncode == 0, enqueued.stderr
        task = json.loads(enqueued.stdout.strip().splitlines()[-1])
        assert task["backend"] == "CeleryBackend"
        attempts = folder / "attempts"
        assert wait_for(lambda: attempts.exists() and attempts.read_text().strip(), timeout=20, interval=0.05), log.read_text()
        assert _row(broker_env, task["id"])["status"] == "RUNNING"
        holder = next(w for w in workers if str(w.pid) == attempts.read_text().split()[0])
        os.killpg(holder.pid, signal.SIGKILL)  # the worker and its task die without a word
        holder.wait(timeout=10)
        assert not (folder / "result").exists()
        (folder / "release").touch()  # the next attempt finishes at once
        assert wait_for(lambda: _row(broker_env, task["id"])["status"] == "SUCCESSFUL", timeout=20, interval=0.05), log.read_text()
        row = _row(broker_env, task["id"])
        pids = attempts.read_text().split()
        assert len(pids) == 2 and pids[0] != pids[1]  # run again, by the other worker
        assert row["value"] == "fait" and (folder / "result").read_text() == "fait"
        assert len(row["workers"]) == 2 and row["workers"][0] != row["workers"][1]
        assert "redelivered" in log.read_text()
    finally:
        for worker in workers:
            _stop(worker)
