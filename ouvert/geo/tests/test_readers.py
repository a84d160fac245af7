"""Readers on every real geographic file in ../shared/realdata/quebec, plus generated KML, KMZ,
GeoPackage and zipped shapefiles. Reprojections are checked against known places."""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import zipfile

import pytest
import shapely
from shapely.geometry import Point, Polygon

from conftest import shared_path
from ouvert.geo.readers import ERROR, issue_message, read_geo_bytes, read_geo_path
from ouvert.geo.readers.crs import suggest_crs

Q = ("realdata", "quebec")


def near(point, lon: float, lat: float, tolerance: float = 0.05) -> bool:
    return abs(point.x - lon) <= tolerance and abs(point.y - lat) <= tolerance


def bounds(result):
    return shapely.total_bounds([f.geometry for f in result.features if f.geometry is not None])


def messages(result) -> str:
    return "\n".join(" ".join(issue_message(i)) for i in result.issues)


# Montréal ---------------------------------------------------------------------------------------

def test_montreal_districts_shapefile_mtq_lambert_reprojected_onto_montreal():
    result = read_geo_path(shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))
    assert result.format == "shapefile"
    assert len(result.features) == 116 and result.mappable == 116
    # The .prj says "MTQ Lambert" (EPSG:3798: central meridian -70°, false easting 800 km), which is
    # not EPSG:32198 (central meridian -68.5°): reading it as 32198 would put Montréal in the Atlantic.
    assert result.source_crs == "EPSG:3798"
    minx, miny, maxx, maxy = bounds(result)
    assert -74.0 < minx < maxx < -73.4 and 45.35 < miny < maxy < 45.75
    centroid = shapely.union_all([f.geometry for f in result.features]).centroid
    assert near(centroid, -73.7, 45.55, 0.15)
    ahuntsic = result.features[0]
    assert ahuntsic.properties["NM_ARON"] == "Ahuntsic-Cartierville"
    # Code page from the DBF's LDID byte (0x57, ANSI): accents read correctly.
    names = {f.properties["NM_ARON"] for f in result.features}
    assert any("é" in n for n in names) and not any("\ufffd" in n for n in names)
    assert result.encoding == "cp1252"
    # "******" numeric overflows become empty values, each noted with its feature.
    assert ahuntsic.properties["NO_DIS"] is None
    overflow = [i for i in result.issues if i.code == "dbf_overflow"]
    assert overflow and overflow[0].feature == 0 and overflow[0].params["field"] == "NO_DIS"
    assert "******" in issue_message(overflow[0])[0]


def test_montreal_districts_zipped_with_cpg_override(tmp_path):
    folder = shared_path(*Q, "represent-canada-data", "montreal-districts")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for suffix in ("shp", "shx", "dbf", "prj"):
            archive.write(folder / f"merge.{suffix}", f"districts/merge.{suffix}")
        archive.writestr("districts/merge.cpg", "1252")
    result = read_geo_bytes(buffer.getvalue(), filename="districts.zip")
    assert result.format == "shapefile" and result.mappable == 116
    assert any(i.code == "dbf_encoding" and i.params["source"] == ".cpg" for i in result.issues)


@pytest.mark.slow  # every real GeoJSON file of Montréal
def test_every_montreal_geojson_lands_in_montreal():
    folder = shared_path(*Q, "montreal-geojson")
    for path in sorted(folder.iterdir()):
        result = read_geo_path(path)
        assert result.format == "geojson", path.name
        assert result.mappable > 0, path.name
        minx, miny, maxx, maxy = bounds(result)
        assert minx > -74.1 and maxx < -73.3 and miny > 45.3 and maxy < 45.8, (path.name, minx, miny, maxx, maxy)


def test_cp1252_geojson_is_read_and_reported():
    result = read_geo_path(shared_path(*Q, "montreal-geojson", "quartiers-sociologiques.json"))
    assert result.encoding == "cp1252"
    assert "encoding_not_utf8" in result.codes()
    assert any("é" in str(v) for f in result.features for v in f.properties.values())
    # One ring has too few points: repaired for display, reported with its index.
    invalid = [i for i in result.issues if i.code == "geometry_invalid"]
    assert invalid and invalid[0].feature == 22
    assert result.mappable == len(result.features)


def test_reseau_cyclable_mojibake_dashes_repaired():
    result = read_geo_path(shared_path(*Q, "tdhock-montreal-velos", "defivelomtl", "Réseau Cyclable",
                                       "reseaucyclable201511.json"))
    assert len(result.features) == 5357
    assert {f.geometry.geom_type for f in result.features} <= {"LineString", "MultiLineString"}
    assert "encoding_c1_fixed" in result.codes()
    assert any("—" in str(f.properties.get("NOM_ARR_VI")) for f in result.features)


# Gatineau ---------------------------------------------------------------------------------------

def test_gatineau_geojson_with_txt_extension_detected_by_content():
    result = read_geo_path(shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.json.txt"))
    assert result.format == "geojson" and result.mappable == 5
    mismatch = result.issues[0]
    assert mismatch.code == "extension_mismatch"
    assert ".txt" in issue_message(mismatch)[0] and ".geojson" in issue_message(mismatch)[1]
    buckingham = next(f for f in result.features if f.properties["NOM"] == "Buckingham")
    assert near(buckingham.geometry.centroid, -75.42, 45.58)


def test_gatineau_orphan_shp_still_drawn_with_precise_report():
    result = read_geo_path(shared_path(*Q, "gatineau-fire-hydrant", "decoupage_administratif.shp"))
    assert result.mappable == 5
    assert {"shp_missing_shx", "shp_missing_dbf", "shp_missing_prj", "crs_guessed"} <= result.codes()
    text = messages(result)
    assert "decoupage_administratif.shp" in text and ".shx" in text and ".dbf" in text
    minx, miny, maxx, maxy = bounds(result)
    assert -76.0 < minx < maxx < -75.3 and 45.3 < miny < maxy < 45.7


@pytest.mark.parametrize(("name", "count", "kind"), [
    ("borne_fontaine.csv", 8077, "Point"),
    ("lieu_publique.csv", 1295, "Point"),
    ("voie_publique.csv", 10065, "LineString"),
    ("decoupage_administratif.csv", 5, "Polygon"),
])
def test_gatineau_csv_with_wkt_and_bom(name, count, kind):
    result = read_geo_path(shared_path(*Q, "gatineau-fire-hydrant", name))
    assert result.format == "csv" and result.encoding == "utf-8-sig"
    assert len(result.features) == count and result.mappable == count
    kinds = {f.geometry.geom_type for f in result.features}
    if kind == "LineString":  # 143 street segments have one point: shown as points, reported
        assert kinds == {"LineString", "Point"}
        fixed = [i for i in result.issues if i.code == "wkt_fixed"]
        assert fixed[0].feature == 24 and "LINESTRING (x y) → POINT" in issue_message(fixed[0])[0]
    else:
        assert kinds == {kind}
    assert "MUNID" in result.features[0].properties  # BOM stripped from the first header
    assert "GEOM" not in result.features[0].properties
    minx, miny, maxx, maxy = bounds(result)
    assert -76.2 < minx < maxx < -75.2 and 45.3 < miny < maxy < 45.8
    if kind == "Polygon":  # "POLYGON (x y, …)" with one level of parentheses, repaired and reported
        assert [i.feature for i in result.issues if i.code == "wkt_fixed"] == [0, 1, 2, 3, 4]


def test_borne_fontaine_first_hydrant_position():
    result = read_geo_path(shared_path(*Q, "gatineau-fire-hydrant", "borne_fontaine.csv"))
    first = result.features[0]
    assert first.properties["SPECIFIQUE"] == "Émard"
    assert near(first.geometry, -75.738712, 45.500612, 1e-9)


def test_forages_csv_decimal_latitude_longitude_columns():
    result = read_geo_path(shared_path(*Q, "jhroy-960forages", "960forages.csv"))
    assert len(result.features) == 979
    assert any(i.code == "csv_geometry_columns" and "Latitude (décimal)" in i.params["columns"]
               for i in result.issues)
    first = result.features[0]
    assert first.properties["Nom du puits"] == "Montréal No 1"
    assert near(first.geometry, -74.011833, 45.278361, 1e-6)


# Incomplete shapefiles ----------------------------------------------------------------------------

@pytest.mark.parametrize(("folder", "stem", "count", "encoding"), [
    ("qc-municipal-districts-2021", "Districts_Quartiers_Mun_election_2021_region", 1955, "cp1252"),
    ("qc-provincial-2017", "Circonscriptions_électorales_2017_shapefile", 125, "utf-8"),
])
def test_shapefile_without_shp_lists_attributes_and_says_why_no_map(folder, stem, count, encoding):
    result = read_geo_path(shared_path(*Q, "represent-canada-data", folder, f"{stem}.dbf"))
    assert len(result.features) == count and result.mappable == 0
    assert result.encoding == encoding
    missing = next(i for i in result.issues if i.code == "shp_missing_shp")
    assert missing.severity == ERROR and f"{stem}.shp" in issue_message(missing)[0]
    assert all("\ufffd" not in str(v) for f in result.features for v in f.properties.values())


def test_provincial_prj_recognised_as_mtq_lambert():
    from ouvert.geo.readers.base import GeoReadResult
    from ouvert.geo.readers.crs import crs_from_prj

    path = shared_path(*Q, "represent-canada-data", "qc-provincial-2017",
                       "Circonscriptions_électorales_2017_shapefile.prj")
    assert crs_from_prj(path.read_text(), GeoReadResult(format="shapefile", name="x")) == "EPSG:3798"


# Coordinate systems -------------------------------------------------------------------------------

def test_reprojection_known_points():
    from pyproj import Transformer

    # Montréal city hall (45.5088 N, -73.5540 W) projected, then read back from an undeclared CSV.
    for code in ("EPSG:32198", "EPSG:32188", "EPSG:3798"):
        x, y = Transformer.from_crs("EPSG:4326", code, always_xy=True).transform(-73.5540, 45.5088)
        data = f"nom;x;y\nHôtel de ville;{x:.2f};{y:.2f}\n".replace(".", ",").encode("cp1252")
        result = read_geo_bytes(data, filename="hotel.csv", declared_crs=code)
        assert near(result.features[0].geometry, -73.5540, 45.5088, 1e-5), code
        assert result.features[0].properties["nom"] == "Hôtel de ville"


def test_undeclared_projected_coordinates_suggest_quebec_systems():
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32198", always_xy=True).transform(-71.2080, 46.8139)
    assert suggest_crs((x - 10, y - 10, x + 10, y + 10))[0] == "EPSG:32198"
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32188", always_xy=True).transform(-73.5540, 45.5088)
    candidates = suggest_crs((x - 10, y - 10, x + 10, y + 10))
    assert "EPSG:32188" in candidates and "EPSG:32187" in candidates  # MTM zones are ambiguous
    result = read_geo_bytes(f"x,y\n{x},{y}\n".encode(), filename="mtm.csv")
    assert "crs_ambiguous" in result.codes()
    assert near(result.features[0].geometry, -73.5540, 45.5088, 1e-5)  # zone 8 chosen first
    assert suggest_crs((-73.6, 45.5, -73.5, 45.6)) == ["EPSG:4326"]


def test_unknown_epsg_declared_refused():
    with pytest.raises(ValueError):
        read_geo_bytes(b"x,y\n1,2\n", filename="a.csv", declared_crs="EPSG:999999")


# Generated formats ---------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Parcs</name>
<Placemark><name>Parc La Fontaine</name><description>Grand parc</description>
<ExtendedData><Data name="superficie"><value>34</value></Data></ExtendedData>
<Point><coordinates>-73.5700,45.5270,0</coordinates></Point></Placemark>
<Placemark><name>Boucle</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
-73.6,45.5 -73.5,45.5 -73.5,45.6 -73.6,45.6 -73.6,45.5</coordinates></LinearRing></outerBoundaryIs>
</Polygon></Placemark>
<Placemark><name>Sans géométrie</name></Placemark>
</Document></kml>"""


def test_kml_and_kmz():
    result = read_geo_bytes(KML.encode(), filename="parcs.kml")
    assert result.format == "kml" and len(result.features) == 3 and result.mappable == 2
    park = result.features[0]
    assert park.properties == {"name": "Parc La Fontaine", "description": "Grand parc", "superficie": "34"}
    assert near(park.geometry, -73.57, 45.527, 1e-9)
    assert result.features[1].geometry.geom_type == "Polygon"
    assert any(i.code == "geometry_missing" and i.feature == 2 for i in result.issues)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", KML)
    kmz = read_geo_bytes(buffer.getvalue(), filename="parcs.kmz")
    assert kmz.format == "kmz" and kmz.mappable == 2


def test_kml_entity_expansion_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml><Placemark><name>&a;</name></Placemark></kml>'
    result = read_geo_bytes(bomb, filename="bombe.kml")
    assert result.mappable == 0 and "kml_invalid" in result.codes()


def make_gpkg(path, features, srs_id=32198):
    connection = sqlite3.connect(path)
    connection.executescript("""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE ecoles (fid INTEGER PRIMARY KEY, nom TEXT, eleves INTEGER, geom BLOB);
    """)
    connection.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('Quebec Lambert', ?, 'EPSG', ?, 'undefined', '')",
                       (srs_id, srs_id))
    connection.execute("INSERT INTO gpkg_contents VALUES ('ecoles', 'features', 'ecoles')")
    connection.execute("INSERT INTO gpkg_geometry_columns VALUES ('ecoles', 'geom', 'POINT', ?, 0, 0)", (srs_id,))
    for name, pupils, geometry in features:
        minx, miny, maxx, maxy = geometry.bounds
        header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", srs_id) + struct.pack("<4d", minx, maxx, miny, maxy)
        connection.execute("INSERT INTO ecoles (nom, eleves, geom) VALUES (?, ?, ?)",
                           (name, pupils, header + shapely.to_wkb(geometry)))
    connection.commit()
    connection.close()


def test_geopackage_reprojected(tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32198", always_xy=True).transform(-71.2080, 46.8139)
    path = tmp_path / "ecoles.gpkg"
    make_gpkg(path, [("École du Vieux-Québec", 240, Point(x, y)), ("Carré", 10, Polygon(
        [(x, y), (x + 100, y), (x + 100, y + 100), (x, y)]))])
    result = read_geo_path(path)
    assert result.format == "gpkg" and result.source_crs == "EPSG:32198" and result.name == "ecoles"
    assert result.features[0].properties == {"fid": 1, "nom": "École du Vieux-Québec", "eleves": 240}
    assert near(result.features[0].geometry, -71.2080, 46.8139, 1e-6)


def test_invalid_geometries_reported_with_index_and_still_shown():
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": 1}, "geometry": {"type": "Point", "coordinates": [-73.5, 45.5]}},
        {"type": "Feature", "properties": {"n": 2}, "geometry": {"type": "Polygon", "coordinates": [
            [[-73.6, 45.5], [-73.5, 45.6], [-73.5, 45.5], [-73.6, 45.6], [-73.6, 45.5]]]}},  # bow-tie
        {"type": "Feature", "properties": {"n": 3}, "geometry": {"type": "Polygon", "coordinates": "oops"}},
        {"type": "Feature", "properties": {"n": 4}, "geometry": None},
    ]}
    result = read_geo_bytes(json.dumps(collection).encode(), filename="mauvais.geojson")
    codes = {(i.code, i.feature) for i in result.issues}
    assert ("geometry_invalid", 1) in codes and ("geometry_invalid_structure", 2) in codes
    assert ("geometry_missing", 3) in codes
    assert result.features[1].geometry.is_valid and result.mappable == 2
    assert "Self-intersection" in messages(result)


def test_broken_json_reports_line_and_column():
    result = read_geo_bytes(b'{"type": "FeatureCollection",\n "features": [,]}', filename="x.geojson")
    issue = result.errors[0]
    assert issue.code == "json_invalid" and issue.params["line"] == 2


def test_unknown_format():
    result = read_geo_bytes(b"\x00\x01\x02binary", filename="x.bin")
    assert result.format == "unknown" and "unknown_format" in result.codes()
