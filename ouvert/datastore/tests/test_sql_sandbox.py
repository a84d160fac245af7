"""``datastore_search_sql`` as an attacker and as an analyst sees it: every escape reported on the
endpoint is a regression test here, next to the ordinary SQL that must keep working. Runs on SQLite
and, with ``DATABASE_URL``, on PostgreSQL (with the reader role; without it: test_sql_isolation)."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ouvert.api.ckan.datastore_wire import search_sql as datastore_search_sql
from ouvert.datastore import sql

pytestmark = pytest.mark.django_db

CSV = ("ville;montant;date;actif;note\n"
       "Québec;1 234,50;15/03/2012;oui;pont couvert\n"
       "Lévis;10,00;16/03/2012;non;traversier\n"
       "Montréal;5,25;17/04/2013;oui;métro et pont\n"
       "Québec;;18/03/2012;;\n")
PG = connection.vendor == "postgresql"
pg_only = pytest.mark.skipif(not PG, reason="PostgreSQL dialect")
sqlite_only = pytest.mark.skipif(PG, reason="SQLite dialect")


@pytest.fixture
def rid(ingest, write_file):
    job = ingest(write_file("villes.csv", CSV))
    assert job.status == "succeeded", job.error
    return str(job.resource_id)


def run(text: str, rid: str, **names) -> list[dict]:
    return datastore_search_sql(data={"sql": text.format(r=f'"{rid}"', **names)}, user=None)["records"]


def refused(text: str, rid: str, **names) -> str:
    with pytest.raises(ValidationError) as caught:
        run(text, rid, **names)
    return caught.value.message_dict["sql"][0]


# -- ordinary SQL ------------------------------------------------------------------------------

LEGIT = [
    ("SELECT ville FROM {r} WHERE montant > 6 AND ville <> 'x' OR ville = 'Lévis' ORDER BY ville",
     [{"ville": "Lévis"}, {"ville": "Québec"}]),
    ("SELECT COUNT(*) AS n FROM {r} WHERE NOT (montant BETWEEN 1 AND 6) AND note IS NOT NULL", [{"n": 2}]),
    ("SELECT COUNT(*) AS n FROM {r} WHERE ville IN ('Québec', 'Lévis') AND note LIKE '%pont%'", [{"n": 1}]),
    ("SELECT COUNT(*) AS n FROM {r} WHERE montant IS NULL OR note IS NULL", [{"n": 1}]),
    ("SELECT CASE WHEN montant > 100 THEN 'grand' WHEN montant > 6 THEN 'moyen' ELSE 'petit' END AS t "
     "FROM {r} WHERE montant IS NOT NULL ORDER BY _id", [{"t": "grand"}, {"t": "moyen"}, {"t": "petit"}]),
    ("SELECT CAST(montant AS INTEGER) AS i, CAST(_id AS TEXT) AS s, montant * 2 + 1 - 4 / 2 AS calc, -_id AS neg, "
     "_id % 2 AS m FROM {r} WHERE _id = 2", [{"i": 10, "s": "2", "calc": 19.0, "neg": -2, "m": 0}]),
    ("SELECT ville || ' (' || COALESCE(note, '?') || ')' AS t FROM {r} WHERE _id = 4", [{"t": "Québec (?)"}]),
    ("SELECT lower(ville) AS l, upper(substr(ville, 1, 3)) AS u, length(ville) AS n, replace(ville, 'é', 'e') AS r, "
     "trim('  x ') AS t, round(montant, 1) AS m, abs(-_id) AS a FROM {r} WHERE _id = 3",
     [{"l": "montréal", "u": "MON", "n": 8, "r": "Montreal", "t": "x", "m": 5.3 if PG else 5.3, "a": 3}]),
    ("SELECT ville, COUNT(*) AS n, SUM(montant) AS s, MIN(_id) AS lo, MAX(_id) AS hi FROM {r} GROUP BY ville "
     "HAVING COUNT(*) > 1 ORDER BY ville", [{"ville": "Québec", "n": 2, "s": 1234.5, "lo": 1, "hi": 4}]),
    ("SELECT COUNT(DISTINCT ville) AS n, AVG(_id) AS a FROM {r}", [{"n": 3, "a": 2.5}]),
    ("SELECT DISTINCT ville FROM {r} ORDER BY ville DESC LIMIT 2 OFFSET 1", [{"ville": "Montréal"}, {"ville": "Lévis"}]),
    ("SELECT _id, row_number() OVER (PARTITION BY ville ORDER BY _id) AS k, "
     "SUM(_id) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run, "
     "rank() OVER (ORDER BY ville) AS rk FROM {r} ORDER BY _id",
     [{"_id": 1, "k": 1, "run": 1, "rk": 3}, {"_id": 2, "k": 1, "run": 3, "rk": 1},
      {"_id": 3, "k": 1, "run": 6, "rk": 2}, {"_id": 4, "k": 2, "run": 10, "rk": 3}]),
    ("SELECT ville FROM {r} WHERE _id = 1 UNION SELECT ville FROM {r} WHERE _id = 2 UNION ALL SELECT 'x' ORDER BY 1",
     [{"ville": "Lévis"}, {"ville": "Québec"}, {"ville": "x"}]),
    ("SELECT ville FROM {r} EXCEPT SELECT ville FROM {r} WHERE _id > 1", []),
    ("WITH t AS (SELECT * FROM {r}), u AS (SELECT ville, _id FROM t WHERE _id < 3) "
     "SELECT ville FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t._id = u._id) AND ville IN (SELECT ville FROM t) "
     "ORDER BY _id", [{"ville": "Québec"}, {"ville": "Lévis"}]),
    ("SELECT a.ville FROM {r} a JOIN {r} b ON a._id = b._id LEFT JOIN {r} c ON c._id = a._id + 10 "
     "WHERE c._id IS NULL AND a._id = (SELECT MAX(_id) FROM {r}) ", [{"ville": "Québec"}]),
    ("SELECT z.n FROM (SELECT COUNT(*) AS n FROM {r}) z", [{"n": 4}]),
    ("SELECT lpad(CAST(_id AS TEXT), 3, '0') AS p, rpad('a', 3, '.') AS q FROM {r} WHERE _id = 2",
     [{"p": "002", "q": "a.."}]),
    ("SELECT COUNT(*) FILTER (WHERE actif) AS oui, NULLIF(1, 1) AS z, GREATEST(1, 2) AS g FROM {r}",
     [{"oui": 2, "z": None, "g": 2}]),
]


@pytest.mark.parametrize(("text", "expected"), LEGIT)
def test_ordinary_sql_works(rid, text, expected):
    assert run(text, rid) == expected


@pg_only
def test_postgresql_dates_and_full_text(rid):
    rows = run("SELECT date_trunc('month', date) AS m, EXTRACT(YEAR FROM date) AS y, date_part('month', date) AS mo, "
               "date + 1 AS lendemain, date - INTERVAL '1 day' AS veille, CAST(date AS TIMESTAMP) AS ts, "
               "to_char(date, 'YYYY-MM') AS ym, montant::int AS i, ville ILIKE 'q%' AS q "
               "FROM {r} WHERE _id = 3", rid)
    # date_trunc on a date is a timestamptz in PostgreSQL (the session is in UTC)
    assert rows == [{"m": "2013-04-01T00:00:00+00:00", "y": 2013.0, "mo": 4.0, "lendemain": "2013-04-18",
                     "veille": "2013-04-16T00:00:00", "ts": "2013-04-17T00:00:00", "ym": "2013-04", "i": 5,
                     "q": False}]
    matches = run("SELECT ville FROM {r} WHERE to_tsvector('french', note) @@ to_tsquery('french', 'pont') "
                  "ORDER BY _id", rid)
    assert matches == [{"ville": "Québec"}, {"ville": "Montréal"}]
    assert run("SELECT ville, string_agg(note, ', ') AS notes FROM {r} WHERE note IS NOT NULL AND ville = 'Québec' "
               "GROUP BY ville", rid) == [{"ville": "Québec", "notes": "pont couvert"}]
    assert run("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY _id) AS med FROM {r}", rid) == [{"med": 2.5}]


@sqlite_only
def test_sqlite_dates(rid):
    rows = run("SELECT strftime('%Y', date) AS y, date(date, '+1 day') AS lendemain, "
               "group_concat(ville) AS v FROM {r} WHERE _id = 3", rid)
    assert rows == [{"y": "2013", "lendemain": "2013-04-18", "v": "Montréal"}]


def test_unquoted_names_and_mixed_case(rid):
    assert run("select Ville from {r} where _ID = 2", rid)[0] in ({"ville": "Lévis"}, {"Ville": "Lévis"})


# -- 1. CTE shadowing ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # the reported one: a CTE named like an application table, in a scope the first reference does not see
    "SELECT (SELECT COUNT(*) FROM core_user) AS n FROM {r}, (WITH core_user AS (SELECT 1) SELECT * FROM core_user) z",
    "SELECT (SELECT password FROM core_user LIMIT 1) AS p FROM {r} WHERE EXISTS "
    "(WITH core_user AS (SELECT 1 AS x) SELECT x FROM core_user)",
    # a CTE body does not see itself (no RECURSIVE) nor later CTEs
    "WITH core_user AS (SELECT * FROM core_user) SELECT * FROM core_user, {r}",
    "WITH a AS (SELECT * FROM core_user), core_user AS (SELECT 1 AS x) SELECT * FROM a, core_user, {r}",
    # a CTE in one branch of a UNION does not cover the other
    "SELECT ville FROM {r} UNION ALL SELECT email FROM core_user "
    "UNION ALL SELECT * FROM (WITH core_user AS (SELECT 'x' AS email) SELECT email FROM core_user) q",
    # a table alias is no FROM item for a subquery
    "SELECT (SELECT COUNT(*) FROM core_user) AS n FROM {r} AS core_user",
    "SELECT * FROM {r} AS core_user WHERE EXISTS (SELECT 1 FROM core_user WHERE is_superuser)",
])
def test_cte_names_are_resolved_by_scope(rid, text, make_user):
    make_user("admin@exemple.qc.ca")
    assert "core_user" in refused(text, rid)


@pg_only
def test_cte_names_follow_postgresql_case_folding(rid):
    # "PG_AUTHID" (quoted) is not pg_authid: PostgreSQL would read the catalog for the unquoted reference
    assert "pg_authid" in refused('WITH "PG_AUTHID" AS (SELECT 1) SELECT * FROM PG_AUTHID, {r}', rid).lower()
    assert "core_user" in refused('WITH "CORE_USER" AS (SELECT 1) SELECT * FROM Core_User, {r}', rid)
    # and the same name written both ways resolves to the CTE, as PostgreSQL does
    assert run('WITH T AS (SELECT COUNT(*) AS n FROM {r}) SELECT n FROM "t"', rid) == [{"n": 4}]


def test_comments_cannot_hide_checked_code(rid):
    """sqlglot reads nested /* */ as PostgreSQL does; the statement that runs is generated from the
    checked tree, without comments."""
    assert "core_user" in refused("SELECT x FROM (WITH core_user AS (SELECT 1 AS x) -- /*\n"
                                  " SELECT x FROM core_user) z, {r} -- */\n, core_user", rid)
    assert run("SELECT COUNT(*) AS n /* a comment */ FROM {r} -- another\n", rid) == [{"n": 4}]


def test_ctes_in_scope_still_work(rid):
    assert run("WITH core_user AS (SELECT ville FROM {r} WHERE _id = 2) SELECT ville FROM core_user", rid) == \
        [{"ville": "Lévis"}]
    assert run("SELECT (SELECT COUNT(*) FROM {r}) AS n FROM (WITH t AS (SELECT 1 AS x) SELECT x FROM t) z", rid) == \
        [{"n": 4}]


# -- 3. nothing but resource tables and allowed functions ----------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * FROM core_user, {r}", "Table inconnue"),
    ("SELECT * FROM core_apitoken, {r}", "Table inconnue"),
    ("SELECT * FROM django_session, {r}", "Table inconnue"),
    ("SELECT * FROM public.core_user, {r}", "sans schéma"),
    ("SELECT * FROM pg_catalog.pg_authid, {r}", "sans schéma"),
    ("SELECT * FROM pg_authid, {r}", "Table inconnue"),
    ("SELECT * FROM pg_class, {r}", "Table inconnue"),
    ("SELECT * FROM information_schema.tables, {r}", "sans schéma"),
    ("SELECT * FROM sqlite_master, {r}", "Table inconnue"),
    ("SELECT * FROM datastore.{r}", "sans schéma"),
    ("SELECT * FROM {r}, pg_ls_dir('.')", "pg_ls_dir"),
    ("SELECT * FROM {r}, generate_series(1, 1000000000)", ""),
    ("SELECT * FROM {r}, lower('x')", "fonction ne peut pas servir de table"),
    ("SELECT * FROM {r}, json_each('[1, 2]')", "fonction ne peut pas servir de table"),
    ("SELECT * FROM {r}, pragma_table_info('core_user')", "fonction ne peut pas servir de table"),
    ("SELECT * FROM {r}, unnest(ARRAY[1, 2])", ""),  # not SQLite syntax; on PostgreSQL not an allowed construction
    ("SELECT pg_read_file('/etc/passwd') FROM {r}", "PG_READ_FILE"),
    ("SELECT pg_ls_dir('.') FROM {r}", "PG_LS_DIR"),
    ("SELECT dblink('host=x', 'select 1') FROM {r}", "DBLINK"),
    ("SELECT lo_import('/etc/passwd') FROM {r}", "LO_IMPORT"),
    ("SELECT current_setting('data_directory') FROM {r}", "CURRENT_SETTING"),
    ("SELECT set_config('role', 'postgres', true) FROM {r}", "SET_CONFIG"),
    ("SELECT query_to_xml('select * from core_user', true, true, '') FROM {r}", "QUERY_TO_XML"),
    ("SELECT txid_current() FROM {r}", "TXID_CURRENT"),
    ("SELECT pg_sleep(10) FROM {r}", "PG_SLEEP"),
    ("SELECT version() FROM {r}", "Fonction non permise"),
    ("SELECT current_user FROM {r}", "Fonction non permise"),
    ("SELECT pg_catalog.lower(ville) FROM {r}", "non permise"),
    ("SELECT 'pg_authid'::regclass FROM {r}", "non permise"),
    ("SELECT CAST('pg_authid' AS regclass) FROM {r}", "non permise"),
    ("SELECT CAST(ville AS xml) FROM {r}", "Conversion"),
    ("SELECT * FROM {r}, (VALUES (1), (2)) v(x)", "non permise"),
    ("SELECT * FROM {r} TABLESAMPLE BERNOULLI (50)", "non permise"),
    ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT * FROM n, {r}", "RECURSIVE"),
    ("SELECT * FROM {r} a, LATERAL (SELECT * FROM core_user) x", "non permise"),
    ("SELECT zeroblob(1000000000) FROM {r}", "ZEROBLOB"),
    ("SELECT load_extension('x') FROM {r}", "LOAD_EXTENSION"),
    ("SELECT ville FROM {r} FOR UPDATE", ""),
])
def test_only_resources_and_allowed_functions(rid, text, message):
    assert message.lower() in refused(text, rid).lower()


def test_private_table_of_the_same_schema_is_refused(rid, ingest, write_file, catalogue_resource, publisher):
    other = str(ingest(write_file("autre.csv", CSV)).resource_id)
    catalogue_resource(other, publisher[1], private=True)
    from django.http import Http404

    with pytest.raises(Http404):
        run('SELECT * FROM {r} UNION ALL SELECT * FROM "{o}"', rid, o=other)


def test_physical_table_names_are_not_accepted(rid):
    from ouvert.datastore.models import DatastoreTable

    table = DatastoreTable.objects.get(resource_id=rid).table_name
    assert "Table inconnue" in refused('SELECT * FROM "{t}"', rid, t=table)


# -- 4. bytes ---------------------------------------------------------------------------------

def test_nested_replace_blow_up_is_refused(rid):
    blow = "ville"
    for _ in range(8):
        blow = f"replace({blow}, 'e', 'eeeeeeeeee')"
    started = time.monotonic()
    assert "multiplier" in refused("SELECT " + blow + " AS x FROM {r}", rid)  # noqa: S608 — test SQL
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("text", [
    "SELECT lpad(ville, 100000000, 'x') FROM {r}",
    "SELECT rpad(ville, _id, 'x') FROM {r}",
    "SELECT repeat(ville, 100000000) FROM {r}",
    "SELECT repeat(repeat(ville, 1000), 1000) FROM {r}",
    "SELECT regexp_replace(regexp_replace(ville, '', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'g'), '', "
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'g') FROM {r}",
])
def test_string_growth_is_bounded_by_the_parser(rid, text):
    message = refused(text, rid)
    assert "REPEAT" in message or "LPAD" in message or "multiplier" in message, message


def test_byte_cap_truncates_the_answer(rid, monkeypatch):
    monkeypatch.setattr(sql, "BYTES_MAX", 80)
    result = datastore_search_sql(data={"sql": f'SELECT ville, note FROM "{rid}" ORDER BY _id'}, user=None)  # noqa: S608 — test SQL
    assert result["records"] == [{"ville": "Québec", "note": "pont couvert"}, {"ville": "Lévis", "note": "traversier"}]
    assert result["records_truncated"] is True and result["records_truncated_bytes"] == 80


def test_a_row_over_the_byte_cap_is_never_fetched(rid, monkeypatch):
    monkeypatch.setattr(sql, "BYTES_MAX", 1000)
    assert "octets" in refused("SELECT lpad(ville, 5000, 'x') AS x FROM {r}", rid)


def test_growth_the_parser_cannot_see_stops_at_the_byte_cap_quickly(rid, monkeypatch):
    """Each CTE concatenates its input ten times: 10**5 times the city's name, 700 kB a row. The
    database measures and blanks the rows, so this process never holds them."""
    monkeypatch.setattr(sql, "BYTES_MAX", 100_000)
    ctes = [f"c0 AS (SELECT {' || '.join(['ville'] * 10)} AS x FROM {{r}})"]  # noqa: S608 — test SQL
    ctes += [f"c{n} AS (SELECT {' || '.join(['x'] * 10)} AS x FROM c{n - 1})" for n in range(1, 5)]  # noqa: S608 — test SQL
    fetched = []
    original = sql._out_converter

    def spy(kind):
        fetched.append(kind)
        return original(kind)

    monkeypatch.setattr(sql, "_out_converter", spy)
    started = time.monotonic()
    assert "octets" in refused("WITH " + ", ".join(ctes) + " SELECT x FROM c4", rid)  # noqa: S608 — test SQL
    assert fetched == [] and time.monotonic() - started < 5
