"""Datastore query benchmark over HTTP on loopback: Ouvert (production profile: gunicorn, several
worker processes) against Datasette serving the same rows from SQLite, three cases at each table
size given (an order of magnitude apart), in the same run:

- filter + sort: ``datastore_search`` with ``filters={"ville": "Québec"}``, ``sort=montant desc``,
  ``limit=100`` and its exact total, against Datasette's table JSON with ``ville=``, ``_sort_desc=``
  and its filtered count;
- full text: ``q=aqueduc`` (a prefix match, first 100 in ``_id`` order, exact total), against
  Datasette's ``_search=aqueduc*`` (raw FTS5 mode) on an FTS5 table over the same text columns with
  the same tokenizer (``sqlite-utils enable-fts``), sorted by ``_id``, with its count;
- aggregate (the chart builder's ``GROUP BY``): ``/aggregate?group=ville&agg=sum&value=montant``,
  against the same ``SELECT ville, SUM(montant) … GROUP BY 1 ORDER BY 2 DESC`` through Datasette's SQL
  endpoint.

Median and p95 latency with one client, throughput with N concurrent clients, ratios against
Datasette's figures of the same round, and the growth ratio between sizes (largest / smallest).

    .venv/bin/python bench/datastore_query.py --csv /tmp/q/messy-100000.csv --csv /tmp/q/messy-1000000.csv \
        --work /tmp/q/lite [--pg postgres://…/ouvert_querybench --datasette-db /tmp/q/lite/datasette.sqlite3] \
        [--workers 2] [--threads 4] [--clients 8] [--rounds 3] [--datasette PATH]

The CSVs are ``bench/datastore_ingest.py``'s generated file (``--keep DIR``). Needs the ``bench`` extra
(Datasette and sqlite-utils; ``--datasette`` names the executable when they live in another environment).
Datasette's own database is a copy of Ouvert's SQLite file with FTS5 tables added (Ouvert's file is left
as it is); run once without ``--pg`` first, the PostgreSQL run reuses that copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = ("filter + sort", "full text q", "aggregate")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — loopback
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def get_json(url: str) -> object:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 — loopback
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        print(f"  HTTP {error.code} from {url[:90]}…: {error.read()[:200]!r}")
        return {"records": [], "rows": [], "total": None, "filtered_table_rows_count": None} if "sql=" not in url \
            and "aggregate" not in url else ({"rows": []} if "aggregate" in url else [])


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


def measure(url: str, *, requests: int, clients: int, budget: float) -> dict[str, float]:
    """``requests`` sequential requests (fewer when they pass ``budget`` seconds, at least 10), then
    ``2 × requests`` from ``clients`` threads (or until ``budget`` seconds, at least 2 per thread)."""
    for _ in range(3):
        fetch_or_fail(url)
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + budget
    while len(latencies) + errors < requests and (len(latencies) + errors < 10 or time.monotonic() < deadline):
        seconds = fetch_or_fail(url)
        if seconds is None:
            errors += 1
        else:
            latencies.append(seconds)
    latencies.sort()
    if not latencies:
        latencies = [float("nan")]
    done, failed = [0], [errors]
    lock = threading.Lock()
    wanted = requests * 2
    deadline = time.monotonic() + budget

    def client() -> None:
        mine = 0
        while True:
            with lock:
                if done[0] + failed[0] >= wanted or (mine >= 2 and time.monotonic() > deadline):
                    return
            outcome = fetch_or_fail(url)
            mine += 1
            with lock:
                if outcome is None:
                    failed[0] += 1
                else:
                    done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
            "rps": done[0] / elapsed, "failed": failed[0], "n": len(latencies)}


def setup_django(work: Path, database_url: str | None) -> None:
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


def prepare(csv_path: Path) -> tuple[str, str, list[str]]:
    """Ingest the CSV through the service (as a worker would), unless a table was already loaded from
    the same file: (resource id, physical table, text columns)."""
    from ouvert.datastore.models import DatastoreTable, IngestJob

    done = DatastoreTable.objects.filter(source_name=str(csv_path)).first()
    if done is None:
        from ouvert.datastore.services import datastore_ingest_run

        job = IngestJob.objects.create(resource_id=uuid.uuid4(), source_name=str(csv_path),
                                       original_name=csv_path.name)
        started = time.perf_counter()
        datastore_ingest_run(job=job)
        job.refresh_from_db()
        if job.status != "succeeded":
            raise SystemExit(f"ingestion failed: {job.error}")
        print(f"ingested {job.rows_done:,} rows of {csv_path.name} in {time.perf_counter() - started:.1f} s")
        done = DatastoreTable.objects.get(resource_id=job.resource_id)
    else:
        print(f"reusing {done.row_count:,} rows already loaded from {csv_path.name}")
    publish(done.resource_id, csv_path.name)
    return str(done.resource_id), done.table_name, [f["id"] for f in done.fields if f["type"] == "text"]


def publish(resource_id: uuid.UUID, name: str) -> None:
    """A public dataset holding the table's resource: a table is readable when its resource is."""
    from ouvert.catalog.models import Dataset, Resource
    from ouvert.core.models import Organization

    if Resource.objects.filter(pk=resource_id).exists():
        return
    org, _created = Organization.objects.get_or_create(slug="bench-requetes", defaults={
        "kind": "municipality", "name_fr": "Banc d'essai des requêtes"})
    from ouvert.catalog.models import Licence

    dataset = Dataset.objects.create(name=f"bench-{resource_id}", title=f"Banc d'essai {name}", organization=org,
                                     licence=Licence.objects.first(),
                                     state="active", private=False)
    Resource.objects.create(id=resource_id, dataset=dataset, position=1, name=name, format="CSV",
                            url=f"https://exemple.qc.ca/{name}")


def datasette_database(source: Path, target: Path, sqlite_utils: Path, csvs: list[Path]) -> dict[str, str]:
    """Datasette's file: a copy of Ouvert's SQLite file (same rows, indexes and statistics), where each
    table gets an FTS5 table over its text columns with Ouvert's tokenizer (content table, as
    ``sqlite-utils enable-fts`` makes them; Ouvert's own contentless index is dropped from the copy).
    Returns the table name for each CSV."""
    def tables_in(db: Path) -> dict[str, tuple[str, list[str]]]:
        with closing(sqlite3.connect(db)) as lite:
            rows = lite.execute("SELECT source_name, table_name, fields FROM datastore_datastoretable").fetchall()
        return {s: (t, [f["id"] for f in json.loads(fields) if f["type"] == "text"]) for s, t, fields in rows}

    wanted = {str(c) for c in csvs}
    if target.exists() and wanted <= set(tables_in(target)):
        return {s: t for s, (t, _c) in tables_in(target).items() if s in wanted}
    if not source.exists():
        raise SystemExit(f"{source}: run once without --pg (Datasette's SQLite file is made from Ouvert's)")
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
    found = tables_in(partial)
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"{source} does not hold {', '.join(sorted(missing))}")
    for name in sorted(wanted):
        table, texts = found[name]
        with closing(sqlite3.connect(partial, isolation_level=None)) as lite:
            lite.execute(f'DROP TABLE IF EXISTS "{table}_fts"')
        started = time.perf_counter()
        subprocess.run([str(sqlite_utils), "enable-fts", str(partial), table, *texts, "--fts5",  # noqa: S603
                        "--tokenize", "unicode61 remove_diacritics 2"], check=True)
        print(f"Datasette FTS5 table for {table} ({', '.join(texts)}): {time.perf_counter() - started:.1f} s")
    with closing(sqlite3.connect(partial, isolation_level=None)) as lite:
        lite.execute("PRAGMA journal_mode=DELETE")
    shutil.move(partial, target)
    return {s: t for s, (t, _c) in found.items() if s in wanted}


def fmt(result: dict[str, float]) -> str:
    errors = f" ({result['failed']:.0f} errors)" if result["failed"] else ""
    return (f"median {result['median_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  {result['rps']:7.1f} req/s"
            f"{errors}")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, action="append", required=True,
                        help="a generated CSV; give two sizes an order of magnitude apart")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--budget", type=float, default=8.0, help="seconds at most per measure (slow cases "
                        "stop earlier, with at least 10 sequential requests)")
    parser.add_argument("--rounds", type=int, default=3, help="alternate the servers this many times (shared "
                        "machines: load changes between measurements)")
    parser.add_argument("--work", type=Path, help="directory for Ouvert's data (kept; a table already loaded "
                        "from the same CSV is reused)")
    parser.add_argument("--pg", metavar="URL", help="Ouvert on this PostgreSQL database (loaded once, then "
                        "reused) instead of SQLite")
    parser.add_argument("--datasette-db", type=Path, help="Datasette's SQLite file (default: "
                        "WORK/datasette.sqlite3, made from WORK/ouvert.sqlite3)")
    parser.add_argument("--datasette", type=Path, default=Path(sys.executable).with_name("datasette"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()
    work = (args.work or Path(tempfile.mkdtemp(prefix="ouvert-qbench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    csvs = [c.resolve() for c in args.csv]
    ds_db = (args.datasette_db or work / "datasette.sqlite3").resolve()
    print(f"work directory: {work}; load average {load()}")
    setup_django(work, args.pg)
    tables = [prepare(c) for c in csvs]
    from django.db import connection

    if args.pg:
        from ouvert.datastore.backends import get_backend

        with connection.cursor() as cur:  # a fresh load has no visibility map: COUNT(*) would read the heap
            for _rid, table, _texts in tables:
                cur.execute(f"VACUUM (ANALYZE) {get_backend().table_sql(table)}")
    connection.close()
    ds_tables = datasette_database(work / "ouvert.sqlite3", ds_db, args.datasette.with_name("sqlite-utils"), csvs)
    with closing(sqlite3.connect(ds_db)) as lite:
        sizes = [lite.execute(f'SELECT COUNT(*) FROM "{ds_tables[str(c)]}"').fetchone()[0] for c in csvs]  # noqa: S608
    env = {**os.environ, "OUVERT_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "ouvert.settings.prod",
           "SECRET_KEY": "bench-" + "q" * 44, "SECURE_COOKIES": "false", "SECURE_SSL_REDIRECT": "false",
           "LOG_LEVEL": "WARNING", "OUVERT_DATASTORE_QUERY_SECONDS": "10"}  # Datasette's limit below
    ours_port, ds_port = free_port(), free_port()
    ours = subprocess.Popen([sys.executable, "-m", "ouvert", "serve", "--port", str(ours_port), "--no-worker",  # noqa: S603
                             "--workers", str(args.workers), "--threads", str(args.threads)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    datasette = subprocess.Popen([str(args.datasette), "serve", "-i", str(ds_db), "--port", str(ds_port),  # noqa: S603
                                  "--setting", "suggest_facets", "off", "--setting", "default_facet_size", "0",
                                  "--setting", "num_sql_threads", "4", "--setting", "sql_time_limit_ms", "10000"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/healthz")
        wait_for(f"http://127.0.0.1:{ds_port}/-/versions.json")
        ours_base, ds_base = f"http://127.0.0.1:{ours_port}/api/v1/datastore", f"http://127.0.0.1:{ds_port}"
        ds_name = ds_db.stem
        quote = urllib.parse.quote
        urls: dict[tuple[int, str], tuple[str, str]] = {}
        for size, csv_path, (rid, _table, _texts) in zip(sizes, csvs, tables, strict=True):
            t = ds_tables[str(csv_path)]
            aggregate_sql = (f'SELECT ville AS k, SUM(montant) AS v FROM "{t}" GROUP BY 1 '  # noqa: S608 — fixed bench SQL
                             "ORDER BY 2 DESC LIMIT 50")
            urls[(size, "filter + sort")] = (
                f"{ours_base}/{rid}/search?filters={quote(json.dumps({'ville': 'Québec'}))}"
                f"&sort={quote('montant desc')}&limit=100",
                f"{ds_base}/{ds_name}/{t}.json?ville={quote('Québec')}&_sort_desc=montant&_size=100&_shape=objects")
            urls[(size, "full text q")] = (
                f"{ours_base}/{rid}/search?q=aqueduc&limit=100",
                f"{ds_base}/{ds_name}/{t}.json?_search={quote('aqueduc*')}&_searchmode=raw&_sort=_id&_size=100"
                "&_shape=objects")
            urls[(size, "aggregate")] = (
                f"{ours_base}/{rid}/aggregate?group=ville&agg=sum&value=montant&limit=50",
                f"{ds_base}/{ds_name}.json?sql={quote(aggregate_sql)}&_shape=array")
        engine = "PostgreSQL" if args.pg else "SQLite"
        print(f"Ouvert on {engine} (gunicorn, {args.workers} processes × {args.threads} threads, production "
              f"settings); Datasette 0.65 on {ds_db.name}; sizes {', '.join(f'{s:,}' for s in sizes)} rows")
        # Same answers: totals and first rows / groups agree.
        for size in sizes:
            ours_fs, theirs_fs = (get_json(u) for u in urls[(size, "filter + sort")])
            ours_q, theirs_q = (get_json(u) for u in urls[(size, "full text q")])
            ours_a, theirs_a = (get_json(u) for u in urls[(size, "aggregate")])
            assert isinstance(ours_fs, dict) and isinstance(theirs_fs, dict)
            assert isinstance(ours_q, dict) and isinstance(theirs_q, dict)
            assert isinstance(ours_a, dict) and isinstance(theirs_a, list)
            ours_fs, ours_q = ours_fs.get("result", ours_fs), ours_q.get("result", ours_q)
            same_fs = ([r["_id"] for r in ours_fs["records"]] == [r["_id"] for r in theirs_fs["rows"]]
                       and ours_fs["total"] == theirs_fs["filtered_table_rows_count"])
            same_q = ([r["_id"] for r in ours_q["records"]] == [r["_id"] for r in theirs_q["rows"]]
                      and ours_q["total"] == theirs_q["filtered_table_rows_count"])
            same_a = ([r["key"] for r in ours_a["rows"]] == [r["k"] for r in theirs_a]
                      and all(abs(a["value"] - b["v"]) < 0.01 * max(1, abs(b["v"]))
                              for a, b in zip(ours_a["rows"], theirs_a, strict=True)))
            print(f"{size:>9,} rows: filter + sort total {ours_fs['total']:,} "
                  f"(Datasette {theirs_fs['filtered_table_rows_count']:,}); q total {ours_q['total']:,} "
                  f"(Datasette {theirs_q['filtered_table_rows_count']:,}); {len(ours_a['rows'])} groups; "
                  f"same answers: {'yes' if same_fs and same_q and same_a else 'NO'}"
                  f" ({same_fs}/{same_q}/{same_a})")
        # First requests, not remembered yet: every other town, and other aggregates.
        with closing(sqlite3.connect(ds_db)) as lite:
            towns = [r[0] for r in lite.execute(f'SELECT DISTINCT ville FROM "{ds_tables[str(csvs[-1])]}" '  # noqa: S608
                                                "WHERE ville <> ? ORDER BY ville", ["Québec"])]
        rid_big = tables[-1][0]
        cold = sorted(fetch(f"{ours_base}/{rid_big}/search?filters={quote(json.dumps({'ville': town}))}"
                            f"&sort={quote('montant desc')}&limit=100") for town in towns)
        print(f"first request per town, {sizes[-1]:,} rows: median {statistics.median(cold) * 1000:.1f} ms, "
              f"max {cold[-1] * 1000:.1f} ms ({len(cold)} towns)")
        cold_aggs = [("count", None), ("avg", "montant"), ("min", "montant"), ("max", "latitude")]
        ours_cold: list[float | None] = []
        ds_cold: list[float | None] = []
        t_big = ds_tables[str(csvs[-1])]
        for agg, value in cold_aggs:
            ours_cold.append(fetch_or_fail(f"{ours_base}/{rid_big}/aggregate?group=ville&agg={agg}"
                                   + (f"&value={value}" if value else "") + "&limit=50"))
            measure_sql = "COUNT(*)" if agg == "count" else f"{agg.upper()}({value})"
            order = "2 DESC"
            ds_cold.append(fetch_or_fail(f"{ds_base}/{ds_name}.json?sql="
                                 + quote(f'SELECT ville AS k, {measure_sql} AS v FROM "{t_big}" GROUP BY 1 '  # noqa: S608
                                         f"ORDER BY {order} LIMIT 50") + "&_shape=objects"))

        def cold_ms(times: list[float | None]) -> str:
            ok = [t * 1000 for t in times if t is not None]
            return ", ".join(f"{t:.0f}" for t in ok) + f" ms ({len(times) - len(ok)} errors)"

        print(f"first request per aggregate (count, avg, min, max by ville), {sizes[-1]:,} rows: Ouvert "
              f"{cold_ms(ours_cold)}; Datasette {cold_ms(ds_cold)}")
        runs: dict[tuple[str, int, str], list[dict[str, float]]] = {}
        for n in range(args.rounds):
            print(f"round {n + 1}, load average {load()}")
            for size in sizes:
                for case in CASES:
                    ours_url, ds_url = urls[(size, case)]
                    for who, url in (("Ouvert", ours_url), ("Datasette", ds_url)):
                        result = measure(url, requests=args.requests, clients=args.clients, budget=args.budget)
                        runs.setdefault((who, size, case), []).append(result)
                        print(f"  {who:<9} {case:<14} {size:>9,} rows  {fmt(result)}")
        rounds = "1 round" if args.rounds == 1 else f"{args.rounds} rounds"
        print(f"\nmedians over {rounds}, {args.clients} clients; load average now {load()}")
        print("| case | rows | Ouvert median / p95 ms | Ouvert req/s | Datasette median / p95 ms | Datasette req/s "
              "| throughput × | latency × |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        summary: dict[tuple[str, int, str], dict[str, float]] = {
            key: {k: statistics.median(r[k] for r in results) for k in ("median_ms", "p95_ms", "rps")}
            for key, results in runs.items()}
        for case in CASES:
            for size in sizes:
                a, b = summary[("Ouvert", size, case)], summary[("Datasette", size, case)]
                print(f"| {case} | {size:,} | {a['median_ms']:.1f} / {a['p95_ms']:.1f} | {a['rps']:.1f} | "
                      f"{b['median_ms']:.1f} / {b['p95_ms']:.1f} | {b['rps']:.1f} | "
                      f"{a['rps'] / b['rps'] if b['rps'] else float('inf'):.1f} | "
                      f"{b['median_ms'] / a['median_ms']:.1f} |")
        if len(sizes) > 1:
            small, big = sizes[0], sizes[-1]

            def growth(who: str, case: str) -> float:
                return summary[(who, big, case)]["median_ms"] / summary[(who, small, case)]["median_ms"]

            print(f"\ngrowth, {big:,} / {small:,} rows (median latency ratio): " + "; ".join(
                f"{case}: Ouvert {growth('Ouvert', case):.2f}, Datasette {growth('Datasette', case):.2f}"
                for case in CASES))
    finally:
        for process in (ours, datasette):
            process.terminate()
        for process in (ours, datasette):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
