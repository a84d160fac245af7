"""Datastore query benchmark over HTTP on loopback: Ouvert's datastore_search (filter + sort, and a
full-text ``q``) against Datasette serving the same SQLite table (immutable, facet suggestions off, time
limit raised to 10 s so that no request fails under load).
Median and p95 latency with one client, throughput with N concurrent clients, and ratios.

    .venv/bin/python bench/datastore_query.py --csv /tmp/dsbench1m/messy-1000000.csv [--clients 8] \
        [--rounds 3] [--work DIR] [--pg postgres://…/ouvert_querybench]

The CSV is the one ``bench/datastore_ingest.py --keep DIR`` generates. Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — loopback
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 — loopback
        body = response.read()
    elapsed = time.perf_counter() - started
    json.loads(body)
    return elapsed


def fetch_or_fail(url: str) -> float | None:
    """Seconds taken, or None for an HTTP error (counted, not fatal: Datasette answers 400 when a
    query passes its time limit)."""
    try:
        return fetch(url)
    except urllib.error.HTTPError:
        return None


def measure(name: str, url: str, *, requests: int, clients: int) -> dict:
    for _ in range(3):
        fetch(url)
    latencies = sorted(fetch(url) for _ in range(requests))
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(lambda _: fetch_or_fail(url), range(requests * 2)))
    failed = outcomes.count(None)
    throughput = (len(outcomes) - failed) / (time.perf_counter() - started)
    result = {"median_ms": statistics.median(latencies) * 1000,
              "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000, "rps": throughput, "failed": failed}
    print(f"{name:<44} median {result['median_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  "
          f"{result['rps']:7.1f} req/s with {clients} clients" + (f" ({failed} errors)" if failed else ""))
    return result


def prepare(csv_path: Path, work: Path, database_url: str | None = None) -> str:
    """Migrate a fresh database (embedded SQLite in ``work``, or ``database_url``) and ingest the CSV
    through the service (as a worker would); a table already loaded from the same file is reused."""
    os.environ["OUVERT_DATA_DIR"] = str(work)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ouvert.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ouvert.datastore.models import DatastoreTable, IngestJob

    done = DatastoreTable.objects.filter(source_name=str(csv_path)).first()
    if done is not None:
        print(f"reusing {done.row_count:,} rows already loaded in {work}")
        return str(done.resource_id)
    from ouvert.datastore.services import datastore_ingest_run

    job = IngestJob.objects.create(resource_id=uuid.uuid4(), source_name=str(csv_path), original_name=csv_path.name)
    started = time.perf_counter()
    datastore_ingest_run(job=job)
    job.refresh_from_db()
    if job.status != "succeeded":
        raise SystemExit(f"ingestion failed: {job.error}")
    print(f"ingested {job.rows_done:,} rows in {time.perf_counter() - started:.1f} s")
    return str(job.resource_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the servers this many times (shared "
                        "machines: load changes between measurements)")
    parser.add_argument("--work", type=Path, help="directory for the database (kept; reused when it already "
                        "holds this CSV)")
    parser.add_argument("--pg", metavar="URL", help="serve Ouvert from this PostgreSQL database instead (loaded "
                        "once, then reused); Datasette serves the SQLite file an earlier run left in --work")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ouvert-qbench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work directory: {work}")
    db = work / "ouvert.sqlite3"
    if args.pg:
        if not db.exists():
            raise SystemExit(f"--pg: run once without --pg and with --work {work} first (Datasette's SQLite file)")
        with sqlite3.connect(db) as lite:
            found = lite.execute("SELECT table_name FROM datastore_datastoretable WHERE source_name = ?",
                                 [str(args.csv)]).fetchone()
        if found is None:
            raise SystemExit(f"{db} does not hold {args.csv}")
        ds_table = found[0]
    rid = prepare(args.csv, work, args.pg)
    from ouvert.datastore.models import DatastoreTable

    table_name = DatastoreTable.objects.get(resource_id=rid).table_name
    if not args.pg:
        ds_table = table_name
    env = {**os.environ, "OUVERT_DATA_DIR": str(work), "DEBUG": "false", "OUVERT_EMBEDDED_WORKER": "false"}
    ours_port, ds_port = free_port(), free_port()
    ours = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(ours_port)],  # noqa: S603
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    datasette_exe = Path(sys.executable).with_name("datasette")
    datasette = subprocess.Popen([str(datasette_exe), "serve", "-i", str(db), "--port", str(ds_port),  # noqa: S603
                                  "--setting", "suggest_facets", "off", "--setting", "default_facet_size", "0",
                                  "--setting", "num_sql_threads", "4", "--setting", "sql_time_limit_ms", "10000"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/healthz")
        wait_for(f"http://127.0.0.1:{ds_port}/-/versions.json")
        filters = urllib.parse.quote(json.dumps({"ville": "Québec"}))
        sort = urllib.parse.quote("montant desc")
        base = f"http://127.0.0.1:{ours_port}/api/v1/datastore/{rid}/search"
        ds_url = (f"http://127.0.0.1:{ds_port}/ouvert/{ds_table}.json?ville={urllib.parse.quote('Québec')}"
                  f"&_sort_desc=montant&_size=100&_shape=objects")
        engine = "PostgreSQL" if args.pg else "SQLite"
        print(f"Ouvert on {engine}, table {table_name} ({args.requests} sequential requests, then {args.requests * 2} "
              f"with {args.clients} clients; {args.rounds} round(s), Ouvert and Datasette alternating)")
        with sqlite3.connect(db) as lite:
            towns = [r[0] for r in lite.execute(f'SELECT DISTINCT ville FROM "{ds_table}" WHERE ville <> ? '  # noqa: S608
                                                'ORDER BY ville', ["Québec"])]
        cold = sorted(fetch(f"{base}?filters={urllib.parse.quote(json.dumps({'ville': town}))}&sort={sort}&limit=100")
                      for town in towns)
        print(f"{'Ouvert filter + sort, first request per town':<44} median {statistics.median(cold) * 1000:7.1f} ms  "
              f"max {cold[-1] * 1000:7.1f} ms  ({len(cold)} towns; counts not remembered yet)")
        ours_runs, theirs_runs = [], []
        for n in range(args.rounds):
            print(f"round {n + 1}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            ours_runs.append(measure("Ouvert filter + sort (100 of 1M)",
                                     f"{base}?filters={filters}&sort={sort}&limit=100",
                                     requests=args.requests, clients=args.clients))
            measure("Ouvert full-text q=aqueduc (266k matches)", f"{base}?q=aqueduc&limit=100", requests=args.requests,
                    clients=args.clients)
            theirs_runs.append(measure("Datasette filter + sort (100 of 1M)", ds_url, requests=args.requests,
                                       clients=args.clients))
        a = {k: statistics.median(r[k] for r in ours_runs) for k in ("median_ms", "p95_ms", "rps")}
        b = {k: statistics.median(r[k] for r in theirs_runs) for k in ("median_ms", "p95_ms", "rps")}
        print(f"medians over rounds — Ouvert: {a['median_ms']:.1f} ms, p95 {a['p95_ms']:.1f} ms, {a['rps']:.1f} req/s; "
              f"Datasette: {b['median_ms']:.1f} ms, p95 {b['p95_ms']:.1f} ms, {b['rps']:.1f} req/s")
        print(f"median: Ouvert {a['median_ms']:.1f} ms (target < 20 ms); Datasette / Ouvert latency "
              f"{b['median_ms'] / a['median_ms']:.1f}x; throughput Ouvert / Datasette {a['rps'] / b['rps']:.1f}x "
              "(target >= 5x)")
    finally:
        ours.terminate()
        datasette.terminate()


if __name__ == "__main__":
    main()
