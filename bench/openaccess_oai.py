"""OAI-PMH harvest benchmark: a full ``ListRecords`` harvest of N publications through resumption
tokens, over Django's full HTTP stack (URL routing, middleware, view, XML), one process.

Prints pages per second, the time of the first and the last pages, their ratio (the aim: the last
page within 2x the first), and the peak Python memory per page (tracemalloc; the aim: constant).
The baseline, in the same run on the same database: the same pages fetched by OFFSET/LIMIT (what
offset-based tokens do), first and last page, and their ratio. Usage (see docs/performance.md):

    python bench/openaccess_oai.py --database sqlite:////tmp/ouvert-oai.sqlite3 --n 100000
    python bench/openaccess_oai.py --database postgres://postgres@127.0.0.1:5432/ouvert_oai --n 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import median_time  # noqa: E402


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(n: int) -> None:
    from django.db import transaction

    from ouvert.core.models import Organization
    from ouvert.openaccess.demo import DATA, funders_ensure, policies_ensure
    from ouvert.openaccess.models import Author, Grant, Publication, PublicationGrant
    from ouvert.openaccess.services import grants_import_csv

    if Publication.objects.count() >= n:
        return
    from ouvert.core import actors

    for code in ("frqnt", "frqs", "frqsc"):
        Organization.objects.get_or_create(slug=code, defaults={"name_fr": code.upper(), "name_en": code.upper(),
                                                                "kind": "public_body"})
    funders_ensure()
    policies_ensure()
    grants_import_csv(text=(DATA / "grants.csv").read_text(encoding="utf-8"), by=actors.COMMAND)
    grants = list(Grant.objects.all())
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    batch = 5000
    with transaction.atomic():
        for offset in range(Publication.objects.count(), n, batch):
            size = min(batch, n - offset)
            pubs = Publication.objects.bulk_create([Publication(
                title=f"Article de recherche numéro {i} sur la qualité de l'eau", journal="PLOS ONE",
                issn="1932-6203", doi=f"10.5555/bench.{i}", published_on=dt.date(2021 + i % 4, 1 + i % 12, 1),
                licence="CC-BY-4.0", version="published", route="journal",
                updated_at=start + dt.timedelta(seconds=i // 3))  # several records share a datestamp
                for i in range(offset, offset + size)])
            Author.objects.bulk_create([Author(publication=p, position=0, full_name="Marie Curie",
                                               orcid="0000-0002-1825-0097") for p in pubs])
            PublicationGrant.objects.bulk_create([PublicationGrant(publication=p, grant=grants[p.pk % len(grants)])
                                                  for p in pubs])


def harvest(client) -> tuple[list[float], list[int], int]:
    import re

    times, peaks, count = [], [], 0
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    while True:
        began = time.perf_counter()
        response = client.get("/oai", params)
        times.append(time.perf_counter() - began)
        body = response.content.decode()
        assert response.status_code == 200, body[:500]
        count += body.count("<record>")
        token = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
        if len(times) in (3, 990) or not token:  # memory measured apart (tracemalloc slows the page)
            tracemalloc.start()
            client.get("/oai", params)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        if not token:
            return times, peaks, count
        params = {"verb": "ListRecords", "resumptionToken": token.group(1)}


def offset_page(offset: int, size: int) -> None:
    """Baseline: the same page by OFFSET/LIMIT over the same order, turned into the same records."""
    from ouvert.openaccess import records
    from ouvert.openaccess.models import Publication

    page = list(Publication.objects.order_by("updated_at", "pk")[offset:offset + size])
    records._records(page)


def keyset_page(after_index: int, size: int) -> Callable[[], object]:
    """The page after the ``after_index``-th record by key (what the endpoint does), its key looked up first."""
    from ouvert.openaccess import records
    from ouvert.openaccess.models import Publication

    key = Publication.objects.order_by("updated_at", "pk").values_list("updated_at", "pk")[after_index]
    return lambda: records.records_page(after=key, limit=size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite:////tmp/ouvert-oai.sqlite3")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="repetitions of the first/last page timings")
    args = parser.parse_args()
    setup(args.database)
    from django.conf import settings
    from django.test import Client

    began = time.perf_counter()
    load(args.n)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics after the bulk load, as autovacuum would give
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"loaded {args.n} records in {time.perf_counter() - began:.1f} s")
    size = settings.OPENACCESS_OAI_PAGE_SIZE
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    began = time.perf_counter()
    times, peaks, count = harvest(client)
    total = time.perf_counter() - began
    assert count == args.n, (count, args.n)
    first, last = statistics.median(times[:5]), statistics.median(times[-5:])
    print(f"harvest: {count} records, {len(times)} pages in {total:.1f} s = {len(times) / total:.1f} pages/s")
    print(f"  HTTP page time: first 5 pages median {first * 1000:.1f} ms, last 5 pages median {last * 1000:.1f} ms,"
          f" ratio last/first {last / first:.2f}")
    print(f"  peak Python memory per page: first {peaks[0] / 1e6:.1f} MB, last {peaks[-1] / 1e6:.1f} MB,"
          f" max {max(peaks) / 1e6:.1f} MB")
    deep = args.n - size
    key_first = median_time(keyset_page(0, size), args.rounds)
    key_last = median_time(keyset_page(deep - 1, size), args.rounds)
    off_first = median_time(lambda: offset_page(0, size), args.rounds)
    off_last = median_time(lambda: offset_page(deep, size), args.rounds)
    print(f"page query alone (median of {args.rounds}): keyset first {key_first * 1000:.1f} ms, last "
          f"{key_last * 1000:.1f} ms (ratio {key_last / key_first:.2f}); baseline OFFSET first "
          f"{off_first * 1000:.1f} ms, last {off_last * 1000:.1f} ms (ratio {off_last / off_first:.2f})")


if __name__ == "__main__":
    main()
