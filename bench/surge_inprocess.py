"""The work of one survey submission, in process, against the framework floor measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ouvert_consult_cpu \
        .venv/bin/python bench/surge_inprocess.py [--submissions 100] [--warm 5] [--profile 30]

Recreates the database named in ``DATABASE_URL`` (PostgreSQL), creates the 20-question survey of
:mod:`bench.consultation_surge` and one account with an API token per submission, then sends, through
Django's test client and the whole middleware stack of the bench's production settings
(:mod:`bench.surge_settings`), each participant's ``POST /bench/floor`` (the floor) and their survey
``POST /api/v1/consultations/<slug>/responses``, alternating, after ``--warm`` of each to warm up.
Prints the CPU time per request (``time.process_time``) of both, their ratio (the ceiling of the HTTP
bench's throughput ratio), the SQL statements of one of each, and, with ``--profile N``, the N
functions of a cProfile run over the submissions (CPU clock) that take the most time, inclusive.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100, help="measured submissions (and floor requests)")
    parser.add_argument("--warm", type=int, default=5, help="submissions (and floor requests) sent first, unmeasured")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile, CPU)")
    parser.add_argument("--profile-file", default="", help="also write the profile's statistics to this file")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL must point to PostgreSQL (the database is dropped and recreated).")
        return 2
    os.environ.update(DJANGO_SETTINGS_MODULE="bench.surge_settings", SECRET_KEY="bench-" + "x" * 40,
                      SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false", OUVERT_EMBEDDED_WORKER="false",
                      LOG_LEVEL="WARNING", OUVERT_DATA_DIR=str(ROOT / "var" / "bench"))
    from bench.consultation_surge import (
        answers_for,
        bench_database,
        bench_organization,
        participants_create,
        survey_create,
    )

    bench_database(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ouvert.consultations.models import Participation

    total = args.warm + args.submissions + 1
    org, organizer = bench_organization()
    consultation, questions = survey_create(org, organizer, "Réseau cyclable : profil d'une soumission")
    users, secrets_by_email = participants_create(total, "cpu")
    client = Client(SERVER_NAME="127.0.0.1")
    endpoint = f"/api/v1/consultations/{consultation.slug}/responses"

    def send(path: str, index: int) -> float:
        user = users[index]
        body = json.dumps({"answers": answers_for(index, questions), "consent": True})
        start = time.process_time()
        response = client.post(path, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {secrets_by_email[user.email]}")
        spent = time.process_time() - start
        if response.status_code != 201:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return spent

    for i in range(args.warm):
        send("/bench/floor", i)
        send(endpoint, i)
    cpu = {"floor": 0.0, "submission": 0.0}
    measured = range(args.warm, args.warm + args.submissions)
    for i in measured:
        cpu["floor"] += send("/bench/floor", i)
        cpu["submission"] += send(endpoint, i)
    statements = {}
    last = total - 1
    for name, path in (("floor", "/bench/floor"), ("submission", endpoint)):
        with CaptureQueriesContext(connection) as queries:
            send(path, last)
        statements[name] = [q["sql"] for q in queries.captured_queries]
    stored = Participation.objects.filter(consultation=consultation, submitted_at__isnull=False).count()
    floor_ms, sub_ms = (cpu[k] * 1000 / args.submissions for k in ("floor", "submission"))
    print(f"in process, {args.submissions} of each after {args.warm} to warm up; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"  floor (POST, token, one row): CPU {floor_ms:.1f} ms per request, {len(statements['floor'])} statements")
    print(f"  survey submission (20 questions): CPU {sub_ms:.1f} ms per request, "
          f"{len(statements['submission'])} statements")
    print(f"  CPU of the floor over CPU of a submission: {floor_ms / sub_ms:.2f} (target >= 0.50)")
    print(f"  {stored} participations stored for {total} submissions sent")
    for sql in statements["submission"]:
        print("    " + sql[:160])
    if args.profile:
        users, extra = participants_create(args.submissions, "profile")
        secrets_by_email.update(extra)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.submissions):
            send(endpoint, i)
        profiler.disable()
        stats = pstats.Stats(profiler)
        if args.profile_file:
            stats.dump_stats(args.profile_file)
        stats.sort_stats("cumulative").print_stats(args.profile)
    return 0 if stored == total else 1


if __name__ == "__main__":
    sys.exit(main())
