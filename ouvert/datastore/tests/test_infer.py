"""Type inference over whole columns and the normalizers that feed the database."""

import pytest

from ouvert.datastore.infer import ColumnProfile, ConversionError, is_empty_marker, make_normalizer


def profile(values):
    p = ColumnProfile()
    for row, value in enumerate(values, start=2):
        p.observe(value, row)
    return p


@pytest.mark.parametrize(("values", "expected"), [
    (["1", "42", "-7", ""], "int"),
    (["1 234", "12"], "int"),
    (["3.14", "2", "1e5"], "numeric"),
    (["1 234,56", "2,5", "7"], "numeric"),
    (["oui", "non", "Oui"], "bool"),
    (["vrai", "faux"], "bool"),
    (["true", "false", ""], "bool"),
    (["2012-03-15", "2013-12-31"], "date"),
    (["15/03/2012", "01/01/2013"], "date"),
    (["jeudi 01 janv 2009", "vendredi 02 janv 2009"], "date"),
    (["1er mars 2020", "15 août 2021"], "date"),
    (["2012/12/15 09:30:00", "2012/12/19 22:59:00"], "timestamp"),
    (["2012-01-01 00:00:00", "2012-01-01"], "timestamp"),
    (["2012-01-01T10:00:00-05:00"], "timestamp"),
    (["01005", "12"], "text"),  # leading zeros are codes
    (["12", "abc"], "text"),
    (["", "", ""], "text"),
    (["31/02/2012"], "text"),  # not a real date
    (["1,5", "2.5"], "text"),  # two decimal marks in one column: ambiguous, kept as text
])
def test_column_type(values, expected):
    assert profile(values).final_type == expected


def test_whole_column_decides_not_a_sample():
    values = [str(i) for i in range(10_000)] + ["12,5"]
    p = profile(values)
    assert p.final_type == "numeric" and p.decimal_comma is True


def test_late_text_value_is_reported_with_its_row():
    p = profile(["1", "2", "trois"])
    assert p.final_type == "text"
    assert p.describe()["first_text_row"] == 4 and p.describe()["first_text_value"] == "trois"


def test_empty_markers_and_spreadsheet_errors_do_not_break_types():
    p = profile(["879", "#REF!", "N/D", "-", "12", "******"])
    assert p.final_type == "int"
    info = p.describe()
    assert info["empty_markers"] == {"#REF!": 1, "N/D": 1, "-": 1, "******": 1}
    assert info["empty_marker_rows"] == [3, 4, 5, 7]
    assert is_empty_marker("#DIV/0!") and not is_empty_marker("Québec")


def test_day_month_order_is_detected_per_column():
    assert profile(["03/15/2012", "01/02/2012"]).month_first is True
    day_first = profile(["15/03/2012", "01/02/2012"])
    assert day_first.month_first is False
    assert make_normalizer("date", month_first=False, date_formats=day_first.date_formats)("01/02/2012") == "2012-02-01"
    assert profile(["15/03/2012", "03/15/2012"]).final_type == "text"  # both orders: contradictory


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("int", "1 234", "1234"),
    ("int", "\u00a01\u00a0234 ", "1234"),
    ("numeric", "1 234,56", "1234.56"),
    ("numeric", "-0,5", "-0.5"),
    ("numeric", "3.25", "3.25"),
    ("bool", "Oui", "1"),
    ("bool", "faux", "0"),
    ("date", "jeudi 01 janv 2009", "2009-01-01"),
    ("date", "15/03/2012", "2012-03-15"),
    ("date", "2012/12/15", "2012-12-15"),
    ("timestamp", "2012/12/15 09:30:00", "2012-12-15 09:30:00"),
    ("timestamp", "2012-12-15", "2012-12-15 00:00:00"),
    ("int", "", None),
    ("int", "#REF!", None),
])
def test_normalizers(kind, raw, expected):
    assert make_normalizer(kind, decimal_comma=True)(raw) == expected


def test_normalizer_names_what_it_expected():
    with pytest.raises(ConversionError) as caught:
        make_normalizer("int")("douze")
    assert caught.value.value == "douze" and "entier" in caught.value.expected
