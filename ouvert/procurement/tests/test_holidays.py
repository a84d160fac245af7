import datetime as dt

import pytest

from ouvert.procurement.holidays import add_working_days, easter_sunday, is_working_day, quebec_holidays


@pytest.mark.parametrize(("year", "easter"), [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)),
                                               (2026, dt.date(2026, 4, 5)), (2027, dt.date(2027, 3, 28)),
                                               (2038, dt.date(2038, 4, 25))])
def test_easter_on_known_dates(year, easter):
    assert easter_sunday(year) == easter


def test_quebec_holidays_2026_are_the_published_ones():
    assert quebec_holidays(2026) == {
        dt.date(2026, 1, 1), dt.date(2026, 4, 3), dt.date(2026, 4, 6),  # Good Friday, Easter Monday
        dt.date(2026, 5, 18),  # Journée nationale des patriotes
        dt.date(2026, 6, 24), dt.date(2026, 7, 1), dt.date(2026, 9, 7), dt.date(2026, 10, 12),
        dt.date(2026, 12, 25)}


def test_patriotes_when_25_may_is_a_monday_is_the_monday_before():
    assert dt.date(2020, 5, 18) in quebec_holidays(2020)  # 25 May 2020 was a Monday
    assert dt.date(2025, 5, 19) in quebec_holidays(2025)


def test_sunday_24_june_and_1_july_move_to_monday():
    assert dt.date(2029, 6, 25) in quebec_holidays(2029)  # 24 June 2029 is a Sunday
    assert dt.date(2029, 6, 24) not in quebec_holidays(2029)
    assert dt.date(2018, 7, 2) in quebec_holidays(2018)  # 1 July 2018 was a Sunday


def test_working_days_skip_weekends_and_holidays():
    assert not is_working_day(dt.date(2026, 12, 25))
    assert not is_working_day(dt.date(2026, 12, 26))  # Saturday
    # From Thursday 2 April 2026: Friday 3 (Good Friday), weekend, Monday 6 (Easter Monday) skipped.
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    assert add_working_days(dt.date(2026, 12, 18), 5) == dt.date(2026, 12, 28)  # 25th skipped
