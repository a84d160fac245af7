"""``package_search``'s ``facet.field`` counts, every requested field in one SQL statement.

CKAN's facets count over the datasets found *with every filter applied*, their own included (unlike
the catalogue page's, which ignore their own filter). So the found datasets are read once, in a
``MATERIALIZED`` common table expression holding the few columns the facets group by; each field is
then a ``GROUP BY`` over that set (joined to the organizations, licences, themes, keywords or
resources when it needs them), with CKAN's ``facet.mincount`` as a ``HAVING`` and ``facet.limit`` as
a ``LIMIT``, ordered by count then value; all of them travel back in one ``UNION ALL``. The set is
built by the ORM from the search's queryset (``pk__in``), so visibility and ``fq`` stay where they
are; only the aggregates are written here. Both backends run the same SQL.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet

from ouvert.catalog.models import Dataset, Keyword, Licence, Resource, Theme
from ouvert.core.models import Organization

# Field → (value expression, joins, count expression). ``m`` is the set of found datasets.
BRANCHES: dict[str, tuple[str, str, str]] = {
    "organization": ("o.slug", "JOIN {organization} o ON o.id = m.organization_id", "COUNT(*)"),
    "organization_kind": ("o.kind", "JOIN {organization} o ON o.id = m.organization_id", "COUNT(*)"),
    "license_id": ("l.slug", "JOIN {licence} l ON l.id = m.licence_id", "COUNT(*)"),
    "update_frequency": ("m.update_frequency", "", "COUNT(*)"),
    "is_reference": ("m.is_reference", "", "COUNT(*)"),
    "language": ("m.language", "", "COUNT(*)"),
    "groups": ("t.slug", "JOIN {dataset_themes} dt ON dt.dataset_id = m.id JOIN {theme} t ON t.id = dt.theme_id",
               "COUNT(DISTINCT m.id)"),
    "tags": ("k.name", "JOIN {dataset_keywords} dk ON dk.dataset_id = m.id JOIN {keyword} k ON k.id = dk.keyword_id",
             "COUNT(DISTINCT m.id)"),
    "res_format": ("r.format", "JOIN {resource} r ON r.dataset_id = m.id", "COUNT(DISTINCT m.id)"),
}
# The Python value of a field's raw database value (SQLite returns booleans as 0 and 1, PostgreSQL's
# text of one is "true" or "false").
_PYTHON = {"is_reference": lambda raw: str(raw).lower() in {"1", "true", "t"}}


def facet_rows(found: QuerySet[Dataset], fields: list[str], *, limit: int,
               mincount: int) -> dict[str, list[tuple[Any, int]]]:
    """For each of ``fields`` (keys of :data:`BRANCHES`), ``[(value, count)]`` over ``found``:
    values with at least ``mincount`` datasets (and at least one), by count then value, the first
    ``limit`` (all when negative). One statement for all of them."""
    result: dict[str, list[tuple[Any, int]]] = {name: [] for name in fields}
    if not fields:
        return result
    inner = (Dataset.objects.filter(pk__in=found.order_by().values("pk")).order_by()
             .values("id", "organization_id", "licence_id", "update_frequency", "is_reference", "language"))
    try:
        inner_sql, inner_params = inner.query.sql_with_params()
    except EmptyResultSet:
        return result
    tables: dict[str, type[models.Model]] = {
        "organization": Organization, "licence": Licence, "theme": Theme, "keyword": Keyword, "resource": Resource,
        "dataset_themes": Dataset.themes.through, "dataset_keywords": Dataset.keywords.through}
    names = {key: connection.ops.quote_name(model._meta.db_table) for key, model in tables.items()}
    branches, params = [], []
    for position, name in enumerate(fields):
        value, joins, count = BRANCHES[name]
        # Only constants are interpolated (the field's name is a key of BRANCHES, then table and column
        # names); mincount and limit are bound. Values travel as text: one column for every branch.
        branch = (f"SELECT * FROM (SELECT '{name}' AS field, CAST({value} AS TEXT) AS value, {count} AS n "  # noqa: S608
                  f"FROM m {joins.format(**names)} WHERE {value} IS NOT NULL GROUP BY {value} "
                  f"HAVING {count} >= %s ORDER BY n DESC, value" + (" LIMIT %s" if limit >= 0 else "")
                  + f") AS f{position}")
        branches.append(branch)
        params += [max(mincount, 1)] + ([limit] if limit >= 0 else [])
    sql = f"WITH m AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *params])
        for name, raw, n in cursor.fetchall():
            convert = _PYTHON.get(name)
            result[name].append((convert(raw) if convert else raw, n))
    return result
