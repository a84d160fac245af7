"""``package_search``'s ``facet.field`` counts, every requested field in one SQL statement, read
from the catalogue's narrow facet rows (:class:`~ouvert.catalog.models.DatasetFacet`).

CKAN's facets count over the datasets found *with every filter applied*, their own included (unlike
the catalogue page's, which ignore their own filter). The found datasets' ids (and languages) are
read once, in a ``MATERIALIZED`` common table expression built by the ORM from the search's
queryset (``pk__in``), so visibility and ``fq`` stay where they are. That set is then joined to the
facet rows through their ``(dataset, facet, value)`` index and grouped by facet and value: one pass
over a few narrow rows per dataset instead of a join to the organizations, licences, themes,
keywords and resources per field. The rows are written with every (re)index of a dataset (drafts and
private datasets included, the trash excluded, as here), so they say what the dataset tables say.

Stored values are then named as CKAN names them (an organization's id becomes its slug and gives
its kind, a licence's or theme's id its slug), ordered by count then name, cut by ``facet.mincount``
and ``facet.limit``. ``is_reference``'s false count is the found datasets less the true ones; the
language is the datasets' own column, grouped in the same statement. Both backends run the same SQL.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet

from ouvert.catalog.models import Dataset, DatasetFacet, Licence, Theme
from ouvert.core.models import Organization

# CKAN's facet field → the stored facet it is counted from (None: from the found set itself).
BRANCHES: dict[str, str | None] = {
    "organization": "organization", "organization_kind": "organization", "license_id": "licence",
    "update_frequency": "frequency", "is_reference": "reference", "language": None,
    "groups": "theme", "tags": "keyword", "res_format": "format",
}
# The stored facets whose values are ids, and the model that names them.
_BY_ID: dict[str, type[models.Model]] = {"organization": Organization, "licence": Licence, "theme": Theme}
_TOTAL = "(total)"
_LANGUAGE = "(language)"


def _names(model: type[models.Model], stored: set[str]) -> dict[str, Any]:
    """The objects of ``model`` whose ids the facet rows hold as ``stored`` (the database's text of
    an id: a UUID's 32 hex digits on SQLite, its hyphenated form on PostgreSQL, an integer's digits),
    by that text."""
    parse = uuid.UUID if model is Organization else int
    ids: dict[Any, str] = {}
    for value in stored:
        try:
            ids[parse(value)] = value
        except ValueError:
            continue
    return {ids[obj.pk]: obj for obj in model._default_manager.filter(pk__in=list(ids))}


def _grouped(found: QuerySet[Dataset], facets: set[str], language: bool) -> Counter[tuple[str, str]]:
    """``(stored facet, stored value) → datasets`` over ``found``, with the found total and, when
    asked, the languages; one statement."""
    inner = Dataset.objects.filter(pk__in=found.order_by().values("pk")).order_by().values("id", "language")
    try:
        inner_sql, inner_params = inner.query.sql_with_params()
    except EmptyResultSet:
        return Counter()
    table = connection.ops.quote_name(DatasetFacet._meta.db_table)
    parts, params = ["SELECT %s, '', COUNT(*) FROM m"], [_TOTAL]
    if facets:
        # Each found dataset's few rows (7 to 10) are probed by its id. Left to itself, SQLite walks
        # the (facet, value) index over the whole catalogue instead, to group without sorting, and
        # probes ``m`` for each row: its CROSS JOIN keeps ``m`` outside. Every stored facet is
        # grouped, the unasked ones left out afterwards. Only the table's name is interpolated.
        join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
        parts.append(f"SELECT f.facet, f.value, COUNT(*) FROM m {join} {table} f ON f.dataset_id = m.id "  # noqa: S608
                     "GROUP BY f.facet, f.value")
    if language:
        parts.append("SELECT %s, m.language, COUNT(*) FROM m WHERE m.language IS NOT NULL GROUP BY m.language")
        params.append(_LANGUAGE)
    sql = f"WITH m AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params])
        return Counter({(facet, value): n for facet, value, n in cursor.fetchall()})


def facet_rows(found: QuerySet[Dataset], fields: list[str], *, limit: int,
               mincount: int) -> dict[str, list[tuple[Any, int]]]:
    """For each of ``fields`` (keys of :data:`BRANCHES`), ``[(value, count)]`` over ``found``:
    values with at least ``mincount`` datasets (and at least one), by count then value, the first
    ``limit`` (all when negative). One statement for all of them."""
    result: dict[str, list[tuple[Any, int]]] = {name: [] for name in fields}
    if not fields:
        return result
    stored = {BRANCHES[name] for name in fields} - {None}
    grouped = _grouped(found, {s for s in stored if s is not None}, "language" in fields)
    total = grouped.pop((_TOTAL, ""), 0)
    if not total:
        return result
    by_facet: dict[str, dict[str, int]] = {}
    for (facet, value), n in grouped.items():
        if facet in stored or facet == _LANGUAGE:
            by_facet.setdefault(facet, {})[value] = n
    named = {facet: _names(model, set(by_facet.get(facet, {}))) for facet, model in _BY_ID.items()
             if facet in stored}
    for name in fields:
        counts: Counter[Any] = Counter()
        rows = by_facet.get(BRANCHES[name] or _LANGUAGE, {})
        if name == "organization":
            counts.update({named["organization"][v].slug: n for v, n in rows.items() if v in named["organization"]})
        elif name == "organization_kind":
            for v, n in rows.items():
                if v in named["organization"]:
                    counts[named["organization"][v].kind] += n
        elif name in ("license_id", "groups"):
            names = named[BRANCHES[name] or ""]
            counts.update({names[v].slug: n for v, n in rows.items() if v in names})
        elif name == "is_reference":
            true = rows.get("1", 0)
            counts.update({True: true, False: total - true})
        else:
            counts.update(rows)
        ordered = sorted(((value, n) for value, n in counts.items() if n >= max(mincount, 1)),
                         key=lambda item: (-item[1], str(item[0]).lower() if isinstance(item[0], bool)
                                           else str(item[0])))
        result[name] = ordered if limit < 0 else ordered[:limit]
    return result
