"""Ingestion through the service entry points the catalogue calls, on SQLite and PostgreSQL."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.datastore import services
from ouvert.datastore.models import DatastoreTable, IngestJob

from .conftest import field_types

pytestmark = pytest.mark.django_db

MESSY = ("Date;Montant;Actif;Ville;Code;Note\r\n"
         "jeudi 01 janv 2009;1 234,56;oui;Québec;01005;N/D\r\n"
         "15/03/2012;2,5;non;Lévis;02010;#REF!\r\n"
         "2012/12/15;-3;vrai;Montréal;03000;ok\r\n")


def test_messy_cp1252_file_loads_typed(ingest, write_file):
    job = ingest(write_file("messy.csv", MESSY, "cp1252"))
    assert job.status == "succeeded", job.error
    assert field_types(job.resource_id) == {"Date": "date", "Montant": "numeric", "Actif": "bool",
                                            "Ville": "text", "Code": "text", "Note": "text"}
    result = datastore_search(data={"resource_id": str(job.resource_id), "sort": "Montant desc"}, user=None)
    assert [r["Montant"] for r in result["records"]] == [1234.56, 2.5, -3]
    assert result["records"][0]["Date"] == "2009-01-01" and result["records"][0]["Actif"] is True
    assert result["records"][0]["Code"] == "01005"
    table = DatastoreTable.objects.get(resource_id=job.resource_id)
    assert table.row_count == 3 and table.version == 1
    assert table.detected["encoding"] == "cp1252" and table.detected["delimiter"] == ";"
    rules = table.quality["score"]["rules"]
    assert rules["F2"] == "fail" and rules["F3"] == "fail" and rules["F7"] == "fail" and rules["F8"] == "fail"
    assert rules["F9"] == "fail"
    assert job.progress()["percentage"] == 100.0 and job.rows_done == 3
    assert job.report["sheets"][0]["timings"]["load"] >= 0
    with translation.override("en"):
        shown = {f["code"]: f["message"] for f in job.progress()["report"]["sheets"][0]["quality"]}
    assert shown["f2.not_utf8"] == "Text encoded in cp1252, not UTF-8."
    assert shown["f3.problems"] == 'CSV: delimiter ";" instead of a comma.'


def test_reingest_swaps_atomically_and_failure_keeps_previous(ingest, write_file):
    rid = uuid.uuid4()
    first = ingest(write_file("v1.csv", "a,b\n1,x\n2,y\n"), resource_id=rid)
    assert first.status == "succeeded"
    old_name = DatastoreTable.objects.get(resource_id=rid).table_name
    failed = ingest(write_file("v2.csv", "a,b\n1,x\ndeux,y\n"), resource_id=rid,
                    options={"columns": {"a": {"type": "int"}}})
    assert failed.status == "failed"
    assert failed.report["errors"][0] == {"row": 3, "column": "a", "value": "deux",
                                          "expected": {"code": "expected.int", "params": {}}}
    assert failed.report["error"] == {"code": "ingest.type_mismatch", "params": {"count": 1}}
    assert failed.shown_error == "1 valeur ne correspond pas au type de sa colonne."
    assert failed.error == {"code": "ingest.type_mismatch", "params": {"count": 1}}
    assert failed.progress()["report"]["errors"][0]["expected"] == "un entier (ex. 42 ou 1 234)"
    with translation.override("en"):
        shown = failed.progress()
    assert shown["error"] == "1 value does not match the type of its column."
    assert shown["report"]["errors"][0]["expected"] == "an integer (e.g. 42 or 1 234)"
    table = DatastoreTable.objects.get(resource_id=rid)
    assert table.table_name == old_name and table.version == 1
    assert datastore_search(data={"resource_id": str(rid)}, user=None)["total"] == 2
    second = ingest(write_file("v3.csv", "a,b\n1,x\n2,y\n3,z\n"), resource_id=rid)
    assert second.status == "succeeded"
    table.refresh_from_db()
    assert table.version == 2 and table.row_count == 3 and table.table_name != old_name
    with connection.cursor() as cur:  # the old physical table is gone
        names = connection.introspection.table_names(cur) if connection.vendor == "sqlite" else [
            r[0] for r in (cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'datastore'") or
                           cur.fetchall())]
    assert old_name not in names


def test_type_override_and_dictionary_update_reingests(ingest, write_file, publisher):
    user, org = publisher
    job = ingest(write_file("codes.csv", "code,label\n10,a\n20,b\n"))
    assert field_types(job.resource_id)["code"] == "int"
    with_capture = services.datastore_dictionary_update
    table, new_job = with_capture(resource_id=job.resource_id, organization=org, by=user,
                                  columns={"code": {"type": "text", "description": "Code du lieu", "unit": ""}})
    assert new_job is not None
    new_job.refresh_from_db()
    # tasks are immediate, but on_commit callbacks only run on commit: run the job now
    services.datastore_ingest_run(job=new_job)
    new_job.refresh_from_db()
    assert new_job.status == "succeeded", new_job.error
    assert field_types(job.resource_id)["code"] == "text"
    fields = {f["id"]: f for f in DatastoreTable.objects.get(resource_id=job.resource_id).fields}
    assert fields["code"]["description"] == "Code du lieu" and fields["code"]["detected_type"] == "int"


def test_schedule_is_idempotent_and_checks_permission(publisher, make_user, write_file):
    user, org = publisher
    path = write_file("a.csv", "a\n1\n")
    rid = uuid.uuid4()
    first = services.datastore_ingest_schedule(resource_id=rid, source_path=str(path), original_name="a.csv",
                                               organization=org, by=user)
    again = services.datastore_ingest_schedule(resource_id=rid, source_path=str(path), original_name="a.csv",
                                               organization=org, by=user)
    assert first.pk == again.pk and IngestJob.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.datastore_ingest_schedule(resource_id=rid, source_path=str(path), original_name="a.csv",
                                           organization=org, by=make_user())


def test_cancel_pending_and_running_jobs(publisher, write_file):
    user, org = publisher
    path = write_file("a.csv", "a\n" + "1\n" * 50_000)
    job = services.datastore_ingest_schedule(resource_id=uuid.uuid4(), source_path=str(path),
                                             original_name="a.csv", organization=org, by=user)
    services.datastore_ingest_cancel(job=job, by=user)
    job.refresh_from_db()
    assert job.status == "cancelled"
    running = services.datastore_ingest_schedule(resource_id=uuid.uuid4(), source_path=str(path),
                                                 original_name="a.csv", organization=org, by=user)
    IngestJob.objects.filter(pk=running.pk).update(cancel_requested=True)
    services.datastore_ingest_run(job=running)
    running.refresh_from_db()
    assert running.status == "cancelled" and "précédente" in running.shown_error
    assert not DatastoreTable.objects.filter(resource_id=running.resource_id).exists()


def test_retry_is_idempotent(ingest, write_file, publisher):
    user, _org = publisher
    job = ingest(write_file("bad.csv", "a\nx\n"), options={"columns": {"a": {"type": "int"}}})
    assert job.status == "failed"
    retry = services.datastore_ingest_retry(job=job, by=user)
    assert services.datastore_ingest_retry(job=job, by=user).pk == retry.pk
    assert retry.attempt == 2
    services.datastore_ingest_run(job=retry)
    services.datastore_ingest_run(job=retry)  # a second delivery of the same task does nothing
    retry.refresh_from_db()
    assert retry.status == "failed"


def test_unreadable_file_fails_with_a_clear_report(ingest, write_file):
    job = ingest(write_file("a.pdf", b"%PDF-1.4 blah"))
    assert job.status == "failed" and "document" in job.shown_error
    assert job.report["error"] == {"code": "source.document", "params": {"name": "a.pdf"}}
    assert job.progress()["error"] == "« a.pdf » est un document, pas un tableau de données."
    with translation.override("en"):
        assert job.progress()["error"] == "\"a.pdf\" is a document, not a data table."
        assert job.progress()["report"]["errors"][0]["message"] == "\"a.pdf\" is a document, not a data table."


def test_xlsx_sheets_become_tables(ingest):
    from conftest import shared_path

    job = ingest(shared_path("realdata", "quebec", "mtess-stats", "Donnes-PRB.xlsx"))
    assert job.status == "succeeded", job.error
    tables = list(DatastoreTable.objects.filter(resource_id=job.resource_id))
    assert len(tables) > 1 and tables[0].quality["score"]["rules"]["F1"] == "warning"
    assert any(f["type"] == "int" for t in tables for f in t.fields)


def test_drop(ingest, write_file, publisher):
    user, org = publisher
    job = ingest(write_file("a.csv", "a\n1\n"))
    assert services.datastore_drop(resource_id=job.resource_id, organization=org, by=user) == 1
    assert not DatastoreTable.objects.exists()


def test_publisher_settles_day_month_order_and_decimal_mark(ingest, write_file, publisher):
    """Dates that are all ambiguous (no day above 12) load day first, as detected and reported; the
    publisher can say month first. "1,250" reads as a decimal comma; the publisher can say that
    commas separate thousands. Either change loads the file again."""
    user, org = publisher
    job = ingest(write_file("ventes.csv", "jour;montant\n02/01/2012;1,250\n03/04/2012;12,500\n"))
    assert job.status == "succeeded", job.error
    rows = datastore_search(data={"resource_id": str(job.resource_id)}, user=None)["records"]
    assert [r["jour"][:10] for r in rows] == ["2012-01-02", "2012-04-03"]
    assert [float(r["montant"]) for r in rows] == [1.25, 12.5]
    fields = {f["id"]: f for f in DatastoreTable.objects.get(resource_id=job.resource_id).fields}
    assert fields["jour"]["detected"]["day_month_order"] == "day_first"
    assert fields["montant"]["detected"]["decimal_mark"] == ","

    with pytest.raises(Exception) as refused:
        services.datastore_dictionary_update(resource_id=job.resource_id, organization=org, by=user,
                                             columns={"jour": {"day_month_order": "year_first"}})
    assert "year_first" in str(refused.value)

    _table, new_job = services.datastore_dictionary_update(
        resource_id=job.resource_id, organization=org, by=user,
        columns={"jour": {"day_month_order": "month_first"}, "montant": {"decimal_mark": "."}})
    assert new_job is not None
    services.datastore_ingest_run(job=new_job)
    new_job.refresh_from_db()
    assert new_job.status == "succeeded", new_job.error
    rows = datastore_search(data={"resource_id": str(job.resource_id)}, user=None)["records"]
    assert [r["jour"][:10] for r in rows] == ["2012-02-01", "2012-03-04"]
    assert [float(r["montant"]) for r in rows] == [1250, 12500]
    fields = {f["id"]: f for f in DatastoreTable.objects.get(resource_id=job.resource_id).fields}
    assert fields["jour"]["day_month_order"] == "month_first"
    assert fields["montant"]["decimal_mark"] == "."


def test_cells_with_tabs_line_breaks_and_backslashes_come_back_as_written(tmp_path, ingest):
    """The bulk loader's fast path writes blocks as COPY text (PostgreSQL); cells holding its
    separators or escape character must still come back byte for byte, on both engines."""
    tricky = ["a\tb", "deux\nlignes", "retour\r\nchariot", "C:\\dossier\\n", "\\.", "\\N", "fin\\"]
    lines = [f'{i};"{text}";{i * 2},5' for i, text in enumerate(tricky, start=1)]
    lines += [f"{i};simple {i};{i},25" for i in range(len(tricky) + 1, 40)] + ["40;;"]
    path = tmp_path / "pieges.csv"
    path.write_bytes(("n;texte;valeur\r\n" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    job = ingest(path)
    assert job.status == "succeeded", job.error
    result = datastore_search(data={"resource_id": str(job.resource_id), "limit": 100, "sort": "n"}, user=None)
    rows = {r["n"]: r for r in result["records"]}
    assert [rows[i]["texte"] for i in range(1, len(tricky) + 1)] == tricky
    assert rows[8]["texte"] == "simple 8" and float(rows[8]["valeur"]) == 8.25
    assert rows[40]["texte"] is None and rows[40]["valeur"] is None  # empty cells are NULL, as before
    assert {f["id"]: f["type"] for f in result["fields"]}["valeur"] == "numeric"
    # backslashes alone (no tab nor line break in the block): the fast path doubles them
    escapes = ["C:\\dossier\\n", "\\.", "\\N", "fin\\"]
    path.write_text("n;texte\n" + "".join(f"{i};{t}\n" for i, t in enumerate(escapes, start=1)), encoding="utf-8")
    job = ingest(path)
    assert job.status == "succeeded", job.error
    result = datastore_search(data={"resource_id": str(job.resource_id), "sort": "n"}, user=None)
    assert [r["texte"] for r in result["records"]] == escapes
