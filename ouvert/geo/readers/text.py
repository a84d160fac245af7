"""Text decoding for geographic files: UTF-8 (with or without BOM), UTF-16 with BOM, then
Windows-1252, the usual encoding of files exported on Québec's Windows workstations."""

from __future__ import annotations

import codecs
import re

from .base import INFO, WARNING, GeoReadResult


def decode(data: bytes, result: GeoReadResult, *, file: str, declared: str | None = None) -> str:
    """Decode ``data``; report when it is not UTF-8 (what was used) or when bytes were replaced."""
    if declared:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            result.encoding = codecs.lookup(declared).name
            return text
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            result.encoding = encoding
            return data.decode(encoding, errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        result.encoding = "utf-8"
        return _fix_c1(text, result, file)
    # cp1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): those become U+FFFD.
    text = data.decode("cp1252", errors="replace")
    result.encoding = "cp1252"
    result.add("encoding_not_utf8", WARNING, file=file, encoding="Windows-1252 (cp1252)")
    replaced = text.count("\ufffd")
    if replaced:
        result.add("encoding_replaced", INFO, file=file, count=replaced, encoding="cp1252")
    return text


_C1 = re.compile("[\x80-\x9f]")


def _fix_c1(text: str, result: GeoReadResult, file: str) -> str:
    """C1 control characters in UTF-8 text are Windows-1252 punctuation converted as if Latin-1."""
    count = 0

    def repair(match: re.Match) -> str:
        nonlocal count
        count += 1
        return bytes([ord(match.group())]).decode("cp1252", errors="replace")

    fixed = _C1.sub(repair, text)
    if count:
        result.add("encoding_c1_fixed", INFO, file=file, count=count)
    return fixed
