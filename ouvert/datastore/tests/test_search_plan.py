"""datastore_search answers a filter + sort from the sort column's index when the filter matches many
rows (SQLite), and remembers exact counts until the table's rows change."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouvert.api.ckan import datastore_wire
from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.datastore import selectors
from ouvert.datastore.backends import get_backend
from ouvert.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

TOWNS = ["Québec", "Lévis", "Gatineau", "Laval"]


@pytest.fixture
def big(ingest, write_file):
    rng = random.Random(5)
    lines = ["ville;montant"]
    for n in range(4000):
        amount = "" if n % 97 == 0 else f"{rng.randint(0, 10**6)},{rng.randint(0, 99):02d}"
        lines.append(f"{TOWNS[n % 4]};{amount}")
    job = ingest(write_file("gros.csv", "\n".join(lines) + "\n"))
    assert job.status == "succeeded", job.error
    return DatastoreTable.objects.get(resource_id=job.resource_id)


def expected(table, town, limit):
    rows = datastore_search(data={"resource_id": str(table.resource_id), "limit": 32000,
                                  "filters": {"ville": town}}, user=None)["records"]
    rows.sort(key=lambda r: (r["montant"] is not None, -(r["montant"] or 0)))  # NULLs first when descending
    return [r["montant"] for r in rows[:limit]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's planner weighs LIMIT itself")
def test_sqlite_walks_the_sort_index_when_the_filter_matches_many_rows(big):
    backend = get_backend()
    assert backend.filters_to_scan(big.table_name, row_count=4000, filters={"ville": 1}, sort="montant",
                                   rows_wanted=10) == {"ville"}
    # a selective filter (few matches) keeps its index: sorting 10 rows beats walking 4,000
    assert backend.filters_to_scan(big.table_name, row_count=4000, filters={"ville": 1}, sort="montant",
                                   rows_wanted=2000) == set()
    assert backend.filters_to_scan(big.table_name, row_count=4000, filters={"ville": 1}, sort="absent",
                                   rows_wanted=10) == set()
    with connection.cursor() as cur:
        cur.execute(f'EXPLAIN QUERY PLAN SELECT * FROM "{big.table_name}" WHERE +"ville" = %s '  # noqa: S608 — test SQL
                    'ORDER BY "montant" DESC NULLS FIRST LIMIT 10', ["Laval"])
        plan = " ".join(str(row[-1]) for row in cur.fetchall())
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("sort", ["montant desc", "montant asc"])
def test_filter_and_sort_give_the_same_rows_whatever_the_plan(big, sort):
    result = datastore_search(data={"resource_id": str(big.resource_id), "filters": {"ville": "Laval"},
                                    "sort": sort, "limit": 10}, user=None)
    assert result["total"] == 1000
    want = expected(big, "Laval", 1000)
    if sort.endswith("asc"):  # NULLs last ascending
        want = sorted([m for m in want if m is not None]) + [m for m in want if m is None]
    assert [r["montant"] for r in result["records"]] == want[:10]
    assert all(r["ville"] == "Laval" for r in result["records"])


def counts_run(data):
    with CaptureQueriesContext(connection) as queries:
        total = datastore_search(data=data, user=None)["total"]
    return total, sum("COUNT(*)" in q["sql"] for q in queries.captured_queries)


def test_counts_are_remembered_until_the_rows_change(big, publisher):
    user, org = publisher
    data = {"resource_id": str(big.resource_id), "filters": {"ville": "Laval"}, "limit": 1}
    selectors.COUNTS.clear()
    assert counts_run(data) == (1000, 1)
    assert counts_run({**data, "offset": 5}) == (1000, 0)  # the next page: no second COUNT
    datastore_wire.delete(data={"resource_id": str(big.resource_id), "filters": {"ville": "Laval",
                                                                                   "montant": None}},
                          organization=org, by=user)
    assert datastore_search(data=data, user=None)["total"] < 1000


def test_the_shared_table_follows_privacy_and_dictionary_changes(big, publisher, make_user, catalogue_resource):
    from django.http import Http404

    user, org = publisher
    rid = str(big.resource_id)
    assert selectors.table_for_query(rid, None) is selectors.table_for_query(rid, None)
    catalogue_resource(rid, org, private=True)
    with pytest.raises(Http404):
        datastore_search(data={"resource_id": rid}, user=None)
    with pytest.raises(Http404):
        datastore_search(data={"resource_id": rid}, user=make_user())
    assert datastore_search(data={"resource_id": rid, "limit": 1}, user=user)["total"] == 4000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fence is for PostgreSQL's planner")
def test_postgresql_fences_full_text_unless_matches_are_many(big):
    backend = get_backend()
    fenced, where = backend.fulltext_rows_source("datastore.t", "x @@ y", matches=3, row_count=4000, rows_wanted=100)
    assert "OFFSET 0" in fenced and where == "1 = 1"
    assert backend.fulltext_rows_source("datastore.t", "x @@ y", matches=None, row_count=4000,
                                        rows_wanted=100)[0] == fenced
    assert backend.fulltext_rows_source("datastore.t", "x @@ y", matches=3000, row_count=4000,
                                        rows_wanted=100) == ("datastore.t", "x @@ y")
    result = datastore_search(data={"resource_id": str(big.resource_id), "q": "laval", "sort": "montant desc",
                                    "limit": 3}, user=None)
    assert result["total"] == 1000 and len(result["records"]) == 3


def test_full_text_pages_in_id_order_stop_early_and_stay_right(big):
    data = {"resource_id": str(big.resource_id), "q": "laval", "fields": "_id,ville"}
    every = datastore_search(data={**data, "limit": 2000}, user=None)["records"]
    assert len(every) == 1000 and [r["_id"] for r in every] == sorted(r["_id"] for r in every)
    page = datastore_search(data={**data, "limit": 10, "offset": 995}, user=None)
    assert page["total"] == 1000 and page["records"] == every[995:]
    with CaptureQueriesContext(connection) as queries:
        datastore_search(data={**data, "limit": 10}, user=None)
    if connection.vendor == "sqlite":
        assert any("ORDER BY rowid LIMIT 10)" in q["sql"] for q in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite statistics")
def test_without_statistics_the_planner_is_left_alone(big, monkeypatch):
    from ouvert.datastore import backends

    monkeypatch.setitem(backends._SQLITE_INDEX_STATS, big.table_name, {"_id": 1.0, "ville": 0.0, "montant": 0.0})
    assert get_backend().filters_to_scan(big.table_name, row_count=4000, filters={"ville": 1}, sort="montant",
                                         rows_wanted=10) == set()


@pytest.fixture
def ties(ingest, write_file):
    lines = ["ville;montant"] + [f"{TOWNS[n % 4]};{'' if n % 13 == 0 else n % 50}" for n in range(1500)]
    job = ingest(write_file("egalites.csv", "\n".join(lines) + "\n"))
    assert job.status == "succeeded", job.error
    return DatastoreTable.objects.get(resource_id=job.resource_id)


@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize(("filters", "ckan_filters"), [([], {}), (["ville:eq:Laval"], {"ville": "Laval"})])
def test_keyset_pages_follow_the_order_through_ties_and_nulls(ties, desc, filters, ckan_filters):
    every = datastore_search(data={"resource_id": str(ties.resource_id), "filters": ckan_filters, "limit": 32000},
                             user=None)["records"]
    sign = -1 if desc else 1
    want = sorted(every, key=lambda r: (r["montant"] is None, sign * (r["montant"] or 0), r["_id"]))
    got, cursor = [], None
    while True:
        page = selectors.datastore_rows(table=ties, filters=filters, sort="montant", desc=desc, limit=37,
                                        cursor=cursor, count=True)
        got += page["records"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert page["count"] == len(want)
    assert [r["_id"] for r in got] == [r["_id"] for r in want]


def test_pages_and_aggregates_are_remembered_until_the_rows_change(big, publisher, catalogue_resource):
    from django.http import Http404

    user, org = publisher
    rid = str(big.resource_id)
    data = {"resource_id": rid, "filters": {"ville": "Laval"}, "sort": "montant asc", "limit": 5}
    selectors.PAGES.clear()
    selectors.AGGREGATES.clear()

    def page():
        with CaptureQueriesContext(connection) as queries:
            records = datastore_search(data=data, user=None)["records"]
        return records, sum("ORDER BY" in q["sql"] and "LIMIT 5" in q["sql"] for q in queries.captured_queries)

    def laval_sum():
        table = selectors.table_for_query(rid, None)
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.datastore_aggregate(table=table, group="ville", agg="sum", value="montant")["rows"]
        return ({r["key"]: r["value"] for r in rows}["Laval"],
                sum("GROUP BY" in q["sql"] for q in queries.captured_queries))

    first, reads = page()
    assert reads == 1 and len(first) == 5
    again, reads = page()
    assert again == first and reads == 0  # the same page of the same table version: not read again
    total, reads = laval_sum()
    assert reads == 1 and total == pytest.approx(sum(m for m in expected(big, "Laval", 1000) if m is not None))
    assert laval_sum()[1] == 0
    top = first[0]["montant"]  # the smallest (NULLs sort last ascending)
    datastore_wire.delete(data={"resource_id": rid, "filters": {"ville": "Laval", "montant": top}},
                          organization=org, by=user)
    after, reads = page()
    assert reads == 1 and after[0]["montant"] > top  # the rows changed: read again, the deleted row is gone
    changed, reads = laval_sum()
    assert reads == 1 and changed == pytest.approx(total - top)
    catalogue_resource(rid, org, private=True)
    with pytest.raises(Http404):  # a remembered page is still behind the privacy check of every request
        datastore_search(data=data, user=None)
    assert datastore_search(data=data, user=user)["records"] == after


def test_threads_asking_the_same_aggregate_at_once_read_the_table_once():
    import threading
    import time

    cache = selectors._ResultCache(size=4)
    calls = []
    start = threading.Barrier(6)

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return [("Laval", 3)]

    answers = []

    def ask():
        start.wait()
        answers.append(cache.get_or_compute(("t", 1), compute))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and answers == [[("Laval", 3)]] * 6
    assert cache.get_or_compute(("t", 2), compute) == [("Laval", 3)] and len(calls) == 2  # another key: computed
