"""Map layers of CSVs with latitude and longitude, built from the datastore's typed table after its
ingestion (the file is not read again), block by block: the same points, bounding box and overviews
as reading the file, whatever the block size."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest

from conftest import shared_path
from ouvert.core.actors import INGEST
from ouvert.geo import datastore_adapter
from ouvert.geo.models import GeoLayer
from ouvert.geo.services import layer_load_path
from ouvert.geo.tasks import layer_load_task

pytestmark = pytest.mark.django_db
WELLS = ("realdata", "quebec", "jhroy-960forages", "960forages.csv")  # latitude and longitude in decimal degrees
MESSY = ("id;nom;latitude;longitude;actif;ouvert_le\r\n"
         "1;Québec;46,8139;-71,2080;oui;15/03/2012\r\n"
         "2;Lévis;46,8032;-71,1779;non;16/03/2012\r\n"
         "3;Sans position;;;oui;17/03/2012\r\n"
         "4;Moitié;46,5;;non;18/03/2012\r\n"
         "5;Gaspé;48,8316;-64,4869;oui;19/03/2012\r\n")


@pytest.fixture
def ingest_csv(django_capture_on_commit_callbacks, catalogue_resource, make_org):
    """Upload-like: the datastore ingests the file; its end queues the layer (tasks run at once)."""
    from ouvert.datastore.services import datastore_ingest_schedule

    organization = make_org("cartes-tables")

    def run(path, resource_id: uuid.UUID | None = None) -> uuid.UUID:
        rid = resource_id or uuid.uuid4()
        catalogue_resource(rid, organization)
        with django_capture_on_commit_callbacks(execute=True):
            datastore_ingest_schedule(resource_id=rid, source_path=str(path), original_name=path.name,
                                      organization=organization, by=INGEST)
        return rid

    run.organization = organization  # type: ignore[attr-defined]
    return run


def overview_points(layer: GeoLayer) -> dict[int, list]:
    """Per zoom level: the ids and geometries of its features, in order."""
    return {o.zoom: [(f["id"], f["geometry"]) for f in json.loads(gzip.decompress(bytes(o.body)))["features"]]
            for o in layer.overviews.all()}


def features(layer: GeoLayer) -> list[tuple]:
    return list(layer.features.order_by("index").values_list("index", "geometry", "min_lon", "min_lat"))


def test_layer_from_the_table_matches_the_layer_read_from_the_file(ingest_csv, catalogue_resource):
    path = shared_path(*WELLS)
    from_table = GeoLayer.objects.get(resource_id=ingest_csv(path))
    other = uuid.uuid4()
    catalogue_resource(other, ingest_csv.organization)
    from_file = layer_load_path(resource_id=other, path=path, by=INGEST)
    assert from_table.feature_count == from_file.feature_count == 979
    assert from_table.mappable_count == from_file.mappable_count == 979
    assert from_table.bbox == from_file.bbox
    assert features(from_table) == features(from_file)
    assert overview_points(from_table) == overview_points(from_file)
    assert from_table.source_format == "csv" and from_table.source_crs == from_file.source_crs
    # read from the typed table, not from the file: the attributes are numbers, not the file's text
    source = datastore_adapter.point_table(from_table.resource_id)
    assert source is not None and source.latitude == "Latitude (décimal)"
    assert from_table.features.get(index=0).properties[source.latitude] == 45.278361
    assert from_file.features.get(index=0).properties["Latitude (décimal)"] == "45.278361"


def test_typed_attributes_and_rows_without_coordinates(ingest_csv, tmp_path):
    path = tmp_path / "villes.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    rid = ingest_csv(path)
    layer = GeoLayer.objects.get(resource_id=rid)
    assert layer.feature_count == 5 and layer.mappable_count == 3
    assert layer.bbox == (-71.208, 46.8032, -64.4869, 48.8316)
    first = layer.features.get(index=0)
    assert first.properties == {"id": 1, "nom": "Québec", "latitude": 46.8139, "longitude": -71.208,
                                "actif": True, "ouvert_le": "2012-03-15"}
    assert json.loads(first.geometry) == {"type": "Point", "coordinates": [-71.208, 46.8139]}
    assert layer.features.get(index=2).geometry == "" and layer.features.get(index=3).geometry == ""
    issues = {(i["code"], i["feature"]): i["severity"] for i in layer.report}
    assert issues[("coordinates_invalid", 2)] == "warning"  # nothing given
    assert issues[("coordinates_invalid", 3)] == "error"  # half a position
    assert {"name": "actif", "type": "boolean"} in layer.fields and {"name": "id", "type": "integer"} in layer.fields
    zooms = overview_points(layer)
    assert len(zooms) == 3 and all([p[0] for p in points] == [0, 1, 4] for points in zooms.values())


def test_blocks_of_any_size_give_the_same_layer(ingest_csv, monkeypatch):
    path = shared_path(*WELLS)
    whole = GeoLayer.objects.get(resource_id=ingest_csv(path))
    expected = (features(whole), overview_points(whole), whole.bbox)
    monkeypatch.setattr(datastore_adapter, "TABLE_BLOCK", 7)
    seen: list[int] = []
    real = datastore_adapter.point_table_blocks

    def counted(source, block=None):
        for rows in real(source, block):
            seen.append(len(rows))
            yield rows

    monkeypatch.setattr("ouvert.geo.table_layer.point_table_blocks", counted)
    current = layer_load_task.enqueue(resource_id=str(whole.resource_id), storage_name="", filename="960forages.csv",
                                      after_ingestion=True)
    assert current.return_value == {"resource_id": str(whole.resource_id), "current": True} and not seen
    from django.utils import timezone

    from ouvert.datastore.models import DatastoreTable

    DatastoreTable.objects.filter(resource_id=whole.resource_id).update(modified_at=timezone.now())  # a new load
    layer_load_task.enqueue(resource_id=str(whole.resource_id), storage_name="", filename="960forages.csv",
                            after_ingestion=True)
    again = GeoLayer.objects.get(resource_id=whole.resource_id)
    assert again.version == whole.version + 1
    assert max(seen) == 7 and sum(seen) == 979
    assert (features(again), overview_points(again), again.bbox) == expected


def test_the_layer_task_waits_for_a_pending_ingestion(ingest_csv, catalogue_resource):
    from ouvert.datastore.models import IngestJob

    rid = uuid.uuid4()
    catalogue_resource(rid, ingest_csv.organization)
    IngestJob.objects.create(resource_id=rid, organization=ingest_csv.organization, source_name="x.csv")
    result = layer_load_task.enqueue(resource_id=str(rid), storage_name="x.csv", filename="x.csv")
    assert result.return_value == {"resource_id": str(rid), "deferred": "datastore"}
    assert not GeoLayer.objects.filter(resource_id=rid).exists()



@pytest.mark.django_db(transaction=True)
def test_an_uploaded_csv_gets_its_layer_from_the_table_after_ingestion(make_user, make_org, make_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.catalog import services as catalog

    organization = make_org("villes-carte", kind="municipality")
    editor = make_user()
    make_member(editor, organization, "editor")
    dataset = catalog.dataset_create(by=editor, organization=organization, title="Villes")
    catalog.dataset_publish(dataset=dataset, by=editor)
    resource = catalog.resource_create(dataset=dataset, by=editor,
                                       file=SimpleUploadedFile("villes.csv", MESSY.encode("cp1252")))
    layer = GeoLayer.objects.get(resource_id=resource.pk)
    assert layer.feature_count == 5 and layer.mappable_count == 3 and layer.dataset_id == dataset.pk
    assert layer.features.get(index=0).properties["latitude"] == 46.8139  # typed: read from the table
