"""Québec statutory holidays (Loi sur les normes du travail, Loi sur la fête nationale) and
working days, to check a call's minimum bid period.

Counted as non-working: Saturdays, Sundays, 1 January, Good Friday AND Easter Monday (the law lets
an employer choose one; a bidder may be off on either, so both are counted), the Journée nationale
des patriotes (the Monday before 25 May), 24 June (25 June when the 24th is a Sunday), 1 July
(2 July when the 1st is a Sunday), Labour Day (first Monday of September), Thanksgiving (second
Monday of October) and 25 December.
"""

from __future__ import annotations

import datetime as dt
from functools import cache


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher")."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_monday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


def _sunday_moves(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1) if day.weekday() == 6 else day


@cache
def quebec_holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    may25 = dt.date(year, 5, 25)
    patriotes = may25 - dt.timedelta(days=(may25.weekday() - 0) % 7 or 7)
    return frozenset({
        dt.date(year, 1, 1),
        easter - dt.timedelta(days=2),
        easter + dt.timedelta(days=1),
        patriotes,
        _sunday_moves(dt.date(year, 6, 24)),
        _sunday_moves(dt.date(year, 7, 1)),
        _nth_monday(year, 9, 1),
        _nth_monday(year, 10, 2),
        dt.date(year, 12, 25),
    })


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in quebec_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
