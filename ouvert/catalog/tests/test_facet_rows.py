"""The facet rows and the counts kept on write (``facet_rows``): after every kind of change they equal
a recount from the datasets a visitor may read (the access model's answer), whichever path reads
them — the catalogue page, a page with one filter (the pairs' counts), a page with several (the rows'
statement) — and a full rebuild gives the same rows and counts (issue 18)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _values(dataset) -> dict[str, set[str]]:
    """The facet values of one dataset, by facet, as the pages name them (slugs)."""
    return {
        "organization": {dataset.organization.slug}, "kind": {dataset.organization.kind},
        "licence": {dataset.licence.slug}, "frequency": {dataset.update_frequency},
        "reference": {"1"} if dataset.is_reference else set(),
        "keyword": {k.name for k in dataset.keywords.all()}, "theme": {t.slug for t in dataset.themes.all()},
        "format": {r.format for r in dataset.resources.all() if r.format},
    }


def _recount(filters: dict[str, list[str]]) -> tuple[int, dict[str, Counter]]:
    """Every facet's counts under ``filters``, recounted in Python over the datasets somebody not
    signed in may read (``ouvert.core.access``)."""
    from ouvert.catalog.facets import ANY_OF, FILTERS
    from ouvert.catalog.models import Dataset
    from ouvert.core import access

    readable = Dataset.objects.filter(pk__in=access.readable_keys(None, "dataset")).select_related(
        "organization", "licence").prefetch_related("keywords", "themes", "resources")
    rows = [_values(d) for d in readable]

    def passes(values: dict[str, set[str]], name: str) -> bool:
        chosen = set(filters[name])
        return bool(values[name] & chosen) if name in ANY_OF else chosen <= values[name]

    counts: dict[str, Counter] = {name: Counter() for name in FILTERS}
    total = 0
    for values in rows:
        if all(passes(values, name) for name in filters):
            total += 1
        for facet in FILTERS:
            if all(passes(values, name) for name in filters if name != facet):
                counts[facet].update(values[facet])
    return total, counts


def _shown(filters: dict[str, list[str]]) -> tuple[int, dict[str, Counter]]:
    from ouvert.catalog.facets import facet_counts
    from ouvert.catalog.selectors import SearchParams

    params = SearchParams()
    for name, values in filters.items():
        setattr(params, name, True if name == "reference" else list(values))
    counted = facet_counts(params)
    return counted.total, {name: Counter({v: n for v, _label, n in items}) for name, items in counted.counts.items()}


def _check(filters_list: list[dict[str, list[str]]]) -> None:
    for filters in filters_list:
        assert _shown(filters) == _recount(filters), filters


def _stored() -> tuple[set, dict, dict]:
    from ouvert.catalog.models import DatasetFacet, FacetCount, FacetPair

    rows = set(DatasetFacet.objects.values_list("dataset_id", "facet", "value", "public"))
    counts = {(f, v): n for f, v, n in FacetCount.objects.filter(n__gt=0).values_list("facet", "value", "n")}
    pairs = {(f, v, g, w): n for f, v, g, w, n in
                 FacetPair.objects.filter(n__gt=0).values_list("facet", "value", "other", "other_value", "n")}
    return rows, counts, pairs


def test_counts_kept_on_write_equal_a_recount_after_every_change(publisher, site_admin, make_dataset, make_org,
                                                                 make_member):
    from ouvert.catalog import services
    from ouvert.catalog.facet_rows import facets_build
    from ouvert.catalog.models import Licence, Theme

    user, org = publisher
    admin = site_admin
    ministry = make_org(slug="ministere-test", kind="ministry")
    make_member(user, ministry, "editor")
    transport, health = Theme.objects.order_by("slug")[:2]
    other_licence = Licence.objects.exclude(is_default=True).first()
    cases = [{}, {"organization": [org.slug]}, {"kind": ["ministry"]}, {"keyword": ["velo"]},
             {"theme": [transport.slug]}, {"format": ["CSV"]}, {"frequency": ["monthly"]},
             {"keyword": ["velo", "pistes"]}, {"kind": ["municipality"], "format": ["CSV"]},
             {"organization": [org.slug], "kind": ["ministry"]}, {"licence": [other_licence.slug]}]

    bikes = make_dataset(user, org, title="Pistes cyclables", keywords=["velo", "pistes"], themes=[transport],
                         update_frequency="monthly")
    counts = make_dataset(user, ministry, title="Comptages de vélos", keywords=["velo"], themes=[transport, health])
    draft = make_dataset(user, org, title="Brouillon", keywords=["velo"], publish=False)
    _check(cases)

    services.resource_create(dataset=bikes, by=user, name="Tracé", url="https://exemple.qc.ca/pistes.csv",
                             format="CSV")
    resource = services.resource_create(dataset=counts, by=user, name="Comptes",
                                        url="https://exemple.qc.ca/comptes.json", format="JSON")
    _check(cases)
    services.dataset_update(dataset=counts, by=user, keywords=["velo", "comptages"], licence=other_licence,
                            update_frequency="monthly")  # an edit
    _check(cases)
    services.dataset_update(dataset=bikes, by=user, private=True)  # a visibility change
    _check(cases)
    services.dataset_update(dataset=bikes, by=user, private=False)
    services.resource_delete(resource=resource, by=user)
    _check(cases)
    services.dataset_publish(dataset=draft, by=user)  # a publish
    _check(cases)
    services.dataset_unpublish(dataset=counts, by=user)  # an unpublish
    _check(cases)
    services.dataset_delete(dataset=draft, by=user)  # to the trash
    _check(cases)
    services.dataset_restore(dataset=draft, by=admin)
    services.dataset_publish(dataset=draft, by=user)
    _check(cases)
    services.theme_delete(theme=health, by=admin)
    services.dataset_delete(dataset=draft, by=user)
    services.dataset_purge(dataset=draft, by=admin)  # deleted for good
    services.dataset_publish(dataset=counts, by=user)
    _check(cases)

    kept = _stored()
    facets_build()  # the bulk builder gives the same rows and counts as the writes did one by one
    assert _stored() == kept


def test_private_draft_and_deleted_datasets_are_never_counted_for_a_visitor(client, publisher, make_dataset):
    from ouvert.catalog import services
    from ouvert.catalog.models import Dataset, DatasetFacet
    from ouvert.core import access

    user, org = publisher
    make_dataset(user, org, title="Ouvert", keywords=["ouvert"])
    make_dataset(user, org, title="Brouillon", keywords=["brouillon"], publish=False)
    secret = make_dataset(user, org, title="Privé", keywords=["secret"])
    services.dataset_update(dataset=secret, by=user, private=True)
    trash = make_dataset(user, org, title="Corbeille", keywords=["corbeille"])
    services.dataset_delete(dataset=trash, by=user)

    for dataset in Dataset.objects.all():  # each row says what the access model says, now
        public = set(DatasetFacet.objects.filter(dataset=dataset).values_list("public", flat=True))
        assert public == ({access.may_read(None, "dataset", dataset.pk)} if dataset.state != "deleted" else set())
    client.force_login(user)  # even a member of the organization: the catalogue counts public datasets
    for query in ("", f"&organization={org.slug}", f"&organization={org.slug}&frequency=irregular",
                  "&keyword=secret", "&q=prive"):
        answer = client.get(f"/api/v1/datasets?facets=true{query}").json()
        keywords = {item["value"] for item in answer["facets"]["keyword"]}
        assert not keywords & {"brouillon", "secret", "corbeille"}, query
    assert client.get("/api/v1/datasets?facets=true").json()["count"] == 1
    assert client.get("/api/v1/datasets?facets=true&keyword=secret").json()["count"] == 0


def test_one_filter_pages_read_kept_counts_and_agree_with_the_rows_statement(publisher, make_dataset, make_org,
                                                                               make_member):
    """A page with one filter reads the pairs' counts (no counting statement); forced through the rows'
    statement, the same filter gives the same counts."""
    from ouvert.catalog import facets
    from ouvert.catalog.selectors import SearchParams

    user, org = publisher
    other = make_org(slug="autre-ministere", kind="ministry")
    make_member(user, other, "editor")
    for i in range(4):
        make_dataset(user, org if i % 2 else other, title=f"Jeu {i}", keywords=["commun", f"mot{i % 3}"],
                     update_frequency="monthly" if i % 3 else "yearly")
    for params in (SearchParams(kind=["ministry"]), SearchParams(keyword=["mot1"]),
                   SearchParams(organization=[org.slug]), SearchParams(frequency=["monthly", "yearly"])):
        with CaptureQueriesContext(connection) as queries:
            kept = facets._count(params, facets.Restriction())
        assert not any("WITH m AS MATERIALIZED" in q["sql"] for q in queries.captured_queries)
        counted = {name: Counter() for name in facets.FILTERS}
        (name,) = facets.filter_values(params)
        _total, globals_ = facets._global({name})
        counted.update(globals_)
        total = facets._counted_rows(facets.filter_values(params), facets.Restriction(),
                                     set(facets.FILTERS) - {name}, counted)
        assert kept == (total, counted), params


def test_list_endpoints_have_a_query_budget(client, publisher, make_dataset, django_assert_max_num_queries):
    user, org = publisher
    for i in range(3):
        make_dataset(user, org, title=f"Jeu {i}", keywords=[f"mot{i}"])
    pages = ["/api/v1/datasets?facets=true", f"/api/v1/datasets?facets=true&organization={org.slug}",
             f"/api/v1/datasets?facets=true&organization={org.slug}&keyword=mot1",
             "/api/v1/datasets?facets=true&q=jeu", "/fr/donnees/", f"/fr/donnees/?organization={org.slug}"]
    few = {}
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        few[page] = len(queries)
    for i in range(3, 15):
        make_dataset(user, org, title=f"Jeu {i}", keywords=[f"mot{i}"])
    for page in pages:  # a fixed number of statements, whatever the number of datasets
        with django_assert_max_num_queries(max(few[page], 1) + 1):
            client.get(page)
        assert few[page] <= 16, page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's index")
def test_fts5_rows_are_replaced_by_their_rowid(publisher, make_dataset):
    from ouvert.catalog import services
    from ouvert.catalog.models import SearchDocument

    user, org = publisher
    dataset = make_dataset(user, org, title="Écoles primaires")
    for title in ("Écoles secondaires", "Parcs"):
        services.dataset_update(dataset=dataset, by=user, title=title)
    rowid = SearchDocument.objects.get(dataset=dataset).fts_rowid
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, dataset_id FROM catalog_dataset_fts")
        assert cursor.fetchall() == [(rowid, dataset.pk.hex)]
        cursor.execute("SELECT COUNT(*) FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH 'parc'")
        assert cursor.fetchone() == (1,)


def test_a_dataset_has_each_facet_value_once_and_its_rows_are_found_by_its_id(publisher, make_dataset):
    """The (dataset, facet, value) uniqueness holds on both engines (SQLite has no covering index:
    migration 0013 gives it a plain one), and a dataset's rows are read through it, not by a walk of
    every dataset's rows."""
    from django.db import IntegrityError, transaction

    from ouvert.catalog.models import DatasetFacet

    user, org = publisher
    dataset = make_dataset(user, org)
    row = DatasetFacet.objects.filter(dataset=dataset, facet="organization").get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DatasetFacet.objects.create(dataset=dataset, facet=row.facet, value=row.value, public=not row.public)
    sql, params = DatasetFacet.objects.filter(dataset_id=dataset.pk).values_list("facet").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(step[-1]) for step in cursor.fetchall())
            assert "one_facet_value_sqlite" in plan, plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(line for (line,) in cursor.fetchall())
            assert "one_facet_value_covering" in plan, plan
