"""Query budgets of the list pages and endpoints."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_list_pages_have_a_constant_query_budget(client, django_assert_max_num_queries):
    from ouvert.core.demo import demo_load

    demo_load(only=["procurement"])
    for url, budget in (("/fr/acquisitions/", 12), ("/api/v1/procurement/calls", 8),
                        ("/fr/acquisitions/solutions/", 10), ("/ocds/releases.json", 12),
                        ("/ocds/records.json", 12), ("/api/v1/procurement/software", 4),
                        ("/fr/acquisitions/logiciels-libres/", 8)):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url
