"""Datastore ingestion benchmark: a generated messy CSV (Windows-1252, ";", decimal commas, French
dates), loaded until typed and queryable on SQLite and PostgreSQL, side by side with the raw floor
(SQLite executemany of raw strings; PostgreSQL COPY of all-text columns) and ``sqlite-utils insert
--detect-types`` (Datasette's loader), in the same run. Prints times and ratios.

    .venv/bin/python bench/datastore_ingest.py --rows 1000000 \
        [--pg postgres://postgres@127.0.0.1:5432/ouvert_datastore] [--skip-sqlite-utils]

Needs the ``bench`` extra (``pip install -e '.[bench]'``) for sqlite-utils.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Process CPU seconds of each in-process run (and of sqlite-utils, a child process): on a shared
# machine, waiting for a core inflates wall-clock times unevenly; CPU time does not.
CPU: dict[str, float] = {}

TOWNS = ["Montréal", "Québec", "Lévis", "Trois-Rivières", "Gatineau", "Sherbrooke", "Saguenay", "Longueuil",
         "Rimouski", "Sept-Îles", "Val-d'Or", "Rouyn-Noranda", "Baie-Comeau", "Gaspé", "Saint-Jérôme"]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"]
WORDS = [
    "réfection", "chaussée", "trottoir", "éclairage", "déneigement", "aqueduc", "égout", "parc", "bibliothèque",
    "aréna", "piste", "cyclable", "entretien", "réparation", "signalisation", "inspection", "contrat", "subvention",
]


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """id;date;montant;ville;actif;latitude;longitude;description — cp1252, ';', decimal commas."""
    rng = random.Random(seed)
    start = dt.date(2009, 1, 1)
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["id", "date", "montant", "ville", "actif", "latitude", "longitude", "description"])
        for i in range(1, rows + 1):
            day = start + dt.timedelta(days=rng.randrange(5000))
            if i % 2:
                date = day.strftime("%d/%m/%Y")
            else:
                date = f"{DAYS[day.weekday()]} {day.day:02d} {MONTHS[day.month - 1]} {day.year}"
            amount = rng.randrange(0, 100_000_000) / 100
            whole, cents = divmod(round(amount * 100), 100)
            text_amount = f"{whole:,}".replace(",", " ") + f",{cents:02d}"
            writer.writerow([
                i, date, text_amount, rng.choice(TOWNS), rng.choice(("oui", "non")),
                f"{rng.uniform(45, 49):.6f}".replace(".", ","), f"{rng.uniform(-79, -64):.6f}".replace(".", ","),
                " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 9))),
            ])


def raw_sqlite(path: Path, db: Path) -> tuple[float, int]:
    """The floor: csv module + executemany of raw strings in one transaction, TEXT columns."""
    started = time.perf_counter()
    cpu = time.process_time()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    with path.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
        conn.execute("BEGIN")
        marks = ", ".join("?" * len(header))
        batch, count = [], 0
        for row in reader:
            batch.append(row)
            if len(batch) == 10_000:
                conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
                count += len(batch)
                batch = []
        conn.executemany(f"INSERT INTO raw VALUES ({marks})", batch)
        count += len(batch)
        conn.execute("COMMIT")
    conn.close()
    CPU["floor"] = time.process_time() - cpu
    return time.perf_counter() - started, count


def raw_postgres(path: Path, url: str) -> tuple[float, int]:
    """The floor: COPY of the file as it is into all-text columns."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw")
        cur.execute("CREATE TABLE bench_raw (c0 text, c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text)")
        with path.open("rb") as handle, cur.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, DELIMITER ';', "
                                                  "HEADER true, ENCODING 'WIN1252')") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        cur.execute("SELECT COUNT(*) FROM bench_raw")
        count = cur.fetchone()[0]
        conn.commit()
        cur.execute("DROP TABLE bench_raw")
        conn.commit()
    return time.perf_counter() - started, count


def sqlite_utils(path: Path, db: Path) -> tuple[float, int]:
    exe = Path(sys.executable).with_name("sqlite-utils")
    helptext = subprocess.run([str(exe), "insert", "--help"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    # sqlite-utils 3.x needs --detect-types; 4.x detects types by default (and has --no-detect-types)
    detect = ["--detect-types"] if "--detect-types" in helptext.replace("--no-detect-types", "") else []
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(exe), "insert", str(db), "rows", str(path), "--csv", "--delimiter", ";",  # noqa: S603
                    "--encoding", "cp1252", *detect], check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["sqlite-utils"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    conn = sqlite3.connect(db)
    count = conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    conn.close()
    return elapsed, count


def ouvert_ingest(path: Path) -> dict:
    """Ouvert's engine end to end: detect, profile every value, convert, bulk load, index, full text."""
    from django.db import connection

    from ouvert.datastore.backends import get_backend
    from ouvert.datastore.engine import ingest_sheet
    from ouvert.datastore.sources import IngestOptions, open_sheets

    backend = get_backend()
    options = IngestOptions()
    started = time.perf_counter()
    cpu = time.process_time()
    sheet = open_sheets(path, path.name, options)[0]
    profile, result = ingest_sheet(sheet, options, backend, "ds_bench_1M")
    backend.analyze("ds_bench_1M")
    total = time.perf_counter() - started
    CPU["ouvert"] = time.process_time() - cpu
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {backend.table_sql('ds_bench_1M')}")  # noqa: S608
        count = cur.fetchone()[0]
    CPU["ouvert_fulltext"] = result.cpu_seconds.get("fulltext", 0.0)
    CPU["ouvert_index"] = result.cpu_seconds.get("index", 0.0)
    return {"total": total, "fulltext": result.fulltext_seconds, "index": result.index_seconds,
            "load": result.load_seconds, "profile": profile.seconds, "rows": count,
            "types": {c.id: c.type for c in profile.columns}}


def setup_django(database_url: str | None, data_dir: Path) -> None:
    os.environ["OUVERT_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.dev")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", help="PostgreSQL URL for the PostgreSQL half (run as its own process)")
    parser.add_argument("--skip-sqlite-utils", action="store_true")
    parser.add_argument("--keep", type=Path, help="directory to keep the generated CSV and SQLite files in")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ouvert-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"messy-{args.rows}.csv"
    if not source.exists():
        started = time.perf_counter()
        generate(source, args.rows)
        print(f"generated {source} ({source.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    print(f"file: {args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB, cp1252, ';', decimal commas, French dates")
    if args.pg:
        setup_django(args.pg, work)
        floor, count = raw_postgres(source, args.pg)
        print(f"PostgreSQL raw floor (COPY, all text):       {floor:7.2f} s  {count / floor:>10,.0f} rows/s")
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute('DROP TABLE IF EXISTS datastore."ds_bench_1M"')
        ours = ouvert_ingest(source)
        typed = ours["total"] - ours["fulltext"]
        loaded = typed - ours["index"]
        print(f"Ouvert PostgreSQL typed and loaded, with PK: {loaded:7.2f} s  {ours['rows'] / loaded:>10,.0f} rows/s "
              f"-> {loaded / floor:.2f}x the floor")
        print(f"  + B-tree indexes:                          {ours['index']:7.2f} s  (typed + indexed {typed:.2f} s)")
        print(f"  + full-text index (GIN):                   {ours['fulltext']:7.2f} s")
        print(f"  types: {ours['types']}")
        print(f"ratio typed + indexed / raw floor: {typed / floor:.2f}x (target <= 1.5x)")
        print(f"  this process's CPU: {CPU['ouvert']:.2f} s (the server's work runs in parallel, not counted)")
        with connection.cursor() as cur:
            cur.execute('DROP TABLE IF EXISTS datastore."ds_bench_1M"')
        return
    raw_db = work / "raw.sqlite3"
    raw_db.unlink(missing_ok=True)
    floor, count = raw_sqlite(source, raw_db)
    print(f"SQLite raw floor (executemany, raw strings): {floor:7.2f} s  {count / floor:>10,.0f} rows/s")
    ours_dir = work / "ouvert"
    shutil.rmtree(ours_dir, ignore_errors=True)
    ours_dir.mkdir()
    setup_django(None, ours_dir)
    ours = ouvert_ingest(source)
    typed = ours["total"] - ours["fulltext"]
    loaded = typed - ours["index"]
    print(f"Ouvert SQLite typed and loaded, no 2nd index:{loaded:7.2f} s  {ours['rows'] / loaded:>10,.0f} rows/s "
          f"-> {loaded / floor:.2f}x the floor")
    print(f"  + B-tree indexes:                          {ours['index']:7.2f} s  (typed + indexed {typed:.2f} s)")
    print(f"  + full-text index (FTS5):                  {ours['fulltext']:7.2f} s")
    print(f"  types: {ours['types']}")
    print(f"ratio typed + indexed / raw floor: {typed / floor:.2f}x (target <= 1.5x)")
    loaded_cpu = CPU["ouvert"] - CPU["ouvert_fulltext"] - CPU["ouvert_index"]
    print(f"  CPU time: floor {CPU['floor']:.2f} s; Ouvert typed and loaded {loaded_cpu:.2f} s "
          f"({loaded_cpu / CPU['floor']:.2f}x), + B-tree indexes {CPU['ouvert_index']:.2f} s "
          f"({(loaded_cpu + CPU['ouvert_index']) / CPU['floor']:.2f}x), + full text {CPU['ouvert_fulltext']:.2f} s")
    if not args.skip_sqlite_utils:
        su_db = work / "sqlite-utils.sqlite3"
        su_db.unlink(missing_ok=True)
        su, su_count = sqlite_utils(source, su_db)
        print(f"sqlite-utils insert --detect-types:          {su:7.2f} s  {su_count / su:>10,.0f} rows/s")
        loaded = ours["total"] - ours["fulltext"] - ours["index"]
        loaded_cpu = CPU["ouvert"] - CPU["ouvert_fulltext"] - CPU["ouvert_index"]
        # sqlite-utils builds no index and no full text: the same work is Ouvert's typed load.
        print(f"ratio sqlite-utils / Ouvert, same work (typed load, no secondary index): {su / loaded:.1f}x "
              f"(CPU {CPU['sqlite-utils'] / loaded_cpu:.1f}x; target >= 10x)")
        print(f"ratio sqlite-utils / Ouvert with Ouvert's B-tree indexes and full text: {su / ours['total']:.1f}x "
              f"(CPU {CPU['sqlite-utils'] / CPU['ouvert']:.1f}x)")
    print(f"files kept in {work}" if args.keep else "")


if __name__ == "__main__":
    main()
