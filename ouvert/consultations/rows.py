"""The statements of a whole survey submission, written as plain SQL on each engine.

A submission sent at once (API, in-person entry) writes one participation and all its answers. Through
the ORM that costs a savepoint around the participation (to catch the one-per-account constraint) and
one model instance per answer; here the participation is ``INSERT … ON CONFLICT DO NOTHING RETURNING``
(no row back: the person already has one) and the answers one statement: ``INSERT … SELECT FROM
UNNEST`` of three arrays on PostgreSQL, one multi-row ``VALUES`` on SQLite. Values are prepared by the
models' own fields, so what is stored is what the ORM would store; the consultation's row is read
with one prepared ``SELECT`` of the columns a submission needs, converted as the ORM converts them.
Each statement's text is built once per process."""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
from typing import Any

from django.db import connection
from django.db.models import Field

from .models import Answer, Consultation, Participation

SQLITE_ROWS_PER_INSERT = 500  # 5 parameters a row, far under SQLite's 32,766


Model = type[Participation] | type[Answer] | type[Consultation]


def _field(model: Model, name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 — concrete columns only, never a reverse relation
    return field


def _columns(model: Model, names: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(str(_field(model, name).column)) for name in names)


PARTICIPATION_COLUMNS = ["consultation", "user", "resume_token", "channel", "current_page", "consent_given",
                         "created_at", "updated_at", "submitted_at", "satisfaction", "satisfaction_comment"]


@functools.cache
def _participation_sql(vendor: str) -> str:
    table = connection.ops.quote_name(Participation._meta.db_table)
    return (f"INSERT INTO {table} ({_columns(Participation, PARTICIPATION_COLUMNS)}) "  # noqa: S608 — model names
            f"VALUES ({', '.join(['%s'] * len(PARTICIPATION_COLUMNS))}) ON CONFLICT DO NOTHING RETURNING "
            f"{connection.ops.quote_name(_field(Participation, 'id').column or 'id')}")


def participation_insert(*, consultation_id: int, user_id: int | None, channel: str, consent: bool,
                         submitted_at: dt.datetime) -> tuple[int, str] | None:
    """Insert a sent participation; ``(id, resume_token)``, or ``None`` when ``user_id`` already has a
    participation in this consultation (the unique constraint; the caller looks it up)."""
    token = secrets.token_urlsafe(24)
    when = _field(Participation, "submitted_at").get_db_prep_save(submitted_at, connection)
    params = [consultation_id, user_id, token, channel, 1, consent, when, when, when, None, ""]
    with connection.cursor() as cursor:
        cursor.execute(_participation_sql(connection.vendor), params)
        row = cursor.fetchone()
    return (row[0], token) if row else None


@functools.cache
def _answers_sql(vendor: str, count: int) -> str:
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = _columns(Answer, ["participation", "question", "value", "text", "file"])
    if vendor == "postgresql":
        return (f"INSERT INTO {table} ({columns}) SELECT %s, a.q, a.v::jsonb, a.t, '' "  # noqa: S608 — model names
                "FROM UNNEST(%s::bigint[], %s::text[], %s::text[]) AS a(q, v, t)")
    return (f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 — names from the model
            + ", ".join(["(%s, %s, %s, %s, '')"] * count))


def answers_insert(*, participation_id: int, rows: list[tuple[int, Any, str]]) -> None:
    """Insert ``(question id, value, text)`` answers of a participation that has none yet, in one
    statement (``value``: the JSON value, ``text``: the free text kept for search, or "")."""
    if not rows:
        return
    values = [json.dumps(value) for _qid, value, _text in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_answers_sql(connection.vendor, 0), [
                participation_id, [qid for qid, _v, _t in rows], values, [text for _q, _v, text in rows]])
            return
        for start in range(0, len(rows), SQLITE_ROWS_PER_INSERT):
            params: list[Any] = []
            for (qid, _value, text), value in zip(rows[start:start + SQLITE_ROWS_PER_INSERT],
                                                  values[start:start + SQLITE_ROWS_PER_INSERT], strict=True):
                params += [participation_id, qid, value, text]
            cursor.execute(_answers_sql(connection.vendor, len(params) // 4), params)


# The columns a submission reads of its consultation: access, phase, ways to take part, consent,
# demographics and the survey's version; not the long texts.
ANSWERING_FIELDS = ("id", "organization", "slug", "title", "published_at", "results_published_at", "opens_at",
                    "closes_at", "has_survey", "allow_anonymous", "consent_text", "ask_demographics",
                    "survey_version")


@functools.cache
def _consultation_select(vendor: str) -> tuple[str, list[str], list[Any]]:
    """The SELECT of ``ANSWERING_FIELDS`` by slug, in the model's order (as ``from_db`` reads them):
    the statement, the attribute names and the columns (whose converters the ORM's compiler applies)."""
    table = Consultation._meta.db_table
    wanted = {_field(Consultation, name).attname for name in ANSWERING_FIELDS}
    fields = [f for f in Consultation._meta.concrete_fields if f.attname in wanted]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    sql = (f"SELECT {columns} FROM {connection.ops.quote_name(table)} "  # noqa: S608 — names from the model
           f"WHERE {connection.ops.quote_name(str(_field(Consultation, 'slug').column))} = %s")
    return sql, [field.attname for field in fields], [field.get_col(table) for field in fields]


def consultation_for_answers(slug: str) -> Consultation | None:
    """The consultation ``slug`` with the columns of ``ANSWERING_FIELDS`` only (the others deferred)."""
    sql, attnames, columns = _consultation_select(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, column in zip(row, columns, strict=True):
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = convert(value, column, connection)
        values.append(value)
    return Consultation.from_db(connection.alias, attnames, values)
