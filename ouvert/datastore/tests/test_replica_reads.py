"""Datastore queries and catalogue search on the read replica (``DATABASE_REPLICA_URL``), and a person's
reads back on the primary right after their own write. The test settings declare a second alias,
``replica``, on the same database (a real replica is not available): which connection ran each query
tells where it was routed."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
CSV = "ville,montant\nQuébec,10.5\nLévis,3\n"


def _table_reads(queries, table: str) -> int:
    return sum(table in query["sql"] for query in queries)


def test_searches_read_the_replica_and_ones_own_writes_stay_on_the_primary(client, ingest, write_file, settings,
                                                                          publisher):
    from ouvert.datastore.models import DatastoreTable

    job = ingest(write_file("v.csv", CSV))
    table = DatastoreTable.objects.get(resource_id=job.resource_id).table_name
    settings.REPLICA_READS = True

    def search() -> tuple[int, int, int]:
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica"]) as replica:
            body = client.get(f"/api/v1/datastore/{job.resource_id}/search?q=Lévis").json()
            assert body["total"] == 1, body
            catalogue = client.get("/api/v1/datasets?q=eau")
            assert catalogue.status_code == 200
        return (_table_reads(primary.captured_queries, table), _table_reads(replica.captured_queries, table),
                _table_reads(replica.captured_queries, "catalog_dataset"))

    on_primary, on_replica, catalogue_on_replica = search()
    assert on_replica > 0 and on_primary == 0 and catalogue_on_replica > 0  # rows and matches: the replica
    user, _org = publisher
    client.force_login(user)
    client.post("/fr/compte/deconnexion-impossible/")  # any write request (here a 404) pins its author
    on_primary, on_replica, catalogue_on_replica = search()
    assert on_primary > 0 and on_replica == 0 and catalogue_on_replica == 0  # within REPLICA_LAG_SECONDS: the primary
    settings.REPLICA_READS = False
    from ouvert.datastore import selectors

    selectors.PAGES.clear()  # the primary answered this same search just above: its page and count are
    selectors.COUNTS.clear()  # remembered per process (and connection); forget them to see where it reads
    on_primary, on_replica, _ = search()
    assert on_primary > 0 and on_replica == 0  # no replica configured: everything on the primary
