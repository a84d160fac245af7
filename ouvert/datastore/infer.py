"""Type inference over every value of a column, and the normalizers that turn a raw cell into the
text the database parses for that type.

Types use CKAN's datastore names: ``int``, ``numeric``, ``bool``, ``date``, ``timestamp``, ``text``.
A :class:`ColumnProfile` sees each value once (streaming) and keeps the narrowest type consistent
with everything seen so far, with the details a normalizer needs (decimal mark, date order).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from ouvert.core.messages import message, register

TYPES = ("int", "numeric", "bool", "date", "timestamp", "text")

# Values that mean "unknown" in Québec files (rule F6 of the publication guidelines).
EMPTY_MARKERS = frozenset({
    "n/d", "nd", "n.d.", "n.d", "n/a", "na", "nan", "null", "none", "-", "--", "—", "s/o", "?", ".",
})
SPREADSHEET_ERRORS = frozenset({"#ref!", "#n/a", "#div/0!", "#value!", "#name?", "#num!", "#null!", "#####"})

TRUE_WORDS = frozenset({"oui", "vrai", "true", "yes", "o", "v", "t", "y"})
FALSE_WORDS = frozenset({"non", "faux", "false", "no", "n", "f"})
BOOL_WORDS = TRUE_WORDS | FALSE_WORDS

_SPACES = "\u00a0\u202f "
_INT = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)")
_DEC_DOT = re.compile(r"[+-]?(?:(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)\.\d*|\.\d+)(?:[eE][+-]?\d+)?"
                      r"|[+-]?\d+[eE][+-]?\d+")
_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DEC_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+),\d+")

_SHAPE = str.maketrans("0123456789", "0111111111")

# Whole-block checks: cells joined by "\n", one regular expression for thousands of cells. Atomic
# groups and possessive quantifiers keep a failing match linear (no backtracking into a cell).
_INT_CELL = r"[+-]?(?:0|[1-9]\d{0,17})"
_INT_BLOCK = re.compile(rf"(?>{_INT_CELL})?+(?:\n(?>{_INT_CELL})?+)*+")
_INT_SPACE_CELL = r"[+-]?(?:0|[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+|[1-9]\d{0,17})"
_INT_SPACE_BLOCK = re.compile(rf"(?>{_INT_SPACE_CELL})?+(?:\n(?>{_INT_SPACE_CELL})?+)*+")
_DOT_CELL = r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DOT_BLOCK = re.compile(rf"(?>{_DOT_CELL})?+(?:\n(?>{_DOT_CELL})?+)*+")
_COMMA_CELL = r"[+-]?(?:0|[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+|[1-9]\d*)(?:,\d+)?"
_COMMA_BLOCK = re.compile(rf"(?>{_COMMA_CELL})?+(?:\n(?>{_COMMA_CELL})?+)*+")

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "août": 8, "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "dec": 12, "december": 12,
}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        "lun", "mar", "mer", "jeu", "ven", "sam", "dim",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_ALT = "|".join(sorted(DAYS, key=len, reverse=True))
_TIME = (r"(?:[ T]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,6}))?)?"
         r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")

# name -> compiled pattern; groups y, m, d (or mon for a month name), then the optional time.
DATE_FORMATS: dict[str, re.Pattern[str]] = {
    "iso": re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME),
    "ymd/": re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME),
    "dmy/": re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})" + _TIME),
    "dmy-": re.compile(r"(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})" + _TIME),
    "dmy.": re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME),
    "text": re.compile(
        rf"(?:(?:{_DAY_ALT})\.?,?\s+)?(?P<d>\d{{1,2}})(?:er)?\s+(?P<mon>{_MONTH_ALT})\.?,?\s+(?P<y>\d{{4}})" + _TIME,
        re.IGNORECASE),
}
# Formats where day and month may be swapped (15/03/2012 vs 03/15/2012): the column decides.
_SWAPPABLE = {"dmy/", "dmy-", "dmy."}


def is_empty_marker(value: str) -> bool:
    low = value.strip().lower()
    return low in EMPTY_MARKERS or low in SPREADSHEET_ERRORS or (len(low) > 2 and set(low) == {"*"})


def _parse_date(value: str, fmt: str, month_first: bool) -> tuple[dt.datetime, bool] | None:
    """``(datetime, has_time)`` or ``None`` when ``value`` is not a valid date in ``fmt``."""
    match = DATE_FORMATS[fmt].fullmatch(value)
    if not match:
        return None
    g = match.groupdict()
    try:
        year = int(g["y"])
        if fmt == "text":
            month, day = MONTHS[g["mon"].lower()], int(g["d"])
        else:
            month, day = int(g["m"]), int(g["d"])
            if month_first and fmt in _SWAPPABLE:
                month, day = day, month
        hour = int(g["H"]) if g["H"] else 0
        minute = int(g["M"]) if g["M"] else 0
        second = int(g["S"]) if g["S"] else 0
        micro = int(g["f"].ljust(6, "0")) if g["f"] else 0
        value_dt = dt.datetime(year, month, day, hour, minute, second, micro)  # noqa: DTZ001 — naive on purpose
    except ValueError:
        return None
    if g["tz"]:
        sign = 1 if g["tz"][0] == "+" else -1
        if g["tz"] != "Z":
            digits = g["tz"][1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            value_dt = value_dt.replace(tzinfo=dt.timezone(sign * offset))
        else:
            value_dt = value_dt.replace(tzinfo=dt.UTC)
    return value_dt, bool(g["H"])


@dataclass
class ColumnProfile:
    """What one pass over a column learned. ``type`` is ``None`` while only empty values were seen."""

    type: str | None = None
    decimal_comma: bool | None = None  # None: undecided (only integers so far)
    thousands_space: bool = False
    date_formats: list[str] = field(default_factory=list)
    month_first: bool = False
    day_first_proof: bool = False  # a value whose first number is > 12
    month_first_proof: bool = False
    leading_zero: bool = False
    non_empty: int = 0
    empty: int = 0
    markers: dict[str, int] = field(default_factory=dict)
    marker_rows: list[int] = field(default_factory=list)
    first_text_row: int | None = None
    first_text_value: str | None = None
    bool_words: set[str] = field(default_factory=set)
    max_length: int = 0
    distinct: set[str] | None = field(default_factory=set)
    _known: set[str] = field(default_factory=set, repr=False)

    DISTINCT_LIMIT = 1000

    def observe(self, value: str | None, row: int) -> None:
        """Account for one raw cell (already stripped by the reader or not)."""
        if value is None or value == "":
            self.empty += 1
            return
        if self.type == "text":  # the fast path for the commonest column type
            self.non_empty += 1
            self._note(value)
            return
        stripped = value.strip()
        if not stripped or is_empty_marker(stripped):
            self.empty += 1
            if stripped:
                key = stripped[:20]
                self.markers[key] = self.markers.get(key, 0) + 1
                if len(self.marker_rows) < 20:
                    self.marker_rows.append(row)
            return
        self.non_empty += 1
        self._note(value)
        if self.type is None:
            self.type = self._first_type(stripped)
        elif not self._fits(stripped):
            self._widen(stripped)
        if self.type == "text" and self.first_text_row is None:
            self.first_text_row, self.first_text_value = row, value[:200]

    def observe_chunk(self, values: Sequence[str], first_row: int) -> None:
        """Account for a block of cells at once. When the whole block fits the current type (checked
        by one regular expression over the joined block, or over its distinct values), only the
        statistics are updated; otherwise each cell goes through :meth:`observe`."""
        if self.type is None:
            # cell by cell until the first value sets a type, then the rest of the block at once
            for offset, value in enumerate(values):
                self.observe(value, first_row + offset)
                if self.type is not None:
                    rest = values[offset + 1:]
                    if rest:
                        self.observe_chunk(rest, first_row + offset + 1)
                    return
            return
        if not self._block_fits(values):
            for offset, value in enumerate(values):
                self.observe(value, first_row + offset)
            return
        empty = values.count("")
        self.empty += empty
        self.non_empty += len(values) - empty
        if self.type == "text":
            longest = max(map(len, values)) if values else 0
            if longest > self.max_length:
                self.max_length = longest
        distinct = self.distinct
        if distinct is not None:
            distinct.update(values)
            distinct.discard("")
            if len(distinct) > self.DISTINCT_LIMIT:
                self.distinct = None

    def _block_fits(self, values: Sequence[str]) -> bool:
        kind = self.type
        if kind == "text":
            return True
        if kind in ("int", "numeric"):
            joined = "\n".join(values)
            if joined.count("\n") != len(values) - 1:
                return False  # a cell holds a line break: check cell by cell
            # The patterns only tell a zero from another digit: match the distinct shapes of the
            # block ("45,979567" -> "11,111111"), a few hundred, instead of its 10,000 cells.
            joined = joined.translate(_SHAPE)
            if len(values) > 64:
                joined = "\n".join(set(joined.split("\n")))
            if kind == "int":
                if _INT_BLOCK.fullmatch(joined):
                    return True
                if _INT_SPACE_BLOCK.fullmatch(joined):
                    self.thousands_space = True
                    return True
                return False
            if self.decimal_comma is not True and _DOT_BLOCK.fullmatch(joined):
                if any(c in joined for c in _SPACES):
                    self.thousands_space = True
                self.decimal_comma = False if "." in joined or self.decimal_comma is False else None
                return True
            if self.decimal_comma is not False and _COMMA_BLOCK.fullmatch(joined):
                if "," in joined:
                    self.decimal_comma = True
                if any(c in joined for c in _SPACES):
                    self.thousands_space = True
                return True
            return False
        unknown = set(values)
        unknown.discard("")
        known = self._known
        unknown.difference_update(known)
        for value in unknown:
            stripped = value.strip()
            if not stripped or is_empty_marker(stripped) or not self._fits(stripped):
                return False
            if len(known) < 200_000:
                known.add(value)
        return True

    def _note(self, value: str) -> None:
        if len(value) > self.max_length:
            self.max_length = len(value)
        distinct = self.distinct
        if distinct is not None and value not in distinct:
            if len(distinct) >= self.DISTINCT_LIMIT:
                self.distinct = None
            else:
                distinct.add(value)

    # Inference ------------------------------------------------------------------------------------

    def _first_type(self, value: str) -> str:
        for candidate in ("int", "numeric", "bool", "date"):
            if self._accepts(candidate, value, first=True):
                return (self.type or "date") if candidate == "date" else candidate
        return "text"

    def _accepts(self, kind: str, value: str, *, first: bool = False) -> bool:
        if kind == "int":
            if value.isdigit():
                if len(value) > 1 and value[0] == "0":
                    return False  # a code like 01005: keep its zeros as text
                return len(value) <= 18
            if _INT.fullmatch(value):
                digits = value.lstrip("+-")
                if len(digits) > 1 and digits[0] == "0":
                    return False
                if not digits.isdigit():
                    self.thousands_space = True
                return len(digits) <= 22
            return False
        if kind == "numeric":
            if self.decimal_comma is not True and _DEC_DOT.fullmatch(value):
                self.decimal_comma = False
                if any(c in value for c in _SPACES):
                    self.thousands_space = True
                return True
            if self.decimal_comma is not False and _DEC_COMMA.fullmatch(value):
                self.decimal_comma = True
                if any(c in value for c in _SPACES):
                    self.thousands_space = True
                return True
            return self._accepts("int", value)
        if kind == "bool":
            low = value.lower()
            if low in BOOL_WORDS and (len(low) > 1 or first is False):
                self.bool_words.add(low)
                return True
            return False
        if kind in ("date", "timestamp"):
            return self._accepts_date(value)
        return True

    def _accepts_date(self, value: str) -> bool:
        for fmt in self.date_formats:
            if self._date_fits(value, fmt):
                return True
        for fmt in DATE_FORMATS:
            if fmt not in self.date_formats and self._date_fits(value, fmt):
                self.date_formats.append(fmt)
                return True
        return False

    def _date_fits(self, value: str, fmt: str) -> bool:
        parsed = _parse_date(value, fmt, False)
        if parsed is None and fmt in _SWAPPABLE:
            swapped = _parse_date(value, fmt, True)
            if swapped is None or self.day_first_proof:
                return False
            self.month_first_proof = True
            self.month_first = True
            parsed = swapped
        elif parsed is None:
            return False
        elif fmt in _SWAPPABLE:
            first = int(re.split(r"[/.-]", value, maxsplit=1)[0])
            if first > 12:
                if self.month_first_proof:
                    return False
                self.day_first_proof = True
        if parsed[1] and self.type == "date" or parsed[1] and self.type is None:
            self.type = "timestamp"
        return True

    def _fits(self, value: str) -> bool:
        kind = self.type
        if kind == "int":
            if value.isdigit() and (value[0] != "0" or len(value) == 1) and len(value) <= 18:
                return True
            return self._accepts("int", value)
        if kind == "numeric":
            return self._accepts("numeric", value)
        if kind == "bool":
            return self._accepts("bool", value)
        if kind in ("date", "timestamp"):
            return self._accepts_date(value)
        return True

    def _widen(self, value: str) -> None:
        if self.type == "int" and self._accepts("numeric", value):
            self.type = "numeric"
            return
        self.type = "text"

    # Results --------------------------------------------------------------------------------------

    @property
    def final_type(self) -> str:
        if self.type is None:
            return "text"
        if self.type == "date" and self.month_first_proof and self.day_first_proof:
            return "text"
        return self.type

    def describe(self) -> dict:
        """The decisions, as reported to the publisher (JSON-ready)."""
        info: dict = {"type": self.final_type, "non_empty": self.non_empty, "empty": self.empty}
        if self.final_type == "numeric":
            info["decimal_mark"] = "," if self.decimal_comma else "."
        if self.thousands_space:
            info["thousands_separator"] = " "
        if self.final_type in ("date", "timestamp"):
            info["date_formats"] = list(self.date_formats)
            if any(f in _SWAPPABLE for f in self.date_formats):
                info["day_month_order"] = "month_first" if self.month_first else "day_first"
        if self.final_type == "bool":
            info["bool_words"] = sorted(self.bool_words)
        if self.markers:
            info["empty_markers"] = dict(sorted(self.markers.items(), key=lambda kv: -kv[1]))
            info["empty_marker_rows"] = list(self.marker_rows)
        if self.first_text_row is not None and self.type == "text" and self.non_empty:
            info["first_text_row"] = self.first_text_row
            info["first_text_value"] = self.first_text_value
        return info


# Normalizers -------------------------------------------------------------------------------------

# What a column of each type expects, said to whoever reads the load report (message codes
# ``expected.<type>``, translated when shown).
EXPECTED = {
    "int": _("un entier (ex. 42 ou 1 234)"),
    "numeric": _("un nombre (ex. 3.14, 3,14 ou 1 234,56)"),
    "bool": _("un booléen (oui/non, vrai/faux, true/false, 1/0)"),
    "date": _("une date (ex. 2012-03-15, 15/03/2012 ou jeudi 01 janv 2009)"),
    "timestamp": _("une date et heure (ex. 2012-12-15 09:30:00)"),
    "text": _("du texte"),
}
register({f"expected.{kind}": text for kind, text in EXPECTED.items()})


class ConversionError(ValueError):
    """``value`` does not fit a column of type ``kind``."""

    def __init__(self, value: str, kind: str):
        super().__init__(value)
        self.value = value
        self.kind = kind

    @property
    def expected(self) -> str:
        """What the column expects, in the active language."""
        return str(EXPECTED[self.kind])

    def expected_message(self) -> dict[str, Any]:
        """The same, as a stored message."""
        return message(f"expected.{self.kind}")


def make_normalizer(kind: str, *, decimal_comma: bool = False, month_first: bool = False,
                    date_formats: list[str] | None = None,
                    thousands_comma: bool = False) -> Callable[[str | None], str | None] | None:
    """A function ``raw -> text the database parses`` (``None`` for NULL), or ``None`` for text.
    ``thousands_comma`` (the publisher said the decimal mark is "."): commas separate thousands."""
    if kind == "text":
        return None
    if thousands_comma and kind in ("int", "numeric"):
        inner = make_normalizer(kind)
        if inner is None:  # never: only text has no normalizer
            return None

        def without_commas(raw: str | None) -> str | None:
            if raw and "," in raw:
                if not _THOUSANDS_COMMA.fullmatch(raw.strip(" \t\u00a0\u202f")):
                    raise ConversionError(raw, kind)
                raw = raw.replace(",", "")
            return inner(raw)
        return without_commas
    strip_chars = " \t\u00a0\u202f"

    if kind == "int":
        def to_int(raw: str | None) -> str | None:
            if not raw:
                return None
            if raw.isdigit():
                return raw
            value = raw.strip()
            if not value or is_empty_marker(value):
                return None
            if _INT.fullmatch(value):
                return value.translate(_DROP_SPACES)
            if _DEC_DOT.fullmatch(value) or _DEC_COMMA.fullmatch(value):
                number = float(value.translate(_DROP_SPACES).replace(",", "."))
                if number.is_integer():
                    return str(int(number))
            raise ConversionError(raw, "int")
        return to_int

    if kind == "numeric":
        def to_numeric(raw: str | None) -> str | None:
            if not raw:
                return None
            value = raw.strip(strip_chars)
            if not value or is_empty_marker(value):
                return None
            if _DEC_DOT.fullmatch(value) and not decimal_comma:
                return value.translate(_DROP_SPACES)
            if _DEC_COMMA.fullmatch(value) or _INT.fullmatch(value):
                return value.translate(_DROP_SPACES).replace(",", ".")
            if _DEC_DOT.fullmatch(value):
                return value.translate(_DROP_SPACES)
            raise ConversionError(raw, "numeric")
        return to_numeric

    if kind == "bool":
        def to_bool(raw: str | None) -> str | None:
            if not raw:
                return None
            low = raw.strip().lower()
            if low in TRUE_WORDS or low == "1":
                return "1"
            if low in FALSE_WORDS or low == "0":
                return "0"
            if not low or is_empty_marker(low):
                return None
            raise ConversionError(raw, "bool")
        return to_bool

    formats = list(date_formats or []) + [f for f in DATE_FORMATS if f not in (date_formats or [])]
    with_time = kind == "timestamp"
    cache: dict[str, str] = {}

    def to_temporal(raw: str | None) -> str | None:
        if not raw:
            return None
        hit = cache.get(raw)
        if hit is not None:
            return hit
        value = raw.strip()
        if not value or is_empty_marker(value):
            return None
        for fmt in formats:
            parsed = _parse_date(value, fmt, month_first)
            if parsed is not None:
                moment = parsed[0]
                if with_time:
                    text = moment.isoformat(sep=" ")
                else:
                    if parsed[1] and (moment.hour or moment.minute or moment.second):
                        raise ConversionError(raw, "date")
                    text = moment.date().isoformat()
                if len(cache) < 50_000:
                    cache[raw] = text
                return text
        raise ConversionError(raw, kind)

    return to_temporal


_DROP_SPACES = str.maketrans("", "", " \u00a0\u202f")
