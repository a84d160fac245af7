"""Several hosts on one machine (issue 19): the full proof and the two-server throughput.

    sudo .venv/bin/python bench/multihost.py [--rows 1000000] [--kills 20] [--tasks 2000] \
        [--participants 300] [--rounds 2] [--catalog 20000] [--search-seconds 20] [--work /tmp/ouvert-multihost]

Starts the set-up of ``ouvert/core/tests/multihost.py`` (two app servers, two workers, each in its own
network namespace; PostgreSQL, Redis, RabbitMQ of this machine and moto's S3 through relays; the test
balancer in front), on a database of its own that it drops at the end. Then, in the same run:

1. **Throughput, one server against two**, alternating (one, two, two, one… over ``--rounds``), the
   balancer pointed at app1 alone or at both: the consultation surge (``bench/consultation_surge.py``'s
   survey and answers; ``--participants`` fresh participants per round, 32 at a time) in submissions/s,
   and catalogue search (``/api/v1/datasets?q=…`` with ``bench/catalog_search.py``'s queries over its
   generated catalogue of ``--catalog`` datasets; 16 clients for ``--search-seconds``) in requests/s.
   Each server is one gunicorn process of 4 threads: "two servers" is twice the processes.
2. **A worker SIGKILLed ``--kills`` times during a ``--rows``-row ingestion** uploaded through the balancer.
3. **A worker SIGKILLed ``--kills`` times during ``--tasks`` small tasks.**
4. **An app server SIGKILLed in the middle of a surge.**

Prints each figure with the load average, and exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ouvert.core.task_celery import REPUBLISH_SECONDS, SWEEP_SECONDS  # noqa: E402
from ouvert.core.tests.multihost import Cluster, missing, request  # noqa: E402
from ouvert.core.tests.multihost_scenarios import (  # noqa: E402
    ingest_with_kills,
    outcomes_summary,
    settled,
    surge,
    ticks_with_kills,
    unfinished_rows,
)
from ouvert.core.tests.multihost_seed import bench_module  # noqa: E402


def load() -> str:
    return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


def search_throughput(cluster: Cluster, *, clients: int, seconds: float) -> tuple[float, float, dict]:
    """Requests/s and median latency of catalogue searches by ``clients`` threads for ``seconds``."""
    queries = []
    for text, extra in bench_module("catalog_search").QUERIES:
        params = {"q": text, **{k: v for k, v in extra.items() if k != "sort"}}
        queries.append(f"{cluster.base_url}/api/v1/datasets?{urllib.parse.urlencode(params)}")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status, _h, _b = request(queries[turn % len(queries)], timeout=60)
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
            turn += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return statuses.get(200, 0) / wall, statistics.median(latencies), statuses


def throughput(cluster: Cluster, args: argparse.Namespace) -> bool:
    participants = cluster.seeded["participants"]
    per_round = args.participants
    figures: dict[str, dict[str, list[float]]] = {"one": {"surge": [], "search": []},
                                                  "two": {"surge": [], "search": []}}
    ok = True
    slot = 0
    for round_number in range(args.rounds):
        order = ("one", "two") if round_number % 2 == 0 else ("two", "one")
        for mode in order:
            cluster.start_balancer(("app1",) if mode == "one" else cluster.apps)
            request(cluster.base_url + "/api/v1/datasets?q=ecoles")  # both servers warm
            request(cluster.base_url + "/api/v1/datasets?q=ecoles")
            batch = participants[slot * per_round:(slot + 1) * per_round]
            slot += 1
            run = surge(cluster, participants=batch, threads=32)
            good = run.stored == run.distinct == len(batch) and run.checksum_ok and run.outcomes["accepted"] == len(
                batch)
            ok &= good
            rate, median, statuses = search_throughput(cluster, clients=16, seconds=args.search_seconds)
            ok &= set(statuses) == {200}
            figures[mode]["surge"].append(run.submissions_per_second)
            figures[mode]["search"].append(rate)
            print(f"round {round_number + 1}, {mode} server{'s' if mode == 'two' else ''}: surge {len(batch)} "
                  f"participants {run.submissions_per_second:.1f} submissions/s ({outcomes_summary(run.outcomes)}, "
                  f"{'exactly once' if good else 'MISMATCH'}); search {rate:.1f} requests/s, median "
                  f"{median * 1000:.0f} ms {statuses}; {load()}", flush=True)
    for kind in ("surge", "search"):
        one = statistics.median(figures["one"][kind])
        two = statistics.median(figures["two"][kind])
        unit = "submissions/s" if kind == "surge" else "requests/s"
        print(f"{kind}: one server {one:.1f} {unit}, two servers {two:.1f} {unit} → **{two / one:.2f}×** "
              f"(medians of {args.rounds}); {load()}", flush=True)
    cluster.start_balancer(cluster.apps)
    return ok


def kills(cluster: Cluster, args: argparse.Namespace, rng: random.Random) -> bool:
    ok = True
    run = ingest_with_kills(cluster, rows=args.rows, kills=args.kills, rng=rng, spread=args.spread,
                            poll_interval=0.25, timeout=3600)
    good = (run.kills == args.kills and run.ledger_status == "SUCCESSFUL" and run.job_status == "succeeded"
            and run.checksum == run.expected and not run.partial_seen and len(run.attempts) == run.kills + 1)
    ok &= good
    print(f"ingestion: {run.rows} rows, {run.kills} SIGKILLs of the worker holding it "
          f"(phase:rows at each: {' '.join(run.killed_at)}); upload {run.upload_seconds:.1f} s, done after "
          f"{run.seconds:.1f} s, {len(run.attempts)} attempts; task {run.ledger_status}, job {run.job_status}; "
          f"table {run.checksum} expected {run.expected}; {run.polls} datastore_search polls: {dict(run.seen)} → "
          f"{'OK' if good else 'FAILED'}; {load()}", flush=True)
    ticks = ticks_with_kills(cluster, tasks=args.tasks, kills=args.kills, rng=rng, gap=(0.5, 2.0), timeout=1800)
    good = (ticks.kills == args.kills and dict(ticks.statuses) == {"SUCCESSFUL": args.tasks}
            and ticks.wrong_values == 0 and not ticks.unfinished and ticks.run_again >= ticks.held_at_kill)
    ok &= good
    print(f"small tasks: {ticks.tasks} tasks, {ticks.kills} SIGKILLs; all done after {ticks.seconds:.1f} s "
          f"({ticks.tasks / ticks.seconds:.1f} tasks/s); statuses {dict(ticks.statuses)}; {ticks.held_at_kill} "
          f"running on a worker when it was killed, {ticks.run_again} run again by another worker; wrong results "
          f"{ticks.wrong_values}; left unfinished {ticks.unfinished} → "
          f"{'OK' if good else 'FAILED'}; {load()}", flush=True)
    return ok


def app_kill(cluster: Cluster, args: argparse.Namespace) -> bool:
    used = args.rounds * 2 * args.participants
    batch = cluster.seeded["participants"][used:]
    run = surge(cluster, participants=batch, threads=32, kill_app="app1")
    good = (run.stored == run.distinct == len(batch) and run.checksum_ok and set(run.reads) == {200}
            and sum(run.outcomes[k] for k in ("accepted", "accepted-after-retry", "already-in")) == len(batch))
    print(f"app server killed mid-surge: {len(batch)} participants, {run.retries} retries by clients; outcomes "
          f"{outcomes_summary(run.outcomes)}; stored {run.stored} ({run.distinct} distinct), answers "
          f"{'identical' if run.checksum_ok else 'DIFFERENT'}; reads during the kill {dict(run.reads)} → "
          f"{'OK' if good else 'FAILED'}; {load()}", flush=True)
    cluster.start_app("app1")
    cluster.wait_app("app1")
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--participants", type=int, default=300, help="per throughput round and mode")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--catalog", type=int, default=20_000)
    parser.add_argument("--search-seconds", type=float, default=20)
    parser.add_argument("--spread", type=float, default=8.0,
                        help="a kill comes up to this many seconds after the attempt under way loaded rows")
    parser.add_argument("--skip", choices=["throughput", "kills"], action="append", default=[])
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "ouvert-multihost"))
    args = parser.parse_args()
    absent = missing()
    if absent:
        print("needs " + ", ".join(absent))
        return 2
    participants = args.rounds * 2 * args.participants + args.participants
    cluster = Cluster(workdir=Path(args.work) / time.strftime("%Y%m%d-%H%M%S"), participants=participants,
                      catalog=args.catalog)
    rng = random.Random(19)
    ok = True
    try:
        started = time.monotonic()
        cluster.start()
        print(f"set-up: 2 app servers, 2 workers, {participants} participants, {args.catalog} datasets "
              f"({time.monotonic() - started:.0f} s); {load()}", flush=True)
        if "throughput" not in args.skip:
            ok &= throughput(cluster, args)
        if "kills" not in args.skip:
            ok &= kills(cluster, args, rng)
            ok &= app_kill(cluster, args)
        # a task whose publish was lost (its app server killed between the commit and the publish)
        # waits until a worker's sweep publishes it again, REPUBLISH_SECONDS after its enqueue
        waiting = unfinished_rows(cluster)
        left = settled(cluster, timeout=REPUBLISH_SECONDS + 3 * SWEEP_SECONDS)
        ok &= not left
        print(f"ledger: running or due and waiting after the runs: {waiting or 'none'}; "
              f"{REPUBLISH_SECONDS + 3 * SWEEP_SECONDS:.0f} s later: {left or 'none'}; {load()}")
    finally:
        cluster.close()
    print("all checks passed" if ok else "A CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
