"""Bounds on numbers read from requests, checked before they reach the database.

SQLite stores integers as signed 64-bit values (PostgreSQL's ``bigint`` is the same range): a larger
Python ``int`` raises ``OverflowError`` inside the driver, and an ``OFFSET`` beyond it is a
"datatype mismatch". Every integer taken from a query string, a JSON body or a cursor goes through
:func:`int_param` (or :func:`in_int64`) first, so that a bad value is a 4xx naming the parameter,
never a 500. See docs/security.md."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def in_int64(number: int) -> bool:
    return INT64_MIN <= number <= INT64_MAX


def int_message(name: str, value: Any, minimum: int | None, maximum: int | None) -> str:
    """What is wrong with ``name``, the accepted range and how to fix it, in the user's language."""
    low = INT64_MIN if minimum is None else minimum
    high = INT64_MAX if maximum is None else maximum
    shown = str(value)
    if len(shown) > 40:
        shown = shown[:40] + "…"
    return _("« %(name)s » doit être un nombre entier de %(min)s à %(max)s (reçu : « %(value)s ») ; "
             "corrigez ce paramètre.") % {"name": name, "min": low, "max": high, "value": shown}


def int_param(value: Any, *, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` (text, int or a float without fraction) as an int within the bounds (int64 when not
    given), or ``ValueError`` with :func:`int_message` as its text."""
    low = INT64_MIN if minimum is None else max(minimum, INT64_MIN)
    high = INT64_MAX if maximum is None else min(maximum, INT64_MAX)
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in ("+", "-") else text
        if digits.isascii() and digits.isdigit() and len(digits) < 40:
            number = int(text)
    if number is None or not low <= number <= high:
        raise ValueError(int_message(name, value, low, high))
    return number
