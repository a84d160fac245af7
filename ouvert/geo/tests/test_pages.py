"""The map preview page, its include, the API and spatial search, through HTTP."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
from django.template import Context, Template

from conftest import shared_path
from ouvert.core.actors import INGEST
from ouvert.geo.services import layer_load_path

pytestmark = pytest.mark.django_db
Q = ("realdata", "quebec")


@pytest.fixture
def districts(public_rid):
    dataset_id = uuid.uuid4()
    return layer_load_path(resource_id=public_rid(dataset_id), dataset_id=dataset_id, by=INGEST, name="Districts de Montréal",
                           path=shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))


def test_map_preview_page_fr_and_en(client, districts):
    response = client.get(f"/fr/donnees/cartes/{districts.resource_id}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Carte : Districts de Montréal" in body and "Tableau des données" in body
    assert "Ahuntsic-Cartierville" in body  # the data table alternative, server-rendered
    assert "« ****** » dans le .dbf" in body  # the report
    assert 'rel="alternate" type="application/json"' in body
    assert "geo/vendor/leaflet/leaflet.js" in body
    english = client.get(f"/en/data/maps/{districts.resource_id}/").content.decode()
    assert "Map: Districts de Montréal" in english and "Data table" in english
    assert "in the .dbf" in english


def test_map_preview_404_without_layer(client):
    assert client.get(f"/fr/donnees/cartes/{uuid.uuid4()}/").status_code == 404


def test_map_preview_of_attributes_only_shapefile_says_why(client, public_rid):
    layer = layer_load_path(resource_id=public_rid(), by=INGEST, path=shared_path(
        *Q, "represent-canada-data", "qc-provincial-2017", "Circonscriptions_électorales_2017_shapefile.dbf"))
    body = client.get(f"/fr/donnees/cartes/{layer.resource_id}/").content.decode()
    assert "n'a de géométrie affichable" in body and "EPSG:3798" in body
    assert "Circonscriptions_électorales_2017_shapefile.shp" in body


def test_include_tag_embeds_the_map(rf, districts):
    html = Template("{% load geo %}{% geo_map rid %}").render(Context({"rid": districts.resource_id,
                                                                       "request": rf.get("/")}))
    assert f'data-geo-map="carte-{districts.resource_id}-config"' in html
    assert Template("{% load geo %}{% geo_map rid %}").render(Context({"rid": uuid.uuid4()})).strip() == ""


def test_api_layer_and_features_gzip_and_etag(client, districts):
    detail = client.get(f"/api/v1/geo/layers/{districts.resource_id}").json()
    assert detail["feature_count"] == 116 and detail["source_crs"] == "EPSG:3798"
    assert any(r["code"] == "dbf_overflow" and "******" in r["message"] for r in detail["report"])
    url = f"/api/v1/geo/layers/{districts.resource_id}/features"
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip" and response["Content-Type"] == "application/geo+json"
    collection = json.loads(gzip.decompress(response.content))
    assert len(collection["features"]) == 116
    plain = client.get(url)
    assert json.loads(plain.content) == collection
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, {"bbox": "oops"}).status_code == 422


def test_api_exports(client, districts):
    base = f"/api/v1/geo/layers/{districts.resource_id}/export"
    geojson = json.loads(b"".join(client.get(f"{base}/geojson").streaming_content))
    assert len(geojson["features"]) == 116
    csv_text = b"".join(client.get(f"{base}/csv").streaming_content).decode()
    assert csv_text.splitlines()[0].endswith("geometry_wkt")
    archive = client.get(f"{base}/shapefile")
    assert archive["Content-Type"] == "application/zip" and archive.content[:2] == b"PK"
    assert client.get(f"{base}/pdf").status_code == 404


def test_api_upload_needs_editor_token(client, make_user, make_org, make_member, make_token, catalogue_resource):
    org = make_org("gatineau")
    editor = make_user()
    make_member(editor, org, "editor")
    token = make_token(editor)
    path = shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt")
    resource_id = uuid.uuid4()
    catalogue_resource(resource_id, org)
    with path.open("rb") as handle:
        response = client.post(f"/api/v1/geo/layers/{resource_id}", {"file": handle, "organization": "gatineau"},
                               HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert response.json()["report"][0]["code"] == "extension_mismatch"
    outsider_token = make_token(make_user())
    with path.open("rb") as handle:
        response = client.post(f"/api/v1/geo/layers/{resource_id}", {"file": handle, "organization": "gatineau"},
                               HTTP_AUTHORIZATION=f"Bearer {outsider_token}")
    assert response.status_code == 403


def test_spatial_search_page_and_api(client, districts):
    by_place = client.get("/fr/donnees/cartes/recherche/", {"lieu": "m-montreal"}).content.decode()
    assert "1 jeu de données trouvé" in by_place and "Districts de Montréal" in by_place
    nothing = client.get("/fr/donnees/cartes/recherche/", {"lieu": "ra-09"}).content.decode()
    assert "Aucun jeu de données trouvé" in nothing
    bad = client.get("/en/data/maps/search/", {"bbox": "1,2,3"}).content.decode()
    assert "ext_bbox expects four numbers" in bad
    hits = client.get("/api/v1/geo/datasets", {"bbox": "-73.7,45.45,-73.5,45.6"}).json()
    from ouvert.catalog.models import Dataset

    name = Dataset.objects.get(pk=districts.dataset_id).name
    assert hits == [{"dataset_id": str(districts.dataset_id), "name": name, "bbox": list(districts.bbox)}]
    # The name is what the other APIs take; without parameters, every mapped dataset.
    assert client.get(f"/api/v1/datasets/{name}").status_code == 200
    assert client.get("/api/v1/geo/datasets").json() == hits
    assert client.get("/api/v1/geo/datasets", {"place": "ra-06"}).json()[0]["dataset_id"] == str(districts.dataset_id)
    assert client.get("/api/v1/geo/datasets", {"bbox": "x"}).status_code == 422
    assert len(client.get("/api/v1/geo/places").json()) == 28


def test_large_layer_overview_without_attributes_then_on_demand(client, monkeypatch, public_rid):
    monkeypatch.setattr("ouvert.geo.simplify.INLINE_PROPERTIES_MAX", 10)
    layer = layer_load_path(resource_id=public_rid(), by=INGEST,
                            path=shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))
    url = f"/api/v1/geo/layers/{layer.resource_id}/features"
    overview = json.loads(client.get(url).content)
    assert overview["ouvert"]["properties"] == "none"
    assert all(f["properties"] == {} for f in overview["features"])
    coloured = json.loads(client.get(url, {"field": "NO_ARON"}).content)
    assert coloured["ouvert"]["properties"] == "NO_ARON"
    assert coloured["features"][0]["properties"] == {"NO_ARON": 1.0}
    assert json.loads(client.get(url, {"field": "inexistant"}).content)["ouvert"]["properties"] == "none"
    detail = client.get(f"{url}/0").json()
    assert detail["properties"]["NM_ARON"] == "Ahuntsic-Cartierville"
    assert client.get(f"{url}/9999").status_code == 404


def test_catalogue_dataset_found_by_bbox_and_named_in_results(client, make_user, make_org, make_member):
    from django.apps import apps

    if not apps.is_installed("ouvert.catalog"):
        pytest.skip("catalogue app not installed")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.catalog import services as catalog
    from ouvert.geo.demo import catalog_resources_load

    org = make_org("montreal", kind="municipality")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = catalog.dataset_create(by=editor, organization=org, title="Murales de Montréal",
                                     notes="Emplacement des murales subventionnées.")
    catalog.dataset_publish(dataset=dataset, by=editor)
    path = shared_path(*Q, "montreal-geojson", "murales.geojson")
    resource = catalog.resource_create(dataset=dataset, by=editor, name="Murales (GeoJSON)",
                                       file=SimpleUploadedFile("murales.geojson", path.read_bytes()))
    assert catalog_resources_load() is True and catalog_resources_load() is False
    body = client.get("/fr/donnees/cartes/recherche/", {"bbox": "-73.7,45.45,-73.5,45.6"}).content.decode()
    assert "Murales de Montréal" in body and dataset.get_absolute_url() in body
    assert f"/fr/donnees/cartes/{resource.pk}/" in body
    assert client.get(f"/fr/donnees/cartes/{resource.pk}/").status_code == 200


def test_dcat_of_a_mapped_dataset_gives_its_box(client, districts):
    """dct:spatial with dcat:bbox from the dataset's layers, in the dataset's DCAT and the catalogue's."""
    from rdflib import DCTERMS, Graph
    from rdflib.namespace import DCAT

    from ouvert.catalog.models import Dataset

    name = Dataset.objects.get(pk=districts.dataset_id).name
    for path in (f"/dataset/{name}.ttl", "/catalog.ttl"):
        graph = Graph().parse(data=client.get(path).content, format="turtle")
        boxes = [str(b) for loc in graph.objects(None, DCTERMS.spatial) for b in graph.objects(loc, DCAT.bbox)]
        assert len(boxes) == 1 and boxes[0].startswith("POLYGON((-73."), (path, boxes)


def _sda_square(code, region, name, *squares):
    """One feature of an SDA ``mrc_s`` layer: MRC ``code`` of ``region`` over unit-ish squares."""
    polygons = [[[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]] for x, y, size in squares]
    geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                else {"type": "MultiPolygon", "coordinates": polygons})
    return {"type": "Feature", "geometry": geometry,
            "properties": {"MRS_CO_MRC": code, "MRS_NM_MRC": name, "MRS_CO_REG": region}}


def test_offline_basemap_generator_derives_regions_from_the_mrc_of_the_sda_layer():
    """Given an SDA ``mrc_s`` layer, the generator joins an MRC's parts (in one feature or in
    two), makes each region the union of its MRC named from the region list, keeps shared edges
    shared (no overlap, no gap), and puts every coordinate on the 0.001° grid."""
    import shapely
    from shapely.geometry import shape

    from ouvert.geo import basemap

    source = {"type": "FeatureCollection", "features": [
        _sda_square("982", "09", "Minganie", (-64.0, 50.0, 1.0)),
        _sda_square("982", "09", "Minganie", (-62.5, 50.0, 0.5)),  # the same MRC's second part
        _sda_square("972", "09", "Caniapiscau", (-64.0, 51.0, 1.0), (-66.0, 51.0, 0.25)),
        _sda_square("01", "11", "Les Îles-de-la-Madeleine", (-61.91234567, 47.2, 0.4)),
    ]}
    regions_text, mrc_text = basemap.render(source)
    regions = {f["properties"]["code"]: f for f in json.loads(regions_text)["features"]}
    mrc = {f["properties"]["code"]: f for f in json.loads(mrc_text)["features"]}
    assert sorted(regions) == ["ra-09", "ra-11"] and regions["ra-09"]["properties"]["name"] == "Côte-Nord"
    assert sorted(mrc) == ["mrc-01", "mrc-972", "mrc-982"]  # by MRC code, one feature each
    assert mrc["mrc-982"]["properties"] == {"code": "mrc-982", "name": "Minganie", "region": "ra-09"}
    minganie = shape(mrc["mrc-982"]["geometry"])
    assert minganie.geom_type == "MultiPolygon" and len(minganie.geoms) == 2
    cote_nord = shape(regions["ra-09"]["geometry"])
    parts = shapely.union_all([shape(mrc[c]["geometry"]) for c in ("mrc-982", "mrc-972")])
    assert abs(cote_nord.area - parts.area) < 0.01 * parts.area  # the region is its MRC
    assert shape(mrc["mrc-982"]["geometry"]).intersection(shape(mrc["mrc-972"]["geometry"])).area == 0
    coordinates = shapely.get_coordinates([shape(f["geometry"]) for f in [*regions.values(), *mrc.values()]])
    assert (abs(coordinates * 1000 - (coordinates * 1000).round()) < 1e-6).all()  # on the grid


def test_offline_basemap_is_shipped_and_configured_without_a_tile_server(client, settings, districts):
    from django.contrib.staticfiles import finders

    from ouvert.geo import basemap

    regions = json.loads(basemap.FILE.read_text(encoding="utf-8"))
    assert len(regions["features"]) == 17 and finders.find(basemap.STATIC_PATH) and finders.find(basemap.MRC_STATIC_PATH)
    settings.OUVERT_BASEMAP_URL = ""
    for url in [f"/fr/donnees/cartes/{districts.resource_id}/", "/fr/donnees/cartes/recherche/"]:
        body = client.get(url).content.decode()
        assert "/static/geo/basemap-regions.geojson" in body and "/static/geo/basemap.js" in body, url
        assert "/static/geo/basemap-mrc.geojson" in body and '"offlineBasemapMrcZoom": 7' in body, url
        assert "SDA 1/20 000 (V2026-05), CC BY 4.0" in body  # in the map config (JSON-escaped)
    english = client.get(f"/en/data/maps/{districts.resource_id}/").content.decode()
    assert "Administrative regions and RCMs" in english and "SDA 1:20,000 (V2026-05), CC BY 4.0" in english
    settings.OUVERT_BASEMAP_URL = "https://tuiles.exemple.qc.ca/{z}/{x}/{y}.png"
    body = client.get("/fr/donnees/cartes/recherche/").content.decode()
    assert "basemap-regions.geojson" not in body and "basemap-mrc.geojson" not in body


def _shapes(path):
    from shapely.geometry import shape

    return {f["properties"]["code"]: (f["properties"], shape(f["geometry"]))
            for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


def test_offline_basemap_regions_are_surveyed_boundaries_inside_quebec():
    """The shipped regions are the SDA's boundaries, not boxes: valid areas with real outlines
    (Nord-du-Québec alone has over 200 vertices), inside Québec's extent, each one over the
    published extent of the region of its code, tiling the territory with no overlap."""
    import shapely
    from shapely.geometry import box

    from ouvert.geo import basemap
    from ouvert.geo.regions import BY_CODE

    shapes = {code: geometry for code, (_props, geometry) in _shapes(basemap.FILE).items()}
    assert sorted(shapes) == [f"ra-{n:02d}" for n in range(1, 18)]
    vertices = {code: int(shapely.get_num_coordinates(g)) for code, g in shapes.items()}
    assert sum(vertices.values()) > 800 and vertices["ra-10"] > 200 and min(vertices.values()) >= 6, vertices
    quebec = box(-79.8, 44.95, -56.9, 62.7)
    for code, geometry in shapes.items():
        place = BY_CODE[code]
        assert geometry.is_valid and geometry.area > 0 and quebec.contains(geometry), code
        extent = box(place.bbox.minx, place.bbox.miny, place.bbox.maxx, place.bbox.maxy)
        assert geometry.intersection(extent).area > 0.6 * geometry.area, code  # where the region is
        assert shapely.get_num_coordinates(geometry) != 5 or not geometry.equals(geometry.envelope), code
    total = sum(g.area for g in shapes.values())
    assert shapely.union_all(list(shapes.values())).area > 0.99 * total  # neighbours do not overlap


def test_region_search_boxes_are_the_extents_of_the_shipped_boundaries():
    """Searching by a region searches its whole territory (the Îles-de-la-Madeleine, Granby), and
    not much more: its box holds its boundary, within 0.05° of it on each side."""
    from ouvert.geo import basemap
    from ouvert.geo.regions import BY_CODE

    for code, (_props, geometry) in _shapes(basemap.FILE).items():
        box = BY_CODE[code].bbox
        west, south, east, north = geometry.bounds
        assert box.minx <= west < box.minx + 0.05 and box.miny <= south < box.miny + 0.05, code
        assert box.maxx - 0.05 < east <= box.maxx and box.maxy - 0.05 < north <= box.maxy, code


def test_offline_basemap_mrc_tile_their_regions():
    """The MRC layer: the 104 MRC and equivalent territories, valid, named, each inside the region
    its code says (La Haute-Yamaska and Brome-Missisquoi in the Estrie since 2021), not
    overlapping, and together the same territory as the regions."""
    import shapely

    from ouvert.geo import basemap

    regions = {code: geometry for code, (_props, geometry) in _shapes(basemap.FILE).items()}
    mrc = _shapes(basemap.MRC_FILE)
    assert len(mrc) == 104
    names = {props["name"]: props["region"] for props, _g in mrc.values()}
    assert names["Trois-Rivières"] == "ra-04" and names["La Haute-Yamaska"] == "ra-05"
    assert names["Brome-Missisquoi"] == "ra-05" and names["Administration régionale Kativik"] == "ra-10"
    for code, (props, geometry) in mrc.items():
        assert geometry.is_valid and geometry.area > 0 and props["name"], code
        inside = geometry.intersection(regions[props["region"]]).area
        assert inside > 0.97 * geometry.area, (code, props["name"], inside / geometry.area)
    shapes = [geometry for _props, geometry in mrc.values()]
    total = sum(g.area for g in shapes)
    assert shapely.union_all(shapes).area > 0.999 * total  # neighbours do not overlap
    territory = shapely.union_all(list(regions.values())).area
    assert abs(total - territory) < 0.005 * territory  # the same Québec, cut finer


def test_spatial_search_names_datasets_never_by_uuid_and_leads_to_the_catalogue(client, public_rid):
    from urllib.parse import unquote

    orphan = uuid.uuid4()  # a layer whose dataset id the catalogue does not know
    layer_load_path(resource_id=public_rid(), dataset_id=orphan, by=INGEST, name="Districts électoraux",
                    path=shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))
    body = client.get("/fr/donnees/cartes/recherche/", {"lieu": "m-montreal"}).content.decode()
    assert str(orphan) not in body and "Jeu de données" not in body.split('id="geo-results-title"')[1]
    assert "<h3>Districts électoraux</h3>" in body  # by its layer's name, not linked
    back = body.split("Voir ces jeux dans le catalogue")[0].rsplit('href="', 1)[1].split('"')[0]
    assert unquote(back).replace("&amp;", "&") == "/fr/donnees/?west=-73.98&south=45.41&east=-73.47&north=45.7"
    catalogue = client.get("/fr/donnees/", {"q": "", "west": "-73.98", "south": "45.41", "east": "-73.47",
                                            "north": "45.7"}).content.decode()
    assert 'href="/fr/donnees/cartes/recherche/?bbox=-73.98%2C45.41%2C-73.47%2C45.7"' in catalogue
    assert '<summary>Ou saisir les coordonnées</summary>' in catalogue
