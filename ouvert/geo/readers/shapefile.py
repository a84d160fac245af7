"""Shapefiles, loose or zipped: geometries through pyshp, attributes through :mod:`.dbf`, the
coordinate system from the .prj (or guessed), the code page from the .cpg or the DBF header.

A shapefile is several files with the same stem. Whatever is there is shown: a .shp without its
.shx gets its index rebuilt, without its .dbf it is drawn without attributes, a .dbf without its
.shp is listed as a table, and every missing piece is named in the report.
"""

from __future__ import annotations

import io

import shapefile as pyshp
from shapely.geometry import shape as shapely_shape

from .base import ERROR, WARNING, Feature, GeoReadResult
from .crs import choose_crs, crs_from_prj, geometries_bounds, reproject
from .dbf import read_dbf
from .geometry import checked

PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def read_shapefile(parts: dict[str, bytes], *, name: str, declared_crs: str | None = None) -> GeoReadResult:
    """``parts`` maps lowercase extensions ('.shp', '.dbf', …) to their bytes; ``name`` is the stem."""
    result = GeoReadResult(format="shapefile", name=name)
    shp_name, dbf_name = f"{name}.shp", f"{name}.dbf"
    geometries: list = []
    shapes_read = False
    if ".shp" not in parts:
        result.add("shp_missing_shp", ERROR, file=shp_name)
    else:
        if ".shx" not in parts:
            result.add("shp_missing_shx", WARNING, file=shp_name)
        try:
            reader = pyshp.Reader(shp=io.BytesIO(parts[".shp"]),
                                  shx=io.BytesIO(parts[".shx"]) if ".shx" in parts else None)
            count = len(reader)
        except (pyshp.ShapefileException, OSError, ValueError, TypeError, AttributeError) as exc:
            result.add("shp_unreadable", ERROR, file=shp_name, error=str(exc)[:200])
        else:
            shapes_read = True
            for index in range(count):
                geometries.append(_shape(reader, index, result, shp_name))
    records: list[dict] = []
    if ".dbf" in parts:
        cpg = parts[".cpg"].decode("ascii", errors="ignore") if ".cpg" in parts else None
        try:
            table = read_dbf(parts[".dbf"], result, file=dbf_name, cpg=cpg)
        except (ValueError, IndexError) as exc:
            result.add("dbf_unreadable", ERROR, file=dbf_name, error=str(exc)[:200])
        else:
            records, result.fields, result.encoding = table.records, table.fields, table.encoding
    elif shapes_read:
        result.add("shp_missing_dbf", WARNING, file=shp_name)
    if shapes_read and ".dbf" in parts and records and len(records) != len(geometries):
        result.add("shp_count_mismatch", WARNING, file=shp_name, shapes=len(geometries), records=len(records))
    if shapes_read:
        source = declared_crs
        if not source and ".prj" in parts:
            source = crs_from_prj(parts[".prj"].decode("latin-1"), result, file=f"{name}.prj")
        if not source:
            if ".prj" not in parts:
                result.add("shp_missing_prj", WARNING, file=shp_name)
            source = choose_crs(geometries_bounds(geometries), result, file=shp_name)
        result.source_crs = source
        geometries = reproject(geometries, source, result, file=shp_name)
    else:
        result.source_crs = ""
        if ".prj" in parts:  # still worth saying what the missing geometries were in
            result.source_crs = crs_from_prj(parts[".prj"].decode("latin-1"), result, file=f"{name}.prj") or ""
    total = max(len(geometries), len(records))
    result.features = [
        Feature(geometry=geometries[i] if i < len(geometries) else None,
                properties=records[i] if i < len(records) else {}, index=i)
        for i in range(total)
    ]
    return result.finish()


def _shape(reader, index: int, result: GeoReadResult, file: str):
    try:
        shape = reader.shape(index)
    except (pyshp.ShapefileException, ValueError, IndexError, TypeError, OSError) as exc:
        result.add("shp_shape_unreadable", ERROR, file=file, feature=index, error=str(exc)[:200])
        return None
    if shape.shapeType == pyshp.NULL:
        result.add("geometry_missing", WARNING, file=file, feature=index)
        return None
    try:
        geometry = shapely_shape(shape.__geo_interface__)
    except Exception as exc:  # pyshp raises bare Exception for malformed parts
        result.add("shp_shape_unreadable", ERROR, file=file, feature=index, error=str(exc)[:200])
        return None
    return checked(geometry, result, file=file, index=index)
