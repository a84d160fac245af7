import pytest

from ouvert.openaccess.identifiers import (
    IdentifierError,
    doi_normalize,
    grant_number_normalize,
    issn_normalize,
    orcid_check_char,
    orcid_normalize,
)


@pytest.mark.parametrize("value,expected", [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
    ("0000000218250097", "0000-0002-1825-0097"),
    ("0000-0002-1694-233x", "0000-0002-1694-233X"),  # X stands for a check value of 10
])
def test_orcid_accepted_and_normalized(value, expected):
    assert orcid_normalize(value) == expected


def test_orcid_check_char_is_iso_7064_mod_11_2():
    assert orcid_check_char("000000021825009") == "7"
    assert orcid_check_char("000000021694233") == "X"


@pytest.mark.parametrize("value,code", [("0000-0002-1825-0098", "oa.orcid_check"), ("1234", "oa.orcid_format")])
def test_orcid_refused_with_a_code(value, code):
    with pytest.raises(IdentifierError) as exc:
        orcid_normalize(value)
    assert exc.value.code == code


def test_issn_check_digit():
    assert issn_normalize("03178471") == "0317-8471"
    assert issn_normalize("2434-561x") == "2434-561X"
    with pytest.raises(IdentifierError) as exc:
        issn_normalize("0317-8472")
    assert exc.value.code == "oa.issn_check"


def test_doi_normalized():
    assert doi_normalize("https://doi.org/10.1371/JOURNAL.pone.0280001") == "10.1371/journal.pone.0280001"
    assert doi_normalize("doi:10.1000/xyz") == "10.1000/xyz"
    with pytest.raises(IdentifierError):
        doi_normalize("journal.pone")


@pytest.mark.parametrize("value,funder,expected", [
    ("FRQSC-276470", "", "FRQSC-276470"),
    ("frqsc 276470", "", "FRQSC-276470"),
    ("FRQ-SC-276470", "", "FRQSC-276470"),
    ("276470", "FRQSC", "FRQSC-276470"),
    ("no 0276470", "frqs", "FRQS-276470"),
])
def test_grant_numbers_normalized(value, funder, expected):
    assert grant_number_normalize(value, funder=funder) == expected


@pytest.mark.parametrize("value,funder,code", [
    ("276470", "", "oa.grant_no_funder"),
    ("FRQS-276470", "FRQNT", "oa.grant_funder_mismatch"),
    ("abc", "FRQS", "oa.grant_format"),
    ("", "FRQS", "oa.grant_empty"),
    ("276470", "CRSH", "oa.funder_unknown"),
])
def test_grant_numbers_refused(value, funder, code):
    with pytest.raises(IdentifierError) as exc:
        grant_number_normalize(value, funder=funder)
    assert exc.value.code == code
