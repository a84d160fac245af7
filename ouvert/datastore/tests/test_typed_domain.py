"""The datastore's query and write functions speak typed values (``ouvert.datastore.types``), not CKAN
dicts: the CKAN envelope is the CKAN layer's business (see test_query for the same calls through it)."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from ouvert.datastore import selectors, services
from ouvert.datastore.sql import datastore_search_sql
from ouvert.datastore.types import (
    FieldSpec,
    RowsDeleted,
    RowsWritten,
    SearchQuery,
    SearchResult,
    SortKey,
    SqlResult,
    TableCreate,
    TableState,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(publisher, catalogue_resource):
    user, org = publisher
    rid = str(uuid.uuid4())
    catalogue_resource(rid, org)
    state = services.datastore_create(table=TableCreate(
        resource_id=rid, primary_key=["code"],
        fields=[FieldSpec(id="code"), FieldSpec(id="nom", description="Nom officiel"),
                FieldSpec(id="population", type="int4", unit="habitants")],
        records=[{"code": "QC", "nom": "Québec", "population": 549459}, {"code": "LV", "nom": "Lévis"}]),
        organization=org, by=user)
    return state, user, org


def test_create_returns_the_table_state(table):
    state, _user, _org = table
    assert isinstance(state, TableState) and state.primary_key == ("code",)
    assert state.fields == (FieldSpec(id="code", type="text"), FieldSpec(id="nom", description="Nom officiel"),
                            FieldSpec(id="population", type="int", unit="habitants"))


def test_search_returns_typed_rows_in_field_order(table):
    state, _user, _org = table
    result = selectors.datastore_search(query=SearchQuery(
        resource_id=state.resource_id, fields=["nom", "population"], sort=[SortKey("population", descending=True)],
        filters={"code": ["QC", "LV"]}), user=None)
    assert isinstance(result, SearchResult) and result.resource_id == state.resource_id
    assert result.names == ["nom", "population"] and result.total == 2 and result.limit == 100
    assert result.records == [["Lévis", None], ["Québec", 549459]]  # NULL first when descending
    assert result.fields[1] == FieldSpec(id="population", type="int", unit="habitants")
    every = selectors.datastore_search(query=SearchQuery(resource_id=state.resource_id, include_total=False), user=None)
    assert every.total is None and every.names == ["_id", "code", "nom", "population"]
    with pytest.raises(ValidationError, match="Tri invalide"):
        selectors.datastore_search(query=SearchQuery(resource_id=state.resource_id, sort=[SortKey("ville")]),
                                   user=None)


def test_upsert_and_delete_return_what_they_did(table):
    state, user, org = table
    written = services.datastore_upsert(resource_id=state.resource_id, records=[{"code": "LV", "population": 149683}],
                                        organization=org, by=user)
    assert written == RowsWritten(resource_id=state.resource_id, method="upsert", written=1)
    deleted = services.datastore_delete(resource_id=state.resource_id, filters={"code": ["QC"]}, organization=org,
                                        by=user)
    assert deleted == RowsDeleted(resource_id=state.resource_id, dropped=False)
    rows = selectors.datastore_search(query=SearchQuery(resource_id=state.resource_id, fields=["code", "population"]),
                                      user=None).records
    assert rows == [["LV", 149683]]
    assert services.datastore_delete(resource_id=state.resource_id, filters=None, organization=org, by=user).dropped


def test_sql_returns_typed_fields_and_records(table):
    state, _user, _org = table
    result = datastore_search_sql(sql=f'SELECT code, population FROM "{state.resource_id}" ORDER BY code',  # noqa: S608 — test SQL
                                  user=None)
    assert isinstance(result, SqlResult) and not result.truncated and result.bytes_max is None
    assert result.fields == (FieldSpec(id="code", type="text"), FieldSpec(id="population", type="int"))
    assert result.records == [{"code": "LV", "population": None}, {"code": "QC", "population": 549459}]
