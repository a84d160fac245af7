"""The catalogue's facet counts under facet filters only are cached, and never read stale after a
change commits: a publish, an unpublish, a resource's format, a reference badge, an organization's
kind (issue 18: the page with no query under 100 ms, counts current on write)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _counting(client, query: str = "") -> tuple[dict, int]:
    """The API's facets and total, and how many facet-counting queries answering took."""
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/api/v1/datasets?facets=true{query}").json()
    counted = sum("WITH m AS MATERIALIZED" in q["sql"] for q in queries.captured_queries)
    return answer, counted


def _count_of(answer: dict, facet: str, value: str) -> int:
    return next((item["count"] for item in answer["facets"][facet] if item["value"] == value), 0)


def test_counts_are_cached_and_current_after_every_change(client, publisher, make_dataset, make_org, make_user,
                                                          make_member):
    from ouvert.catalog import services
    from ouvert.core.models import Organization

    user, org = publisher
    first = make_dataset(user, org, title="Écoles primaires")
    answer, counted = _counting(client)
    assert counted == 0 and answer["count"] == 1  # the catalogue page: counts kept on write, nothing counted
    answer, counted = _counting(client, f"&organization={org.slug}")
    assert counted == 0 and answer["count"] == 1  # one filter: the pairs' counts kept on write
    two = f"&organization={org.slug}&frequency=irregular"
    answer, counted = _counting(client, two)
    assert counted == 1 and answer["count"] == 1  # two filters: counted from the facet rows
    answer, counted = _counting(client, two)
    assert counted == 0 and answer["count"] == 1  # the same filters, nothing changed: from the cache

    second = make_dataset(user, org, title="Écoles secondaires")  # a publish
    for query in ("", f"&organization={org.slug}", two):
        answer, _ = _counting(client, query)
        assert answer["count"] == 2 and _count_of(answer, "organization", org.slug) == 2

    services.resource_create(dataset=second, by=user, name="Liste", url="https://exemple.qc.ca/ecoles.geojson",
                             format="GeoJSON")
    for query in ("", f"&organization={org.slug}", two):
        answer, _ = _counting(client, query)
        assert _count_of(answer, "format", "GEOJSON") == 1

    services.dataset_unpublish(dataset=first, by=user)
    for query in ("", f"&organization={org.slug}", two):
        answer, _ = _counting(client, query)
        assert answer["count"] == 1

    Organization.objects.filter(pk=org.pk).update(kind="ministry")  # as an edit of the organization does
    org.refresh_from_db()
    org.save()  # its updated_at moves
    answer, counted = _counting(client)
    assert counted == 0 and _count_of(answer, "kind", "ministry") == 1  # the kind is read from the organization
    answer, counted = _counting(client, "&kind=ministry&format=GEOJSON")
    assert counted == 1 and answer["count"] == 1 and _count_of(answer, "kind", "ministry") == 1
    # another filter set is counted on its own, then cached too
    assert _counting(client, "&kind=ministry&format=GEOJSON")[1] == 0


def _text_searches(queries) -> int:
    """How many statements ran the full-text match (FTS5 ``MATCH`` or PostgreSQL ``@@``)."""
    return sum(" MATCH " in q["sql"] or " @@ " in q["sql"] for q in queries.captured_queries)


def test_text_searches_are_cached_and_current_after_every_change(client, publisher, make_dataset):
    from ouvert.catalog import services

    user, org = publisher
    primary = make_dataset(user, org, title="Écoles primaires")
    api = "/api/v1/datasets?q=écoles&facets=true"
    with CaptureQueriesContext(connection) as cold:
        answer = client.get(api).json()
    assert answer["count"] == 1 and [r["name"] for r in answer["results"]] == [primary.name]
    assert _text_searches(cold) >= 2  # the language check, the facets, the ranked page
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/api/v1/datasets?q=Ecoles&facets=true").json()  # the same stemmed terms
    assert again == answer and _text_searches(warm) == 0  # language, counts and page ids from the cache
    page = client.get("/fr/donnees/?q=écoles")
    assert "Écoles primaires" in page.content.decode()

    secondary = make_dataset(user, org, title="Écoles secondaires")  # a publish: found at once
    answer = client.get(api).json()
    assert answer["count"] == 2 and {r["name"] for r in answer["results"]} == {primary.name, secondary.name}
    assert _count_of(answer, "organization", org.slug) == 2
    assert "Écoles secondaires" in client.get("/fr/donnees/?q=écoles").content.decode()

    services.dataset_update(dataset=primary, by=user, title="Parcs et espaces verts",
                            notes="Les parcs du territoire.")
    answer = client.get(api).json()
    assert answer["count"] == 1 and [r["name"] for r in answer["results"]] == [secondary.name]
    assert "Parcs et espaces verts" not in client.get("/fr/donnees/?q=écoles").content.decode()
    parks = client.get("/api/v1/datasets?q=parcs&facets=true").json()
    assert [r["title"] for r in parks["results"]] == ["Parcs et espaces verts"]  # its new title, read afresh

    services.dataset_unpublish(dataset=secondary, by=user)
    answer = client.get(api).json()
    assert answer["count"] == 0 and answer["results"] == [] and _count_of(answer, "organization", org.slug) == 0
    assert "Écoles secondaires" not in client.get("/fr/donnees/?q=écoles").content.decode()


def test_the_catalogue_page_is_current_at_commit_without_a_recount(client, publisher, make_dataset,
                                                                     django_capture_on_commit_callbacks):
    """The catalogue page (no text, no filter) reads the counts its writes keep: nothing is queued on
    commit to recount it, and its first visitor counts nothing."""
    from ouvert.catalog import search, tasks

    user, org = publisher
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # one commit for both
        make_dataset(user, org, title="Écoles primaires")  # each: a create and a publish, two reindexes
        make_dataset(user, org, title="Écoles secondaires")
    assert not any("catalogue_page" in getattr(c, "__name__", "") for c in callbacks)
    answer, counted = _counting(client)
    assert counted == 0 and answer["count"] == 2 and _count_of(answer, "organization", org.slug) == 2

    version = search.catalogue_version()  # a task queued before this change still runs, counting nothing
    assert tasks.catalogue_page_warm.call(version=version - 1) is False
    assert tasks.catalogue_page_warm.call(version=version) is True
