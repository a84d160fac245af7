"""User SQL is confined by the database itself, not only by the parser: on SQLite an authorizer
that reads the resolved datastore tables only; on PostgreSQL the reader role (``SET LOCAL ROLE``)."""

import pytest
import sqlglot
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from ouvert.api.ckan.datastore_wire import search_sql as datastore_search_sql
from ouvert.datastore import sql
from ouvert.datastore.backends import PostgresBackend, RelationRefused, get_backend
from ouvert.datastore.models import DatastoreTable
from ouvert.datastore.reader_role import reader_role_forget, reader_role_name, reader_role_status

pytestmark = pytest.mark.django_db

CSV = "ville;montant\nQuébec;1,5\nLévis;2\n"
pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the reader role is a PostgreSQL role")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the authorizer is SQLite's")


@pytest.fixture
def rid(ingest, write_file):
    job = ingest(write_file("villes.csv", CSV))
    assert job.status == "succeeded", job.error
    return str(job.resource_id)


@pytest.fixture
def slipped_past_parser(monkeypatch):
    """Pretend the parser let a statement through: it reads ``rid`` and whatever else it names."""
    def install(rid: str) -> None:
        def parse(text, *, dialect):
            tree = sqlglot.parse_one(text, read=dialect)
            return sql.ParsedSql(tree=tree, tables=tuple(t for t in tree.find_all(sqlglot.exp.Table) if t.name == rid),
                                 dialect=dialect)

        monkeypatch.setattr(sql, "parse_sql", parse)

    return install


def test_normal_search_sql_still_works(rid):
    result = datastore_search_sql(data={"sql": f'SELECT ville FROM "{rid}" ORDER BY montant DESC'}, user=None)  # noqa: S608 — test SQL
    assert [r["ville"] for r in result["records"]] == ["Lévis", "Québec"]


def test_core_tables_are_refused_by_the_database_even_past_the_parser(rid, slipped_past_parser, make_user):
    make_user("secret@exemple.qc.ca")
    slipped_past_parser(rid)
    for text in (f'SELECT (SELECT COUNT(*) FROM core_user) AS n FROM "{rid}"',  # noqa: S608 — test SQL
                 f'SELECT ville FROM "{rid}" UNION ALL SELECT email FROM core_user'):  # noqa: S608 — test SQL
        with pytest.raises(ValidationError) as caught:
            datastore_search_sql(data={"sql": text}, user=None)
        message = caught.value.message_dict["sql"][0]
        # SQLite: the authorizer; PostgreSQL: the planner check (EXPLAIN) names the relation first
        assert "lecture seule" in message or "« public.core_user »" in message, message
    # the application's own queries are unaffected afterwards
    assert DatastoreTable.objects.filter(resource_id=rid).exists()


@pg_only
def test_core_tables_are_refused_by_the_role_even_past_parser_and_planner_check(rid, slipped_past_parser,
                                                                                 monkeypatch):
    slipped_past_parser(rid)
    monkeypatch.setattr(PostgresBackend, "check_relations", lambda self, sql, tables: None)
    with pytest.raises(ValidationError) as caught:
        datastore_search_sql(data={"sql": f'SELECT ville FROM "{rid}" UNION ALL SELECT password FROM core_user'},  # noqa: S608 — test SQL
                             user=None)
    assert "lecture seule" in caught.value.message_dict["sql"][0]


def test_private_tables_are_not_readable_by_default(rid, ingest, write_file, catalogue_resource, publisher):
    other = str(ingest(write_file("autre.csv", CSV)).resource_id)
    catalogue_resource(other, publisher[1], private=True)
    hidden = DatastoreTable.objects.get(resource_id=other).table_name
    visible = DatastoreTable.objects.get(resource_id=rid).table_name
    backend = get_backend()
    if backend.vendor != "sqlite":
        pytest.skip("PostgreSQL: see test_only_the_resolved_tables_pass_the_planner_check")
    with backend.limited(seconds=5, read_only=True), connection.cursor() as cur:
        cur.execute(f'SELECT COUNT(*) FROM "{visible}"')  # noqa: S608 — test SQL
        assert cur.fetchone() == (2,)
    with pytest.raises(DatabaseError), backend.limited(seconds=5, read_only=True), connection.cursor() as cur:
        cur.execute(f'SELECT COUNT(*) FROM "{hidden}"')  # noqa: S608 — test SQL


@pg_only
def test_only_the_resolved_tables_pass_the_planner_check(rid, ingest, write_file, catalogue_resource, publisher):
    """The role may read every table of schema ``datastore``, private ones too: the planner check
    keeps a statement to the tables it was resolved to."""
    other = str(ingest(write_file("autre.csv", CSV)).resource_id)
    catalogue_resource(other, publisher[1], private=True)
    hidden = DatastoreTable.objects.get(resource_id=other).table_name
    visible = DatastoreTable.objects.get(resource_id=rid).table_name
    backend = get_backend()
    with backend.limited(seconds=5, read_only=True, tables=[visible]):
        backend.check_relations(f'SELECT COUNT(*) FROM datastore."{visible}" a JOIN datastore."{visible}" b USING (_id)',  # noqa: S608 — test SQL
                                [visible])
    for text in (f'SELECT COUNT(*) FROM datastore."{hidden}"',  # noqa: S608 — test SQL
                 f'SELECT (SELECT COUNT(*) FROM datastore."{hidden}") FROM datastore."{visible}"',  # noqa: S608 — test SQL
                 f'SELECT * FROM datastore."{visible}" WHERE EXISTS (SELECT 1 FROM pg_authid)',  # noqa: S608 — test SQL
                 "SELECT * FROM pg_catalog.pg_class", "SELECT * FROM information_schema.tables",
                 "SELECT * FROM pg_ls_dir('.')", "SELECT * FROM generate_series(1, 3)"):
        # refused by the check, or by the role when planning needs a privilege it lacks (pg_authid)
        with pytest.raises((RelationRefused, DatabaseError)), backend.limited(seconds=5, read_only=True,
                                                                              tables=[visible]):
            backend.check_relations(text, [visible])


@sqlite_only
def test_sqlite_authorizer_reads_only_the_given_tables(rid):
    backend = get_backend()
    table = DatastoreTable.objects.get(resource_id=rid).table_name
    for text in ("SELECT * FROM core_user", "SELECT * FROM sqlite_master", "SELECT load_extension('x')",
                 f'SELECT * FROM "{table}_fts"'):  # noqa: S608 — test SQL
        with pytest.raises(DatabaseError), backend.limited(seconds=5, read_only=True, tables=[table]), \
                connection.cursor() as cur:
            cur.execute(text)
    with backend.limited(seconds=5, read_only=True, tables=[table]), connection.cursor() as cur:
        cur.execute(f'WITH t AS (SELECT * FROM "{table}") SELECT COUNT(*) FROM t')  # noqa: S608 — test SQL
        assert cur.fetchone() == (2,)


@pg_only
def test_reader_role_is_in_place_after_migrate():
    status = reader_role_status()
    assert status.complete, status
    with connection.cursor() as cur:
        cur.execute("SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
                    [reader_role_name()])
        assert cur.fetchone() == (False, False, False, False)


@pg_only
@pytest.mark.parametrize("text", [
    "SELECT email FROM public.core_user",
    "SELECT * FROM public.core_apitoken",
    "SELECT * FROM pg_authid",
    "SELECT pg_read_file('/etc/hostname')",
    "SELECT pg_ls_dir('.')",
])
def test_reader_role_is_refused_at_the_database_level(rid, text):
    backend = get_backend()
    with pytest.raises(DatabaseError) as caught, backend.limited(seconds=5, read_only=True), \
            connection.cursor() as cur:
        cur.execute(text)
    assert "permission denied" in str(caught.value)


@pg_only
def test_reader_role_reads_datastore_tables_and_is_put_back(rid):
    backend = get_backend()
    table = DatastoreTable.objects.get(resource_id=rid).table_name
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        me = cur.fetchone()[0]
    with backend.limited(seconds=5, read_only=True), connection.cursor() as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone() == (reader_role_name(),)
        cur.execute(f'SELECT COUNT(*) FROM datastore."{table}"')  # noqa: S608 — test SQL
        assert cur.fetchone() == (2,)
    with pytest.raises(DatabaseError), backend.limited(seconds=5, read_only=True), connection.cursor() as cur:
        cur.execute(f"DELETE FROM datastore.\"{table}\"")  # noqa: S608 — test SQL
    with connection.cursor() as cur:  # back to the application's user, after success and after failure
        cur.execute("SELECT current_user")
        assert cur.fetchone() == (me,)
        cur.execute(f'SELECT COUNT(*) FROM datastore."{table}"')  # noqa: S608 — test SQL
        assert cur.fetchone() == (2,)


@pytest.fixture
def role_unavailable(monkeypatch):
    """Make the reader role look absent and impossible to create, without touching the cluster's role
    (it is shared: never create or drop it in a test)."""
    from ouvert.datastore import checks, reader_role

    monkeypatch.setattr(reader_role, "reader_role_name", lambda: "ouvert_role_absent_for_test")
    monkeypatch.setattr(checks, "reader_role_name", lambda: "ouvert_role_absent_for_test")
    monkeypatch.setattr(sql, "reader_role_name", lambda: "ouvert_role_absent_for_test")
    monkeypatch.setattr(reader_role, "_try", lambda statement, params=None: False)  # may not create roles
    reader_role_forget()
    yield
    reader_role_forget()


@pg_only
def test_without_the_role_search_sql_is_refused_and_check_errs(rid, role_unavailable, make_user):
    from ouvert.datastore import checks

    make_user("admin@exemple.qc.ca")
    for text in (f'SELECT COUNT(*) AS n FROM "{rid}"',  # noqa: S608 — test SQL
                 f'SELECT ville FROM "{rid}"'):  # noqa: S608 — test SQL
        with pytest.raises(PermissionDenied) as caught:
            datastore_search_sql(data={"sql": text}, user=None)
        assert "ouvert_role_absent_for_test" in str(caught.value) and "ouvert migrate" in str(caught.value)
    errors = checks.datastore_reader_role(None)
    assert [e.id for e in errors] == ["ouvert.E101"] and errors[0].is_serious()
    assert "CREATE ROLE" in errors[0].hint


@pg_only
def test_without_the_role_nothing_runs_even_past_the_parser(rid, role_unavailable, slipped_past_parser):
    slipped_past_parser(rid)
    executed = []
    from django.db.backends.utils import CursorWrapper

    original = CursorWrapper.execute

    def spy(self, statement, params=None):
        executed.append(statement)
        return original(self, statement, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", spy)
        with pytest.raises(PermissionDenied):
            datastore_search_sql(data={"sql": f'SELECT ville FROM "{rid}" UNION ALL SELECT password FROM core_user'},  # noqa: S608 — test SQL
                                 user=None)
    assert not any("core_user" in s for s in executed), executed


@pg_only
def test_a_role_that_reads_application_tables_is_not_used(rid, monkeypatch):
    from ouvert.datastore import checks, reader_role
    from ouvert.datastore.reader_role import ReaderRoleStatus

    overpowered = ReaderRoleStatus(exists=True, member=True, schema_usage=True, default_select=True, privileged=True)
    monkeypatch.setattr(reader_role, "reader_role_status", lambda: overpowered)
    monkeypatch.setattr(checks, "reader_role_status", lambda: overpowered)
    monkeypatch.setattr(reader_role, "reader_role_ensure", lambda: overpowered)
    reader_role_forget()
    try:
        with pytest.raises(PermissionDenied):
            datastore_search_sql(data={"sql": f'SELECT ville FROM "{rid}"'}, user=None)  # noqa: S608 — test SQL
        assert [e.id for e in checks.datastore_reader_role(None)] == ["ouvert.E101"]
    finally:
        reader_role_forget()


@pg_only
def test_the_real_role_reads_no_application_table():
    status = reader_role_status()
    assert status.usable and not status.privileged, status


@pg_only
def test_ensure_is_idempotent():
    from ouvert.datastore.reader_role import reader_role_ensure

    with transaction.atomic():
        assert reader_role_ensure().complete
        assert reader_role_ensure().complete


@pg_only
def test_check_warns_when_future_tables_would_not_be_readable(monkeypatch):
    from ouvert.datastore import checks
    from ouvert.datastore.reader_role import ReaderRoleStatus

    assert checks.datastore_reader_role(None) == []
    monkeypatch.setattr(checks, "reader_role_status",
                        lambda: ReaderRoleStatus(exists=True, member=True, schema_usage=True, default_select=False))
    assert [w.id for w in checks.datastore_reader_role(None)] == ["ouvert.W102"]


@sqlite_only
def test_check_is_silent_on_sqlite():
    from ouvert.datastore import checks

    assert checks.datastore_reader_role(None) == []


@pg_only
@pytest.mark.parametrize("read_only", [True, False])
def test_datastore_queries_get_their_own_work_mem_and_give_it_back(settings, read_only):
    """A large full-text match needs more than the server's default 4 MB to keep its bitmap exact
    (19.3 s lossy against 0.7 s at 5M rows); the setting applies inside the query's limits only."""
    settings.DATASTORE_QUERY_WORK_MEM_MB = 24
    with connection.cursor() as cur:
        cur.execute("SHOW work_mem")
        before = cur.fetchone()[0]
    with get_backend().limited(seconds=5, read_only=read_only), connection.cursor() as cur:
        cur.execute("SHOW work_mem")
        assert cur.fetchone()[0] == "24MB"
    with connection.cursor() as cur:
        cur.execute("SHOW work_mem")
        assert cur.fetchone()[0] == before
