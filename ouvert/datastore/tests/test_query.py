"""CKAN datastore actions through the CKAN layer (ouvert/api/ckan/datastore_wire.py): search, info, search_sql,
create, upsert, delete."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ouvert.api.ckan import datastore_wire
from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.api.ckan.datastore_wire import search_sql as datastore_search_sql
from ouvert.datastore.selectors import datastore_table_info
from ouvert.datastore.sql import sql_resource_ids

pytestmark = pytest.mark.django_db

CSV = ("ville;montant;date;actif;note\n"
       "Québec;1 234,50;15/03/2012;oui;pont couvert\n"
       "Lévis;10,00;16/03/2012;non;traversier\n"
       "Montréal;5,25;17/03/2012;oui;métro et pont\n"
       "Québec;;18/03/2012;;\n")


@pytest.fixture
def rid(ingest, write_file):
    job = ingest(write_file("villes.csv", CSV))
    assert job.status == "succeeded", job.error
    return str(job.resource_id)


def search(**data):
    return datastore_search(data=data, user=None)


def test_filters_lists_are_or_and_total(rid):
    result = search(resource_id=rid, filters={"ville": ["Québec", "Lévis"]}, sort="_id")
    assert result["total"] == 3 and [r["ville"] for r in result["records"]] == ["Québec", "Lévis", "Québec"]
    assert search(resource_id=rid, filters='{"actif": true}')["total"] == 2
    assert search(resource_id=rid, filters={"montant": "10,00"})["records"][0]["ville"] == "Lévis"
    assert search(resource_id=rid, filters={"montant": None})["total"] == 1


def test_full_text_is_accent_insensitive_prefix(rid):
    assert {r["ville"] for r in search(resource_id=rid, q="pont")["records"]} == {"Québec", "Montréal"}
    assert search(resource_id=rid, q="montreal")["total"] == 1
    assert search(resource_id=rid, q={"ville": "bec"})["total"] == 2


def test_fields_sort_limit_offset_distinct_formats(rid):
    result = search(resource_id=rid, fields="ville,montant", sort="montant desc", limit=2, offset=1)
    assert [f["id"] for f in result["fields"]] == ["ville", "montant"]
    # NULL first when descending, as in CKAN on PostgreSQL, on both engines
    assert result["records"] == [{"ville": "Québec", "montant": 1234.5}, {"ville": "Lévis", "montant": 10.0}]
    assert result["_links"]["next"].endswith("offset=3")
    assert search(resource_id=rid, fields=["ville"], distinct=True)["total"] == 3
    lists = search(resource_id=rid, fields="ville,actif", records_format="lists", sort="_id", limit=1)
    assert lists["records"] == [["Québec", True]]
    assert search(resource_id=rid, fields="ville", records_format="csv", sort="_id", limit=2)["records"] == \
        "Québec\nLévis\n"
    assert search(resource_id=rid, fields="ville", records_format="tsv", limit=1)["records"] == "Québec\n"
    assert "total" not in search(resource_id=rid, include_total="false")


@pytest.mark.parametrize(("data", "field"), [
    ({"limit": 32001}, "limit"), ({"limit": "beaucoup"}, "limit"), ({"sort": "absent"}, "sort"),
    ({"sort": "ville sideways"}, "sort"), ({"filters": {"absent": 1}}, "filters"), ({"filters": "{"}, "filters"),
    ({"filters": {"montant": "abc"}}, "montant"), ({"records_format": "xml"}, "records_format"),
    ({"fields": "nope"}, "fields"),
])
def test_bad_parameters_are_refused_clearly(rid, data, field):
    with pytest.raises(ValidationError) as caught:
        search(resource_id=rid, **data)
    assert field in caught.value.message_dict


def test_unknown_resource_is_not_found():
    with pytest.raises(Http404):
        search(resource_id=str(uuid.uuid4()))
    with pytest.raises(Http404):
        search(resource_id="pas-un-uuid")


def test_info(rid):
    info = datastore_table_info(resource_id=rid, user=None)
    assert info.row_count == 4
    assert {c.id: c.type for c in info.columns} == {"ville": "text", "montant": "numeric", "date": "date",
                                                    "actif": "bool", "note": "text"}


def test_search_sql_runs_one_select(rid):
    result = datastore_search_sql(data={"sql": f'SELECT ville, SUM(montant) AS total FROM "{rid}" '  # noqa: S608 — test SQL
                                               "GROUP BY ville ORDER BY total DESC"}, user=None)
    assert result["records"][0] == {"ville": "Québec", "total": 1234.5}
    assert [f["id"] for f in result["fields"]] == ["ville", "total"]
    assert sql_resource_ids(f'SELECT 1 FROM "{rid}" a JOIN "{rid}" b ON a._id = b._id') == [rid]  # noqa: S608 — test SQL
    with_cte = datastore_search_sql(data={"sql": f'WITH t AS (SELECT * FROM "{rid}") SELECT COUNT(*) AS n FROM t'},  # noqa: S608 — test SQL
                                    user=None)
    assert with_cte["records"] == [{"n": 4}]


@pytest.mark.parametrize(("sql", "message"), [
    ("", "obligatoire"),
    ('DELETE FROM "{rid}"', "SELECT"),
    ('SELECT 1; DROP TABLE "{rid}"', "Une seule instruction"),
    ('SELECT * FROM core_user', "Table inconnue"),
    ('SELECT * FROM sqlite_master', "Table inconnue"),
    ('SELECT * FROM pg_catalog.pg_user', "sans schéma"),
    ('SELECT pg_sleep(10) FROM "{rid}"', "Fonction non permise"),
    ('SELECT load_extension(\'x\') FROM "{rid}"', "Fonction non permise"),
    ('SELECT * FROM "{rid}" WHERE', "invalide"),
    ("SELECT 1", "au moins une table"),
    ('INSERT INTO "{rid}" (ville) VALUES (\'x\')', "SELECT"),
])
def test_search_sql_refusals(rid, sql, message):
    with pytest.raises(ValidationError) as caught:
        datastore_search_sql(data={"sql": sql.format(rid=rid)}, user=None)
    assert message in caught.value.message_dict["sql"][0]


def test_search_sql_row_cap(rid, monkeypatch):
    from ouvert.datastore import sql

    monkeypatch.setattr(sql, "ROWS_MAX", 2)
    result = datastore_search_sql(data={"sql": f'SELECT * FROM "{rid}"'}, user=None)  # noqa: S608 — test SQL
    assert len(result["records"]) == 2 and result["records_truncated"] is True


def test_private_tables_need_membership(rid, make_user, publisher, catalogue_resource):
    user, org = publisher
    catalogue_resource(rid, org, private=True)
    with pytest.raises(Http404):
        search(resource_id=rid)
    assert datastore_search(data={"resource_id": rid}, user=user)["total"] == 4
    with pytest.raises(Http404):
        datastore_search(data={"resource_id": rid}, user=make_user())


def test_create_upsert_delete_like_ckan(publisher, make_user, catalogue_resource):
    user, org = publisher
    rid = str(uuid.uuid4())
    catalogue_resource(rid, org)
    created = datastore_wire.create(data={
        "resource_id": rid, "primary_key": "code",
        "fields": [{"id": "code", "type": "text"}, {"id": "nom", "type": "text", "info": {"notes": "Nom officiel"}},
                   {"id": "population", "type": "int4"}],
        "records": [{"code": "QC", "nom": "Québec", "population": 549459}, {"code": "LV", "nom": "Lévis"}],
    }, organization=org, by=user)
    assert created["fields"][1] == {"id": "nom", "type": "text", "info": {"notes": "Nom officiel"}}
    assert search(resource_id=rid)["total"] == 2
    datastore_wire.upsert(data={"resource_id": rid, "records": [
        {"code": "LV", "population": 149683}, {"code": "MTL", "nom": "Montréal", "population": 1762949}]},
        organization=org, by=user)
    rows = {r["code"]: r for r in search(resource_id=rid)["records"]}
    assert rows["LV"]["population"] == 149683 and rows["LV"]["nom"] == "Lévis" and len(rows) == 3
    assert search(resource_id=rid, q="montreal")["total"] == 1
    with pytest.raises(ValidationError):
        datastore_wire.upsert(data={"resource_id": rid, "method": "insert", "records": [{"code": "QC"}]},
                              organization=org, by=user)
    with pytest.raises(ValidationError, match="entier"):
        datastore_wire.upsert(data={"resource_id": rid, "records": [{"code": "X", "population": "beaucoup"}]},
                              organization=org, by=user)
    with pytest.raises(ValidationError):
        datastore_wire.upsert(data={"resource_id": rid, "method": "update", "records": [{"code": "ZZ"}]},
                              organization=org, by=user)
    with pytest.raises(PermissionDenied):
        datastore_wire.upsert(data={"resource_id": rid, "records": []}, organization=org, by=make_user())
    datastore_wire.delete(data={"resource_id": rid, "filters": {"code": "QC"}}, organization=org, by=user)
    assert search(resource_id=rid)["total"] == 2
    datastore_wire.delete(data={"resource_id": rid}, organization=org, by=user)
    with pytest.raises(Http404):
        search(resource_id=rid)


def test_create_validates_fields(publisher):
    user, org = publisher
    for fields in ([{"id": "_x", "type": "text"}], [{"id": "a", "type": "blob"}], [{"id": "a"}, {"id": "A"}], "x"):
        with pytest.raises(ValidationError):
            datastore_wire.create(data={"resource_id": str(uuid.uuid4()), "fields": fields}, organization=org,
                                  by=user)
