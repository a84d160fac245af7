"""Streaming exports in constant memory: CSV, JSON, Parquet and XLSX.

Rows come from :func:`~ouvert.datastore.selectors.iter_rows` (keyset chunks of 5,000), and each
writer yields bytes as it goes; XLSX is the exception that must finish its zip before sending, so it
is written (in openpyxl's write-only mode) to a temporary file, then streamed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from .models import DatastoreTable
from .selectors import iter_rows

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _protect(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_csv(table: DatastoreTable, *, filters: list[str] | None = None, protect_formulas: bool = False
               ) -> Iterator[bytes]:
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


def export_json(table: DatastoreTable, *, filters: list[str] | None = None) -> Iterator[bytes]:
    names = [f["id"] for f in table.fields]
    yield b"["
    first = True
    chunk: list[str] = []
    for row in iter_rows(table, filters=filters):
        text = json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=str)
        chunk.append(text if first else "," + text)
        first = False
        if len(chunk) >= 2000:
            yield "\n".join(chunk).encode()
            chunk = []
    if chunk:
        yield "\n".join(chunk).encode()
    yield b"]\n"


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
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
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
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet_name or "donnees")[:31])
    sheet.append([f["id"] for f in table.fields])
    kinds = [f["type"] for f in table.fields]
    for row in iter_rows(table, filters=filters):
        sheet.append([_arrow_value(k, _protect(v) if k == "text" else v) for k, v in zip(kinds, row, strict=True)])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(1 << 16):
            yield chunk


def export_stream(table: DatastoreTable, fmt: str, *, filters: list[str] | None = None,
                  protect_formulas: bool = False) -> Iterator[bytes]:
    if fmt == "csv":
        return export_csv(table, filters=filters, protect_formulas=protect_formulas)
    if fmt == "json":
        return export_json(table, filters=filters)
    if fmt == "parquet":
        return export_parquet(table, filters=filters)
    if fmt == "xlsx":
        return export_xlsx(table, filters=filters)
    raise ValueError(fmt)
