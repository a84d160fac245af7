"""Storage, overviews, exports and spatial search, on real files."""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from conftest import shared_path
from ouvert.core.actors import INGEST
from ouvert.geo import selectors
from ouvert.geo.bbox import BBox, parse_ext_bbox
from ouvert.geo.exports import export_csv_wkt, export_geojson, export_shapefile_zip
from ouvert.geo.models import GeoFeature, GeoOverview
from ouvert.geo.readers import read_geo_bytes
from ouvert.geo.services import layer_delete, layer_load_path

pytestmark = pytest.mark.django_db
Q = ("realdata", "quebec")
MONTREAL = uuid.UUID("00000000-0000-4000-8000-00000000a001")


def districts(**kwargs):
    return layer_load_path(resource_id=kwargs.pop("resource_id"), by=INGEST, path=shared_path(
        *Q, "represent-canada-data", "montreal-districts", "merge.shp"), **kwargs)


def test_layer_stored_with_bbox_types_fields_and_report(public_rid):
    layer = districts(resource_id=public_rid(MONTREAL), dataset_id=MONTREAL, name="Districts électoraux de Montréal")
    assert layer.feature_count == 116 and layer.mappable_count == 116
    assert layer.geometry_types == ["MultiPolygon", "Polygon"] or layer.geometry_types == ["Polygon"]
    assert layer.source_crs == "EPSG:3798"
    minx, miny, maxx, maxy = layer.bbox
    assert -74.0 < minx < -73.9 and 45.40 < miny < 45.42 and -73.5 < maxx < -73.45 and 45.69 < maxy < 45.72
    assert {"name": "NM_ARON", "type": "text"} in layer.fields
    assert any(i["code"] == "dbf_overflow" for i in layer.report)
    feature = GeoFeature.objects.get(layer=layer, index=0)
    assert feature.properties["NM_ARON"] == "Ahuntsic-Cartierville"
    assert json.loads(feature.geometry)["type"] in {"Polygon", "MultiPolygon"}
    assert GeoOverview.objects.filter(layer=layer).count() == 3


def test_reload_replaces_atomically_and_bumps_version(public_rid):
    resource_id = public_rid()
    first = districts(resource_id=resource_id)
    second = layer_load_path(resource_id=resource_id, by=INGEST, path=shared_path(
        *Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    assert second.pk == first.pk and second.version == first.version + 1
    assert second.feature_count == 5 and GeoFeature.objects.filter(layer=second).count() == 5
    assert not GeoOverview.objects.filter(layer=second, version=first.version).exists()


def test_overview_is_simplified_and_smaller_than_the_source(public_rid):
    layer = districts(resource_id=public_rid())
    zoom = selectors.layer_fit_zoom(layer)
    body = json.loads(gzip.decompress(selectors.layer_overview(layer=layer, zoom=zoom)))
    assert body["ouvert"]["returned"] == 116 and len(body["features"]) == 116
    source = shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp").stat().st_size
    assert len(json.dumps(body)) < source / 3
    assert body["features"][0]["properties"]["NM_ARON"] == "Ahuntsic-Cartierville"
    # A zoom not precomputed is computed from the stored features, then kept.
    low = json.loads(gzip.decompress(selectors.layer_overview(layer=layer, zoom=5)))
    assert len(json.dumps(low)) < len(json.dumps(body))
    assert GeoOverview.objects.filter(layer=layer, zoom=5).exists()


def test_window_at_high_zoom_returns_only_intersecting_features(public_rid):
    layer = layer_load_path(resource_id=public_rid(), by=INGEST,
                            path=shared_path(*Q, "gatineau-fire-hydrant", "borne_fontaine.csv"))
    box = BBox(-75.74, 45.49, -75.73, 45.51)
    body = json.loads(gzip.decompress(selectors.layer_window(layer=layer, zoom=16, bbox=box)))
    assert body["ouvert"]["window"] is True
    assert 0 < len(body["features"]) < 8077
    window = BBox(*body["ouvert"]["bbox"])
    for feature in body["features"]:
        x, y = feature["geometry"]["coordinates"]
        assert window.minx <= x <= window.maxx and window.miny <= y <= window.maxy
    # Low zoom with the same box: the whole-layer overview, points thinned.
    overview = json.loads(gzip.decompress(selectors.layer_window(layer=layer, zoom=8, bbox=box)))
    assert "window" not in overview["ouvert"] and overview["ouvert"]["returned"] < 8077


def test_exports_geojson_csv_and_shapefile_round_trip(public_rid):
    layer = districts(resource_id=public_rid(), name="Districts")
    collection = json.loads("".join(export_geojson(layer)))
    assert len(collection["features"]) == 116 and collection["bbox"] == list(layer.bbox)
    text = "".join(export_csv_wkt(layer))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 116 and rows[0]["NM_ARON"] == "Ahuntsic-Cartierville"
    assert rows[0]["geometry_wkt"].startswith(("POLYGON", "MULTIPOLYGON"))
    again = read_geo_bytes(text.encode(), filename="districts.csv")
    assert again.mappable == 116
    archive = export_shapefile_zip(layer)
    result = read_geo_bytes(archive, filename="districts.zip")
    assert result.format == "shapefile" and result.mappable == 116 and result.source_crs == "EPSG:4326"
    assert result.features[0].properties["NM_ARON"] == "Ahuntsic-Cartierville"
    assert abs(result.features[0].geometry.centroid.x - collection_centroid_x(collection)) < 1e-6


def collection_centroid_x(collection):
    from shapely.geometry import shape

    return shape(collection["features"][0]["geometry"]).centroid.x


def test_spatial_coverage_and_datasets_intersecting(public_rid):
    montreal, gatineau, nowhere = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    districts(resource_id=public_rid(montreal), dataset_id=montreal)
    layer_load_path(resource_id=public_rid(gatineau), by=INGEST, dataset_id=gatineau,
                    path=shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.csv"))
    layer_load_path(resource_id=public_rid(montreal), by=INGEST, dataset_id=montreal,
                    path=shared_path(*Q, "montreal-geojson", "murales.geojson"))
    coverage = selectors.dataset_spatial_coverage(dataset_id=montreal)
    assert coverage.minx < -73.9 and coverage.maxx > -73.5
    assert selectors.dataset_spatial_coverage(dataset_id=nowhere) is None
    assert selectors.datasets_intersecting(parse_ext_bbox("-73.7,45.45,-73.5,45.6")) == [montreal]
    assert selectors.datasets_intersecting(parse_ext_bbox("-76,45.3,-75.3,45.7")) == [gatineau]
    assert set(selectors.datasets_intersecting(parse_ext_bbox("-80,44,-70,47"))) == {montreal, gatineau}
    assert selectors.datasets_intersecting(parse_ext_bbox("-70,48,-69,49")) == []


@pytest.mark.parametrize("value", ["1,2,3", "a,b,c,d", "-200,0,10,10", "10,0,-10,10", ""])
def test_ext_bbox_rejects_invalid_values(value):
    with pytest.raises(ValueError, match="ext_bbox"):
        parse_ext_bbox(value)


def test_ext_bbox_accepts_spaces_and_round_trips():
    box = parse_ext_bbox(" -73.7, 45.4 ,-73.4,45.7")
    assert box == BBox(-73.7, 45.4, -73.4, 45.7) and box.as_ckan() == "-73.7,45.4,-73.4,45.7"


def test_only_editors_of_the_organization_may_load(make_user, make_org, make_member, catalogue_resource):
    org = make_org("montreal")
    rid = uuid.uuid4()
    catalogue_resource(rid, org)
    outsider, editor = make_user(), make_user()
    make_member(editor, org, "editor")
    path = shared_path(*Q, "montreal-geojson", "rue-pietonnes.geojson")
    with pytest.raises(PermissionDenied):
        layer_load_path(resource_id=rid, path=path, organization=org, by=outsider)
    layer = layer_load_path(resource_id=rid, path=path, organization=org, by=editor)
    assert layer.created_by == editor
    with pytest.raises(PermissionDenied):
        layer_delete(resource_id=layer.resource_id, by=outsider)
    layer_delete(resource_id=layer.resource_id, by=editor)
    assert selectors.layer_get(resource_id=layer.resource_id, user=None) is None


def test_demo_load_is_idempotent_and_always_has_regions(make_org, site_admin):
    from ouvert.catalog import services
    from ouvert.catalog.models import Dataset
    from ouvert.geo.demo import geo_demo_load
    from ouvert.geo.models import GeoLayer

    make_org("sct")
    make_org("montreal")
    make_org("gatineau")
    assert geo_demo_load() is True
    regions = Dataset.objects.get(name="carte-regions")
    layer = GeoLayer.objects.get(resource_id=regions.resources.get().pk)
    assert layer.feature_count == 17 and layer.mappable_count == 17 and layer.dataset_id == regions.pk
    assert selectors.layer_get(resource_id=layer.resource_id, user=None) == layer  # public, like its dataset
    # The real boundaries of the offline base (not the regions' extents), credited, in both languages.
    shapes = json.loads(regions.resources.get().file.read())["features"]
    assert min(len(f["geometry"]["coordinates"][0]) for f in shapes if f["geometry"]["type"] == "Polygon") > 5
    assert regions.title_en == "Administrative regions of Québec" and "SDA" in regions.notes_en
    assert "CC BY 4.0" in regions.notes and "approximati" not in regions.title
    services.dataset_quality_refresh(dataset=regions)
    assert regions.quality_report and not [f for f in regions.quality_report["findings"] if f["status"] == "fail"]
    mrc = Dataset.objects.get(name="carte-mrc")
    assert GeoLayer.objects.get(resource_id=mrc.resources.get().pk).feature_count == 104
    assert {"regional county municipalities"} <= set(mrc.keywords_en)
    assert [c["name"] for c in mrc.resources.get().data_dictionary] == ["code", "nom", "region", "geometry"]
    count = GeoLayer.objects.count()
    assert geo_demo_load() is False and GeoLayer.objects.count() == count


def test_datastore_rows_carry_typed_attributes_and_a_wkt_geometry():
    from ouvert.geo.datastore_adapter import datastore_records
    from ouvert.geo.readers import read_geo_path

    result = read_geo_path(shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    fields, records = datastore_records(None, result)
    assert {"id": "AIRE", "type": "numeric"} in fields and {"id": "MUNID", "type": "int"} in fields
    assert fields[-1]["id"] == "geometry" and fields[-1]["type"] == "text"
    assert records[0]["NOM"] == "Buckingham" and records[0]["geometry"].startswith("POLYGON ((-75.41")


def test_simplify_thins_points_and_draws_tiny_polygons_as_points():
    import numpy as np
    from shapely.geometry import Point as P
    from shapely.geometry import box

    from ouvert.geo.simplify import collection_bytes, tolerance

    tol = tolerance(5)
    x, y = (np.floor(-73.5 / (2 * tol)) + 0.5) * 2 * tol, (np.floor(45.5 / (2 * tol)) + 0.5) * 2 * tol
    geometries = np.array([P(x, y), P(x + tol / 10, y), box(-73.0, 45.0, -73.0 + tol / 4, 45.0 + tol / 4),
                           box(-72.0, 45.0, -71.0, 46.0)], dtype=object)
    body = json.loads(gzip.decompress(collection_bytes(geometries, [0, 1, 2, 3], [{}, {}, {}, {}], zoom=5, total=4)))
    assert [f["id"] for f in body["features"]] == [0, 2, 3]  # the second point shares the first's pixel
    tiny = body["features"][1]
    assert tiny["geometry"]["type"] == "Point" and tiny["drawn_as_point"] == "Polygon"
    assert body["features"][2]["geometry"]["type"] == "Polygon" and body["ouvert"]["as_points"] == 1


def test_background_task_loads_from_storage_and_is_geographic(public_rid):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from ouvert.geo.tasks import is_geographic, layer_load_task

    path = shared_path(*Q, "gatineau-fire-hydrant", "lieu_publique.csv")
    name = default_storage.save("geo-tests/lieu_publique.csv", ContentFile(path.read_bytes()))
    resource_id = public_rid()
    try:
        result = layer_load_task.enqueue(resource_id=str(resource_id), storage_name=name, filename="lieu_publique.csv")
        assert result.return_value["features"] == 1295 and result.return_value["errors"] == 0
    finally:
        default_storage.delete(name)
    assert selectors.layer_get(resource_id=resource_id, user=None).mappable_count == 1295
    assert is_geographic(path.read_bytes(), "lieu_publique.csv")
    assert is_geographic(shared_path(*Q, "jhroy-960forages", "960forages.csv").read_bytes(), "960forages.csv")
    assert is_geographic(shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt").read_bytes(),
                         "decoupage_administratif.json.txt")
    assert not is_geographic(shared_path(*Q, "pandas-cookbook", "bikes.csv").read_bytes(), "bikes.csv")


def test_search_params_helper_for_catalogue_and_package_search(public_rid):
    montreal = uuid.uuid4()
    districts(resource_id=public_rid(montreal), dataset_id=montreal)
    assert selectors.datasets_for_search_params({}) is None
    assert selectors.datasets_for_search_params({"ext_bbox": "-74,45,-73,46"}) == [montreal]
    assert selectors.datasets_for_search_params({"ext_place": "ra-06"}) == [montreal]
    assert selectors.datasets_for_search_params({"ext_place": "ra-09"}) == []
    with pytest.raises(ValueError):
        selectors.datasets_for_search_params({"ext_bbox": "1,2"})


def test_layer_attributes_and_wkt_geometry_land_in_the_datastore(public_rid):
    from django.apps import apps

    if not apps.is_installed("ouvert.datastore"):
        pytest.skip("datastore app not installed")
    from ouvert.api.ckan.datastore_wire import search as datastore_search

    layer = layer_load_path(resource_id=public_rid(), by=INGEST,
                            path=shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    found = datastore_search(data={"resource_id": str(layer.resource_id), "filters": {"NOM": "Buckingham"}},
                             user=None)
    assert found["total"] == 1
    record = found["records"][0]
    assert record["geometry"].startswith("POLYGON ((-75.41")
    assert {f["id"]: f["type"] for f in found["fields"]}["AIRE"] == "numeric"
    # Reloading replaces the table rather than appending to it.
    layer_load_path(resource_id=layer.resource_id, by=INGEST,
                    path=shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    assert datastore_search(data={"resource_id": str(layer.resource_id)}, user=None)["total"] == 5


def test_office_documents_are_not_maps_and_xy_csvs_are():
    import io
    import zipfile

    from ouvert.geo.tasks import is_geographic

    workbook = shared_path(*Q, "mtess-stats", "Donnes-OE.xlsx").read_bytes()
    assert not is_geographic(workbook, "Donnes-OE.xlsx")
    assert not is_geographic(workbook[:65536], "Donnes-OE.xlsx")  # first bytes only: the name decides
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("shp", "shx", "dbf", "prj"):
            archive.write(shared_path(*Q, "represent-canada-data", "montreal-districts", f"merge.{part}"),
                          f"merge.{part}")
    assert is_geographic(buffer.getvalue(), "districts.zip")
    assert is_geographic(buffer.getvalue()[:65536], "districts.zip")
    counters = shared_path(*Q, "tdhock-montreal-velos", "defivelomtl",
                           "Comptages cyclistes automatiques par boucles de détection", "localisationcompteursvelo2015.csv")
    assert is_geographic(counters.read_bytes(), counters.name)  # coord_X / coord_Y
