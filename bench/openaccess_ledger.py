"""Compliance-ledger benchmark: the open dataset (``registre.csv``) and the native API's ledger
pages over N publications, through Django's full HTTP stack (test client), one process.

Measured, each with its baseline in the same run on the same database:

1. The whole ledger as CSV (every live article's verdict, computed when read; streamed by chunks
   of 2,000 articles, so its memory does not grow with N). Baseline: the
   same articles' stored columns and grant numbers read by plain queries and written as CSV with
   no verdict — the floor of reading and writing the rows. Ratio = ledger / baseline.
2. One API page (``/api/v1/openaccess/ledger``, 500 rows) near the start and at the end of the
   ledger, by key (what the endpoint does). Baseline: the page cut after computing every row's
   verdict (what it did before), first and last page. Ratios last/first for each.
3. Queries per request (constant whatever N) and peak Python memory of the CSV (tracemalloc).

    python bench/openaccess_ledger.py --database sqlite:////tmp/ouvert-ledger.sqlite3 --n 100000
    python bench/openaccess_ledger.py --database postgres://postgres@127.0.0.1:5432/ouvert_ledger --n 100000
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_time as timed  # noqa: E402
from openaccess_oai import load, setup  # noqa: E402 — the same data set as the OAI-PMH bench

PAGE = 500


def ledger_csv(client) -> tuple[int, int]:
    """The streamed CSV read through, as a client would: (bytes, lines), nothing kept."""
    response = client.get("/fr/libre-acces/registre.csv")
    assert response.status_code == 200
    size = lines = 0
    for part in response.streaming_content:
        size += len(part)
        lines += part.count(b"\n")
    return size, lines


def baseline_csv() -> bytes:
    """The stored columns and grant numbers of every live article, as CSV, with no verdict."""
    from ouvert.openaccess.models import MatchState, Publication, PublicationGrant

    grants: dict[int, list[str]] = {}
    for pub_id, number in (PublicationGrant.objects.filter(state=MatchState.CONFIRMED)
                           .values_list("publication_id", "grant__number")):
        grants.setdefault(pub_id, []).append(number)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    fields = ["id", "title", "journal", "issn", "doi", "published_on", "route", "licence", "version", "opened_on",
              "embargo_until"]
    writer.writerow([*fields, "grants"])
    for row in Publication.objects.filter(deleted_at__isnull=True).order_by("pk").values_list(*fields):
        writer.writerow([*row, ";".join(sorted(grants.get(row[0], [])))])
    return buffer.getvalue().encode()


def api_page(client, after: int) -> None:
    from ouvert.core.cursors import cursor_encode

    params = {"limit": PAGE}
    if after:
        params["cursor"] = cursor_encode(f"id:{after}")
    response = client.get("/api/v1/openaccess/ledger", params)
    assert response.status_code == 200 and len(response.json()["results"]) == PAGE, response.content[:300]


def baseline_page(after: int) -> None:
    """Before: every row's verdict computed, then the page cut."""
    from django.utils import timezone

    from ouvert.openaccess.selectors import ledger_rows

    rows = [row for row in ledger_rows(today=timezone.localdate()) if row["id"] > after][:PAGE + 1]
    assert len(rows) >= PAGE


def queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite:////tmp/ouvert-ledger.sqlite3")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of each timing (median)")
    args = parser.parse_args()
    setup(args.database)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    began = time.perf_counter()
    load(args.n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"loaded {args.n} publications in {time.perf_counter() - began:.1f} s ({connection.vendor})")
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    size, lines = ledger_csv(client)
    rows = lines - 1
    floor = baseline_csv()
    assert rows == floor.count(b"\n") - 1 == args.n, (rows, args.n)
    whole = timed(lambda: ledger_csv(client), args.rounds)
    plain = timed(baseline_csv, args.rounds)
    tracemalloc.start()
    ledger_csv(client)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"ledger CSV: {rows} rows in {whole:.2f} s = {rows / whole:,.0f} rows/s, {size / 1e6:.1f} MB, "
          f"{queries(lambda: ledger_csv(client))} queries, peak Python memory {peak / 1e6:.0f} MB")
    print(f"  baseline (stored columns, no verdict): {plain:.2f} s; ratio ledger/baseline {whole / plain:.2f}")
    from ouvert.openaccess.models import Publication

    ids = list(Publication.objects.filter(deleted_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    first_after, last_after = ids[0] - 1 if ids[0] > 1 else 0, ids[-PAGE - 1]
    key_first = timed(lambda: api_page(client, first_after), args.rounds)
    key_last = timed(lambda: api_page(client, last_after), args.rounds)
    old_first = timed(lambda: baseline_page(first_after), args.rounds)
    old_last = timed(lambda: baseline_page(last_after), args.rounds)
    page_queries = queries(lambda: api_page(client, last_after))
    print(f"API ledger page of {PAGE} (median of {args.rounds}), by key: first {key_first * 1000:.0f} ms, last "
          f"{key_last * 1000:.0f} ms (ratio {key_last / key_first:.2f}), {page_queries} queries;"
          f" baseline (every verdict, then the page): first {old_first * 1000:.0f} ms, last "
          f"{old_last * 1000:.0f} ms (ratio {old_last / old_first:.2f}); baseline / key at the last page "
          f"{old_last / key_last:.0f}x")
    pages = -(-args.n // PAGE)
    print(f"  a full walk of {pages} pages: by key ~{pages * key_last:.0f} s, baseline ~{pages * old_last:.0f} s")


if __name__ == "__main__":
    main()
