"""Reading tabular files as streams of rows of text: CSV/TSV/TXT, XLSX, XLS and JSON.

Every decision (format, encoding, delimiter, header row…) is detected here, reported in
:attr:`Sheet.detected`, and can be forced through :class:`IngestOptions`. Rows are produced one at a
time: memory stays bounded whatever the file size (JSON objects that are not arrays — GeoJSON
feature collections — are the one exception, read whole up to ``JSON_OBJECT_MAX_BYTES``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ouvert.core.messages import legacy, message, render

from . import report  # noqa: F401 — registers the codes raised here
from .infer import ColumnProfile

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

SAMPLE_BYTES = 256 * 1024
JSON_OBJECT_MAX_BYTES = 64 * 1024 * 1024
DELIMITERS = [",", ";", "\t", "|"]
MAX_NAME = 60  # PostgreSQL identifiers are at most 63 bytes
# A table has at most settings.DATASTORE_MAX_COLUMNS columns. A spreadsheet declares its size before
# its cells: a 23 KB XLSX can declare 16,384 columns and a million rows, and reading it cell by cell
# padded to that width took a worker to 1 GB. Checked before any cell is read.
# Parts of an XLSX that openpyxl reads whole into memory (shared strings, styles, workbook): their
# uncompressed size is bounded before opening (settings.DATASTORE_XLSX_MAX_INMEMORY_BYTES).


def max_columns() -> int:
    return settings.DATASTORE_MAX_COLUMNS


def check_width(columns: int, *, sheet: str | None = None, declared: bool = False) -> None:
    """Refuse a table wider than :func:`max_columns`, before its rows are read."""
    limit = max_columns()
    if columns <= limit:
        return
    code = "source.too_wide_declared" if declared else "source.too_wide_sheet" if sheet else "source.too_wide_row"
    raise SourceError.of(code, columns=columns, max=limit, sheet=sheet or "")


class SourceError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language.

    Raised with :meth:`of` (a message code of :mod:`ouvert.datastore.report`), the reason is kept as
    a code in the load report and read in each reader's language; raised with a text, the text is kept.
    """

    def __init__(self, text: str = "", *, stored: dict[str, Any] | None = None):
        super().__init__(text or (render(stored) if stored else ""))
        self.stored = stored

    @classmethod
    def of(cls, code: str, **params: Any) -> SourceError:
        return cls(stored=message(code, **params))

    def as_message(self) -> dict[str, Any]:
        """The reason as a stored message (a text raised without a code is kept as it was said)."""
        return self.stored or legacy({"fr": str(self), "en": str(self)})


@dataclass
class IngestOptions:
    """Publisher overrides. Any ``None`` means "detect"."""

    format: str | None = None  # csv, xlsx, xls, json
    encoding: str | None = None
    delimiter: str | None = None
    quotechar: str | None = None
    has_header: bool | None = None
    sheets: list[str] | None = None
    # column name -> {"type": ..., "label": ..., "description": ..., "unit": ...}
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    row_limit: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> IngestOptions:
        data = dict(data or {})
        known = {k: data.pop(k) for k in list(data) if k in cls.__dataclass_fields__}
        if data:
            raise SourceError.of("source.unknown_options", names=sorted(data))
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, {}, [])}


def detect_format(path: Path, original_name: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        return "json"
    suffix = Path(original_name).suffix.lower()
    if suffix in (".gz", ".zip", ".7z", ".bz2"):
        raise SourceError.of("source.compressed", extension=suffix)
    if suffix in (".pdf", ".png", ".jpg", ".jpeg", ".doc", ".docx") or head.startswith(b"%PDF"):
        raise SourceError.of("source.document", name=original_name)
    if b"\x00" in head[:1024]:
        raise SourceError.of("source.binary")
    return "csv"


def make_column_names(labels: list[str | None]) -> list[str]:
    """Unique, non-empty column names from header labels (the labels themselves are kept apart)."""
    names: list[str] = []
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        base = unicodedata.normalize("NFC", " ".join((label or "").split()))
        base = base.replace('"', "'").replace("\x00", "")
        if base.startswith("_"):
            base = base.lstrip("_")
        while len(base.encode()) > MAX_NAME:
            base = base[:-1]
        if not base:
            base = _("colonne_%(n)d") % {"n": position}
        name, n = base, 2
        while name.lower() in seen:
            suffix = f"_{n}"
            name = base[: max(1, len(base) - len(suffix))] + suffix if len((base + suffix).encode()) > MAX_NAME \
                else base + suffix
            n += 1
        seen.add(name.lower())
        names.append(name)
    return names


class Sheet:
    """One table of a file: its header labels, its detected settings, and its rows (re-readable)."""

    name: str = ""
    index: int = 0
    labels: list[str | None]
    detected: dict[str, Any]
    total_bytes: int = 0
    encoding: str  # text formats only (CSV, JSON): no class default, so getattr(sheet, "encoding", ...) still tells

    def rows(self) -> Iterator[list[str | None]]:  # pragma: no cover - interface
        raise NotImplementedError

    def bytes_read(self) -> int:
        return 0


# CSV ----------------------------------------------------------------------------------------------

def _detect_encoding(sample: bytes) -> tuple[str, bool]:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252", False
    except UnicodeDecodeError:
        return "latin-1", False


def _score_delimiter(lines: list[str], delimiter: str, quotechar: str) -> tuple[float, int]:
    reader = csv.reader(lines, delimiter=delimiter, quotechar=quotechar)
    widths = [len(row) for row in reader if row]
    if not widths:
        return 0.0, 0
    mode = max(set(widths), key=widths.count)
    if mode < 2:
        return 0.0, mode
    return widths.count(mode) / len(widths), mode


def _looks_like_data(value: str) -> bool:
    probe = ColumnProfile()
    probe.observe(value, 0)
    return probe.type not in (None, "text")


class CsvSheet(Sheet):
    def __init__(self, path: Path, options: IngestOptions):
        self.path = path
        self.total_bytes = path.stat().st_size
        self._handle: io.BufferedReader | None = None
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        encoding, bom = _detect_encoding(sample)
        if options.encoding:
            try:
                codecs.lookup(options.encoding)
            except LookupError as exc:
                raise SourceError.of("source.unknown_encoding", encoding=options.encoding) from exc
            encoding = options.encoding
        self.encoding = encoding
        text = sample.decode(encoding if encoding != "utf-8" else "utf-8", errors="replace")
        if len(sample) == SAMPLE_BYTES:  # drop the last, probably cut, line
            text = text[: text.rfind("\n") + 1] or text
        lines = text.splitlines(keepends=True)[:200]
        if not any(line.strip() for line in lines):
            raise SourceError.of("source.empty")
        quotechar = options.quotechar or ('"' if text.count('"') >= text.count("'") or "'" not in text else "'")
        if options.delimiter:
            delimiter = {"tab": "\t", "\\t": "\t"}.get(options.delimiter, options.delimiter)
            if len(delimiter) != 1:
                raise SourceError.of("source.delimiter_length")
        else:
            scores = {d: _score_delimiter(lines, d, quotechar) for d in DELIMITERS}
            delimiter = max(DELIMITERS, key=lambda d: (scores[d][0] >= 0.9, scores[d][1] > 1, scores[d][0],
                                                        scores[d][1]))
            if scores[delimiter][1] < 2:
                delimiter = ","
        self.delimiter, self.quotechar = delimiter, quotechar
        rows = list(csv.reader(lines, delimiter=delimiter, quotechar=quotechar))[:100]
        first = rows[0] if rows else []
        has_header, header_reason = self._detect_header(rows) if options.has_header is None else (
            options.has_header, "forced")
        self.has_header = has_header
        check_width(len(first))
        self.labels = list(first) if has_header else [None] * len(first)
        crlf = b"\r\n" in sample
        self.detected = {
            "format": "csv", "encoding": encoding.replace("utf-8-sig", "utf-8"), "bom": bom,
            "delimiter": delimiter, "quotechar": quotechar, "has_header": has_header,
            "header_reason": header_reason, "newline": "CRLF" if crlf else "LF",
        }

    @staticmethod
    def _detect_header(rows: list[list[str]]) -> tuple[bool, str]:
        if len(rows) < 2:
            return True, "single_row"
        first, rest = rows[0], rows[1:]
        votes_header = votes_data = 0
        for col, value in enumerate(first):
            profile = ColumnProfile()
            for number, row in enumerate(rest):
                if col < len(row):
                    profile.observe(row[col], number)
            if profile.type in (None, "text"):
                continue
            if value.strip() == "":
                votes_header += 1
            elif _looks_like_data(value) and profile._fits(value.strip()):
                votes_data += 1
            else:
                votes_header += 1
        if votes_data and votes_data > votes_header:
            return False, "first_row_is_data"
        return True, "first_row_labels"

    def _open(self) -> Iterator[list[str]]:
        handle = self.path.open("rb")
        self._handle = handle
        text = io.TextIOWrapper(handle, encoding=self.encoding, newline="")
        return csv.reader(text, delimiter=self.delimiter, quotechar=self.quotechar)

    def rows(self) -> Iterator[list[str | None]]:
        reader = self._open()
        try:
            if self.has_header:
                next(reader, None)
            yield from filter(None, reader)  # blank lines come out as empty lists
        finally:
            if self._handle:
                self._handle.close()

    def bytes_read(self) -> int:
        try:
            return self._handle.tell() if self._handle and not self._handle.closed else self.total_bytes
        except (OSError, ValueError):
            return 0


# Spreadsheets -------------------------------------------------------------------------------------

def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _split_header(rows: Iterator[list[str | None]], has_header: bool | None) -> tuple[list[str | None], bool]:
    for row in rows:
        if any(v not in (None, "") for v in row):
            if has_header is False:
                return [None] * len(row), False
            return row, True
    return [], True


class XlsxSheet(Sheet):
    def __init__(self, path: Path, index: int, name: str, options: IngestOptions, workbook: Any):
        self.path, self.index, self.name = path, index, name
        self.workbook = workbook
        self.total_bytes = path.stat().st_size
        self._options = options
        self._count = 0
        declared = workbook[name].max_column
        if declared:
            check_width(declared, sheet=name, declared=True)
        header, self.has_header = _split_header(self._raw_rows(), options.has_header)
        self.labels = header
        self.detected = {"format": "xlsx", "sheet": name, "has_header": self.has_header, "encoding": "utf-8"}

    def _raw_rows(self) -> Iterator[list[str | None]]:
        limit = max_columns()
        for row in self.workbook[self.name].iter_rows(values_only=True):
            self._count += 1
            if len(row) > limit:  # no declared size: a row is as wide as its last cell
                check_width(len(row), sheet=self.name)
            yield [_cell_text(v) for v in row]

    def rows(self) -> Iterator[list[str | None]]:
        self._count = 0
        skipped = False
        for row in self._raw_rows():
            if not skipped:
                if any(v not in (None, "") for v in row):
                    skipped = True
                    if self.has_header:
                        continue
                else:
                    continue
            yield row

    def bytes_read(self) -> int:
        """The share of the sheet's rows read, as bytes of the file (a workbook is not read in order)."""
        try:
            total_rows = self.workbook[self.name].max_row
        except Exception:  # noqa: BLE001 — a sheet without a declared size: no estimate
            total_rows = None
        if not total_rows:
            return 0
        return int(self.total_bytes * min(self._count / total_rows, 1.0))


class XlsSheet(Sheet):
    def __init__(self, book: Any, index: int, options: IngestOptions, total_bytes: int):
        self.book, self.index = book, index
        self.sheet = book.sheet_by_index(index)
        self.name = self.sheet.name
        check_width(self.sheet.ncols, sheet=self.name, declared=True)
        self.total_bytes = total_bytes
        self._count = 0
        header, self.has_header = _split_header(self._raw_rows(), options.has_header)
        self.labels = header
        self.detected = {"format": "xls", "sheet": self.name, "has_header": self.has_header,
                         "encoding": book.encoding}

    def _raw_rows(self) -> Iterator[list[str | None]]:
        import xlrd

        for r in range(self.sheet.nrows):
            self._count = r + 1
            out: list[str | None] = []
            for cell in self.sheet.row(r):  # ragged: only up to the row's last cell
                if cell.ctype == xlrd.XL_CELL_DATE:
                    out.append(_cell_text(xlrd.xldate_as_datetime(cell.value, self.book.datemode)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(_cell_text(bool(cell.value)))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    out.append(None)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    out.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
                else:
                    out.append(_cell_text(cell.value))
            yield out

    def rows(self) -> Iterator[list[str | None]]:
        started = False
        for row in self._raw_rows():
            if not started:
                if any(v not in (None, "") for v in row):
                    started = True
                    if self.has_header:
                        continue
                else:
                    continue
            yield row

    def bytes_read(self) -> int:
        return int(self.total_bytes * min(self._count / self.sheet.nrows, 1.0)) if self.sheet.nrows else 0


# JSON ---------------------------------------------------------------------------------------------

def _iter_json_array(handle: io.TextIOBase, chunk: int = 1 << 16) -> Iterator[Any]:
    """Items of a top-level JSON array, read incrementally."""
    decoder = json.JSONDecoder()
    buffer = handle.read(chunk).lstrip("\ufeff \t\r\n")
    if not buffer.startswith("["):
        raise SourceError.of("source.json_not_array")
    buffer = buffer[1:]
    while True:
        buffer = buffer.lstrip(" \t\r\n,")
        while not buffer:
            more = handle.read(chunk)
            if not more:
                raise SourceError.of("source.json_truncated")
            buffer = more.lstrip(" \t\r\n,")
        if buffer.startswith("]"):
            return
        while True:
            try:
                item, end = decoder.raw_decode(buffer)
                break
            except json.JSONDecodeError as exc:
                more = handle.read(chunk)
                if not more:
                    raise SourceError.of("source.json_invalid", error=exc.msg) from exc
                buffer += more
        yield item
        buffer = buffer[end:]


def _flat(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class JsonSheet(Sheet):
    def __init__(self, path: Path, options: IngestOptions):
        self.path = path
        self.total_bytes = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
        self.encoding, bom = _detect_encoding(head)
        if options.encoding:
            self.encoding = options.encoding
        stripped = head.decode(self.encoding, errors="replace").lstrip("\ufeff \t\r\n")
        self.kind = "array" if stripped.startswith("[") else "object"
        self._handle: io.TextIOWrapper | None = None
        self.detected = {"format": "json", "encoding": self.encoding.replace("utf-8-sig", "utf-8"), "bom": bom,
                         "json_shape": self.kind, "has_header": True}
        keys: dict[str, None] = {}
        for item in self._items():  # pass over the keys: every object may add some
            if isinstance(item, dict):
                for key in item:
                    keys.setdefault(key, None)
        self.keys = list(keys)
        self.labels = list(self.keys) or ["valeur"]

    def _items(self) -> Iterator[Any]:
        text = self.path.open("r", encoding=self.encoding, errors="strict")
        self._handle = text
        try:
            if self.kind == "array":
                yield from _iter_json_array(text)
                return
            if self.total_bytes > JSON_OBJECT_MAX_BYTES:
                raise SourceError.of("source.json_object_too_big", mb=JSON_OBJECT_MAX_BYTES // 2**20)
            try:
                document = json.load(text)
            except json.JSONDecodeError as exc:
                raise SourceError.of("source.json_invalid_line", line=exc.lineno, error=exc.msg) from exc
            if isinstance(document, dict) and isinstance(document.get("features"), list):
                self.detected["json_shape"] = "geojson"
                for feature in document["features"]:
                    if isinstance(feature, dict):
                        row = dict(feature.get("properties") or {})
                        row["geometry"] = feature.get("geometry")
                        yield row
                return
            for value in document.values() if isinstance(document, dict) else []:
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value[:10]):
                    yield from value
                    return
            raise SourceError.of("source.json_no_table")
        finally:
            text.close()

    def rows(self) -> Iterator[list[str | None]]:
        keys = self.keys
        for item in self._items():
            if isinstance(item, dict):
                yield [_flat(item.get(k)) for k in keys]
            else:
                yield [_flat(item)]

    def bytes_read(self) -> int:
        try:
            return (self._handle.buffer.tell()  # type: ignore[attr-defined]  # an opened file's buffer has tell()
                    if self._handle and not self._handle.closed else self.total_bytes)
        except (OSError, ValueError, AttributeError):
            return 0


def _check_xlsx_parts(path: Path) -> None:
    """Refuse an XLSX whose parts read whole into memory (everything but the worksheets, which are
    streamed) would be larger than the bound once uncompressed — a zip bomb of shared strings."""
    import zipfile

    limit = settings.DATASTORE_XLSX_MAX_INMEMORY_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            whole = sum(info.file_size for info in archive.infolist()
                        if not info.filename.startswith("xl/worksheets/"))
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError.of("source.xlsx_unreadable", error=exc) from exc
    if whole > limit:
        raise SourceError.of("source.xlsx_too_big", mb=whole // 2**20, max=limit // 2**20)


def open_sheets(path: Path, original_name: str, options: IngestOptions) -> list[Sheet]:
    """The tables in a file, in order (one for CSV and JSON, one per non-empty sheet otherwise)."""
    if not path.exists():
        raise SourceError.of("source.missing", name=original_name)
    if path.stat().st_size == 0:
        raise SourceError.of("source.empty")
    kind = options.format or detect_format(path, original_name)
    if kind in ("csv", "tsv", "txt"):
        return [CsvSheet(path, options)]
    if kind == "json":
        return [JsonSheet(path, options)]
    if kind == "xlsx":
        import openpyxl

        _check_xlsx_parts(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a corrupt file
            raise SourceError.of("source.xlsx_unreadable", error=exc) from exc
        names = list(workbook.sheetnames)
        if options.sheets:
            names = [n for n in names if n in options.sheets]
        sheets: list[Sheet] = [XlsxSheet(path, i, n, options, workbook) for i, n in enumerate(names)]
        return [s for s in sheets if s.labels] or sheets[:1]
    if kind == "xls":
        import xlrd

        try:
            # ragged rows: a cell in the last column does not pad every other row to that width
            book = xlrd.open_workbook(str(path), on_demand=False, ragged_rows=True)
        except Exception as exc:  # xlrd raises XLRDError and others on a corrupt file
            raise SourceError.of("source.xls_unreadable", error=exc) from exc
        indexes = [i for i in range(book.nsheets)
                   if not options.sheets or book.sheet_by_index(i).name in options.sheets]
        xls_sheets: list[Sheet] = [XlsSheet(book, i, options, path.stat().st_size) for i in indexes]
        return [s for s in xls_sheets if s.labels] or xls_sheets[:1]
    raise SourceError.of("source.unsupported_format", kind=kind)


_WS = re.compile(r"\s+")
