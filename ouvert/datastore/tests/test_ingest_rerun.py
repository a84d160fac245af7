"""A job whose worker died mid-load ("running", a half-filled new table left behind) is run again from
scratch when the task layer hands it to the next worker: the whole table, never the half one."""

import uuid

import pytest
from django.db import connection

from ouvert.api.ckan.datastore_wire import search as datastore_search
from ouvert.datastore import services
from ouvert.datastore.backends import get_backend
from ouvert.datastore.models import IngestJob

pytestmark = pytest.mark.django_db


def test_a_job_left_running_by_a_dead_worker_is_loaded_whole_on_the_next_delivery(publisher, write_file,
                                                                                   catalogue_resource):
    user, org = publisher
    resource_id = uuid.uuid4()
    catalogue_resource(resource_id, org)  # a resource of a published public dataset
    rows = "".join(f"{i},arbre-{i}\n" for i in range(1, 1001))
    path = write_file("arbres.csv", "id,nom\n" + rows)
    job = services.datastore_ingest_schedule(resource_id=resource_id, source_path=str(path),
                                             original_name="arbres.csv", organization=org, by=user)
    # what a SIGKILLed worker leaves: the job "running" in its load phase, a new table half filled
    IngestJob.objects.filter(pk=job.pk).update(status="running", phase="load", rows_done=400)
    half = get_backend().table_sql(services.physical_name(job.resource_id, 0, 1))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE SCHEMA IF NOT EXISTS datastore")
        cursor.execute(f"CREATE TABLE {half} (id integer, nom text)")
        cursor.execute(f"INSERT INTO {half} (id, nom) VALUES (1, 'arbre-1'), (2, 'arbre-2')")  # noqa: S608

    services.datastore_ingest_run(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.rows_done == 1000
    found = datastore_search(data={"resource_id": str(job.resource_id), "limit": 1, "sort": "id desc"}, user=user)
    assert found["total"] == 1000 and found["records"][0]["nom"] == "arbre-1000"

    services.datastore_ingest_run(job=job)  # a delivery after it finished changes nothing
    job.refresh_from_db()
    assert job.status == "succeeded"
