"""Every facet count of the catalogue search, and the total, in one SQL statement.

A facet ignores its own filter: the count of "kind = ministry" is taken over the matching datasets
with every *other* filter applied, so that a visitor sees what ticking another value would give.
Done naively that is one aggregate per facet over the matching set (eight, plus a ``COUNT``), each
running the full-text match again — and on PostgreSQL, when a join makes the planner expect few
rows, re-checking the ``tsvector`` of every candidate row instead of using the GIN index.

Here the matching datasets are computed **once**, in a ``MATERIALIZED`` common table expression
(SQLite ≥ 3.35, PostgreSQL ≥ 12) holding the few facet columns and one boolean per filter in use
(``ok_kind``: the dataset passes the kind filter; ``ok_keyword``: it has every selected keyword…).
Each facet is then a ``GROUP BY`` over that small in-memory set with every flag but its own, the
total is the rows with every flag, and all of them travel back in one ``UNION ALL``. The inner query
is built by the ORM (``sql_with_params``), so the text search and visibility rules stay where they
are; only the outer aggregates are written here. Both backends run the same SQL.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, OrganizationKind

from .models import Dataset, Keyword, Licence, Resource, Theme, UpdateFrequency

if TYPE_CHECKING:
    from .selectors import SearchParams

FILTERS = ["organization", "kind", "keyword", "theme", "format", "licence", "frequency", "reference"]
KEYWORD_LIMIT = 15


@dataclass
class FacetCounts:
    total: int
    # facet name → [(value, label, count)], zero counts left out
    counts: dict[str, list[tuple[str, str, int]]]


def _flag(condition: Q | None) -> Case | Value:
    if condition is None:  # the filter names nothing that exists: no dataset passes it
        return Value(False, output_field=BooleanField())
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _all(subqueries: list[QuerySet]) -> Q:
    return reduce(operator.and_, (Q(pk__in=sub) for sub in subqueries))


def filter_conditions(params: SearchParams) -> dict[str, Q | None]:
    """For each filter in use, the condition a dataset meets to pass it, on the dataset's own columns
    (slugs resolved to ids first, so the matching set needs no join)."""
    conditions: dict[str, Q | None] = {}

    def among(column: str, ids: QuerySet) -> Q | None:
        found = list(ids)
        return Q(**{f"{column}__in": found}) if found else None

    organizations = Organization.objects.values_list("pk", flat=True)
    if params.organization:
        conditions["organization"] = among("organization_id", organizations.filter(slug__in=params.organization))
    if params.kind:
        conditions["kind"] = among("organization_id", organizations.filter(kind__in=params.kind))
    if params.keyword:
        keyword_links = Dataset.keywords.through.objects
        conditions["keyword"] = _all([keyword_links.filter(keyword__name=v).values("dataset_id")
                                      for v in params.keyword])
    if params.theme:
        theme_links = Dataset.themes.through.objects
        conditions["theme"] = _all([theme_links.filter(theme__slug=v).values("dataset_id") for v in params.theme])
    if params.format:
        conditions["format"] = _all([Resource.objects.filter(format=v).values("dataset_id") for v in params.format])
    if params.licence:
        conditions["licence"] = among("licence_id", Licence.objects.filter(slug__in=params.licence)
                                      .values_list("pk", flat=True))
    if params.frequency:
        conditions["frequency"] = Q(update_frequency__in=params.frequency)
    if params.reference:
        conditions["reference"] = Q(is_reference=True)
    return conditions


# One SELECT per facet (and the total) over ``m``, the matching datasets; ``{where}``: every filter
# but the facet's own. Each returns (facet, value, count).
BRANCHES = {
    None: "SELECT 'total', '', COUNT(*) FROM m WHERE {where}",
    "organization": "SELECT 'organization', o.slug, COUNT(*) FROM m JOIN {organization_table} o "
                    "ON o.id = m.organization_id WHERE {where} GROUP BY o.slug",
    "kind": "SELECT 'kind', o.kind, COUNT(*) FROM m JOIN {organization_table} o ON o.id = m.organization_id "
            "WHERE {where} GROUP BY o.kind",
    "licence": "SELECT 'licence', l.slug, COUNT(*) FROM m JOIN {licence_table} l ON l.id = m.licence_id "
               "WHERE {where} GROUP BY l.slug",
    "frequency": "SELECT 'frequency', m.update_frequency, COUNT(*) FROM m WHERE {where} GROUP BY m.update_frequency",
    "reference": "SELECT 'reference', '1', COUNT(*) FROM m WHERE m.is_reference AND {where}",
    # The keyword facet shows the 15 most used (the others would crowd it).
    # CROSS JOIN keeps ``m`` as SQLite's outer loop (probing the link table by dataset) rather than
    # scanning the whole link table; PostgreSQL plans it as any inner join.
    "keyword": "SELECT * FROM (SELECT 'keyword', k.name, COUNT(*) AS n FROM m CROSS JOIN {dataset_keywords_table} dk "
               "CROSS JOIN {keyword_table} k WHERE dk.dataset_id = m.id AND k.id = dk.keyword_id AND {where} "
               "GROUP BY k.name ORDER BY n DESC, k.name LIMIT {limit}) kw",
    "theme": "SELECT 'theme', t.slug, COUNT(*) FROM m CROSS JOIN {dataset_themes_table} dt CROSS JOIN {theme_table} t "
             "WHERE dt.dataset_id = m.id AND t.id = dt.theme_id AND {where} GROUP BY t.slug",
    "format": "SELECT 'format', r.format, COUNT(DISTINCT r.dataset_id) FROM m JOIN {resource_table} r "
              "ON r.dataset_id = m.id WHERE r.format <> '' AND {where} GROUP BY r.format",
}


def facet_counts(params: SearchParams, matching: QuerySet[Dataset]) -> FacetCounts:
    """Counts of every facet over ``matching`` (the public datasets matching the text query)."""
    total, counted = _count(params, matching)
    return FacetCounts(total=total, counts=_labelled(counted))


def cached_facet_counts(params: SearchParams, matching: QuerySet[Dataset], *, identity: str | None = None,
                        text: object = None) -> FacetCounts:
    """:func:`facet_counts` of ``matching``, the public datasets matching the text ``text`` (its
    language and stemmed terms; None: no text) with no rectangle, from the shared cache when the same
    text and filters were counted since the catalogue last changed (see ``search_cache``; ``identity``
    is :func:`search_cache.version_identity`, read once per request). Labels are read afresh each time."""
    from . import search_cache

    filters = [(name, sorted(map(str, getattr(params, name) or []))) for name in FILTERS if name != "reference"]
    key = search_cache.key("facets", identity or search_cache.version_identity(), text, filters,
                           bool(params.reference))

    def compute() -> tuple[int, dict[str, dict[str, int]]]:
        total, counted = _count(params, matching)
        return total, {name: dict(counter) for name, counter in counted.items()}

    total, raw = search_cache.remembered(key, compute)
    return FacetCounts(total=total, counts=_labelled({name: Counter(values) for name, values in raw.items()}))


def _count(params: SearchParams, matching: QuerySet[Dataset]) -> tuple[int, dict[str, Counter]]:
    conditions = filter_conditions(params)
    flags = {f"ok_{name}": _flag(condition) for name, condition in conditions.items()}
    inner = (matching.order_by().annotate(**flags)
             .values("id", "organization_id", "licence_id", "update_frequency", "is_reference", *flags))
    try:
        inner_sql, inner_params = inner.query.sql_with_params()
    except EmptyResultSet:  # e.g. a rectangle that no dataset's coverage meets
        return 0, {name: Counter() for name in FILTERS}

    def passing(*, but: str | None = None) -> str:
        names = [f"m.ok_{name}" for name in conditions if name != but]
        return " AND ".join(names) if names else "1 = 1"

    tables: dict[str, type[models.Model]] = {
        "organization": Organization, "licence": Licence, "keyword": Keyword, "theme": Theme,
        "resource": Resource, "dataset_keywords": Dataset.keywords.through, "dataset_themes": Dataset.themes.through}
    names = {f"{key}_table": connection.ops.quote_name(model._meta.db_table) for key, model in tables.items()}
    # Only table names, the flags' names and a constant are interpolated: the user's values are
    # bound parameters of the inner query.
    branches = [branch.format(**names, where=passing(but=facet), limit=KEYWORD_LIMIT)  # noqa: S608
                for facet, branch in BRANCHES.items()]
    sql = f"WITH m AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(branches)
    counted: dict[str, Counter] = {name: Counter() for name in FILTERS}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        for facet, value, n in cursor.fetchall():
            if facet == "total":
                total = n
            elif n:
                counted[facet][value] += n
    return total, counted


def _labelled(counted: dict[str, Counter]) -> dict[str, list[tuple[str, str, int]]]:
    names = {o.slug: o.name for o in Organization.objects.filter(slug__in=list(counted["organization"]))}
    kinds = dict(OrganizationKind.choices)
    licences = {lic.slug: lic.title for lic in Licence.objects.all()}
    themes = {t.slug: t.title for t in Theme.objects.all()}
    frequencies = dict(UpdateFrequency.choices)
    labels: dict[str, Callable[[str], Any]] = {
        "organization": names.get, "kind": lambda v: kinds.get(v, v), "licence": lambda v: licences.get(v, v),
        "frequency": lambda v: frequencies.get(v, v), "reference": lambda v: _("Données de référence"),
        "keyword": str, "theme": themes.get, "format": str,
    }
    return {name: [(value, str(labels[name](value)), n) for value, n in sorted(counter.items())]
            for name, counter in counted.items()}
