"""Facet counts of the catalogue search in four queries, with the total as a by-product.

A facet ignores its own filter: the count of "kind = ministry" is taken over the matching datasets
with every *other* filter applied, so that a visitor sees what ticking another value would give.
Done naively that is one aggregate per facet over the matching set (eight, plus a ``COUNT``).

Here the single-valued facets (organization, kind, licence, frequency, reference) come from **one**
``GROUP BY organization_id, licence_id, update_frequency, is_reference`` over the matching datasets,
with one boolean per many-to-many filter in use (has every selected keyword / theme / format).
That gives a few hundred or thousand groups, not 100,000 rows; Python then adds up, for each facet,
the groups that pass every filter but its own, and the total from the groups that pass them all.
Each many-to-many facet (keyword, theme, format) stays one aggregate over the matching ids with
the other filters applied. Both backends run the same SQL.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, OrganizationKind

from .models import Dataset, Keyword, Licence, Resource, Theme, UpdateFrequency

if TYPE_CHECKING:
    from .selectors import SearchParams

SINGLE = ["organization", "kind", "licence", "frequency", "reference"]
MANY = ["keyword", "theme", "format"]
KEYWORD_LIMIT = 15


@dataclass
class FacetCounts:
    total: int
    # facet name → [(value, label, count)], zero counts left out
    counts: dict[str, list[tuple[str, str, int]]]


def many_to_many_filters(params: SearchParams) -> dict[str, Q]:
    """For each many-to-many facet with a filter, the condition "has every selected value"."""
    through_keywords = Dataset.keywords.through.objects
    through_themes = Dataset.themes.through.objects
    subqueries = {
        "keyword": [through_keywords.filter(keyword__name=v).values("dataset_id") for v in params.keyword],
        "theme": [through_themes.filter(theme__slug=v).values("dataset_id") for v in params.theme],
        "format": [Resource.objects.filter(format=v).values("dataset_id") for v in params.format],
    }
    return {name: reduce(operator.and_, (Q(pk__in=sub) for sub in subs))
            for name, subs in subqueries.items() if subs}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def facet_counts(params: SearchParams, matching: QuerySet[Dataset],
                 filtered: Any) -> FacetCounts:
    """Counts of every facet over ``matching`` (the public datasets matching the text query).

    ``filtered(params, queryset, skip=name)`` applies every filter but ``name``'s (selectors._filtered).
    """
    many = many_to_many_filters(params)
    flags = {f"has_{name}": _flag(condition) for name, condition in many.items()}
    groups = list(matching.order_by().annotate(**flags)
                  .values_list("organization_id", "licence_id", "update_frequency", "is_reference", *flags)
                  .annotate(n=Count("pk")))
    organizations = {o.pk: o for o in Organization.objects.filter(pk__in={g[0] for g in groups})}
    licences = {lic.pk: lic for lic in Licence.objects.all()}

    single: dict[str, Counter] = {name: Counter() for name in SINGLE}
    total = 0
    for org_id, licence_id, frequency, is_reference, *has, n in groups:
        org = organizations[org_id]
        values = {"organization": org.slug, "kind": org.kind, "licence": licences[licence_id].slug,
                  "frequency": frequency}
        passes = {
            "organization": not params.organization or values["organization"] in params.organization,
            "kind": not params.kind or values["kind"] in params.kind,
            "licence": not params.licence or values["licence"] in params.licence,
            "frequency": not params.frequency or frequency in params.frequency,
            "reference": not params.reference or is_reference,
            **dict(zip(many, has, strict=True)),
        }
        failed = [name for name, ok in passes.items() if not ok]
        if not failed:
            total += n
        if len(failed) > 1:
            continue
        for name in failed or SINGLE:
            # This group counts for facet ``name`` when every other filter passes.
            if name == "reference":
                if is_reference:
                    single["reference"]["1"] += n
            elif name in values:
                single[name][values[name]] += n

    counts = _labelled(single, organizations, licences)
    for name in MANY:
        counts[name] = _many_counts(name, filtered(params, matching, skip=name).values("pk"))
    return FacetCounts(total=total, counts=counts)


def _labelled(single: dict[str, Counter], organizations: dict, licences: dict) -> dict[str, list]:
    names = {o.slug: o.name for o in organizations.values()}
    kinds = dict(OrganizationKind.choices)
    titles = {lic.slug: lic.title for lic in licences.values()}
    frequencies = dict(UpdateFrequency.choices)
    labels = {"organization": names.get, "kind": lambda v: str(kinds.get(v, v)), "licence": titles.get,
              "frequency": lambda v: str(frequencies.get(v, v)), "reference": lambda v: _("Données de référence")}
    return {name: [(value, str(labels[name](value)), n) for value, n in sorted(counter.items()) if n]
            for name, counter in single.items()}


def _many_counts(name: str, ids: QuerySet) -> list[tuple[str, str, int]]:
    if name == "keyword":
        rows = (Keyword.objects.filter(datasets__in=ids).values_list("name").annotate(n=Count("datasets"))
                .order_by("-n", "name")[:KEYWORD_LIMIT])
        return [(kw, kw, n) for kw, n in rows]
    if name == "theme":
        themes = {t.slug: t.title for t in Theme.objects.all()}
        rows = Theme.objects.filter(datasets__in=ids).values_list("slug").annotate(n=Count("datasets"))
        return [(slug, themes[slug], n) for slug, n in sorted(rows)]
    if name == "format":
        rows = (Resource.objects.filter(dataset__in=ids).exclude(format="").values_list("format")
                .annotate(n=Count("dataset", distinct=True)))
        return [(fmt, fmt, n) for fmt, n in sorted(rows)]
    raise ValueError(name)
