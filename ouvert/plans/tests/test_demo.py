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


@pytest.mark.django_db
def test_demo_tracker_reads_as_a_tracker_with_evidence(client):
    """Past milestones carry progress: complete ones with a document; a document summarizing a
    public source where one says the milestone was done, else one marking the update as an
    illustration (and the update's text says so too)."""
    from ouvert.core.demo import _core_load
    from ouvert.plans import selectors
    from ouvert.plans.models import Level, ProgressUpdate

    _core_load()
    demo_load()
    for plan in Plan.objects.all():
        view = selectors.tracker(plan=plan)
        milestones = sum(len(cv.milestones) for cv in view.commitments)
        assert view.late_count <= 1, (plan.slug, view.late_count, milestones)
    complete = ProgressUpdate.objects.filter(level=Level.COMPLETE)
    assert complete.exists()
    for update in complete:
        assert update.evidence_file or update.evidence_key, update
        body = update.evidence_file.read().decode("utf-8")
        if "Document d'illustration" in body:
            assert update.text.startswith("Illustration"), update.text
        else:
            assert "Preuve documentaire" in body and "source" in update.text, update.text
    sourced = complete.exclude(text__startswith="Illustration")
    assert sorted(sourced.values_list("milestone__number", flat=True)) == ["1.1", "10.1", "2.1", "2.2", "6.2"]
    assert all(u.milestone.commitment.plan.slug == "2018-2020" for u in sourced)
    page = client.get("/fr/plans-action/").content.decode()
    assert "16 en retard" not in page


def test_demo_sourced_completions_match_the_documents():
    """The dates given for the sourced completions are those of the public documents."""
    from conftest import shared_path

    plan_2021 = shared_path("seeds", "000_6f3d6adda3f12270.txt").read_text(encoding="utf-8")
    timeline = shared_path("seeds", "002_f8e75d19989f0864.txt").read_text(encoding="utf-8")
    assert "(juillet 2018)" in plan_2021 and "(septembre 2019)" in plan_2021 and "22 octobre 2020" in plan_2021
    assert "pôle d’expertise pour les données ouvertes" in timeline and "Guide de priorisation" in timeline
    data = json.loads(Path(DATA).read_text(encoding="utf-8"))
    sourced = {m["number"]: u["at"][:7] for p in data["plans"] if p["slug"] == "2018-2020" for c in p["commitments"]
               for m in c["milestones"] for u in m.get("updates", []) if u.get("evidence_document", "").startswith("20")}
    assert sourced == {"1.1": "2018-07", "2.1": "2018-12", "2.2": "2018-12", "6.2": "2019-09", "10.1": "2020-10"}
