"""What is built after the swap — the B-tree indexes (both engines) and the full-text index
(PostgreSQL): the new table answers filters, sorts and ``q`` as soon as it replaces the old one,
before those indexes exist, with the same rows as after; and no reader ever sees a table that is not
complete."""

import uuid

import pytest
from django.db import connection

from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.datastore import services
from ouvert.datastore.backends import BackendBase
from ouvert.datastore.models import DatastoreTable, IngestJob

pytestmark = pytest.mark.django_db

V1 = "id;ville;note\n1;Québec;financement des écoles\n2;Lévis;routes régionales\n3;Gaspé;écoles primaires\n"
V2 = ("id;ville;note\n10;Montréal;écoles secondaires\n11;Laval;financières et budgets\n12;Sherbrooke;routes\n"
      "13;Rimouski;l'école du village\n14;Québec;financier\n")


def search(rid: uuid.UUID, **data) -> dict:
    return datastore_search(data={"resource_id": str(rid), **data}, user=None)


def gin_indexes(table: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'datastore' AND tablename = %s "
                    "AND indexdef ILIKE '%%using gin%%'", [table])
        return [row[0] for row in cur.fetchall()]


def answers(rid: uuid.UUID) -> dict[str, list]:
    """What a reader of the resource gets now: every row, a filter with a sort, three full-text queries."""
    return {
        "all": [r["id"] for r in search(rid, sort="id")["records"]],
        "filtered": [r["id"] for r in search(rid, filters={"ville": "Québec"}, sort="id desc")["records"]],
        "école": [r["id"] for r in search(rid, q="école", sort="id")["records"]],
        "financier": [r["id"] for r in search(rid, q="financier", sort="id")["records"]],
        "absent": [r["id"] for r in search(rid, q="zeppelin")["records"]],
    }


def test_table_answers_q_before_and_after_its_fulltext_index(ingest, write_file, monkeypatch):
    rid = uuid.uuid4()
    seen: dict[str, dict[str, list]] = {}
    real = services.build_fulltext

    def observed(backend, table, columns):
        seen["before"] = answers(rid)
        seen["gin before"] = gin_indexes(table)
        try:
            return real(backend, table, columns)
        finally:
            seen["gin after"] = gin_indexes(table)

    monkeypatch.setattr(services, "build_fulltext", observed)
    job = ingest(write_file("v2.csv", V2), resource_id=rid)
    assert job.status == "succeeded", job.error
    after = answers(rid)
    assert after == {"all": [10, 11, 12, 13, 14], "filtered": [14], "école": [10, 13],
                     "financier": [11, 14], "absent": []}
    timings = job.report["sheets"][0]["timings"]
    assert timings["fulltext"] >= 0
    if connection.vendor == "postgresql":
        # built after the swap, as the job's own phase: the live table answered the same without it
        assert seen["before"] == after
        assert seen["gin before"] == [] and len(seen["gin after"]) == 1
    else:
        assert seen == {}  # SQLite builds its FTS5 table before the swap (the q path needs it)


def test_readers_see_the_old_table_until_the_new_one_is_complete(ingest, write_file, monkeypatch):
    rid = uuid.uuid4()
    assert ingest(write_file("v1.csv", V1), resource_id=rid).status == "succeeded"
    old = DatastoreTable.objects.get(resource_id=rid).table_name
    during: list[dict] = []
    real = services.quality.check_sheet

    def observed(**kwargs):
        # every row of the new version is loaded here, but it is not the resource's table yet
        during.append({"table": DatastoreTable.objects.get(resource_id=rid).table_name, "answers": answers(rid),
                       "total": search(rid)["total"]})
        return real(**kwargs)

    monkeypatch.setattr(services.quality, "check_sheet", observed)
    job = ingest(write_file("v2.csv", V2), resource_id=rid)
    assert job.status == "succeeded", job.error
    assert len(during) == 1 and during[0]["table"] == old
    assert during[0]["total"] == 3
    assert during[0]["answers"]["all"] == [1, 2, 3] and during[0]["answers"]["école"] == [1, 3]
    assert during[0]["answers"]["filtered"] == [1]
    assert search(rid)["total"] == 5 and answers(rid)["école"] == [10, 13]
    assert DatastoreTable.objects.get(resource_id=rid).table_name != old


def index_names(table: str) -> list[str]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'datastore' AND tablename = %s "
                        "AND indexdef NOT ILIKE '%%using gin%%' AND indexname NOT LIKE '%%_pkey'", [table])
        else:
            cur.execute("SELECT name FROM pragma_index_list(%s) WHERE origin = 'c'", [table])
        return sorted(row[0] for row in cur.fetchall())


def test_the_new_table_answers_filters_and_sorts_while_its_indexes_are_built(ingest, write_file, monkeypatch):
    """The B-tree indexes come after the swap, as the job's ``indexes`` phase: the live table answers
    the same filters, sorts and ``q`` before them (by scanning) as after."""
    rid = uuid.uuid4()
    seen: dict[str, object] = {}
    real = BackendBase.create_indexes

    def observed(self, table, column_ids):
        seen["live"] = DatastoreTable.objects.get(resource_id=rid).table_name == table
        seen["phase"] = IngestJob.objects.get(resource_id=rid).phase
        seen["before"], seen["indexes before"] = answers(rid), index_names(table)
        real(self, table, column_ids)
        seen["indexes after"] = index_names(table)

    monkeypatch.setattr(BackendBase, "create_indexes", observed)
    job = ingest(write_file("v2.csv", V2), resource_id=rid)
    assert job.status == "succeeded", job.error
    assert seen["live"] is True and seen["phase"] == "indexes"
    assert seen["indexes before"] == [] and len(seen["indexes after"]) >= 2  # id and ville at least
    assert seen["before"] == answers(rid) == {"all": [10, 11, 12, 13, 14], "filtered": [14], "école": [10, 13],
                                              "financier": [11, 14], "absent": []}
    assert job.report["sheets"][0]["timings"]["index"] >= 0


def test_a_failed_index_build_leaves_the_table_live_and_correct(ingest, write_file, monkeypatch, caplog):
    from django.db import DatabaseError

    def broken(self, table, column_ids):
        raise DatabaseError("no space left on device")

    monkeypatch.setattr(BackendBase, "create_indexes", broken)
    rid = uuid.uuid4()
    job = ingest(write_file("v2.csv", V2), resource_id=rid)
    assert job.status == "succeeded" and IngestJob.objects.get(pk=job.pk).phase == "done"
    assert "indexes of" in caplog.text
    assert answers(rid)["filtered"] == [14]
    assert index_names(DatastoreTable.objects.get(resource_id=rid).table_name) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL builds its full text after the swap")
def test_a_failed_fulltext_build_leaves_the_table_live_and_searchable(ingest, write_file, monkeypatch, caplog):
    from django.db import DatabaseError

    def broken(backend, table, columns):
        raise DatabaseError("no space left on device")

    monkeypatch.setattr(services, "build_fulltext", broken)
    rid = uuid.uuid4()
    job = ingest(write_file("v2.csv", V2), resource_id=rid)
    assert job.status == "succeeded" and IngestJob.objects.get(pk=job.pk).phase == "done"
    assert "full-text index" in caplog.text
    assert answers(rid)["école"] == [10, 13]
    assert gin_indexes(DatastoreTable.objects.get(resource_id=rid).table_name) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL builds its full text after the swap")
def test_a_q_past_the_time_limit_while_the_index_is_built_says_so(ingest, write_file, monkeypatch):
    """On a large table a ``q`` matched row by row can pass the query time limit before the index exists:
    the error says the index is being built (and that filters already answer), not "refine your filters"."""
    import contextlib

    from django.core.exceptions import ValidationError

    from ouvert.datastore.backends import QueryTimeout, get_backend

    backend_class = type(get_backend())
    real_limited = backend_class.limited
    real_build = services.build_fulltext
    seen: dict[str, object] = {}

    @contextlib.contextmanager
    def timing_out(self, *, seconds, read_only=True, **kwargs):
        raise QueryTimeout  # what the database says when the statement passes its time limit
        yield

    def observed(backend, table, columns):
        monkeypatch.setattr(backend_class, "limited", timing_out)
        try:
            with pytest.raises(ValidationError) as during:
                search(rid, q="école")
            seen["during"] = during.value.message_dict
            with pytest.raises(ValidationError) as plain:
                search(rid, filters={"ville": "Québec"}, sort="id desc")
            seen["filter"] = plain.value.message_dict
        finally:
            monkeypatch.setattr(backend_class, "limited", real_limited)
        return real_build(backend, table, columns)

    monkeypatch.setattr(services, "build_fulltext", observed)
    rid = uuid.uuid4()
    assert ingest(write_file("v2.csv", V2), resource_id=rid).status == "succeeded"
    assert "en construction" in seen["during"]["q"][0]
    assert "q" not in seen["filter"] and "trop longue" in seen["filter"]["query"][0]
    assert answers(rid)["école"] == [10, 13]
