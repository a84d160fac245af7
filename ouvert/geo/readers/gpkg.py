"""GeoPackage (OGC 12-128r18) feature tables, read with sqlite3 and a parser of the GeoPackage
binary geometry header; the WKB that follows it is decoded by shapely."""

from __future__ import annotations

import sqlite3
import struct
import tempfile
from pathlib import Path

import shapely

from .base import ERROR, Feature, GeoReadResult
from .crs import choose_crs, crs_from_prj, geometries_bounds, normalize_declared, reproject
from .fields import infer_fields
from .geometry import checked

# Envelope indicator (bits 1-3 of the flags byte) -> number of doubles in the envelope.
ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def gpkg_geometry(blob: bytes):
    """(shapely geometry or None, srs_id) from a GeoPackage geometry blob; ValueError if malformed."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("en-tête « GP » absent")
    flags = blob[3]
    order = "<" if flags & 0x01 else ">"
    envelope = (flags >> 1) & 0x07
    if envelope not in ENVELOPE_DOUBLES:
        raise ValueError(f"indicateur d'enveloppe invalide ({envelope})")
    srs_id = struct.unpack(f"{order}i", blob[4:8])[0]
    if flags & 0x10:  # empty geometry
        return None, srs_id
    start = 8 + 8 * ENVELOPE_DOUBLES[envelope]
    return shapely.from_wkb(blob[start:]), srs_id


def read_gpkg(data: bytes, *, name: str, declared_crs: str | None = None) -> GeoReadResult:
    result = GeoReadResult(format="gpkg", name=name, encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "layer.gpkg"
        path.write_bytes(data)
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                _read(connection, result, name, declared_crs)
            finally:
                connection.close()
        except sqlite3.DatabaseError as exc:
            result.add("gpkg_invalid", ERROR, file=name, error=str(exc)[:200])
    return result.finish()


def _read(connection: sqlite3.Connection, result: GeoReadResult, name: str, declared_crs: str | None) -> None:
    layers = connection.execute(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
        "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
        "WHERE c.data_type = 'features' ORDER BY c.table_name").fetchall()
    if not layers:
        result.add("gpkg_invalid", ERROR, file=name, error="aucune table d'entités (gpkg_contents)")
        return
    table, column, srs_id = layers[0]
    if len(layers) > 1:
        result.add("zip_other_layers", "info", file=name, names=", ".join(t for t, _, _ in layers[1:]))
    result.name = table
    cursor = connection.execute(f'SELECT * FROM "{table.replace(chr(34), chr(34) * 2)}"')  # noqa: S608
    names = [d[0] for d in cursor.description]
    geometries, properties = [], []
    for index, row in enumerate(cursor):
        props = {}
        geometry = None
        for key, value in zip(names, row, strict=True):
            if key == column:
                try:
                    geometry, _ = gpkg_geometry(value) if value is not None else (None, srs_id)
                except (ValueError, shapely.errors.ShapelyError) as exc:
                    result.add("geometry_invalid_structure", ERROR, file=name, feature=index, error=str(exc)[:200])
                    geometry = None
                    continue
                geometry = checked(geometry, result, file=name, index=index)
            elif not isinstance(value, bytes):
                props[key] = value
        geometries.append(geometry)
        properties.append(props)
    source = declared_crs or _srs(connection, srs_id, result, name)
    if not source:
        source = choose_crs(geometries_bounds(geometries), result, file=name)
    result.source_crs = source
    geometries = reproject(geometries, source, result, file=name)
    result.features = [Feature(geometry=g, properties=p, index=i)
                       for i, (g, p) in enumerate(zip(geometries, properties, strict=True))]
    result.fields = infer_fields(properties)


def _srs(connection: sqlite3.Connection, srs_id: int, result: GeoReadResult, name: str) -> str | None:
    row = connection.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,)).fetchone()
    if row is None or srs_id in (0, -1):
        return None
    organization, code, definition = row
    if str(organization).upper() == "EPSG" and code:
        try:
            return normalize_declared(code)
        except ValueError:
            pass
    if definition and definition.strip().lower() != "undefined":
        return crs_from_prj(definition, result, file=name)
    return None
