"""Every facet count of the catalogue search, and the total, from the narrow facet rows.

A facet ignores its own filter: the count of "kind = ministry" is taken over the matching datasets
with every *other* filter applied, so that a visitor sees what ticking another value would give.

The counts come from :class:`~.models.DatasetFacet` (one row per dataset and facet value, written
with every change, see ``facet_rows``), never from the wide dataset table:

- **Neither text, rectangle nor filter** (the catalogue page): :class:`~.models.FacetCount`, the
  counts kept current by every write, read as they are (one small statement).
- **Otherwise, one statement.** A ``MATERIALIZED`` common table expression ``m`` holds, per dataset,
  one 0/1 flag per filter in use (``ok_kind``: it passes the kind filter; ``ok_keyword``: it has
  every selected keyword…), computed by one ``GROUP BY`` over the datasets' own facet rows. It
  holds the public datasets matching the text and the rectangle when there is one (the text's ids
  come from the full-text index), else only the datasets passing at least one filter: a dataset
  passing none counts for no facet, except for a facet whose filter is the only one in use, which
  counts over the whole catalogue and is then read from :class:`~.models.FacetCount`. ``m`` is then
  joined back to the facet rows once; each row adds to its facet's count the product of every flag
  but its facet's own, and the total is the sum of the product of every flag.

The filters' slugs are resolved to the stored values first (ids as the database writes them), so
the statement joins nothing else. Both backends run the same SQL.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import CharField, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ouvert.core.models import Organization, OrganizationKind

from .models import Dataset, DatasetFacet, FacetCount, FacetPair, Licence, Theme, UpdateFrequency

if TYPE_CHECKING:
    from .selectors import SearchParams

FILTERS = ["organization", "kind", "keyword", "theme", "format", "licence", "frequency", "reference"]
KEYWORD_LIMIT = 15
# The stored facet each filter reads (the kind is the organization's: its rows are the organization's).
ROW_FACET = {"organization": "organization", "kind": "organization", "keyword": "keyword", "theme": "theme",
             "format": "format", "licence": "licence", "frequency": "frequency", "reference": "reference"}
# Filters a dataset passes with any one of the values (the others: with every value selected).
ANY_OF = {"organization", "kind", "licence", "frequency", "reference"}


@dataclass
class FacetCounts:
    total: int
    # facet name → [(value, label, count)], zero counts left out
    counts: dict[str, list[tuple[str, str, int]]]
    # facet name → the values whose label is French whatever the reader's language (a keyword, an
    # organization without an English name): an English page marks them lang="fr"
    french: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Restriction:
    """The datasets a count is restricted to besides the filters: a subquery of ids each (the text's
    matches, the rectangle's datasets). Empty: the whole catalogue."""

    parts: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    empty: bool = False  # a rectangle no dataset's coverage meets

    @classmethod
    def of(cls, *, text: RawSQL | None = None, spatial: list[uuid.UUID] | None = None) -> Restriction:
        parts: list[tuple[str, tuple[Any, ...]]] = []
        if text is not None:
            parts.append((text.sql, tuple(text.params)))
        if spatial is not None:
            if not spatial:
                return cls(empty=True)
            sql, params = Dataset.objects.filter(pk__in=spatial).values("pk").query.sql_with_params()
            parts.append((sql, tuple(params)))
        return cls(tuple(parts))


def _text(qs: QuerySet[Any, Any]) -> list[str]:
    """The stored text of the ids ``qs`` selects (as the facet rows hold them)."""
    return list(qs.annotate(v=Cast("pk", CharField())).values_list("v", flat=True))


def filter_values(params: SearchParams) -> dict[str, tuple[list[str], int]]:
    """For each filter in use, the stored values it accepts and how many of them a dataset must
    have (1 for "any of"; every selected value for keywords, themes and formats; a value naming
    nothing that exists still counts as selected, so nothing passes)."""
    out: dict[str, tuple[list[str], int]] = {}
    organizations = Organization.objects.all()
    if params.organization:
        out["organization"] = (_text(organizations.filter(slug__in=params.organization)), 1)
    if params.kind:
        out["kind"] = (_text(organizations.filter(kind__in=params.kind)), 1)
    if params.keyword:
        out["keyword"] = (list(params.keyword), len(params.keyword))
    if params.theme:
        out["theme"] = (_text(Theme.objects.filter(slug__in=params.theme)), len(params.theme))
    if params.format:
        out["format"] = (list(params.format), len(params.format))
    if params.licence:
        out["licence"] = (_text(Licence.objects.filter(slug__in=params.licence)), 1)
    if params.frequency:
        out["frequency"] = (list(params.frequency), 1)
    if params.reference:
        out["reference"] = (["1"], 1)
    return out


def facet_counts(params: SearchParams, *, restriction: Restriction = Restriction()) -> FacetCounts:
    """Counts of every facet over the public datasets within ``restriction`` passing ``params``'s
    filters (each facet without its own)."""
    total, counted = _count(params, restriction)
    return _result(total, counted)


def cached_facet_counts(params: SearchParams, *, restriction: Restriction = Restriction(),
                        identity: str | None = None, text: object = None) -> FacetCounts:
    """:func:`facet_counts` within ``restriction`` (the public datasets matching the text ``text``:
    its language and stemmed terms, None: no text; no rectangle), from the shared cache when the
    same text and filters were counted since the catalogue last changed (see ``search_cache``;
    ``identity`` is :func:`search_cache.version_identity`, read once per request). The catalogue
    page (no text, no filter) is never cached: its counts are kept current on write. Labels are read
    afresh each time."""
    from . import search_cache

    if not restriction.parts and not restriction.empty and not filter_values(params):
        return facet_counts(params)
    filters = [(name, sorted(map(str, getattr(params, name) or []))) for name in FILTERS if name != "reference"]
    key = search_cache.key("facets", identity or search_cache.version_identity(), text, filters,
                           bool(params.reference))

    def compute() -> tuple[int, dict[str, dict[str, int]]]:
        total, counted = _count(params, restriction)
        return total, {name: dict(counter) for name, counter in counted.items()}

    total, raw = search_cache.remembered(key, compute)
    counters = {name: Counter(values) for name, values in raw.items()}
    return _result(total, counters)


def _kinds(organization_counts: Counter[str]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for pk, kind in Organization.objects.filter(pk__in=[uuid.UUID(v) for v in organization_counts]
                                                ).values_list("pk", "kind"):
        kinds[kind] += organization_counts.get(pk.hex, 0) + organization_counts.get(str(pk), 0)
    return kinds


def _global(names: set[str]) -> tuple[int, dict[str, Counter[str]]]:
    """The kept counts (:class:`FacetCount`) of the facets ``names``, and the total."""
    stored = {ROW_FACET[name] for name in names} | {"total"}
    counted: dict[str, Counter[str]] = {}
    total = 0
    for facet, value, n in FacetCount.objects.filter(facet__in=stored, n__gt=0).values_list("facet", "value", "n"):
        if facet == "total":
            total = n
        else:
            counted.setdefault(facet, Counter())[value] = n
    out = {name: Counter(counted.get(ROW_FACET[name], Counter())) for name in names if name != "kind"}
    if "kind" in names:
        out["kind"] = _kinds(counted.get("organization", Counter()))
    return total, out


def _count(params: SearchParams, restriction: Restriction) -> tuple[int, dict[str, Counter[str]]]:
    """(total, {facet: Counter(stored value → count)}), keywords trimmed to the most used."""
    filters = filter_values(params)
    counted: dict[str, Counter[str]] = {name: Counter() for name in FILTERS}
    if restriction.empty:
        return 0, counted
    # Without a restriction, a facet whose filter is the only one counts over the whole catalogue.
    kept = set() if restriction.parts else {name for name in FILTERS if not set(filters) - {name}}
    total = None
    if kept:
        kept_total, found = _global(kept)
        counted.update(found)
        if not filters:
            total = kept_total
    if total is None and not restriction.parts and len(filters) == 1:
        ((name, (values, needed)),) = filters.items()
        if name in ANY_OF or needed == 1:  # one value per dataset at most, or a single value asked
            total = _paired(name, values, counted)
    if total is None:
        total = _counted_rows(filters, restriction, set(FILTERS) - kept, counted)
    top = counted["keyword"].most_common()
    top.sort(key=lambda item: (-item[1], item[0]))
    counted["keyword"] = Counter(dict(top[:KEYWORD_LIMIT]))
    return total, counted


def _paired(name: str, values: list[str], counted: dict[str, Counter[str]]) -> int:
    """The counts of a page whose only filter is ``name`` (any of ``values``), from the counts kept
    on write: each other facet's from :class:`FacetPair` (summed over the values: a dataset has at
    most one of them), the total from :class:`FacetCount`. Fills every facet but ``name``'s own
    (already the catalogue's); returns the total."""
    row = ROW_FACET[name]
    chosen = Counter(dict(FacetCount.objects.filter(facet=row, value__in=values).values_list("value", "n")))
    by_row: dict[str, Counter[str]] = {}
    pairs = (FacetPair.objects.filter(facet=row, value__in=values, n__gt=0).values_list("other", "other_value")
             .annotate(total=Sum("n")).order_by())
    for other, value, n in pairs:
        by_row.setdefault(other, Counter())[value] = int(n)
    for other in FILTERS:
        if other == name:
            continue
        if ROW_FACET[other] == row:  # the kind under an organization filter, or the reverse
            counted[other] = _kinds(chosen) if other == "kind" else Counter(+chosen)
        elif other == "kind":
            counted[other] = _kinds(by_row.get("organization", Counter()))
        else:
            counted[other] = by_row.get(ROW_FACET[other], Counter())
    return sum(chosen.values())


def _in(values: list[str]) -> tuple[str, list[str]]:
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def _counted_rows(filters: dict[str, tuple[list[str], int]], restriction: Restriction, names: set[str],
                  counted: dict[str, Counter[str]]) -> int:
    """Count the facets ``names`` into ``counted`` in one statement; returns the total."""
    rows = connection.ops.quote_name(DatasetFacet._meta.db_table)
    flags: list[str] = []
    flag_params: list[Any] = []
    chosen: list[str] = []  # "a row of this filter" conditions, for the set without a restriction
    chosen_params: list[Any] = []
    for name, (values, needed) in filters.items():
        if not values:  # names nothing that exists: no dataset passes
            flags.append(f"0 AS ok_{name}")
            continue
        placeholders, bound = _in(values)
        row = f"(f.facet = %s AND f.value IN {placeholders})"
        if name in ANY_OF:
            flags.append(f"MAX(CASE WHEN {row} THEN 1 ELSE 0 END) AS ok_{name}")
            flag_params += [ROW_FACET[name], *bound]
        else:
            flags.append(f"CASE WHEN SUM(CASE WHEN {row} THEN 1 ELSE 0 END) >= %s THEN 1 ELSE 0 END AS ok_{name}")
            flag_params += [ROW_FACET[name], *bound, needed]
        chosen.append(row)
        chosen_params += [ROW_FACET[name], *bound]
    # PostgreSQL, given the few ids of a text match, would rather hash the whole facet table than probe
    # it by dataset; a LATERAL subquery kept apart by ``OFFSET 0`` makes it probe (SQLite probes by
    # itself, and has no LATERAL).
    lateral = connection.vendor == "postgresql" and bool(restriction.parts)
    where, where_params = ["f.public"], []
    source, source_params = f"{rows} f", []
    if restriction.parts:
        parts = list(restriction.parts)
        if lateral:
            first_sql, first_params = parts.pop(0)
            source = (f"({first_sql}) AS r(dataset_id) CROSS JOIN LATERAL "  # noqa: S608 — the index's own SQL
                      f"(SELECT g.dataset_id, g.facet, g.value, g.public FROM {rows} g "
                      "WHERE g.dataset_id = r.dataset_id OFFSET 0) f")
            source_params = list(first_params)
        for sql, params in parts:
            where.append(f"f.dataset_id IN ({sql})")
            where_params += list(params)
        # Every dataset has one organization row: it keeps the datasets that pass no filter.
        chosen, chosen_params = ["f.facet = %s", *chosen], ["organization", *chosen_params]
    if not chosen:  # filters naming nothing, without a restriction: nothing passes any of them
        return 0
    where.append("(" + " OR ".join(chosen) + ")")
    where_params += chosen_params
    flag_columns = "".join(", " + flag for flag in flags)
    # Flags and conditions hold constant facet names and placeholders only; every value is bound.
    inner = (f"SELECT f.dataset_id{flag_columns} FROM {source} "  # noqa: S608
             f"WHERE {' AND '.join(where)} GROUP BY f.dataset_id")
    back = (f"m CROSS JOIN LATERAL (SELECT g.facet, g.value FROM {rows} g "  # noqa: S608 — a table's name only
            "WHERE g.dataset_id = m.dataset_id OFFSET 0) f"
            if lateral else f"m JOIN {rows} f ON f.dataset_id = m.dataset_id")

    def passing(*, but: str | None = None) -> str:
        kept = [f"m.ok_{name}" for name in filters if name != but]
        return " * ".join(kept) if kept else "1"

    own = " ".join(f"WHEN '{ROW_FACET[name]}' THEN {passing(but=name)}" for name in sorted(names - {"kind"}))
    kind = passing(but="kind") if "kind" in names else "0"
    # Only the flags' names, constant facet names and the table's name are interpolated: every value
    # is bound.
    sql = (f"WITH m AS MATERIALIZED ({inner}) "  # noqa: S608
           f"SELECT f.facet, f.value, SUM(CASE f.facet {own} ELSE 0 END), "
           f"SUM(CASE WHEN f.facet = 'organization' THEN {kind} ELSE 0 END) "
           f"FROM {back} GROUP BY f.facet, f.value "
           f"UNION ALL SELECT 'total', '', COALESCE(SUM({passing()}), 0), 0 FROM m")
    total = 0
    by_row: dict[str, Counter[str]] = {}
    kinds_by_organization: Counter[str] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*flag_params, *source_params, *where_params])
        for facet, value, n, n_kind in cursor.fetchall():
            if facet == "total":
                total = int(n)
                continue
            if n:
                by_row.setdefault(facet, Counter())[value] = int(n)
            if n_kind:
                kinds_by_organization[value] = int(n_kind)
    for name in names - {"kind"}:
        counted[name] = by_row.get(ROW_FACET[name], Counter())
    if "kind" in names:
        counted["kind"] = _kinds(kinds_by_organization)
    return total


def _labelled(counted: dict[str, Counter]) -> dict[str, list[tuple[str, str, int]]]:
    """The counts by slug with their labels: organizations, licences and themes are stored by id."""
    organization_ids = [uuid.UUID(v) for v in counted["organization"]]
    organizations = {o.pk: o for o in Organization.objects.filter(pk__in=organization_ids)}
    licences = {str(lic.pk): lic for lic in Licence.objects.all()}
    themes = {str(t.pk): t for t in Theme.objects.all()}
    by_slug: dict[str, Counter[str]] = {name: Counter() for name in counted}
    for name, counter in counted.items():
        for value, n in counter.items():
            if name == "organization":
                found: Any = organizations.get(uuid.UUID(value))
            elif name == "licence":
                found = licences.get(value)
            elif name == "theme":
                found = themes.get(value)
            else:
                by_slug[name][value] += n
                continue
            if found is not None:  # gone since it was counted: left out
                by_slug[name][found.slug] += n
    names = {o.slug: o.name for o in organizations.values()}
    kinds = dict(OrganizationKind.choices)
    licence_titles = {lic.slug: lic.title for lic in licences.values()}
    theme_titles = {t.slug: t.title for t in themes.values()}
    frequencies = dict(UpdateFrequency.choices)
    labels: dict[str, Callable[[str], Any]] = {
        "organization": names.get, "kind": lambda v: kinds.get(v, v),
        "licence": lambda v: licence_titles.get(v, v), "frequency": lambda v: frequencies.get(v, v),
        "reference": lambda v: _("Données de référence"), "keyword": str, "theme": theme_titles.get, "format": str,
    }
    return {name: [(value, str(labels[name](value)), n) for value, n in sorted(counter.items())]
            for name, counter in by_slug.items()}


def _result(total: int, counted: dict[str, Counter]) -> FacetCounts:
    counts = _labelled(counted)
    return FacetCounts(total=total, counts=counts, french=_french(counts))


def _french(counts: dict[str, list[tuple[str, str, int]]]) -> dict[str, set[str]]:
    """The facet values labelled in French in every language: keywords (the catalogue's keywords are
    French; English ones are the datasets' ``keywords_en``) and organizations without an English name.
    Themes, licences, kinds and frequencies have English labels."""
    slugs = [value for value, _label, _n in counts.get("organization", [])]
    unnamed = Organization.objects.filter(slug__in=slugs, name_en="").values_list("slug", flat=True)
    return {"keyword": {value for value, _label, _n in counts.get("keyword", [])}, "organization": set(unnamed)}
