"""datapackage.json publishes the datastore's column types as a Table Schema (issue 13)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_datapackage_types_come_from_the_datastore(client, ingest, write_file):
    from ouvert.catalog.models import Resource

    csv = "date,compteur,passages,taux,actif\n2024-01-02,Berri 1,120,0.5,true\n2024-01-03,Rachel,98,1.25,false\n"
    job = ingest(write_file("velos.csv", csv))
    assert job.status == "succeeded", job.error
    resource = Resource.objects.select_related("dataset").get(pk=job.resource_id)
    descriptor = client.get(f"/dataset/{resource.dataset.name}/datapackage.json").json()
    (item,) = [r for r in descriptor["resources"] if "schema" in r]
    types = {f["name"]: f["type"] for f in item["schema"]["fields"]}
    assert types == {"date": "date", "compteur": "string", "passages": "integer", "taux": "number",
                     "actif": "boolean"}
