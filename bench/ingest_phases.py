"""Where the worker's time goes: the ingestion job (``datastore_ingest_run``) of the generated messy
CSV, in this process, on a fresh data directory, with the process CPU and wall time of each phase
(the engine's functions wrapped: detection, reading and profiling, conversion, insert, commits,
B-tree indexes, full text, statistics, quality, swap, job updates) and the raw floor of the same
file measured just before (csv module + ``executemany`` of raw strings, as in ``ingest_e2e.py``).
``--cprofile`` adds cProfile's 25 most expensive functions (its overhead inflates the phases).

    .venv/bin/python bench/ingest_phases.py [--rows 100000] [--work /tmp/ouvert-e2e] [--cprofile] \
        [--pg postgres://postgres@127.0.0.1:5432/ouvert_phases]

The phases are CPU of this process only (on PostgreSQL the server's work shows as wall time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datastore_ingest import CPU, generate, raw_postgres, raw_sqlite, setup_django  # noqa: E402 — a sibling script

PHASES: dict[str, list[float]] = {}


def _timed(owner: Any, name: str, label: str) -> None:
    """Replace ``owner.name`` by a wrapper adding its CPU and wall seconds to ``PHASES[label]``."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent = PHASES.setdefault(label, [0.0, 0.0, 0])
            spent[0] += time.process_time() - cpu
            spent[1] += time.perf_counter() - wall
            spent[2] += 1

    setattr(owner, name, wrapper)


def instrument() -> None:
    from ouvert.datastore import backends, engine, quality, services

    _timed(services, "open_sheets", "detect (open_sheets)")
    _timed(engine._Profiler, "feed", "profile blocks (feed)")
    writer = engine._SqliteWriter if "add" in vars(engine._SqliteWriter) else engine._Writer
    _timed(writer, "add", "convert + insert (add)")
    _timed(engine._CopyWriter, "add", "convert + COPY (add)")
    _timed(backends.SqliteBackend, "insert_rows", "  of which executemany")
    _timed(engine._Writer, "flush", "commits (flush)")
    for backend in (backends.SqliteBackend, backends.PostgresBackend):
        _timed(backend, "create_indexes", "B-tree indexes")
        _timed(backend, "create_fulltext", "full text")
        _timed(backend, "analyze", "statistics (analyze)")
    _timed(quality, "check_sheet", "quality checks")
    _timed(services, "_swap", "swap")
    _timed(services, "_update", "job progress updates")


def run_job(path: Path) -> tuple[float, float, Any]:
    from ouvert.datastore.models import IngestJob
    from ouvert.datastore.services import datastore_ingest_run

    job = IngestJob.objects.create(resource_id=uuid.uuid4(), source_name=str(path), original_name=path.name)
    cpu, wall = time.process_time(), time.perf_counter()
    datastore_ingest_run(job=job)
    spent = time.process_time() - cpu, time.perf_counter() - wall
    job.refresh_from_db()
    if job.status != "succeeded":
        raise RuntimeError(f"the job ended {job.status}: {job.error}")
    return spent[0], spent[1], job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ouvert-e2e")
    parser.add_argument("--pg", help="PostgreSQL URL (tables are created in it)")
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path, warm = args.work / f"messy-{args.rows}.csv", args.work / "messy-warmup.csv"
    for rows, target in ((args.rows, path), (100, warm)):
        if not target.exists():
            generate(target, rows)
    data_dir = Path(tempfile.mkdtemp(prefix="ouvert-phases-", dir=args.work))
    try:
        setup_django(args.pg, data_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        instrument()
        run_job(warm)  # imports, first connection, compiled patterns: not timed
        PHASES.clear()
        floors = []
        for n in range(2):  # the second run reads a file the first brought into the page cache
            if args.pg:
                floors.append((raw_postgres(path, args.pg)[0], None))
            else:
                floors.append((raw_sqlite(path, data_dir / f"floor-{n}.sqlite3")[0], CPU["floor"]))
        floor, floor_cpu = floors[-1]
        profiler = cProfile.Profile() if args.cprofile else None
        if profiler:
            profiler.enable()
        cpu, wall, job = run_job(path)
        if profiler:
            profiler.disable()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"{args.rows:,} rows, {'PostgreSQL' if args.pg else 'SQLite'}, load average {load}")
    floor_text = f"{floor:.3f} s wall" + (f", {floor_cpu:.3f} s CPU" if floor_cpu is not None else "")
    print(f"raw floor: {floor_text}")
    ratio = f" ({cpu / floor_cpu:.2f}× the floor's CPU)" if floor_cpu else ""
    print(f"the job: {cpu:.3f} s CPU{ratio}, {wall:.3f} s wall")
    accounted = sum(v[0] for k, v in PHASES.items() if not k.startswith("  "))
    for label, (phase_cpu, phase_wall, calls) in PHASES.items():
        print(f"  {label:28s} CPU {phase_cpu:7.3f} s  wall {phase_wall:7.3f} s  ({calls} calls)")
    print(f"  {'reading the file, the rest':28s} CPU {cpu - accounted:7.3f} s")
    print("types:", {f["id"]: f["type"] for f in job.report["sheets"][0]["fields"]})
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DEBUG", "false")
    sys.exit(main())
