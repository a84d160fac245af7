"""Dates as French readers expect them: the first day of a month is written "1er" ("1er décembre
2026"), every other day as its number. Django's ``date`` filter and ``date_format`` write "1 décembre";
:func:`date_display` is the one place that knows the rule, used by the project's ``date`` template
filter (``ouvert.core.templatetags.ouvert_i18n``, a template built-in that replaces Django's) and by
Python code that writes a date into a sentence."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone
from django.utils.dateformat import format as django_format
from django.utils.translation import get_language

# The day-of-month letter "j" of a format string, unless escaped by a backslash.
_DAY = re.compile(r"(?<!\\)j")


def french_format(fmt: str, value: dt.date) -> str:
    """``fmt`` with "j" turned into "j\\e\\r" when ``value`` is the first of the month."""
    if getattr(value, "day", None) != 1:
        return fmt
    return _DAY.sub(r"j\\e\\r", fmt)


def is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def date_display(value: dt.date | dt.datetime, fmt: str | None = None) -> str:
    """``value`` in ``fmt`` (a format string or a format name such as ``"DATE_FORMAT"``, the
    active language's ``DATE_FORMAT`` by default), with "1er" in French."""
    resolved = formats.get_format(fmt or "DATE_FORMAT")
    if is_french():
        resolved = french_format(str(resolved), value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return django_format(value, resolved)


def plural_count(value: float | int | None) -> int:
    """What ``ngettext`` should be given for a measured number (a rate, an average, seconds left):
    gettext's plural rules take integers; a whole number is itself, any other a plural ("1,5 jours",
    "1.5 days")."""
    if value is None:
        return 0
    number = float(value)
    return int(number) if number.is_integer() else 2
