"""Reads for the catalogue: visible datasets, faceted search, history, activity, requests."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ouvert.core import permissions as core_permissions
from ouvert.core.models import Organization, User

from . import search, search_cache
from .facets import FacetCounts, Restriction, cached_facet_counts, facet_counts
from .models import (
    FREQUENCY_DAYS,
    Dataset,
    DatasetRequest,
    DatasetState,
    DatasetVersion,
    Resource,
    SearchDocument,
)

SORTS = {
    "relevance": _("Pertinence"),
    "newest": _("Plus récents"),
    "modified": _("Modifiés récemment"),
    "title": _("Titre (A à Z)"),
    "popular": _("Popularité"),
}
# The format facet travels as ``res_format`` in URLs: ``format=json`` asks for a page's JSON twin.
URL_KEYS = {"format": "res_format"}
FACETS = ["organization", "kind", "keyword", "theme", "format", "licence", "frequency", "reference"]
PAGE_SIZE = 20
# The spatial filter: a rectangle in decimal degrees (WGS 84), one parameter per side.
BBOX_KEYS = ["west", "south", "east", "north"]
BBox = tuple[float, float, float, float]


def bbox_from_querydict(data: Any) -> tuple[BBox | None, dict[str, str], dict[str, str]]:
    """The rectangle of ``west``, ``south``, ``east``, ``north`` (all four or none), the values as
    typed, and the errors by side (French msgids: the page explains them). A comma may be the
    decimal separator ("-73,6")."""
    def first(key: str) -> str:
        values = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
        if isinstance(values, str):
            values = [values]
        return (values[0] if values else "").strip()[:30]

    raw = {key: first(key) for key in BBOX_KEYS}
    if not any(raw.values()):
        return None, raw, {}
    errors: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for key in BBOX_KEYS:
        if not raw[key]:
            errors[key] = str(_("Donnez les quatre limites (ouest, sud, est, nord) ou aucune."))
            continue
        try:
            number = float(raw[key].replace(",", "."))
        except ValueError:
            errors[key] = str(_("« %(value)s » n'est pas un nombre (exemple : -73,6).") % {"value": raw[key]})
            continue
        limit = 180 if key in {"west", "east"} else 90
        if not -limit <= number <= limit:  # also rejects nan
            errors[key] = str(_("Une longitude va de -180 à 180.") if limit == 180 else
                              _("Une latitude va de -90 à 90."))
            continue
        numbers[key] = number
    if not errors and numbers["west"] > numbers["east"]:
        errors["east"] = str(_("L'est doit être supérieur ou égal à l'ouest."))
    if not errors and numbers["south"] > numbers["north"]:
        errors["north"] = str(_("Le nord doit être supérieur ou égal au sud."))
    if errors:
        return None, raw, errors
    return (numbers["west"], numbers["south"], numbers["east"], numbers["north"]), raw, {}


def public_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.filter(state=DatasetState.ACTIVE, private=False)


def visible_datasets(*, user: User | None) -> QuerySet[Dataset]:
    """Public datasets, plus drafts and private ones of the person's organizations (not the trash)."""
    qs = Dataset.objects.exclude(state=DatasetState.DELETED)
    if core_permissions.is_site_admin(user):
        return qs
    if user is not None and user.is_authenticated:
        return qs.filter(Q(state=DatasetState.ACTIVE, private=False) | Q(organization__memberships__user=user)
                         ).distinct()
    return qs.filter(state=DatasetState.ACTIVE, private=False)


@dataclass
class SearchParams:
    q: str = ""
    organization: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    keyword: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    format: list[str] = field(default_factory=list)
    licence: list[str] = field(default_factory=list)
    frequency: list[str] = field(default_factory=list)
    reference: bool = False
    bbox: BBox | None = None
    sort: str = ""
    page: int = 1

    @classmethod
    def from_querydict(cls, data: Any) -> SearchParams:
        def many(key: str) -> list[str]:
            values = data.getlist(key) if hasattr(data, "getlist") else data.get(key, [])
            if isinstance(values, str):
                values = [values]
            return sorted({v.strip()[:100] for v in values if v and v.strip()})[:20]

        def one(key: str) -> str:
            values = many(key)
            return values[0] if values else ""

        try:
            page = max(1, min(int(one("page") or 1), 10_000))
        except ValueError:
            page = 1
        sort = one("sort")
        raw_q = data.getlist("q") if hasattr(data, "getlist") else data.get("q", [])
        if isinstance(raw_q, str):
            raw_q = [raw_q]
        return cls(q=(raw_q[0] if raw_q else "").strip()[:200],
                   organization=many("organization"), kind=many("kind"), keyword=many("keyword"),
                   theme=many("theme"), format=[f.upper() for f in many("res_format")], licence=many("licence"),
                   frequency=many("frequency"), reference=one("reference") in {"1", "true", "on", "oui"},
                   bbox=bbox_from_querydict(data)[0], sort=sort if sort in SORTS else "", page=page)

    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q.strip() else "modified")

    def items(self, *, page: bool = False) -> list[tuple[str, str]]:
        """Stable, canonical (sorted) query-string pairs for URLs and saved searches."""
        pairs: list[tuple[str, str]] = []
        if self.q.strip():
            pairs.append(("q", self.q.strip()))
        for key in ["organization", "kind", "keyword", "theme", "format", "licence", "frequency"]:
            pairs.extend((URL_KEYS.get(key, key), value) for value in getattr(self, key))
        if self.reference:
            pairs.append(("reference", "1"))
        if self.bbox is not None:
            pairs.extend((key, f"{value:g}") for key, value in zip(BBOX_KEYS, self.bbox, strict=True))
        if self.sort:
            pairs.append(("sort", self.sort))
        if page and self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def querystring(self, **changes: Any) -> str:
        pairs = self.items()
        for key, value in changes.items():
            pairs = [(k, v) for k, v in pairs if k != key]
            if value:
                pairs.append((key, value))
        return urlencode(pairs)

    def toggle(self, key: str, value: str) -> str:
        """The query string with ``value`` added to or removed from facet ``key``."""
        pairs = self.items()
        key = URL_KEYS.get(key, key)
        if (key, value) in pairs:
            pairs.remove((key, value))
        else:
            pairs.append((key, value))
        return urlencode(sorted(pairs))


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool
    url_query: str
    french: bool = False  # the label is French in every language (lang="fr" on an English page)


@dataclass
class SearchResult:
    queryset: QuerySet[Dataset]
    params: SearchParams
    facets: dict[str, list[FacetItem]] = field(default_factory=dict)
    # Known without a COUNT when the facets were counted (their pass yields it); None otherwise.
    total: int | None = None
    # The language the query was matched in ("fr" or "en"), and whether it is not the request's:
    # the query found nothing in the request's language and the other one's results are shown.
    language: str = "fr"
    other_language: bool = False

    # The key of this search's cached page ids (see ``search_cache``), or None: not cached.
    cache_scope: str | None = None

    def count(self) -> int:
        return self.total if self.total is not None else self.queryset.count()

    def rows(self, *, offset: int, limit: int) -> list[Dataset]:
        """The datasets of ranks ``offset`` to ``offset + limit`` (with their organization and
        licence): ids from the cache when this page was ranked since the catalogue last changed,
        rows always read afresh."""
        if self.cache_scope is None:
            return list(self.queryset[offset:offset + limit])
        page_key = f"{self.cache_scope}:{offset}:{limit}"
        ids = search_cache.cache.get(page_key)
        if ids is None:
            rows = list(self.queryset[offset:offset + limit])
            search_cache.cache.set(page_key, [row.pk for row in rows], search_cache.SECONDS)
            return rows
        found = Dataset.objects.select_related("organization", "licence").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def _filtered(params: SearchParams, base: QuerySet[Dataset], skip: str | None = None) -> QuerySet[Dataset]:
    qs = base
    if params.organization and skip != "organization":
        qs = qs.filter(organization__slug__in=params.organization)
    if params.kind and skip != "kind":
        qs = qs.filter(organization__kind__in=params.kind)
    for name in params.keyword if skip != "keyword" else []:
        qs = qs.filter(keywords__name=name)
    for slug in params.theme if skip != "theme" else []:
        qs = qs.filter(themes__slug=slug)
    for fmt in params.format if skip != "format" else []:
        qs = qs.filter(resources__format=fmt)
    if params.licence and skip != "licence":
        qs = qs.filter(licence__slug__in=params.licence)
    if params.frequency and skip != "frequency":
        qs = qs.filter(update_frequency__in=params.frequency)
    if params.reference and skip != "reference":
        qs = qs.filter(is_reference=True)
    return qs.distinct() if (params.keyword or params.theme or params.format) else qs


def _ordered(qs: QuerySet[Dataset], sort: str, has_query: bool) -> QuerySet[Dataset]:
    if sort == "relevance" and has_query:
        return qs.order_by(F("search_rank").desc(), "-updated_at", "pk")  # an annotation of the search
    return {
        "newest": qs.order_by("-first_published_at", "-created_at", "pk"),
        "title": qs.order_by("title", "pk"),
        "popular": qs.order_by("-download_count", "-view_count", "title", "pk"),
    }.get(sort, qs.order_by("-updated_at", "pk"))


def _spatial(bbox: BBox | None) -> list[uuid.UUID] | None:
    """The datasets whose coverage meets ``bbox`` (the geo app's selector), or None: no filter
    (no rectangle, or the geo app not installed)."""
    from django.apps import apps

    if bbox is None or not apps.is_installed("ouvert.geo"):
        return None
    from ouvert.geo.bbox import BBox as GeoBBox
    from ouvert.geo.selectors import datasets_intersecting

    return datasets_intersecting(GeoBBox(*bbox))


def _text_scope(params: SearchParams, language: str) -> object:
    """What the text query means to the index (its language and stemmed terms), for cache keys:
    "Écoles" and "ecoles" share their entries; None for a page without text."""
    parsed = search.parse(params.q, language=language)
    return (parsed.language, parsed.stemmed()) if parsed else None


def search_datasets(*, params: SearchParams, user: User | None = None, facets: bool = False) -> SearchResult:
    """Public datasets matching ``params``, sorted, with facet counts when asked.

    Without a rectangle the answer is the same for every reader: the language the query is matched
    in, the facet counts and the ids of each page come from the shared cache of the catalogue's
    current version (see ``search_cache``) once computed."""
    spatial = _spatial(params.bbox)
    public = public_datasets() if spatial is None else public_datasets().filter(pk__in=spatial)
    identity = search_cache.version_identity() if spatial is None else None
    language = search.query_language()
    has_query = bool(search.parse(params.q, language=language))
    filters = [(key, value) for key, value in params.items(page=False) if key != "q"]  # the text: _text_scope

    def choose_language() -> tuple[str, bool]:
        if has_query and not _filtered(params, search.apply(public, params.q, language=language)).exists():
            # Nothing in the request's language: the other language's results, said so on the page.
            other = search.other_language(language)
            if (bool(search.parse(params.q, language=other))
                    and _filtered(params, search.apply(public, params.q, language=other)).exists()):
                return other, True
        return language, False

    if has_query and identity is not None:
        language, switched = search_cache.remembered(
            search_cache.key("language", identity, language, _text_scope(params, language), filters), choose_language)
    else:
        language, switched = choose_language()
    matching = search.apply(public, params.q, language=language)
    sort = params.effective_sort()
    qs = _ordered(_filtered(params, matching), sort, has_query)
    result = SearchResult(queryset=qs.select_related("organization", "licence"), params=params,
                          language=language, other_language=switched)
    text = _text_scope(params, language)
    if identity is not None and sort != "popular":  # view and download counters move without a new version
        result.cache_scope = search_cache.key("search", identity, text, filters, sort)
    if facets:
        restriction = Restriction.of(text=search.matching_ids(params.q, language=language), spatial=spatial)
        if identity is not None:  # the same counts for every reader
            counted = cached_facet_counts(params, restriction=restriction, identity=identity, text=text)
        else:
            counted = facet_counts(params, restriction=restriction)
        result.facets = _facets(params, counted.counts, counted.french)
        result.total = counted.total
    return result


def catalogue_page_counts() -> FacetCounts:
    """The facet counts of the catalogue page with neither text nor filter: the counts every write
    keeps current (``facet_rows``), read as they are."""
    return facet_counts(SearchParams())


def search_suggestions(*, params: SearchParams, limit: int = 3) -> list[str]:
    """Queries spelled close to ``params.q`` made of words found in public datasets' titles and
    keywords (both languages), for a search that found nothing."""
    if not params.q.strip():
        return []
    from django.core.cache import cache

    # The words of public titles and keywords, cached five minutes: a new dataset's words join soon.
    words = cache.get("catalog:search-vocabulary")
    if words is None:
        docs = SearchDocument.objects.filter(dataset__in=public_datasets()).values_list(
            "title", "keywords", "title_en", "keywords_en")[:5000]
        words = sorted({word for row in docs for text in row for word in text.split()})
        cache.set("catalog:search-vocabulary", words, 300)
    return search.spelling_suggestions(params.q, words, limit=limit)


def _facets(params: SearchParams, counts: dict[str, list[tuple[str, str, int]]],
            french: dict[str, set[str]]) -> dict[str, list[FacetItem]]:
    result = {}
    for name in FACETS:
        selected = {"1"} if name == "reference" and params.reference else set(
            getattr(params, name) if name != "reference" else [])
        items = [
            FacetItem(value=value, label=label, count=n, selected=value in selected,
                      url_query=params.toggle(name, value), french=value in french.get(name, ()))
            for value, label, n in counts[name]
        ]
        items.sort(key=lambda item: (not item.selected, -item.count, item.label.lower()))
        result[name] = items[:15]
    return result


def dataset_get(*, name: str, user: User | None) -> Dataset | None:
    dataset = (Dataset.objects.select_related("organization", "licence")
               .prefetch_related("keywords", "themes").filter(name=name).first())
    return dataset


def dataset_resources(*, dataset: Dataset) -> QuerySet[Resource]:
    return dataset.resources.order_by("position", "created_at")


def dataset_versions(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("actor").order_by("-number")


def _in_field_order(keys: Iterable[str]) -> list[str]:
    """Snapshot keys in the order of the dataset's fields, whatever the database kept them in
    (PostgreSQL's jsonb sorts an object's keys by length); keys that are no fields come last."""
    order = {f.name: i for i, f in enumerate(Dataset._meta.get_fields())}
    return sorted(dict.fromkeys(keys), key=lambda k: (order.get(k, len(order)), k))


def version_diff(*, older: DatasetVersion, newer: DatasetVersion) -> list[tuple[str, Any, Any]]:
    """``[(field, old, new)]`` for every field that differs between two versions."""
    keys = _in_field_order(list(older.snapshot) + list(newer.snapshot))
    return [(k, older.snapshot.get(k), newer.snapshot.get(k)) for k in keys
            if older.snapshot.get(k) != newer.snapshot.get(k)]


def version_field_label(key: str) -> str:
    """What a person calls a field of a version's snapshot ("titre", "ressources"), not its code."""
    if key == "resources":
        return str(Resource._meta.verbose_name_plural)
    try:
        return str(getattr(Dataset._meta.get_field(key), "verbose_name", key))
    except Exception:  # noqa: BLE001 — a key of an older snapshot that is no longer a field
        return key


def version_value_display(key: str, value: Any) -> str:
    """A snapshot value as text: a state or a frequency by its label, a list of resources by their
    names, yes or no, never a Python list or ``None``."""
    if value is None or value in ("", [], {}):
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if key in ("state", "update_frequency", "language"):
        choices = dict(getattr(Dataset._meta.get_field(key), "flatchoices", ()))
        return str(choices.get(value, value))
    if isinstance(value, list):
        return ", ".join(
            str(item.get("name") or item.get("key") or item.get("url") or "") if isinstance(item, dict) else str(item)
            for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    return str(value)


# Snapshot keys whose values are not French text people wrote (labels, codes, the English metadata).
_NOT_FRENCH_CONTENT = {"state", "update_frequency", "language", "private", "title_en", "notes_en", "keywords_en",
                       "organization", "licence", "licence_alias", "themes", "name", "contact_email", "source_url",
                       "temporal_start", "temporal_end"}


@dataclass(frozen=True)
class VersionChange:
    label: str
    old: str
    new: str
    french: bool  # values written in French by the publisher (lang="fr" on English pages)


def version_diff_display(*, older: DatasetVersion, newer: DatasetVersion) -> list[VersionChange]:
    """:func:`version_diff` as the history page shows it: field names and values people read."""
    return [VersionChange(label=version_field_label(k), old=version_value_display(k, a),
                          new=version_value_display(k, b), french=k not in _NOT_FRENCH_CONTENT)
            for k, a, b in version_diff(older=older, newer=newer)]


def version_changed_fields(version: DatasetVersion) -> str:
    """The fields a version changed, by their names ("titre, description, ressources")."""
    return ", ".join(version_field_label(k) for k in _in_field_order(version.changes or {}))


def activity(*, dataset: Dataset | None = None, organization: Organization | None = None,
             user: User | None = None, public_only: bool = False, limit: int = 50) -> QuerySet[DatasetVersion]:
    """The activity stream (dataset versions) of a dataset, an organization or a person."""
    qs = DatasetVersion.objects.select_related("dataset", "actor").exclude(dataset__state=DatasetState.DELETED)
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if organization is not None:
        qs = qs.filter(dataset__organization=organization)
    if user is not None:
        qs = qs.filter(actor=user)
    if public_only:
        qs = qs.filter(dataset__state=DatasetState.ACTIVE, dataset__private=False)
    return qs.order_by("-created_at", "-pk")[:limit]


def organization_datasets(*, organization: Organization, user: User | None) -> QuerySet[Dataset]:
    qs = organization.datasets.exclude(state=DatasetState.DELETED)
    if not core_permissions.is_member_of(user, organization):
        qs = qs.filter(state=DatasetState.ACTIVE, private=False)
    return qs.select_related("licence").order_by("-updated_at")


def trash(*, organization: Organization | None = None) -> QuerySet[Dataset]:
    qs = Dataset.objects.filter(state=DatasetState.DELETED).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.order_by("-deleted_at")


def is_late(dataset: Dataset, now: dt.datetime | None = None) -> bool:
    days = FREQUENCY_DAYS.get(dataset.update_frequency)
    if days is None or dataset.state != DatasetState.ACTIVE:
        return False
    last = dataset.data_modified_at or dataset.first_published_at or dataset.updated_at
    return (now or timezone.now()) - last > dt.timedelta(days=days)


def publication_calendar(*, organization: Organization) -> list[dict[str, Any]]:
    """Each public dataset with its expected next update, late ones first."""
    rows = []
    for dataset in public_datasets().filter(organization=organization):
        days = FREQUENCY_DAYS.get(dataset.update_frequency)
        last = dataset.data_modified_at or dataset.first_published_at or dataset.updated_at
        rows.append({"dataset": dataset, "last": last, "late": is_late(dataset),
                     "next": (last + dt.timedelta(days=days)) if days else None})
    rows.sort(key=lambda r: (not r["late"], r["next"] or dt.datetime.max.replace(tzinfo=dt.UTC)))
    return rows


def organization_stats(*, organization: Organization) -> dict[str, int]:
    qs = public_datasets().filter(organization=organization)
    views = sum(qs.values_list("view_count", flat=True))
    downloads = sum(qs.values_list("download_count", flat=True))
    return {"datasets": qs.count(), "views": views, "downloads": downloads,
            "requests": organization.dataset_requests.count()}


def requests_ranked(*, theme: str | None = None, organization: str | None = None,
                    status: str | None = None) -> QuerySet[DatasetRequest]:
    qs = DatasetRequest.objects.select_related("organization", "theme")
    if theme:
        qs = qs.filter(theme__slug=theme)
    if organization:
        qs = qs.filter(organization__slug=organization)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-vote_count", "-created_at", "pk")


# Quality and conformity -----------------------------------------------------------------------------


@dataclass
class ConformityRates:
    """For datasets published in a period: how many pass every F and M rule, and how many of their
    tabular resources (CSV, XLSX, XLS, JSON, TSV) are queryable through the datastore API."""

    start: dt.date
    end: dt.date
    datasets: int = 0
    conforming: int = 0
    tabular_resources: int = 0
    queryable_resources: int = 0
    # published but whose quality check is still queued: neither conforming nor not (left out of the rate)
    unchecked: int = 0

    @property
    def conformity_rate(self) -> float | None:
        return round(100 * self.conforming / self.datasets, 1) if self.datasets else None

    @property
    def queryable_rate(self) -> float | None:
        return round(100 * self.queryable_resources / self.tabular_resources, 1) if self.tabular_resources else None


def quality_period(*, start: dt.date | None = None, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period of the rates: ``end`` defaults to today, ``start`` to twelve months before ``end``."""
    end = end or timezone.localdate()
    start = start or (end - dt.timedelta(days=365) if end > dt.date.min + dt.timedelta(days=365) else dt.date.min)
    return (start, end) if start <= end else (end, start)


def _published_in(start: dt.date, end: dt.date) -> QuerySet[Dataset]:
    return public_datasets().filter(first_published_at__date__gte=start, first_published_at__date__lte=end)


def _queryable_ids() -> QuerySet[Any, Any] | list[Any]:
    from django.apps import apps

    if not apps.is_installed("ouvert.datastore"):
        return []
    from ouvert.datastore.models import DatastoreTable

    return DatastoreTable.objects.values("resource_id")


def conformity_by_organization(*, start: dt.date, end: dt.date,
                               organization: Organization | None = None) -> dict[Any, ConformityRates]:
    """``{organization_id: ConformityRates}`` for every organization with a dataset published in the period."""
    from ouvert.core.guidelines import TABULAR_FORMATS

    datasets = _published_in(start, end)
    if organization is not None:
        datasets = datasets.filter(organization=organization)
    out: dict[Any, ConformityRates] = {}
    checked = Q(quality_checked_at__isnull=False)
    for org_id, total, conforming, unchecked in (
            datasets.order_by().values_list("organization_id")
            .annotate(n=Count("pk", filter=checked), c=Count("pk", filter=checked & Q(conforms=True)),
                      u=Count("pk", filter=~checked))):
        out[org_id] = ConformityRates(start=start, end=end, datasets=total, conforming=conforming,
                                      unchecked=unchecked)
    tabular = Resource.objects.filter(dataset__in=datasets.values("pk"), format__in=TABULAR_FORMATS,
                                      is_documentation=False)  # a page or document about the data is not data
    for org_id, total, queryable in (tabular.order_by().values_list("dataset__organization_id")
                                     .annotate(n=Count("pk"), q=Count("pk", filter=Q(pk__in=_queryable_ids())))):
        rates = out.setdefault(org_id, ConformityRates(start=start, end=end))
        rates.tabular_resources, rates.queryable_resources = total, queryable
    return out


def conformity_rates(*, start: dt.date, end: dt.date, organization: Organization | None = None) -> ConformityRates:
    """The rates of one organization, or of the whole portal."""
    total = ConformityRates(start=start, end=end)
    for rates in conformity_by_organization(start=start, end=end, organization=organization).values():
        total.datasets += rates.datasets
        total.conforming += rates.conforming
        total.tabular_resources += rates.tabular_resources
        total.queryable_resources += rates.queryable_resources
        total.unchecked += rates.unchecked
    return total


def conformity_table(*, start: dt.date, end: dt.date) -> list[tuple[Organization, ConformityRates]]:
    """Each organization with its rates, by name."""
    by_org = conformity_by_organization(start=start, end=end)
    organizations = Organization.objects.filter(pk__in=list(by_org)).order_by("name_fr")
    return [(org, by_org[org.pk]) for org in organizations]


def quality_summary(*, dataset: Dataset, language: str) -> dict[str, Any]:
    """The stored report in one language, for the dataset page: failed and warned findings (with
    where and how to fix), the reference-data criteria and the reason for the stars."""
    from ouvert.core.guidelines import render_finding, render_text, rule_title

    report = dataset.quality_report or {}
    out = []
    with translation.override("en" if language.startswith("en") else "fr"):
        for item in report.get("findings", []):
            shown = render_finding(item)
            where = shown["where"]
            columns = where.get("columns") or ([where["column"]] if where.get("column") else [])
            out.append({"rule": shown["rule"], "title": rule_title(shown["rule"]), "status": shown["status"],
                        "message": shown["message"], "fix": shown["fix"], "resource": where.get("resource_name", ""),
                        "sheet": where.get("sheet", ""), "columns": columns, "rows": where.get("rows", [])})
        criteria = [{"ok": c["ok"], "label": render_text(c["label"])}
                    for c in report.get("reference", {}).get("criteria", [])]
        stars_reason = render_text(report.get("stars_reason"))
    return {"checked": bool(report), "findings": out, "criteria": criteria,
            "stars_reason": stars_reason,
            "failed_rules": report.get("failed_rules", []), "warning_rules": report.get("warning_rules", [])}


def home_lists(*, limit: int = 5) -> list[tuple[str, Any, list[Any]]]:
    """The home page's lists of public datasets: recently published, and most used (downloads,
    then views). Two queries; the cards link to the datasets' pages."""
    from ouvert.core.sections import HomeItem

    public = public_datasets().select_related("organization")

    def items(qs: QuerySet[Dataset]) -> list[HomeItem]:
        return [HomeItem(title=d.title_local, url=d.get_absolute_url(), meta=str(d.organization.name),
                         title_en=d.title_en, meta_en=d.organization.name_en) for d in qs[:limit]]

    return [
        ("recent", _("Publiés récemment"), items(public.order_by(F("first_published_at").desc(nulls_last=True),
                                                                  "-created_at", "pk"))),
        ("popular", _("Les plus consultés"), items(public.order_by("-download_count", "-view_count", "title", "pk"))),
    ]


# The publisher's view of a dataset: loads and a current quality report -----------------------------


@dataclass(frozen=True)
class ResourceLoad:
    """Where a resource's processing stands: ``state`` is queued, loading, loaded, failed or
    cancelled (a datastore load), mapped (a map layer only) or none (nothing to load)."""

    resource: Resource
    state: str
    percentage: float = 0.0
    rows: int = 0
    error: str = ""
    errors: int = 0


JOB_STATES = {"pending": "queued", "running": "loading", "succeeded": "loaded", "failed": "failed",
              "cancelled": "cancelled"}


def resource_loads(*, resources: list[Resource]) -> list[ResourceLoad]:
    """The latest load of each resource (two queries whatever their number)."""
    from django.apps import apps

    ids = [r.pk for r in resources]
    jobs: dict[uuid.UUID, Any] = {}
    mapped: set[uuid.UUID] = set()
    if ids and apps.is_installed("ouvert.datastore"):
        from ouvert.datastore.selectors import latest_jobs

        jobs = latest_jobs(ids)
    if ids and apps.is_installed("ouvert.geo"):
        from ouvert.geo.models import GeoLayer

        mapped = set(GeoLayer.objects.filter(resource_id__in=ids).values_list("resource_id", flat=True))
    out = []
    for resource in resources:
        job = jobs.get(resource.pk)
        if job is None:
            out.append(ResourceLoad(resource=resource, state="mapped" if resource.pk in mapped else "none"))
            continue
        from ouvert.datastore.report import job_messages

        shown = job_messages(job.report, job.error) if job.status in ("failed", "cancelled") else None
        out.append(ResourceLoad(resource=resource, state=JOB_STATES.get(job.status, job.status),
                                percentage=job.percentage, rows=job.rows_done,
                                error=str(shown["error"]) if shown else "",
                                errors=len(shown["errors"]) if shown else 0))
    return out


def quality_is_stale(*, dataset: Dataset, resources: list[Resource], loads: list[ResourceLoad]) -> bool:
    """Whether the stored quality report predates the dataset's last change (a resource added or
    edited, a table loaded) or a load is still running."""
    if any(load.state in ("queued", "loading") for load in loads):
        return True
    checked = dataset.quality_checked_at
    if checked is None:
        return True
    moments = [dataset.updated_at, dataset.data_modified_at, *(r.last_modified for r in resources)]
    from django.apps import apps

    if resources and apps.is_installed("ouvert.datastore"):
        from django.db.models import Max

        from ouvert.datastore.models import DatastoreTable

        moments.append(DatastoreTable.objects.filter(resource_id__in=[r.pk for r in resources])
                       .aggregate(latest=Max("modified_at"))["latest"])
    return any(moment is not None and moment > checked for moment in moments)


def dataset_quality_current(*, dataset: Dataset) -> Dataset:
    """The dataset with its quality fields computed now, in memory (the background task stores
    them): the page shows this while :func:`quality_is_stale`."""
    from .quality import dataset_report

    report = dataset_report(dataset)
    dataset.quality_report = report
    dataset.quality_score = report["score"]
    dataset.openness_stars = report["stars"]
    dataset.conforms = report["conforms"]
    dataset.quality_checked_at = dt.datetime.fromisoformat(report["checked_at"])
    return dataset


def my_datasets(*, user: User) -> QuerySet[Dataset]:
    """The datasets of the person's organizations that the access model lets them read (drafts and
    private ones included, not the trash): drafts first, then the latest changed."""
    from django.db.models import Case, IntegerField, Value, When

    from ouvert.core import access

    return (Dataset.objects.filter(organization_id__in=access.member_organization_ids(user),
                                   pk__in=access.readable_keys(user, "dataset"))
            .exclude(state=DatasetState.DELETED).select_related("organization")
            .annotate(draft_first=Case(When(state=DatasetState.DRAFT, then=Value(0)), default=Value(1),
                                       output_field=IntegerField()))
            .order_by("draft_first", "-updated_at", "title"))
