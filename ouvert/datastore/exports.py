"""Streaming exports in constant memory: CSV, JSON, Parquet, XLSX, and GeoJSON when rows carry a
geometry (a WKT column, or latitude and longitude columns, in WGS 84).

Rows come from :func:`~ouvert.datastore.selectors.iter_rows` (keyset chunks of 5,000), and each
writer yields bytes as it goes; XLSX is the exception that must finish its zip before sending, so it
is written (in openpyxl's write-only mode) to a temporary file, then streamed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Iterator
from typing import Any

import shapely
import shapely.geometry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from .backends import get_backend, quote
from .models import DatastoreTable
from .selectors import iter_rows

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
LAT_NAMES = {"latitude", "lat", "y_lat", "lat_dd", "latitude_dd"}
LON_NAMES = {"longitude", "lon", "long", "lng", "x_long", "lon_dd", "longitude_dd"}
_WKT = re.compile(r"\s*(?:MULTI)?(?:POINT|LINESTRING|POLYGON)\s*Z?\s*\(|\s*GEOMETRYCOLLECTION\s*\(", re.IGNORECASE)


def _protect(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_csv(table: DatastoreTable, *, filters: list[str] | None = None, protect_formulas: bool = False,
               bom: bool = False) -> Iterator[bytes]:
    """``bom``: begin with a UTF-8 byte order mark, which French Excel and LibreOffice need to read the
    file as UTF-8 (the spreadsheet variant of the download buttons)."""
    if bom:
        yield codecs.BOM_UTF8
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [f["id"] for f in table.fields]
    writer.writerow(names)
    pending = 0
    for row in iter_rows(table, filters=filters):
        if protect_formulas:
            row = [_protect(v) for v in row]
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
        pending += 1
        if pending >= 2000:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode()


def _json_array(items: Iterator[Any], opening: bytes = b"[", closing: bytes = b"]\n") -> Iterator[bytes]:
    """A JSON array streamed 2,000 items at a time, one item per line."""
    yield opening
    first = True
    chunk: list[str] = []
    for item in items:
        text = json.dumps(item, ensure_ascii=False, default=str)
        chunk.append(text if first else "," + text)
        first = False
        if len(chunk) >= 2000:
            yield "\n".join(chunk).encode()
            chunk = []
    if chunk:
        yield "\n".join(chunk).encode()
    yield closing


def export_json(table: DatastoreTable, *, filters: list[str] | None = None) -> Iterator[bytes]:
    names = [f["id"] for f in table.fields]
    return _json_array(dict(zip(names, row, strict=True)) for row in iter_rows(table, filters=filters))


class _Sink(io.RawIOBase):
    """A write-only file whose content is drained by the generator after each row group."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts = []
        return out


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {"int": pa.int64(), "numeric": pa.float64(), "bool": pa.bool_(), "date": pa.date32(),
            "timestamp": pa.timestamp("us"), "text": pa.string()}[kind]


def _arrow_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if kind == "timestamp" and isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    return value


def export_parquet(table: DatastoreTable, *, filters: list[str] | None = None, group_rows: int = 20_000
                   ) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = table.fields
    schema = pa.schema([pa.field(f["id"], _arrow_type(f["type"])) for f in fields])
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")  # type: ignore[arg-type]  # any writable file object
    columns: list[list[Any]] = [[] for _ in fields]
    kinds = [f["type"] for f in fields]

    def flush() -> None:
        batch = pa.record_batch([pa.array(col, type=schema.field(i).type) for i, col in enumerate(columns)],
                                schema=schema)
        writer.write_batch(batch)
        for col in columns:
            col.clear()

    count = 0
    for row in iter_rows(table, filters=filters):
        for i, value in enumerate(row):
            columns[i].append(_arrow_value(kinds[i], value))
        count += 1
        if count % group_rows == 0:
            flush()
            yield sink.drain()
    if columns and columns[0] or count == 0:
        flush()
    writer.close()
    yield sink.drain()


def export_xlsx(table: DatastoreTable, *, filters: list[str] | None = None) -> Iterator[bytes]:
    """Text cells are typed as text (never formulas), so ``=SUM(…)`` in the data shows as written and runs
    nothing: no ``'`` prefix is needed, and none is added."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet_name or "donnees")[:31])
    sheet.append([f["id"] for f in table.fields])
    kinds = [f["type"] for f in table.fields]

    def text_cell(value: Any) -> Any:
        if not isinstance(value, str) or not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        return cell

    for row in iter_rows(table, filters=filters):
        sheet.append([text_cell(v) if k == "text" else _arrow_value(k, v) for k, v in zip(kinds, row, strict=True)])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(1 << 16):
            yield chunk


def _fold(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def wkt_columns(table: DatastoreTable) -> list[str]:
    """The text columns holding geometries as WKT (whatever their coordinate system), from each
    column's first value in one round trip: the previews leave them out (a map shows them)."""
    texts = [f["id"] for f in table.fields if f["type"] == "text"][:50]
    if not texts:
        return []
    target = get_backend().table_sql(table.table_name)
    firsts_sql = ", ".join(
        f'(SELECT {quote(c)} FROM {target} WHERE {quote(c)} IS NOT NULL ORDER BY "_id" LIMIT 1)'  # noqa: S608 — quoted identifiers
        for c in texts)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {firsts_sql}")
        firsts = cur.fetchone()
    return [c for c, value in zip(texts, firsts, strict=True) if isinstance(value, str) and _WKT.match(value)]


def geometry_of(table: DatastoreTable) -> dict[str, str]:
    """Where the rows' geometry is: ``{"wkt": column}`` or ``{"lat": column, "lon": column}``, in
    WGS 84 (the first value is checked). Raises ValidationError saying why there is none."""
    target = get_backend().table_sql(table.table_name)
    texts = [f["id"] for f in table.fields if f["type"] == "text"]
    texts.sort(key=lambda name: 0 if "geom" in name.lower() or "wkt" in name.lower() else 1)
    numeric = [f["id"] for f in table.fields if f["type"] in ("numeric", "int")]
    lat = next((c for c in numeric if _fold(c) in LAT_NAMES), None)
    lon = next((c for c in numeric if _fold(c) in LON_NAMES), None)
    candidates = [*texts[:20], *([lat, lon] if lat and lon else [])]
    firsts: dict[str, Any] = {}
    if candidates:  # every column's first value in one round trip: the table page asks on each view
        with connection.cursor() as cur:
            firsts_sql = ", ".join(
                f'(SELECT {quote(c)} FROM {target} WHERE {quote(c)} IS NOT NULL ORDER BY "_id" LIMIT 1)'  # noqa: S608 — quoted identifiers
                for c in candidates)
            cur.execute(f"SELECT {firsts_sql}")
            firsts = dict(zip(candidates, cur.fetchone(), strict=True))

    for column in texts[:20]:
        value = firsts[column]
        if isinstance(value, str) and _WKT.match(value):
            bounds = shapely.from_wkt(value, on_invalid="ignore")
            if bounds is None:
                continue
            west, south, east, north = shapely.bounds(bounds)
            if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
                return {"wkt": column}
            raise ValidationError({"format": [_(
                "La colonne « %(col)s » contient des géométries, mais pas en WGS 84 (longitude, latitude) : "
                "l'export GeoJSON n'est pas possible pour ce tableau ; utilisez la carte de la ressource.")
                % {"col": column}]})
    if lat and lon:
        y, x = firsts[lat], firsts[lon]
        if y is not None and x is not None and -90 <= float(y) <= 90 and -180 <= float(x) <= 180:
            return {"lat": lat, "lon": lon}
    raise ValidationError({"format": [_(
        "Ce tableau n'a pas de géométrie : ni colonne WKT, ni colonnes latitude et longitude en degrés. "
        "Exportez-le en CSV, JSON, Parquet ou XLSX.")]})


def export_geojson(table: DatastoreTable, *, filters: list[str] | None = None,
                   geometry: dict[str, str] | None = None) -> Iterator[bytes]:
    """A FeatureCollection, one feature per row; the WKT column becomes the geometry, latitude and
    longitude stay among the properties."""
    geometry = geometry or geometry_of(table)
    names = [f["id"] for f in table.fields]
    wkt = geometry.get("wkt")

    def features() -> Iterator[dict[str, Any]]:
        for row in iter_rows(table, filters=filters):
            record = dict(zip(names, row, strict=True))
            if wkt:
                shape = shapely.from_wkt(record.pop(wkt), on_invalid="ignore") if record.get(wkt) else None
                geom = shapely.geometry.mapping(shape) if shape is not None and not shape.is_empty else None
            else:
                y, x = record.get(geometry["lat"]), record.get(geometry["lon"])
                geom = {"type": "Point", "coordinates": [float(x), float(y)]} if x is not None and y is not None \
                    else None
            yield {"type": "Feature", "geometry": geom, "properties": record}

    return _json_array(features(), b'{"type": "FeatureCollection", "features": [\n', b"\n]}\n")


def export_stream(table: DatastoreTable, fmt: str, *, filters: list[str] | None = None,
                  protect_formulas: bool = False, bom: bool = False) -> Iterator[bytes]:
    if fmt == "csv":
        return export_csv(table, filters=filters, protect_formulas=protect_formulas, bom=bom)
    if fmt == "json":
        return export_json(table, filters=filters)
    if fmt == "parquet":
        return export_parquet(table, filters=filters)
    if fmt == "xlsx":
        return export_xlsx(table, filters=filters)
    if fmt == "geojson":
        return export_geojson(table, filters=filters, geometry=geometry_of(table))
    raise ValueError(fmt)
