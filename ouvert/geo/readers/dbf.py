"""dBASE III/IV attribute tables (.dbf), read here rather than through pyshp so that the code page
comes from the .cpg file or the header's language driver byte (LDID), and so that the "******"
written by ArcGIS for numbers too wide for their field becomes an empty value with a note."""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .base import INFO, WARNING, FieldInfo, GeoReadResult

# Language driver IDs (byte 29 of the header) -> Python codec. From the dBASE/ESRI tables.
LDID_CODEPAGES = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x04: "mac_roman", 0x08: "cp865", 0x09: "cp437",
    0x0A: "cp850", 0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437", 0x10: "cp850",
    0x11: "cp437", 0x12: "cp850", 0x13: "cp932", 0x14: "cp850", 0x15: "cp437", 0x16: "cp850",
    0x17: "cp865", 0x18: "cp437", 0x19: "cp437", 0x1A: "cp850", 0x1B: "cp437", 0x1C: "cp863",
    0x1D: "cp850", 0x1F: "cp852", 0x22: "cp852", 0x23: "cp852", 0x24: "cp860", 0x25: "cp850",
    0x26: "cp866", 0x37: "cp850", 0x40: "cp852", 0x4D: "cp936", 0x4E: "cp949", 0x4F: "cp950",
    0x50: "cp874", 0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866",
    0x66: "cp865", 0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857", 0x6C: "cp863", 0x78: "cp950",
    0x79: "cp949", 0x7A: "cp936", 0x7B: "cp932", 0x7C: "cp874", 0x7D: "cp1255", 0x7E: "cp1256",
    0x86: "cp737", 0x87: "cp852", 0x88: "cp857", 0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254",
    0xCB: "cp1253", 0xCC: "cp1257",
}
# Common .cpg contents that are not Python codec names.
CPG_ALIASES = {"ansi 1252": "cp1252", "1252": "cp1252", "ansi": "cp1252", "oem": "cp437", "88591": "latin-1"}


@dataclass
class DbfTable:
    fields: list[FieldInfo] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = ""


def cpg_encoding(text: str) -> str | None:
    value = text.strip().strip("\x00").lower()
    if not value:
        return None
    value = CPG_ALIASES.get(value, value)
    if value.isdigit():
        value = f"cp{value}"
    try:
        return codecs.lookup(value).name
    except LookupError:
        return None


def read_dbf(data: bytes, result: GeoReadResult, *, file: str, cpg: str | None = None) -> DbfTable:
    """Every record of a .dbf, typed; deleted records are skipped. Raises ValueError if unreadable."""
    if len(data) < 32:
        raise ValueError("en-tête de moins de 32 octets")
    count, header_size, record_size = struct.unpack("<IHH", data[4:12])
    ldid = data[29]
    encoding, source = None, ""
    if cpg:
        encoding, source = cpg_encoding(cpg), ".cpg"
    if not encoding and ldid in LDID_CODEPAGES:
        encoding, source = LDID_CODEPAGES[ldid], f"LDID 0x{ldid:02X}"
    if not encoding:
        encoding, source = None, ""
    descriptors = []
    offset = 32
    while offset + 32 <= header_size and data[offset] != 0x0D:
        raw = data[offset:offset + 32]
        name = raw[:11].split(b"\x00", 1)[0].decode("latin-1").strip()
        descriptors.append((name, chr(raw[11]), raw[16], raw[17]))
        offset += 32
    if not descriptors:
        raise ValueError("aucune description de champ")
    body = data[header_size:header_size + count * record_size]
    if not encoding:
        # No .cpg and no LDID: UTF-8 when every text byte decodes, else Windows-1252.
        try:
            body.decode("utf-8")
            encoding, source = "utf-8", "UTF-8"
        except UnicodeDecodeError:
            encoding, source = "cp1252", "défaut Windows-1252"
    result.add("dbf_encoding", INFO, file=file, encoding=encoding, source=source)
    table = DbfTable(encoding=encoding)
    kinds = {"N": "number", "F": "number", "I": "integer", "L": "boolean", "D": "date", "O": "number"}
    for name, kind, _size, decimals in descriptors:
        inferred = kinds.get(kind, "text")
        if kind == "N" and decimals == 0:
            inferred = "integer"
        table.fields.append(FieldInfo(name=name, type=inferred))
    replaced = 0
    for number in range(count):
        record = body[number * record_size:(number + 1) * record_size]
        if len(record) < record_size:
            break
        if record[:1] == b"*":
            continue
        position = 1
        values: dict[str, Any] = {}
        for (name, kind, size, decimals), _info in zip(descriptors, table.fields, strict=True):
            raw = record[position:position + size]
            position += size
            value, bad = _value(raw, kind, decimals, encoding)
            replaced += bad
            if value is _OVERFLOW:
                result.add("dbf_overflow", WARNING, file=file, feature=len(table.records), field=name)
                value = None
            values[name] = value
        table.records.append(values)
    if replaced:
        result.add("encoding_replaced", INFO, file=file, count=replaced, encoding=encoding)
    # A numeric field whose every value is an integer, declared with decimals (NO_ARON N(6,2)).
    return table


_OVERFLOW = object()


def _value(raw: bytes, kind: str, decimals: int, encoding: str) -> tuple[Any, int]:
    if kind in "NF":
        text = raw.strip(b" \x00").decode("ascii", errors="replace")
        if not text:
            return None, 0
        if set(text) == {"*"}:
            return _OVERFLOW, 0
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, 0
        return (int(number) if decimals == 0 and number.is_integer() else number), 0
    if kind == "I":
        return struct.unpack("<i", raw[:4])[0], 0
    if kind == "O":
        return struct.unpack("<d", raw[:8])[0], 0
    if kind == "L":
        flag = raw[:1].upper()
        return (True if flag in (b"T", b"Y", b"O") else False if flag in (b"F", b"N") else None), 0
    if kind == "D":
        text = raw.strip(b" \x00").decode("ascii", errors="replace")
        if len(text) == 8 and text.isdigit() and text != "00000000":
            try:
                return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat(), 0
            except ValueError:
                return text, 0
        return None, 0
    text = raw.decode(encoding, errors="replace").rstrip(" \x00")
    return text, text.count("\ufffd")
