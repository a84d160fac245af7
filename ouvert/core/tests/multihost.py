"""Several hosts on one machine: the harness of ``test_multihost.py`` and ``bench/multihost.py``.

Each "host" is a Linux network namespace (``ip netns``) joined to a bridge: two app servers
(``ouvert serve`` in the production profile, gunicorn) and two task workers (``ouvert worker``,
Celery on RabbitMQ). They share nothing but the network: each has its own data directory, and they
reach the one PostgreSQL, Redis and RabbitMQ of this machine, and an S3 server (moto's, started
here), through ``socat`` relays listening on the bridge's address, as machines reach a database
server on the network. The system services' own configuration is not touched. A load balancer
(``multihost_balancer.py``) listens on this machine's loopback in front of the two app servers.

Needs root (network namespaces), ``ip``, ``socat`` and the three services; :func:`missing` says what
is absent. Everything started is stopped by :meth:`Cluster.close`, which the test's fixture calls
whatever happens.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
REDIS_DB = 9
BUCKET = "ouvert-multihote"
SECRET_KEY = "Vq3-8fJz_kP0rT2mWx9LcYb7NsHd4GeA1uQiZo6Fj5Rt8Ky3Mp-multihote"  # all servers sign alike


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tick_value(index: int) -> str:
    """What the small task of index ``index`` returns (``multihost_tasks.multihost_tick``)."""
    return hashlib.sha256(f"tache-{index}".encode()).hexdigest()[:16]


def _answers(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
        return True
    except OSError:
        return False


def missing() -> list[str]:
    """What this machine lacks to run the multi-host set-up (empty when it can)."""
    absent = []
    if os.geteuid() != 0:
        absent.append("root (network namespaces need CAP_NET_ADMIN)")
    for tool in ("ip", "socat"):
        if not shutil.which(tool):
            absent.append(f"{tool} (apt install {'iproute2' if tool == 'ip' else tool})")
    for name, address in (("PostgreSQL", PG), ("Redis", REDIS), ("RabbitMQ", RABBITMQ)):
        if not _answers(address):
            absent.append(f"{name} on {address[0]}:{address[1]}")
    return absent


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


def wait_until(predicate: Any, *, timeout: float, interval: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what or predicate} not within {timeout:.0f} s")


@dataclass
class Host:
    name: str
    namespace: str
    address: str


class Network:
    """A bridge on this machine (``<prefix>.1``) and one namespace per host (``<prefix>.11``, ``.12``…)."""

    def __init__(self, names: list[str]) -> None:
        octet = 20 + os.getpid() % 200  # two runs at once (a test and a bench) take two subnets
        self.tag = f"mh{octet}"
        self.prefix = f"10.231.{octet}"
        self.gateway = f"{self.prefix}.1"
        self.bridge = f"{self.tag}br"
        self.hosts = {name: Host(name, f"{self.tag}-{name}", f"{self.prefix}.{11 + i}") for i, name in
                      enumerate(names)}
        self.close()  # the leftovers of a run that was killed before it could clean up
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        for index, host in enumerate(self.hosts.values()):
            outside, inside = f"{self.tag}h{index}", f"{self.tag}n{index}"
            _run("ip", "netns", "add", host.namespace)
            _run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            _run("ip", "link", "set", outside, "master", self.bridge, "up")
            _run("ip", "link", "set", inside, "netns", host.namespace)
            _run("ip", "-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", inside)
            _run("ip", "-n", host.namespace, "link", "set", inside, "up")
            _run("ip", "-n", host.namespace, "link", "set", "lo", "up")

    def close(self) -> None:
        for host in self.hosts.values():
            subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True, check=False)  # noqa: S603, S607
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)  # noqa: S603, S607


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with self.log.open("a") as out:
            self.popen = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=out,  # noqa: S603
                                          stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """Signal the whole process group (a gunicorn master and its workers, a worker and its pool)."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # what the group left behind
            os.killpg(self.popen.pid, signal.SIGKILL)


@dataclass
class Cluster:
    """Two app servers and two workers on their own hosts, one database, cache, broker and bucket."""

    workdir: Path
    apps: tuple[str, ...] = ("app1", "app2")
    workers: tuple[str, ...] = ("wrk1", "wrk2")
    app_processes: int = 1
    app_threads: int = 4
    worker_concurrency: int = 4
    participants: int = 0
    catalog: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    relays: list[Process] = field(default_factory=list)
    network: Network | None = None
    seeded: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        run = uuid.uuid4().hex[:8]
        self.database = f"ouvert_multihost_{run}"
        self.queue = f"ouvert-multihote-{run}"
        self.s3_port = free_port()
        self.balancer_port = free_port()
        self.balancer_log = self.workdir / "balancer.jsonl"

    # Set-up ------------------------------------------------------------------------------------------

    def start(self) -> Cluster:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._start_s3()
        self._recreate_database()
        import redis

        redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()  # counters of an earlier run
        self.network = Network([*self.apps, *self.workers])
        gateway = self.network.gateway
        for port in (PG[1], REDIS[1], RABBITMQ[1], self.s3_port):
            self.relays.append(Process(f"relay-{port}", [
                "socat", f"TCP-LISTEN:{port},bind={gateway},fork,reuseaddr,backlog=512", f"TCP:127.0.0.1:{port}"],
                dict(os.environ), self.workdir / "relays.log").start())
        seeded = subprocess.run([sys.executable, "-m", "ouvert.core.tests.multihost_seed",  # noqa: S603
                                 "--participants", str(self.participants), "--catalog", str(self.catalog)],
                                env=self.env(local=True), cwd=ROOT,
                                capture_output=True, text=True, check=False)
        if seeded.returncode:
            raise RuntimeError(f"seed failed:\n{seeded.stderr[-3000:]}")
        self.seeded = json.loads(seeded.stdout.strip().splitlines()[-1])
        for name in self.apps:
            self.start_app(name)
        for name in self.workers:
            self.start_worker(name)
        self.start_balancer(self.apps)
        for name in self.apps:
            self.wait_app(name)
        wait_until(lambda: self.consumers() >= len(self.workers), timeout=120, what="both workers consuming")
        return self

    def _start_s3(self) -> None:
        import boto3

        self.relays.append(Process("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                                          str(self.s3_port)], dict(os.environ), self.workdir / "s3.log").start())
        wait_until(lambda: _answers(("127.0.0.1", self.s3_port)), timeout=60, what="moto's S3 server")
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.s3_port}", region_name="ca-central-1",
                              aws_access_key_id="essai", aws_secret_access_key="essai-secret")  # noqa: S106
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})

    def _admin_url(self) -> str:
        return f"postgres://postgres@{PG[0]}:{PG[1]}/postgres"

    def _recreate_database(self) -> None:
        import psycopg

        with psycopg.connect(self._admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def env(self, *, local: bool = False, host: str = "") -> dict[str, str]:
        """The environment of a process: on a host (services through the bridge) or ``local`` (this machine)."""
        assert self.network is not None
        at = "127.0.0.1" if local else self.network.gateway
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CACHE_", "OUVERT_",
                                                                         "STORAGE_", "DJANGO_", "PROMETHEUS"))}
        hosts = ",".join(["127.0.0.1", "localhost", *(h.address for h in self.network.hosts.values())])
        env.update({
            "DJANGO_SETTINGS_MODULE": "ouvert.settings.prod", "SECRET_KEY": SECRET_KEY, "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": hosts, "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": f"postgres://postgres@{at}:{PG[1]}/{self.database}",
            "CACHE_URL": f"redis://{at}:{REDIS[1]}/{REDIS_DB}",
            "OUVERT_TASK_BROKER_URL": f"amqp://guest:guest@{at}:{RABBITMQ[1]}//", "OUVERT_TASK_QUEUE": self.queue,
            "STORAGE_URL": f"s3://{BUCKET}?endpoint_url=http://{at}:{self.s3_port}&region_name=ca-central-1",
            "AWS_ACCESS_KEY_ID": "essai", "AWS_SECRET_ACCESS_KEY": "essai-secret",
            "OUVERT_EMBEDDED_WORKER": "false", "OUVERT_TRUSTED_PROXIES": f"{self.network.gateway}/32",
            "OUVERT_SITE_URL": self.base_url, "LOG_LEVEL": "WARNING",
            "OUVERT_DATA_DIR": str(self.workdir / (host or "local")),
            "OUVERT_RATE_API_WRITE": "100000", "OUVERT_RATE_API_WRITE_IP": "100000",
            "OUVERT_RATE_DATASTORE_SEARCH": "100000", "OUVERT_RATE_DATASTORE_SQL": "100000",
        })
        env.update(self.extra_env)
        return env

    def _on(self, name: str, *command: str) -> list[str]:
        assert self.network is not None
        return ["ip", "netns", "exec", self.network.hosts[name].namespace, sys.executable, "-m", "ouvert", *command]

    def start_app(self, name: str) -> Process:
        assert self.network is not None
        command = self._on(name, "serve", "--host", self.network.hosts[name].address, "--port", "8000",
                           "--server", "gunicorn", "--workers", str(self.app_processes),
                           "--threads", str(self.app_threads), "--no-worker")
        self.processes[name] = Process(name, command, self.env(host=name), self.workdir / f"{name}.log").start()
        return self.processes[name]

    def start_worker(self, name: str) -> Process:
        command = self._on(name, "worker", "--pool", "threads", "--concurrency", str(self.worker_concurrency))
        self.processes[name] = Process(name, command, self.env(host=name), self.workdir / f"{name}.log").start()
        return self.processes[name]

    def start_balancer(self, backends: tuple[str, ...]) -> Process:
        assert self.network is not None
        if "balancer" in self.processes:
            self.processes["balancer"].stop()
        command = [sys.executable, "-m", "ouvert.core.tests.multihost_balancer", "--listen",
                   f"127.0.0.1:{self.balancer_port}", "--log", str(self.balancer_log)]
        for name in backends:
            command += ["--backend", f"{name}={self.network.hosts[name].address}:8000"]
        self.processes["balancer"] = Process("balancer", command, dict(os.environ),
                                             self.workdir / "balancer.log").start()
        wait_until(lambda: _answers(("127.0.0.1", self.balancer_port)), timeout=30, what="the balancer")
        return self.processes["balancer"]

    def wait_app(self, name: str, timeout: float = 120) -> None:
        assert self.network is not None
        url = f"http://{self.network.hosts[name].address}:8000/healthz"

        def up() -> bool:
            try:
                return urllib.request.urlopen(url, timeout=2).status == 200  # noqa: S310
            except OSError:
                return False

        if not self.processes[name].alive():
            raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
        wait_until(up, timeout=timeout, what=f"{name} answering /healthz")

    # Acting on it -------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, name: str) -> None:
        """SIGKILL a host's process group: the machine is gone, without a word."""
        self.processes[name].stop(signal.SIGKILL)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(f"postgres://postgres@{PG[0]}:{PG[1]}/{self.database}", autocommit=True) as conn:
            return conn.execute(query, params).fetchall()  # type: ignore[arg-type]

    def worker_named(self, worker_id: str) -> str | None:
        """The host whose worker process wrote ``worker_id`` (``ouvert-<pid>@<hostname>``) on a task row."""
        pid = worker_id.removeprefix("ouvert-").split("@", 1)[0]
        return next((n for n in self.workers if n in self.processes and str(self.processes[n].pid) == pid), None)

    def consumers(self) -> int:
        from kombu import Connection

        try:
            with Connection(f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}//", connect_timeout=3) as conn:
                return int(conn.default_channel.queue_declare(queue=self.queue, passive=True).consumer_count)
        except Exception:  # noqa: BLE001 — not declared yet: no consumer
            return 0

    def balancer_entries(self) -> list[dict]:
        if not self.balancer_log.exists():
            return []
        return [json.loads(line) for line in self.balancer_log.read_text().splitlines() if line.strip()]

    # Tear-down ---------------------------------------------------------------------------------------

    def close(self) -> None:
        for process in list(self.processes.values()) + self.relays:
            with contextlib.suppress(Exception):
                process.stop(signal.SIGKILL)  # nothing to finish: the database is dropped next
        if self.network is not None:
            self.network.close()
        with contextlib.suppress(Exception):
            from kombu import Connection

            with Connection(f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}//", connect_timeout=3) as conn:
                conn.default_channel.queue_delete(self.queue)
        with contextlib.suppress(Exception):
            import redis

            redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(self._admin_url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to look at (and its cookies to keep), not to follow


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request, redirects not followed: status (0 when the connection failed), headers, body."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=timeout) as response:
            return response.status, _headers(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error.headers), error.read()
    except (OSError, http_client_errors()):
        return 0, {}, b""


def _headers(message: Any) -> dict[str, str]:
    """The response's headers; one repeated (``Set-Cookie``) has its values joined by line breaks."""
    joined: dict[str, str] = {}
    for name, value in message.items():
        joined[name] = f"{joined[name]}\n{value}" if name in joined else value
    return joined


def http_client_errors() -> type[Exception]:
    import http.client

    return http.client.HTTPException


def multipart(fields: dict[str, str], *, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"----multihote{uuid.uuid4().hex}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
