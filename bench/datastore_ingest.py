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
import itertools
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


def sqlite_utils(path: Path, db: Path, exe: Path | None = None) -> tuple[float, int]:
    """``sqlite-utils insert`` of the file with its types detected (``exe``: by default the one
    installed beside this Python, from the ``bench`` extra)."""
    exe = exe or Path(sys.executable).with_name("sqlite-utils")
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
    from ouvert.datastore.engine import build_fulltext, build_indexes, ingest_sheet
    from ouvert.datastore.sources import IngestOptions, open_sheets

    backend = get_backend()
    options = IngestOptions()
    started = time.perf_counter()
    cpu = time.process_time()
    sheet = open_sheets(path, path.name, options)[0]
    profile, result = ingest_sheet(sheet, options, backend, "ds_bench_1M")
    result.index_seconds, result.cpu_seconds["index"] = build_indexes(backend, "ds_bench_1M", result.pending_indexes)
    fulltext_seconds = result.fulltext_seconds
    if result.fulltext_pending:  # PostgreSQL: built after the swap by the service; timed here on its own line
        fulltext_seconds, CPU["fulltext_after"] = build_fulltext(backend, "ds_bench_1M", profile.columns)
        result.cpu_seconds["fulltext"] = CPU["fulltext_after"]
    total = time.perf_counter() - started
    CPU["ouvert"] = time.process_time() - cpu
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {backend.table_sql('ds_bench_1M')}")  # noqa: S608
        count = cur.fetchone()[0]
    CPU["ouvert_fulltext"] = result.cpu_seconds.get("fulltext", 0.0)
    CPU["ouvert_index"] = result.cpu_seconds.get("index", 0.0)
    return {"total": total, "fulltext": fulltext_seconds, "index": result.index_seconds,
            "load": result.load_seconds, "profile": profile.seconds, "rows": count,
            "types": {c.id: c.type for c in profile.columns}}


PG_ENCODINGS = {"utf-8": "UTF8", "cp1252": "WIN1252", "latin-1": "LATIN1", "utf-16": None}


def real_files(root: Path, database_url: str | None, work: Path) -> None:
    """Every CSV, XLSX, XLS and JSON file under ``root``, end to end until typed, indexed and
    queryable, against the raw floor on the CSV files (same delimiter and encoding as detected)."""
    from ouvert.datastore.backends import get_backend
    from ouvert.datastore.engine import complete_table, ingest_sheet
    from ouvert.datastore.sources import IngestOptions, open_sheets

    backend = get_backend()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name.lower().endswith(
        (".csv", ".xlsx", ".xls", ".json")))
    totals = {"files": 0, "sheets": 0, "rows": 0, "seconds": 0.0, "floor": 0.0, "ours_csv": 0.0}
    failures = []
    for path in files:
        options = IngestOptions()
        started = time.perf_counter()
        try:
            sheets = open_sheets(path, path.name, options)
            for sheet in sheets:
                table = f"bench_real_{totals['sheets']}"
                profile, result = ingest_sheet(sheet, options, backend, table)
                complete_table(backend, table, profile, result)
                backend.drop_table(table)
                totals["sheets"] += 1
                totals["rows"] += result.rows
        except Exception as exc:  # noqa: BLE001 — a bench reports and goes on
            failures.append(f"{path.relative_to(root)}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        totals["files"] += 1
        totals["seconds"] += elapsed
        detected = sheets[0].detected if sheets else {}
        if detected.get("format") == "csv":
            floor = _floor_for(path, detected, database_url, work)
            if floor is not None:
                totals["floor"] += floor
                totals["ours_csv"] += elapsed
    rate = totals["rows"] / totals["seconds"]
    print(f"real files under {root}: {totals['files']} files, {totals['sheets']} tables, {totals['rows']:,} rows "
          f"typed, indexed (B-tree and full text) and queryable in {totals['seconds']:.2f} s ({rate:,.0f} rows/s)")
    if totals["floor"]:
        print(f"  CSV files: Ouvert {totals['ours_csv']:.2f} s, raw floor {totals['floor']:.2f} s "
              f"-> {totals['ours_csv'] / totals['floor']:.2f}x")
    for failure in failures:
        print(f"  FAILED {failure}")


def _floor_for(path: Path, detected: dict, database_url: str | None, work: Path) -> float | None:
    """The raw floor for one CSV file as detected, or None when the floor itself cannot load it."""
    delimiter, encoding = detected.get("delimiter", ","), detected.get("encoding", "utf-8")
    if database_url:
        import psycopg

        pg_encoding = PG_ENCODINGS.get(encoding)
        if not pg_encoding:
            return None
        with path.open("rb") as handle:
            width = len(next(csv.reader([handle.readline().decode(encoding, "replace")], delimiter=delimiter)))
        started = time.perf_counter()
        try:
            with psycopg.connect(database_url) as conn, conn.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS bench_raw")
                cur.execute(f"CREATE TABLE bench_raw ({', '.join(f'c{i} text' for i in range(width))})")
                options = f"FORMAT csv, DELIMITER '{delimiter}', ENCODING '{pg_encoding}', " \
                          f"HEADER {'true' if detected.get('has_header') else 'false'}"
                with path.open("rb") as handle, cur.copy(f"COPY bench_raw FROM STDIN WITH ({options})") as copy:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                conn.commit()
                elapsed = time.perf_counter() - started
                cur.execute("DROP TABLE bench_raw")
                conn.commit()
        except psycopg.Error:
            return None  # uneven rows, a stray byte: COPY refuses what Ouvert loads
        return elapsed
    db = work / "raw-real.sqlite3"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    try:
        with path.open(encoding=encoding.replace("utf-8", "utf-8-sig"), newline="") as handle:
            rows = csv.reader(handle, delimiter=delimiter)
            batch = list(itertools.islice(rows, 10_000))
            width = max(len(r) for r in batch) if batch else 1
            conn.execute(f"CREATE TABLE raw ({', '.join(f'c{i}' for i in range(width))})")
            conn.execute("BEGIN")
            marks = ", ".join("?" * width)
            while batch:
                conn.executemany(f"INSERT INTO raw VALUES ({marks})",  # noqa: S608 — bench table
                                 [(r + [""] * width)[:width] for r in batch])
                batch = list(itertools.islice(rows, 10_000))
            conn.execute("COMMIT")
    except (UnicodeDecodeError, csv.Error):
        conn.close()
        return None
    conn.close()
    return time.perf_counter() - started


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
    parser.add_argument("--real", type=Path, help="load every file under this folder instead (e.g. "
                        "../shared/realdata/quebec), against the raw floor on its CSV files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ouvert-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.real:
        ours_dir = work / "ouvert-real"
        shutil.rmtree(ours_dir, ignore_errors=True)
        ours_dir.mkdir()
        setup_django(args.pg, ours_dir)
        real_files(args.real.resolve(), args.pg, work)
        return
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
