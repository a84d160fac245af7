"""Datastore ingestion end to end, as a publisher lives it: a generated messy CSV (Windows-1252, ";",
decimal commas, French dates) uploaded through the CKAN API (``resource_create``, multipart) to a
live ``ouvert serve`` (waitress + its embedded task worker, in a child process, on a temporary data
directory), then ``datastore_search`` polled until every row answers with its types. The clock runs
from the first byte of the upload to that answer: upload, storage, queueing, the worker picking the
job up, typing, loading, the primary key, the full-text index (SQLite), the swap. What the job does
after the swap — B-tree indexes and statistics, the full-text index on PostgreSQL, the quality
report — is timed on its own line ("until the job ends"), the table answering meanwhile.

The baseline is the raw floor of the same file, measured in this process in the same run and
interleaved with Ouvert's runs (floor, Ouvert, floor, Ouvert…; medians): on SQLite the csv module +
``executemany`` of raw strings into a fresh table; on PostgreSQL ``COPY`` of all-text columns (the
server parses). Also printed: the peak resident memory of the worker process while it ingests
(``VmRSS`` sampled at each poll), the wait in the queue, the worker's own phases, and how time grows
with the row count. Each round starts with an idle worker: an upload also queues other tasks (a CSV
with latitude/longitude columns gets a map layer, the dataset its quality report), which run after
the ingestion; their durations are printed, outside the timed figure (not after the last round,
whose worker is stopped).

    .venv/bin/python bench/ingest_e2e.py [--rows 100000 1000000] [--huge] [--rounds 3] \
        [--pg postgres://postgres@127.0.0.1:5432/ouvert_ingest_e2e] [--work /tmp/ouvert-e2e]

``--pg`` runs the PostgreSQL instance instead of the SQLite one: the database named there is
dropped and recreated. ``--huge`` adds 5,000,000 rows (about 600 MB). Generated files are kept in
``--work`` for the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datastore_ingest import CPU, generate, raw_postgres, raw_sqlite, sqlite_utils  # noqa: E402 — a sibling script

EXPECTED_TYPES = {"id": "int", "date": "date", "montant": "numeric", "ville": "text", "actif": "bool",
                  "latitude": "numeric", "longitude": "numeric", "description": "text"}
PASSWORD = "banc-d-essai-ingestion-2026"  # noqa: S105 — a throwaway local instance


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process so far (all its threads), from ``/proc``."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Instance:
    """A fresh Ouvert: migrated, one admin with an API token, served with its embedded worker."""

    def __init__(self, data_dir: Path, database_url: str | None):
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = {**os.environ, "OUVERT_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev",
                    "DEBUG": "false", "OUVERT_EMBEDDED_WORKER": "true", "LOG_LEVEL": "WARNING",
                    "OUVERT_UPLOAD_MAX_BYTES": str(4 * 1024 ** 3)}
        if database_url:
            self.env["DATABASE_URL"] = database_url
        else:
            self.env.pop("DATABASE_URL", None)

    def run(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run([sys.executable, "-m", "ouvert", *args], input=stdin, capture_output=True,  # noqa: S603
                                text=True, env=self.env, cwd=ROOT, timeout=600, check=False)
        if result.returncode:
            raise RuntimeError(f"ouvert {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    @contextlib.contextmanager
    def served(self) -> Iterator[Instance]:
        if self.database_url:
            recreate_database(self.database_url)
        self.run("migrate", "-v", "0")
        self.run("createadmin", "--email", "admin@banc.example", "--password-stdin", stdin=PASSWORD + "\n")
        self.token = self.run("token", "create", "--user", "admin@banc.example", "--name", "banc").strip()
        self.port = free_port()
        log = (self.data_dir / "serve.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "ouvert", "serve", "--port", str(self.port), "--threads", "4"],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    self.call("status_show", {})
                    break
                except OSError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((self.data_dir / "serve.log").read_text()[-3000:]) from None
                    time.sleep(0.3)
            self.worker_pid = self._worker_pid()
            self.call("organization_create", {"name": "banc", "title": "Banc d'essai"})
            yield self
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            if getattr(self, "worker_pid", None):  # a worker finishing a long task outlives its server
                with contextlib.suppress(OSError):
                    os.kill(self.worker_pid, signal.SIGTERM)
                    time.sleep(5)
                    os.kill(self.worker_pid, signal.SIGKILL)
            log.close()

    def _worker_pid(self) -> int | None:
        """The embedded worker: the serve process's child running ``ouvert worker``."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                except (OSError, IndexError, ValueError):
                    continue
                if ppid == self.process.pid and b"worker" in cmdline:
                    return int(entry.name)
            time.sleep(0.2)
        return None

    def call(self, action: str, data: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            body = json.dumps(data).encode()
            headers = {"Content-Type": "application/json", "Authorization": getattr(self, "token", "")}
            conn.request("POST", f"/api/3/action/{action}", body=body, headers=headers)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def upload(self, dataset: str, path: Path) -> dict[str, Any]:
        """``resource_create`` with the file as multipart ``upload``, streamed from disk."""
        boundary = uuid.uuid4().hex
        fields = {"package_id": dataset, "name": path.name, "format": "CSV"}
        head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                        for k, v in fields.items())
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{path.name}"\r\n'
                 "Content-Type: text/csv\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        try:
            conn.putrequest("POST", "/api/3/action/resource_create")
            conn.putheader("Authorization", self.token)
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
            conn.endheaders()
            conn.send(head)
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    conn.send(chunk)
            conn.send(tail)
            answer = json.loads(conn.getresponse().read())
        finally:
            conn.close()
        if not answer.get("success"):
            raise RuntimeError(f"resource_create: {answer}")
        return answer["result"]

    def query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        """Read the instance's own database directly (``?`` placeholders)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        conn = sqlite3.connect(self.data_dir / "ouvert.sqlite3", timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def _key(self, resource_id: str) -> str:
        return resource_id if self.database_url else uuid.UUID(resource_id).hex

    def job_finished(self, resource_id: str) -> bool:
        rows = self.query("SELECT finished_at FROM datastore_ingestjob WHERE resource_id = ? "
                          "ORDER BY created_at DESC LIMIT 1", [self._key(resource_id)])
        return bool(rows and rows[0][0])

    def job_times(self, resource_id: str) -> dict[str, float]:
        """Queue wait and worker time of the resource's ingestion job, from the database."""
        created, started, finished, report = self.query(
            "SELECT created_at, started_at, finished_at, report FROM datastore_ingestjob WHERE resource_id = ? "
            "ORDER BY created_at DESC LIMIT 1", [self._key(resource_id)])[0]
        if not self.database_url:
            import datetime as dt

            created, started, finished = (dt.datetime.fromisoformat(v) for v in (created, started, finished))
            report = json.loads(report)
        timings = (report.get("sheets") or [{}])[0].get("timings", {})
        return {"queued": (started - created).total_seconds(), "worker": (finished - started).total_seconds(),
                **{k: float(v) for k, v in timings.items()}}

    def wait_idle(self) -> dict[str, float]:
        """Wait until the worker has no task left (an upload also queues its map layer, the dataset's
        quality report, notices); returns the seconds each kind of task took since the last call."""
        deadline = time.monotonic() + 7200
        self.idle_peak = self.rss_mb()  # the worker's resident memory while it runs those tasks
        while self.query("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                         "WHERE status IN ('READY', 'RUNNING')", [])[0][0]:
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not finish its tasks in two hours")
            if self.worker_pid and not Path(f"/proc/{self.worker_pid}").exists():
                raise RuntimeError("the embedded worker died: " + (self.data_dir / "serve.log").read_text()[-2000:])
            self.idle_peak = max(self.idle_peak, self.rss_mb())
            time.sleep(0.5)
        rows = self.query("SELECT id, task_path, started_at, finished_at FROM django_tasks_database_dbtaskresult "
                          "WHERE finished_at IS NOT NULL", [])
        spent: dict[str, float] = {}
        seen = getattr(self, "_seen", set())
        for key, path, started, finished in rows:
            if key in seen or not started:
                continue
            seen.add(key)
            if isinstance(started, str):
                import datetime as dt

                started, finished = dt.datetime.fromisoformat(started), dt.datetime.fromisoformat(finished)
            name = path.rsplit(".", 1)[-1]
            spent[name] = spent.get(name, 0.0) + (finished - started).total_seconds()
        self._seen = seen
        return spent

    def rss_mb(self) -> float:
        if not self.worker_pid:
            return 0.0
        for line in Path(f"/proc/{self.worker_pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def ouvert_run(instance: Instance, path: Path, rows: int, n: int) -> dict[str, Any]:
    dataset = instance.call("package_create", {"name": f"banc-{rows}-{n}", "title": f"Banc {rows} {n}",
                                               "owner_org": "banc"})["result"]["id"]
    peak = before = instance.rss_mb()
    cpu = worker_cpu = cpu_seconds(instance.worker_pid)
    cpu += cpu_seconds(instance.process.pid)
    started = time.perf_counter()
    resource = instance.upload(dataset, path)
    uploaded = time.perf_counter() - started
    ingesting = True
    while True:
        if ingesting:  # the worker's resident memory while it ingests, sampled at each poll
            peak = max(peak, instance.rss_mb())
            ingesting = not instance.job_finished(resource["id"])
        if instance.worker_pid and not Path(f"/proc/{instance.worker_pid}").exists():
            raise RuntimeError("the embedded worker died: " + (instance.data_dir / "serve.log").read_text()[-2000:])
        answer = instance.call("datastore_search", {"resource_id": resource["id"], "limit": 1, "offset": rows - 1})
        if answer.get("success") and answer["result"].get("total") == rows and answer["result"]["records"]:
            elapsed = time.perf_counter() - started
            worker_cpu = cpu_seconds(instance.worker_pid) - worker_cpu
            cpu = cpu_seconds(instance.worker_pid) + cpu_seconds(instance.process.pid) - cpu
            break
        waited = time.perf_counter() - started
        if waited > 3600:
            raise RuntimeError(f"not queryable after an hour: {answer}")
        # Each poll is a request the server answers (CPU counted as Ouvert's): about 50 polls per
        # run, so the figure is within 2 % of the moment the rows answered.
        time.sleep(min(0.5, max(0.05, waited / 50)))
    types = {f["id"]: f["type"] for f in answer["result"]["fields"] if f["id"] != "_id"}
    if types != EXPECTED_TYPES:
        raise RuntimeError(f"types {types}, expected {EXPECTED_TYPES}")
    last = answer["result"]["records"][0]
    if last.get("id") != rows:
        raise RuntimeError(f"last row {last}")
    # The job ends after the answer: with its quality report's last write, and on PostgreSQL once the
    # full-text index (built after the swap, the table answering meanwhile) exists.
    q_during: tuple[float, int | None] | None = None
    if not instance.job_finished(resource["id"]):
        q_during = timed_q(instance, resource["id"])  # while the job still runs (full text, quality)
    while not instance.job_finished(resource["id"]):
        peak = max(peak, instance.rss_mb())
        time.sleep(0.05)
    finished = time.perf_counter() - started
    q_after = timed_q(instance, resource["id"])
    if q_during is not None and q_during[1] is not None and q_during[1] != q_after[1]:
        raise RuntimeError(f"q found {q_during[1]} rows before the full-text index, {q_after[1]} after")
    print(f"    q={Q_WORD!r}: {q_after[1]} rows, {q_after[0] * 1000:.0f} ms once the job ended"
          + (f"; {q_during[0] * 1000:.0f} ms while it still ran ({q_during[1]} rows)" if q_during else ""),
          flush=True)
    times = instance.job_times(resource["id"])
    return {"seconds": elapsed, "until_fulltext": finished, "upload": uploaded, "peak_mb": peak,
            "rss_before": before, "cpu": cpu, "worker_cpu": worker_cpu, **times}


Q_WORD = "subvention"


def timed_q(instance: Instance, resource_id: str) -> tuple[float, int | None]:
    """One full-text ``datastore_search`` (first page and total): its seconds and the total."""
    started = time.perf_counter()
    answer = instance.call("datastore_search", {"resource_id": resource_id, "q": Q_WORD, "limit": 10}, timeout=300)
    seconds = time.perf_counter() - started
    return seconds, answer["result"]["total"] if answer.get("success") else None


def floor_run(path: Path, database_url: str | None, work: Path) -> float:
    CPU["floor"] = 0.0  # measured in this process for SQLite; PostgreSQL's COPY runs in the server
    if database_url:
        return raw_postgres(path, database_url)[0]
    db = work / "floor.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    seconds = raw_sqlite(path, db)[0]
    db.unlink(missing_ok=True)
    return seconds


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--huge", action="store_true", help="also 5,000,000 rows")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved floor/Ouvert pairs per size")
    parser.add_argument("--pg", help="PostgreSQL URL (the database is dropped and recreated)")
    parser.add_argument("--work", type=Path, help="directory for the generated files (kept)")
    parser.add_argument("--sqlite-utils", type=Path, dest="sqlite_utils",
                        help="sqlite-utils executable (default: beside this Python, from the bench extra); "
                             "timed once per size against the same file, types detected")
    parser.add_argument("--skip-sqlite-utils", action="store_true")
    parser.add_argument("--sqlite-utils-max-rows", type=int, dest="sqlite_utils_max_rows",
                        help="time sqlite-utils only on the sizes up to this many rows (a busy machine)")
    args = parser.parse_args()
    sizes = sorted(set(args.rows + ([5_000_000] if args.huge else [])))
    work = args.work or Path(tempfile.gettempdir()) / "ouvert-e2e"
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for rows in sizes:
        files[rows] = work / f"messy-{rows}.csv"
        if not files[rows].exists():
            generate(files[rows], rows)
    engine = "PostgreSQL" if args.pg else "SQLite"
    data_dir = Path(tempfile.mkdtemp(prefix="ouvert-e2e-", dir=work))
    print(f"{engine}, {len(sizes)} sizes × {args.rounds} interleaved rounds; load average at start {loadavg()}")
    results: dict[int, dict[str, Any]] = {}
    try:
        with Instance(data_dir, args.pg).served() as instance:
            if instance.worker_pid is None:
                print("  (embedded worker not found: no memory figure)")
            warm = work / "messy-warmup.csv"
            if not warm.exists():
                generate(warm, 100)
            ouvert_run(instance, warm, 100, 0)  # the worker's imports and first connection, not timed
            for rows in sizes:
                floors, runs, floor_cpu = [], [], []
                for n in range(args.rounds):
                    # each round starts with an idle worker: the previous upload's map layer is done
                    others = instance.wait_idle()
                    if runs or n or rows != sizes[0]:
                        print("    after the previous upload, not timed: " + ", ".join(
                            f"{k} {v:.1f} s" for k, v in others.items() if k != "datastore_ingest_task")
                            + f"; worker peak RSS meanwhile {instance.idle_peak:.0f} MB", flush=True)
                    floors.append(floor_run(files[rows], args.pg, work))
                    floor_cpu.append(CPU["floor"])
                    runs.append(ouvert_run(instance, files[rows], rows, n))
                    print(f"  {rows:>9,} rows round {n + 1}: floor {floors[-1]:6.2f} s, "
                          f"Ouvert {runs[-1]['seconds']:6.2f} s"
                          f" (upload {runs[-1]['upload']:.2f} s, queued {runs[-1]['queued']:.2f} s, worker"
                          f" {runs[-1]['worker']:.2f} s: load {runs[-1].get('load', 0):.2f}, index"
                          f" {runs[-1].get('index', 0):.2f}, full text {runs[-1].get('fulltext', 0):.2f})"
                          f" worker RSS {runs[-1]['rss_before']:.0f} MB before, peak {runs[-1]['peak_mb']:.0f} MB;"
                          f" CPU: floor {f'{floor_cpu[-1]:.2f} s' if floor_cpu[-1] else 'in the server'},"
                          f" Ouvert's processes {runs[-1]['cpu']:.2f} s"
                          f" (worker {runs[-1]['worker_cpu']:.2f} s)",
                          flush=True)
                if rows == sizes[-1]:  # the last upload's map layer and quality report too
                    others = instance.wait_idle()
                    print("    after the last upload, not timed: " + ", ".join(
                        f"{k} {v:.1f} s" for k, v in others.items() if k != "datastore_ingest_task")
                        + f"; worker peak RSS meanwhile {instance.idle_peak:.0f} MB", flush=True)
                floor = statistics.median(floors)
                ours = statistics.median(r["seconds"] for r in runs)
                results[rows] = {"floor": floor, "ours": ours, "peak": max(r["peak_mb"] for r in runs),
                                 "until_fulltext": statistics.median(r["until_fulltext"] for r in runs),
                                 "floor_cpu": statistics.median(floor_cpu),
                                 "cpu": statistics.median(r["cpu"] for r in runs),
                                 **{k: statistics.median(r.get(k, 0.0) for r in runs)
                                    for k in ("upload", "queued", "worker", "load", "index", "fulltext")}}
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    exe = args.sqlite_utils or Path(sys.executable).with_name("sqlite-utils")
    if not args.skip_sqlite_utils and exe.exists():
        for rows in sizes:  # after Ouvert's rounds, on the same file, in this run
            if args.sqlite_utils_max_rows and rows > args.sqlite_utils_max_rows:
                continue
            db = work / "sqlite-utils.sqlite3"
            db.unlink(missing_ok=True)
            seconds, count = sqlite_utils(files[rows], db, exe)
            db.unlink(missing_ok=True)
            results[rows]["sqlite_utils"] = seconds
            print(f"  {rows:>9,} rows: sqlite-utils insert (types detected) {seconds:.2f} s, {count:,} rows, "
                  f"CPU {CPU['sqlite-utils']:.2f} s; load average {loadavg()}", flush=True)
    elif not args.skip_sqlite_utils:
        print(f"  (no sqlite-utils at {exe}: pass --sqlite-utils PATH or install the bench extra)")
    print(f"load average at end {loadavg()}")
    print(f"\n{engine}: end to end, upload → typed and live → datastore_search answers every row")
    print("| rows | raw floor | Ouvert end to end | ratio | upload | queued | worker: load / index / full text "
          "| peak worker RSS | CPU: floor / Ouvert (ratio) |\n|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for rows, r in results.items():
        cpu = (f"{r['floor_cpu']:.2f} / {r['cpu']:.2f} s ({r['cpu'] / r['floor_cpu']:.2f}×)" if r["floor_cpu"]
               else f"server's / {r['cpu']:.2f} s")
        print(f"| {rows:,} | {r['floor']:.2f} s | {r['ours']:.2f} s | **{r['ours'] / r['floor']:.2f}×** | "
              f"{r['upload']:.2f} s | {r['queued']:.2f} s | {r['load']:.2f} / {r['index']:.2f} / "
              f"{r['fulltext']:.2f} s | {r['peak']:.0f} MB | {cpu} |")
    print("\nThe job's end (after the swap: B-tree indexes and statistics, on PostgreSQL the full-text index; "
          "the quality report written):")
    for rows, r in results.items():
        print(f"  {rows:,} rows: until the job ends {r['until_fulltext']:.2f} s, "
              f"**{r['until_fulltext'] / r['floor']:.2f}×** the floor")
    for rows, r in results.items():
        if "sqlite_utils" in r:
            print(f"  {rows:,} rows: sqlite-utils {r['sqlite_utils']:.2f} s; Ouvert end to end is "
                  f"**{r['sqlite_utils'] / r['ours']:.2f}×** faster (until the job ends: "
                  f"{r['sqlite_utils'] / r['until_fulltext']:.2f}×; target ≥ 10×)")
    ordered = list(results)
    for small, large in zip(ordered, ordered[1:], strict=False):
        a, b = results[small], results[large]
        print(f"growth {small:,} → {large:,} rows (×{large / small:g}): floor ×{b['floor'] / a['floor']:.2f}, "
              f"Ouvert ×{b['ours'] / a['ours']:.2f}, peak worker RSS {a['peak']:.0f} → {b['peak']:.0f} MB")
    worst = max(r["ours"] / r["floor"] for r in results.values())
    print(f"target ≤ 1.5× the floor: {'met' if worst <= 1.5 else 'not met'} (worst {worst:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
