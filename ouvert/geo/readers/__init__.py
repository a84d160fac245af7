"""Readers of geographic files. Pure functions: bytes in, :class:`GeoReadResult` out (features in
WGS 84 with shapely geometries, fields, source coordinate system and a report).

Entry points: :func:`read_geo_path` for a file on disk (a loose shapefile's sibling files are
picked up beside it) and :func:`read_geo_bytes` for an upload. The format is detected from the
content, never trusted from the extension alone; a wrong extension is reported.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from .base import ERROR, INFO, WARNING, Feature, FieldInfo, GeoReadError, GeoReadResult, Issue, issue_message
from .crs import normalize_declared
from .csvgeo import read_csv
from .geojson import read_geojson
from .gpkg import read_gpkg
from .kml import read_kml
from .shapefile import PARTS, read_shapefile

__all__ = [
    "ERROR", "INFO", "WARNING", "Feature", "FieldInfo", "GeoReadError", "GeoReadResult", "Issue", "detect_format",
    "issue_message", "normalize_declared", "read_geo_bytes", "read_geo_path",
]

EXPECTED_EXTENSIONS = {
    "geojson": {".geojson", ".json"}, "shapefile": {".shp"}, "dbf": {".dbf"}, "kml": {".kml"},
    "kmz": {".kmz"}, "gpkg": {".gpkg"}, "zip": {".zip"}, "csv": {".csv", ".txt", ".tsv"},
}
LABELS = {"geojson": "GeoJSON", "shapefile": "shapefile (.shp)", "dbf": "dBASE (.dbf)", "kml": "KML",
          "kmz": "KMZ", "gpkg": "GeoPackage", "zip": "ZIP", "csv": "CSV"}
SHP_MAGIC = b"\x00\x00\x27\x0a"
DBF_VERSIONS = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB}


def detect_format(data: bytes, filename: str = "") -> str | None:
    """geojson, shapefile, dbf, kml, kmz, gpkg, zip or csv, from the content; None if unknown."""
    head = data[:4096]
    suffix = PurePosixPath(filename.lower()).suffix
    if head.startswith(b"PK\x03\x04"):
        try:
            names = [n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
        except zipfile.BadZipFile:
            return "zip"
        return "kmz" if any(n.endswith(".kml") for n in names) and not any(n.endswith(".shp") for n in names) \
            else "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head[:4] == SHP_MAGIC and len(head) >= 100:
        return "shapefile"
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    if stripped[:1] in (b"{", b"["):
        return "geojson"
    if stripped[:1] == b"<" and b"<kml" in data[:65536].lower():
        return "kml"
    if head[:1] and head[0] in DBF_VERSIONS and suffix == ".dbf":
        return "dbf"
    if b"\x00" not in head and any(sep in head for sep in (b",", b";", b"\t", b"|")):
        return "csv"
    return None


def _check_extension(result: GeoReadResult, detected: str, filename: str) -> None:
    suffix = PurePosixPath(filename.lower()).suffix
    if filename and suffix not in EXPECTED_EXTENSIONS.get(detected, {suffix}):
        expected = sorted(EXPECTED_EXTENSIONS[detected])[0].lstrip(".")
        if detected == "geojson":
            expected = "geojson"
        result.issues.insert(0, Issue(code="extension_mismatch", severity=WARNING, file=filename, params={
            "file": filename, "extension": suffix or "—", "detected": LABELS[detected], "expected": expected}))


def read_geo_bytes(data: bytes, *, filename: str, siblings: dict[str, bytes] | None = None,
                   declared_crs: str | None = None, **csv_options: str | None) -> GeoReadResult:
    """Read one geographic file. ``siblings`` maps a loose shapefile's other parts ('.dbf', …) to bytes."""
    declared = normalize_declared(declared_crs) if declared_crs else None
    kind = detect_format(data, filename)
    stem = PurePosixPath(filename).name
    stem = stem[: -len(PurePosixPath(stem).suffix)] if PurePosixPath(stem).suffix else stem
    if kind == "geojson":
        result = read_geojson(data, name=filename, declared_crs=declared)
    elif kind in {"shapefile", "dbf"}:
        parts = {k.lower(): v for k, v in (siblings or {}).items()}
        parts[".shp" if kind == "shapefile" else ".dbf"] = data
        result = read_shapefile(parts, name=stem, declared_crs=declared)
    elif kind == "kml":
        result = read_kml(data, name=filename)
    elif kind == "kmz":
        result = _read_kmz(data, filename)
    elif kind == "gpkg":
        result = read_gpkg(data, name=filename, declared_crs=declared)
    elif kind == "zip":
        result = _read_zip(data, filename, declared)
    elif kind == "csv":
        result = read_csv(data, name=filename, declared_crs=declared, **csv_options)
    else:
        result = GeoReadResult(format="unknown", name=filename)
        result.add("unknown_format", ERROR, file=filename)
        return result
    _check_extension(result, kind, filename)
    return result


def read_geo_path(path: Path | str, *, declared_crs: str | None = None, **csv_options: str | None) -> GeoReadResult:
    """Read a file on disk; for a .shp (or a .dbf), the same-stem .shx/.dbf/.prj/.cpg beside it."""
    path = Path(path)
    siblings: dict[str, bytes] = {}
    if path.suffix.lower() in PARTS:
        for sibling in path.parent.iterdir():
            suffix = sibling.suffix.lower()
            if sibling.stem == path.stem and suffix in PARTS and sibling != path:
                siblings[suffix] = sibling.read_bytes()
    return read_geo_bytes(path.read_bytes(), filename=path.name, siblings=siblings, declared_crs=declared_crs,
                          **csv_options)


def _read_kmz(data: bytes, filename: str) -> GeoReadResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        member = next(n for n in archive.namelist() if n.lower().endswith(".kml"))
        return read_kml(archive.read(member), name=member, kmz=True)
    except (zipfile.BadZipFile, StopIteration, KeyError) as exc:
        result = GeoReadResult(format="kmz", name=filename)
        result.add("zip_unreadable", ERROR, file=filename, error=str(exc) or "doc.kml absent")
        return result.finish()


def _read_zip(data: bytes, filename: str, declared: str | None) -> GeoReadResult:
    """A zipped shapefile (the usual way), or a zip holding one GeoJSON/KML/GeoPackage/CSV."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and "__MACOSX" not in m.filename]
    except zipfile.BadZipFile as exc:
        result = GeoReadResult(format="zip", name=filename)
        result.add("zip_unreadable", ERROR, file=filename, error=str(exc))
        return result.finish()
    groups: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for member in members:
        path = PurePosixPath(member.filename)
        if path.suffix.lower() in PARTS:
            groups.setdefault(str(path.with_suffix("")), {})[path.suffix.lower()] = member
    layers = sorted(groups, key=lambda stem: (".shp" not in groups[stem], ".dbf" not in groups[stem], stem))
    if layers:
        stem = layers[0]
        parts = {suffix: archive.read(info) for suffix, info in groups[stem].items()}
        result = read_shapefile(parts, name=PurePosixPath(stem).name, declared_crs=declared)
        result.format = "shapefile"
        if len(layers) > 1:
            result.issues.append(Issue(code="zip_other_layers", severity=INFO, file=filename,
                                       params={"names": ", ".join(PurePosixPath(s).name for s in layers[1:])}))
        return result
    for member in members:
        inner = archive.read(member)
        if detect_format(inner, member.filename) in {"geojson", "kml", "gpkg", "csv"}:
            return read_geo_bytes(inner, filename=PurePosixPath(member.filename).name, declared_crs=declared)
    result = GeoReadResult(format="zip", name=filename)
    result.add("unknown_format", ERROR, file=filename)
    return result.finish()
