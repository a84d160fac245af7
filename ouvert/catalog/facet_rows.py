"""The narrow facet rows of the catalogue (:class:`~.models.DatasetFacet`) and their counts
(:class:`~.models.FacetCount`), written in the transaction of every (re)index.

Each dataset has one row per facet value: its organization, licence and update frequency, its
reference badge when it has one, each keyword, theme and resource format. A row's ``public`` is the
access model's answer for a visitor (:func:`ouvert.core.access.readable_keys` with nobody signed
in), taken when the row is written. The rows are built by **one** ``INSERT … SELECT`` from the
catalogue's own tables, the same for one dataset (:func:`dataset_facets_write`, called by
``search.index_dataset``) and for many (:func:`facets_build`, the migration, ``ouvert
search_reindex`` and the benchmark's bulk generator), so both paths give the same rows.

:class:`~.models.FacetCount` holds, for each facet value, the number of public datasets having it,
and the total under ``("total", "")``. A single write adds the difference between the dataset's
public rows before and after (in the order of the keys, so two writers lock the rows in the same
order); a bulk build recounts the table in one ``GROUP BY``. The catalogue page without text or
filter reads it as is: it is current as soon as the write commits, and is never counted by a
visitor or a task.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Cast

from ouvert.core import access

from .models import Dataset, DatasetFacet, DatasetState, FacetCount, FacetPair, Resource

TOTAL = ("total", "")


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sources(datasets: Q) -> QuerySet[Any, Any]:
    """The facet rows of the datasets matching ``datasets`` (a condition on ``Dataset``), as one
    ``UNION ALL`` of (dataset id, facet, value, public) rows. Datasets in the trash have none."""
    live = Dataset.objects.filter(datasets).exclude(state=DatasetState.DELETED)
    visitor = access.readable_keys(None, "dataset")  # what somebody not signed in may read

    def public(prefix: str = "") -> ExpressionWrapper:
        return ExpressionWrapper(Q(**{f"{prefix}pk__in": visitor}), output_field=BooleanField())

    def rows(qs: QuerySet[Any, Any], dataset: str, facet: str, value: Any, prefix: str) -> QuerySet[Any, Any]:
        return (qs.order_by().annotate(d=F(dataset), f=Value(facet, output_field=CharField()), v=value,
                                       p=public(prefix)).values_list("d", "f", "v", "p"))

    text = CharField()
    keyword_links = Dataset.keywords.through.objects.filter(dataset__in=live)
    theme_links = Dataset.themes.through.objects.filter(dataset__in=live)
    resources = Resource.objects.filter(dataset__in=live).exclude(format="")
    parts = [
        rows(live, "pk", "organization", Cast("organization_id", text), ""),
        rows(live, "pk", "licence", Cast("licence_id", text), ""),
        rows(live, "pk", "frequency", F("update_frequency"), ""),
        rows(live.filter(is_reference=True), "pk", "reference", Value("1", output_field=text), ""),
        rows(keyword_links, "dataset_id", "keyword", F("keyword__name"), "dataset__"),
        rows(theme_links, "dataset_id", "theme", Cast("theme_id", text), "dataset__"),
        rows(resources.distinct(), "dataset_id", "format", F("format"), "dataset__"),
    ]
    return parts[0].union(*parts[1:], all=True)


def _insert(datasets: Q) -> None:
    sql, params = _sources(datasets).query.sql_with_params()
    with connection.cursor() as cursor:  # only the table's name is interpolated
        cursor.execute(f"INSERT INTO {_table(DatasetFacet)} (dataset_id, facet, value, public) {sql}",  # noqa: S608
                       params)


def _rows(dataset_id: uuid.UUID) -> set[tuple[str, str, bool]]:
    return {(f, v, bool(p)) for f, v, p in
            DatasetFacet.objects.filter(dataset_id=dataset_id).values_list("facet", "value", "public")}


def _public(rows: Iterable[tuple[str, str, bool]]) -> Counter[tuple[str, str]]:
    counted: Counter[tuple[str, str]] = Counter((f, v) for f, v, p in rows if p)
    if counted:
        counted[TOTAL] = 1
    return counted


def _pairs(rows: Iterable[tuple[str, str, bool]]) -> Counter[tuple[str, ...]]:
    """The (facet, value, other facet, other value) pairs of one dataset's public rows."""
    public = [(f, v) for f, v, p in rows if p]
    return Counter((f, v, g, w) for f, v in public for g, w in public if f != g)


def _add(model: Any, columns: tuple[str, ...], deltas: Counter[Any]) -> None:
    """Add ``deltas`` (keyed by ``columns``' values) to ``model``'s counts, in one statement, in the
    keys' order."""
    changes = sorted((key, n) for key, n in deltas.items() if n)
    if not changes:
        return
    table = _table(model)
    values = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(changes))
    params = [x for key, n in changes for x in (*key, n)]
    names = ", ".join(columns)
    with connection.cursor() as cursor:  # only the table's and columns' names are interpolated
        cursor.execute(f"INSERT INTO {table} ({names}, n) VALUES {values} "  # noqa: S608
                       f"ON CONFLICT ({names}) DO UPDATE SET n = {table}.n + excluded.n", params)


def _move(before: set[tuple[str, str, bool]], after: set[tuple[str, str, bool]]) -> None:
    """Move the counts and the pairs' counts from one dataset's rows ``before`` to ``after``."""
    if before == after:
        return
    deltas = _public(after)
    deltas.subtract(_public(before))
    _add(FacetCount, ("facet", "value"), deltas)
    pairs = _pairs(after)
    pairs.subtract(_pairs(before))
    _add(FacetPair, ("facet", "value", "other", "other_value"), pairs)


def dataset_facets_write(dataset_id: uuid.UUID) -> None:
    """Rewrite one dataset's facet rows from its current state (none in the trash or once gone) and
    move the counts by the difference. Call inside the writer's transaction (``search.index_dataset``
    and ``search.remove_dataset`` do)."""
    with transaction.atomic():
        # The dataset's row locked first: two writers of one dataset take their turns (PostgreSQL).
        list(Dataset.objects.select_for_update().filter(pk=dataset_id).values_list("pk"))
        before = _rows(dataset_id)
        DatasetFacet.objects.filter(dataset_id=dataset_id).delete()
        _insert(Q(pk=dataset_id))
        _move(before, _rows(dataset_id))


def dataset_facets_remove(dataset_id: uuid.UUID) -> None:
    """Delete one dataset's facet rows and take them out of the counts (inside the writer's
    transaction)."""
    with transaction.atomic():
        before = _rows(dataset_id)
        DatasetFacet.objects.filter(dataset_id=dataset_id).delete()
        _move(before, set())


def facets_build(datasets: Q | None = None) -> None:
    """Build the facet rows of every dataset (or of those matching ``datasets``, which must have none
    yet) in one statement, then recount :class:`FacetCount` from all the rows in one ``GROUP BY``.
    For the migration, ``search_reindex`` and bulk loads; a single write uses
    :func:`dataset_facets_write`."""
    with transaction.atomic():
        if datasets is None:
            DatasetFacet.objects.all().delete()
        _insert(datasets if datasets is not None else Q())
        facets_recount()


def facets_recount() -> None:
    """Recount :class:`FacetCount` and :class:`FacetPair` from the public facet rows."""
    rows, counts, pairs = _table(DatasetFacet), _table(FacetCount), _table(FacetPair)
    with connection.cursor() as cursor:  # only the tables' names are interpolated
        cursor.execute(f"DELETE FROM {pairs}")  # noqa: S608
        cursor.execute(f"INSERT INTO {pairs} (facet, value, other, other_value, n) "  # noqa: S608
                       f"SELECT a.facet, a.value, b.facet, b.value, COUNT(*) FROM {rows} a JOIN {rows} b "
                       "ON b.dataset_id = a.dataset_id AND b.facet <> a.facet WHERE a.public "
                       "GROUP BY a.facet, a.value, b.facet, b.value")
        cursor.execute(f"DELETE FROM {counts}")  # noqa: S608
        cursor.execute(f"INSERT INTO {counts} (facet, value, n) SELECT facet, value, COUNT(*) FROM {rows} "  # noqa: S608
                       "WHERE public GROUP BY facet, value")
        cursor.execute(f"INSERT INTO {counts} (facet, value, n) SELECT %s, %s, COUNT(*) FROM {rows} "  # noqa: S608
                       "WHERE public AND facet = %s", [*TOTAL, "organization"])
