import datetime as dt

import pytest


@pytest.fixture
def frq(db, make_org):
    """The three Fonds, both policy versions and a few grants, through the app's own loaders."""
    from ouvert.core import actors
    from ouvert.openaccess.demo import DATA, funders_ensure, policies_ensure
    from ouvert.openaccess.services import grants_import_csv

    for code in ("frqnt", "frqs", "frqsc"):
        make_org(code, name_fr=f"Fonds {code.upper()}")
    funders_ensure()
    policies_ensure()
    report = grants_import_csv(text=(DATA / "grants.csv").read_text(encoding="utf-8"), by=actors.COMMAND)
    assert report.error_count == 0, report.rows
    return report


@pytest.fixture
def article():
    """A PublicationInput factory."""
    from ouvert.openaccess.services import AuthorInput, PublicationInput

    def make(**fields):
        fields.setdefault("title", "Un article financé")
        fields.setdefault("published_on", dt.date(2024, 3, 1))
        fields.setdefault("authors", [AuthorInput("Marie Curie", "0000-0002-1825-0097")])
        fields.setdefault("grant_numbers", ["FRQSC-339021"])
        return PublicationInput(**fields)

    return make
