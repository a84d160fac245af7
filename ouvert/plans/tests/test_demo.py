"""The demo: the real 2021–2023 plan (5 commitments) and 2018–2020 plan (10 commitments) with their
milestones and the barometer's targets, loaded idempotently from the data file in the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ouvert.plans.demo import DATA, demo_load
from ouvert.plans.models import Commitment, Indicator, Milestone, Plan


@pytest.mark.django_db
def test_demo_loads_both_plans_and_targets_once(client):
    from ouvert.core.demo import _core_load

    _core_load()
    assert demo_load() is True
    assert demo_load() is False  # idempotent
    assert Commitment.objects.filter(plan__slug="2021-2023").count() == 5
    assert Commitment.objects.filter(plan__slug="2018-2020").count() == 10
    assert Milestone.objects.filter(commitment__plan__slug="2021-2023").count() == 16
    m14 = Milestone.objects.get(commitment__plan__slug="2021-2023", number="1.4")
    assert m14.responsible_body.slug == "banq" and m14.deadline.isoformat() == "2022-10-31"
    targets = dict(Indicator.objects.values_list("key", "target"))
    assert targets["consultations-numeriques"] == 75 and targets["consultations-croissance"] == 50
    assert targets["conformite-nouvelles-diffusions"] == 80 and targets["csv-interrogeables-api"] == 80
    assert all(p.published_at for p in Plan.objects.all())
    from ouvert.plans.models import CommitteeMember

    seats = CommitteeMember.objects.filter(committee__slug="comite-gouvernement-ouvert")
    assert seats.filter(sector="civil_society").count() == 8 and seats.filter(sector="public").count() == 3
    for path in ("/fr/plans-action/", "/fr/plans-action/2021-2023/", "/en/action-plans/2018-2020/",
                 "/fr/plans-action/barometre/", "/fr/plans-action/tableau-de-bord/",
                 "/fr/plans-action/comite/comite-gouvernement-ouvert/"):
        assert client.get(path).status_code == 200, path


def test_demo_data_is_shipped_in_the_repository():
    assert Path(DATA).is_relative_to(Path(__file__).resolve().parents[1])
    data = json.loads(Path(DATA).read_text(encoding="utf-8"))
    assert [len(p["commitments"]) for p in data["plans"]] == [5, 10]


def test_demo_facts_match_the_published_plan():
    """Each 2021–2023 milestone's deadline and responsible body are those of the published plan."""
    from conftest import shared_path

    text = shared_path("seeds", "000_6f3d6adda3f12270.txt").read_text(encoding="utf-8")
    plan = json.loads(Path(DATA).read_text(encoding="utf-8"))["plans"][0]
    months = {"01": "janvier", "02": "février", "03": "mars", "04": "avril", "05": "mai", "06": "juin",
              "07": "juillet", "08": "août", "09": "septembre", "10": "octobre", "11": "novembre", "12": "décembre"}
    for commitment in plan["commitments"]:
        assert commitment["title"].split(" ")[0] in text
        for m in commitment["milestones"]:
            year, month, day = m["deadline"].split("-")
            assert f"{int(day)} {months[month]} {year}" in text, m["number"]
