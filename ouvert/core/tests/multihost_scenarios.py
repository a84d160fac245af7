"""What the multi-host test and bench do to a running :class:`~.multihost.Cluster`, and what they check.

- :func:`ingest_with_kills`: a CSV uploaded through the balancer; its ingestion's worker killed with
  SIGKILL again and again (each time restarted, as a supervisor would); ``datastore_search`` polled
  through the balancer all along; then the table's row count and checksum.
- :func:`ticks_with_kills`: many small tasks, workers killed while they hold some.
- :func:`surge`: the consultation surge (every participant POSTs their answers, retrying on a lost
  answer), optionally with an app server killed in the middle; then exactly-once checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from .multihost import ROOT, Cluster, multipart, request, tick_value, wait_until
from .multihost_seed import surge_module

INGEST = "%datastore_ingest_task"
TICK = "%multihost_tick"


def ledger(cluster: Cluster, task_path: str) -> list[tuple]:
    return cluster.sql("SELECT id::text, status, worker_ids, return_value, args_kwargs FROM "
                       "django_tasks_database_dbtaskresult WHERE task_path LIKE %s", (task_path,))


def unfinished(cluster: Cluster) -> dict[str, int]:
    """Tasks of the ledger running, or due and waiting (``run_after`` past, or the "no date" maximum);
    tasks deferred to later (a digest tomorrow) are not counted."""
    rows = cluster.sql("SELECT status, count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
                       "OR (status = 'READY' AND (run_after <= now() OR run_after >= '9999-01-01')) GROUP BY status")
    return dict(rows)


def unfinished_rows(cluster: Cluster) -> list[tuple]:
    """The :func:`unfinished` rows: task path, status, seconds since enqueued."""
    return cluster.sql("SELECT task_path, status, round(extract(epoch FROM now() - enqueued_at)) FROM "
                       "django_tasks_database_dbtaskresult WHERE status = 'RUNNING' OR (status = 'READY' AND "
                       "(run_after <= now() OR run_after >= '9999-01-01')) ORDER BY enqueued_at")


def settled(cluster: Cluster, timeout: float = 120) -> dict[str, int]:
    """:func:`unfinished` once it is empty, or as it is after ``timeout`` s (the tasks an upload queues
    after its ingestion, such as the quality report, may still be on their way)."""
    with contextlib.suppress(TimeoutError):
        wait_until(lambda: not unfinished(cluster), timeout=timeout, interval=0.5)
    return unfinished(cluster)


def _kill_and_restart(cluster: Cluster, name: str) -> None:
    cluster.kill(name)
    cluster.start_worker(name)  # its supervisor starts it again (it takes seconds to be ready)


# Ingestion -------------------------------------------------------------------------------------------

def csv_content(rows: int) -> bytes:
    lines = ["id,nom,valeur"] + [f"{i},compteur-{i % 9973},{(i * 37) % 100003}" for i in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode()


def expected_checksum(rows: int) -> tuple[int, int, str]:
    joined = ",".join(f"compteur-{i % 9973}:{(i * 37) % 100003}" for i in range(1, rows + 1))
    return rows, rows * (rows + 1) // 2, hashlib.md5(joined.encode()).hexdigest()  # noqa: S324 — a checksum


def table_checksum(cluster: Cluster, resource_id: str) -> tuple[int, int, str] | None:
    tables = cluster.sql("SELECT table_name FROM datastore_datastoretable WHERE resource_id = %s", (resource_id,))
    if not tables:
        return None
    (count, total, digest), = cluster.sql(
        f'SELECT count(*), sum(id::bigint), md5(string_agg(nom || \':\' || valeur::text, \',\' ORDER BY id)) '  # noqa: S608
        f'FROM datastore."{tables[0][0]}"')
    return int(count), int(total or 0), str(digest)


@dataclass
class IngestRun:
    rows: int
    kills: int = 0
    seconds: float = 0.0
    upload_seconds: float = 0.0
    attempts: list[str] = field(default_factory=list)
    killed_at: list[str] = field(default_factory=list)  # the job's phase and rows done at each kill
    seen: Counter = field(default_factory=Counter)  # what datastore_search answered: not-yet, whole, partial:N
    polls: int = 0
    checksum: tuple[int, int, str] | None = None
    expected: tuple[int, int, str] | None = None
    ledger_status: str = ""
    job_status: str = ""

    @property
    def partial_seen(self) -> list[str]:
        return [state for state in self.seen if state not in {"not-yet", "whole"}]


def _poll(cluster: Cluster, resource_id: str, rows: int, run: IngestRun, stop: threading.Event,
          interval: float) -> None:
    url = f"{cluster.base_url}/api/3/action/datastore_search?resource_id={resource_id}&limit=1"
    while not stop.is_set():
        status, _headers, body = request(url, timeout=30)
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        if status == 200 and answer.get("success"):
            total = answer["result"].get("total")
            run.seen["whole" if total == rows else f"partial:{total}"] += 1
        elif answer.get("success") is False and status in (404, 409):
            run.seen["not-yet"] += 1
        else:
            run.seen[f"error:{status}"] += 1
        run.polls += 1
        stop.wait(interval)


def ingest_with_kills(cluster: Cluster, *, rows: int, kills: int, rng: random.Random, spread: float = 1.0,
                      poll_interval: float = 0.2, timeout: float = 1800) -> IngestRun:
    """Upload ``rows`` rows; ``kills`` times, once the attempt under way has loaded rows, wait up to
    ``spread`` s more and SIGKILL the worker holding it."""
    run = IngestRun(rows=rows, expected=expected_checksum(rows))
    content = csv_content(rows)
    body, content_type = multipart({"resource_name": "compteurs"}, file_field="file", filename="compteurs.csv",
                                   content=content)
    started = time.monotonic()
    status, _headers, answer = request(
        f"{cluster.base_url}/api/v1/datasets/{cluster.seeded['dataset']}/resources/upload", method="POST", data=body,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {cluster.seeded['token']}"}, timeout=600)
    run.upload_seconds = time.monotonic() - started
    assert status == 201, (status, answer[:2000])
    resource_id = json.loads(answer)["id"]
    stop = threading.Event()
    poller = threading.Thread(target=_poll, args=(cluster, resource_id, rows, run, stop, poll_interval), daemon=True)
    poller.start()
    try:
        job_id = wait_until(lambda: cluster.sql("SELECT id::text FROM datastore_ingestjob WHERE resource_id = %s",
                                                (resource_id,)), timeout=60, what="the ingestion job")[0][0]

        def task() -> tuple | None:
            found = [r for r in ledger(cluster, INGEST) if job_id in json.dumps(r[4])]
            return found[0] if found else None

        for attempt in range(kills):
            row = wait_until(lambda n=attempt: (r := task()) and (r[1] in ("SUCCESSFUL", "FAILED") or (
                r[1] == "RUNNING" and len(r[2]) == n + 1)) and r, timeout=300, what=f"attempt {attempt + 1}")
            if row[1] != "RUNNING":
                break  # it finished before this kill: fewer kills than asked (the run says how many)
            beat = cluster.sql("SELECT heartbeat_at FROM datastore_ingestjob WHERE id = %s", (job_id,))[0][0]
            wait_until(lambda b=beat: cluster.sql(
                "SELECT 1 FROM datastore_ingestjob WHERE id = %s AND heartbeat_at > %s AND rows_done > 0 "
                "AND phase IN ('load', 'index')", (job_id, b)) or (task() or ("", ""))[1] != "RUNNING",
                timeout=300, interval=0.05, what="rows loaded by the attempt under way")
            time.sleep(rng.uniform(0, spread))
            current = task()
            if not current or current[1] != "RUNNING":
                break
            holder = cluster.worker_named(current[2][-1])
            assert holder, f"no worker of ours holds the ingestion ({current[2]})"
            phase, done = cluster.sql("SELECT phase, rows_done FROM datastore_ingestjob WHERE id = %s", (job_id,))[0]
            _kill_and_restart(cluster, holder)
            run.kills += 1
            run.killed_at.append(f"{phase}:{done}")
        final = wait_until(lambda: (r := task()) and r[1] in ("SUCCESSFUL", "FAILED") and r, timeout=timeout,
                           interval=0.5, what="the ingestion to finish")
        run.seconds = time.monotonic() - started
        run.ledger_status, run.attempts = final[1], list(final[2])
        run.job_status = cluster.sql("SELECT status FROM datastore_ingestjob WHERE id = %s", (job_id,))[0][0]
        time.sleep(max(1.0, 3 * poll_interval))  # a few polls of the finished table
    finally:
        stop.set()
        poller.join(timeout=60)
    run.checksum = table_checksum(cluster, resource_id)
    return run


# Small tasks ------------------------------------------------------------------------------------------

ENQUEUE = r"""
import sys
import django
django.setup()
from django.db import transaction
from ouvert.core.tests.multihost_tasks import multihost_tick
count, hold = int(sys.argv[1]), float(sys.argv[2])
for start in range(0, count, 250):
    with transaction.atomic():  # published once each block commits
        for index in range(start, min(start + 250, count)):
            multihost_tick.enqueue(index=index, hold_seconds=hold)
"""


@dataclass
class TickRun:
    tasks: int
    kills: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    run_again: int = 0  # rows with more than one worker id: taken over after a kill
    held_at_kill: int = 0  # tasks "running" on the killed workers when they died
    wrong_values: int = 0
    unfinished: dict[str, int] = field(default_factory=dict)


def ticks_with_kills(cluster: Cluster, *, tasks: int, kills: int, rng: random.Random, hold: float = 0.1,
                     gap: tuple[float, float] = (1.0, 3.0), timeout: float = 900) -> TickRun:
    run = TickRun(tasks=tasks)
    started = time.monotonic()
    enqueue = subprocess.Popen([sys.executable, "-c", ENQUEUE, str(tasks), str(hold)],  # noqa: S603
                               env=cluster.env(local=True), cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        done = lambda: cluster.sql("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s "  # noqa: E731
                                   "AND status = 'SUCCESSFUL'", (TICK,))[0][0]
        while run.kills < kills and done() < tasks:
            time.sleep(rng.uniform(*gap))
            holders = {name for _id, status, ids, _v, _a in ledger(cluster, TICK)
                       if status == "RUNNING" and ids and (name := cluster.worker_named(ids[-1]))}
            if not holders:
                continue  # no live worker holds one right now (both starting): try again
            victim = rng.choice(sorted(holders))
            dead = f"ouvert-{cluster.processes[victim].pid}@"
            cluster.kill(victim)
            run.held_at_kill += sum(1 for _id, status, ids, _v, _a in ledger(cluster, TICK)
                                    if status == "RUNNING" and ids and ids[-1].startswith(dead))
            cluster.start_worker(victim)
            run.kills += 1
        assert enqueue.wait(timeout=600) == 0, enqueue.stderr.read() if enqueue.stderr else ""
        wait_until(lambda: done() >= tasks, timeout=timeout, interval=0.5, what=f"{tasks} tasks to finish")
    finally:
        if enqueue.poll() is None:
            enqueue.kill()
    run.seconds = time.monotonic() - started
    for _id, status, ids, value, arguments in ledger(cluster, TICK):
        run.statuses[status] += 1
        run.run_again += len(ids) > 1
        run.wrong_values += status == "SUCCESSFUL" and value != tick_value(arguments["kwargs"]["index"])
    run.unfinished = settled(cluster)
    return run


# The consultation surge --------------------------------------------------------------------------------

@dataclass
class SurgeRun:
    participants: int
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)  # accepted, accepted-after-retry, already-in, failed:N
    retries: int = 0
    stored: int = 0
    distinct: int = 0
    checksum_ok: bool = False
    reads: Counter = field(default_factory=Counter)  # statuses of the GETs sent during the surge
    killed: str = ""

    @property
    def submissions_per_second(self) -> float:
        return self.participants / self.seconds if self.seconds else 0.0


def _submit(cluster: Cluster, endpoint: str, participant: dict, answers: dict, run: SurgeRun,
            lock: threading.Lock) -> None:
    body = json.dumps({"answers": answers, "consent": True}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {participant['token']}"}
    lost = False
    for _ in range(30):
        status, _h, _b = request(endpoint, method="POST", data=body, headers=headers, timeout=120)
        if status == 201:
            outcome = "accepted-after-retry" if lost else "accepted"
            break
        if status == 422 and lost:
            outcome = "already-in"  # the lost attempt had been stored: the retry is refused, not doubled
            break
        if status in (0, 502, 503):
            lost = True
            with lock:
                run.retries += 1
            time.sleep(0.3)
            continue
        outcome = f"failed:{status}"
        break
    else:
        outcome = "gave-up"
    with lock:
        run.outcomes[outcome] += 1


def surge(cluster: Cluster, *, participants: list[dict], threads: int, kill_app: str = "",
          kill_after: float = 0.3) -> SurgeRun:
    """Every participant submits once (``threads`` at a time); with ``kill_app``, that app server is
    SIGKILLed once ``kill_after`` of them are in, while GETs go on through the balancer."""
    module = surge_module()
    questions = [SimpleNamespace(pk=pk) for pk in cluster.seeded["questions"]]
    index = {p["email"]: i for i, p in enumerate(cluster.seeded["participants"])}
    payloads = {p["email"]: module.answers_for(index[p["email"]], questions) for p in participants}
    endpoint = f"{cluster.base_url}/api/v1/consultations/{cluster.seeded['consultation']}/responses"
    run = SurgeRun(participants=len(participants), killed=kill_app)
    lock = threading.Lock()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            status, _h, _b = request(f"{cluster.base_url}/api/v1/datasets?q=compteurs", timeout=60)
            run.reads[status] += 1
            stop.wait(0.05)

    def killer() -> None:
        wait_until(lambda: stop.is_set() or sum(run.outcomes.values()) >= kill_after * len(participants),
                   timeout=600, interval=0.02)
        if not stop.is_set():
            cluster.kill(kill_app)

    side = [threading.Thread(target=reader, daemon=True)]
    if kill_app:
        side.append(threading.Thread(target=killer, daemon=True))
    for thread in side:
        thread.start()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for participant in participants:
            pool.submit(_submit, cluster, endpoint, participant, payloads[participant["email"]], run, lock)
    run.seconds = time.monotonic() - started
    stop.set()
    for thread in side:
        thread.join(timeout=60)
    emails = [p["email"] for p in participants]
    (run.stored, run.distinct), = cluster.sql(
        "SELECT count(*), count(DISTINCT p.user_id) FROM consultations_participation p JOIN core_user u ON "
        "u.id = p.user_id WHERE p.submitted_at IS NOT NULL AND u.email = ANY(%s)", (emails,))
    kept = sorted(module.canonical(email, question, value) for email, question, value in cluster.sql(
        "SELECT u.email, a.question_id, a.value FROM consultations_answer a JOIN consultations_participation p ON "
        "p.id = a.participation_id JOIN core_user u ON u.id = p.user_id WHERE u.email = ANY(%s)", (emails,)))
    sent = sorted(module.canonical(email, int(key[1:]), value) for email, answers in payloads.items()
                  for key, value in answers.items())
    run.checksum_ok = (hashlib.sha256("\n".join(kept).encode()).digest()
                       == hashlib.sha256("\n".join(sent).encode()).digest())
    return run


def outcomes_summary(outcomes: dict[str, int] | Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))


def as_dict(run: Any) -> dict[str, Any]:
    return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in vars(run).items()}
