"""The compliance engine against the 2019 and 2022 policy versions (as the demo stores them)."""

import datetime as dt

import pytest

from ouvert.openaccess.compliance import Facts, PolicyTerms, Status, add_months, evaluate

P2019 = PolicyTerms("frq-2019", "2019", dt.date(2019, 4, 1), 12, ["CC-BY-4.0", "LicenseRef-publisher"],
                    ["journal", "repository", "deposit"], ["accepted", "published"])
P2022 = PolicyTerms("frq-2022", "2022", dt.date(2022, 7, 1), 0, ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"],
                    ["journal", "repository", "deposit"], ["accepted", "published"])
POLICIES = [P2019, P2022]
TODAY = dt.date(2025, 6, 1)


def facts(**kw):
    base = {"published_on": dt.date(2024, 3, 1), "route": "journal", "licence": "CC-BY-4.0", "version": "published",
            "opened_on": None, "funded": True, "launched_on": dt.date(2023, 1, 10)}
    base.update(kw)
    return Facts(**base)


def codes(verdict):
    return [r["code"] for r in verdict.reasons]


def test_open_journal_under_cc_by_complies_with_2022():
    verdict = evaluate(facts(), POLICIES, today=TODAY)
    assert (verdict.status, verdict.policy, verdict.deadline) == (Status.COMPLIANT, "frq-2022", dt.date(2024, 3, 1))


def test_the_competition_launch_date_chooses_the_policy():
    # launched before 2022-07-01: the 2019 policy's 12 months apply, a deposit 10 months later is on time
    verdict = evaluate(facts(route="repository", version="accepted", opened_on=dt.date(2025, 1, 1),
                             launched_on=dt.date(2021, 5, 1)), POLICIES, today=TODAY)
    assert (verdict.status, verdict.policy, verdict.deadline) == (Status.COMPLIANT, "frq-2019", dt.date(2025, 3, 1))
    late = evaluate(facts(route="repository", version="accepted", opened_on=dt.date(2025, 1, 1)), POLICIES, today=TODAY)
    assert late.status == Status.LATE and codes(late) == ["oa.late"]
    assert late.reasons[0]["params"]["days"] == (dt.date(2025, 1, 1) - dt.date(2024, 3, 1)).days


def test_non_cc_licence_is_non_compliant_in_2022_but_not_in_2019():
    nc = evaluate(facts(licence="CC-BY-NC-4.0"), POLICIES, today=TODAY)
    assert nc.status == Status.NON_COMPLIANT and codes(nc) == ["oa.licence"]
    old = evaluate(facts(licence="LicenseRef-publisher", launched_on=dt.date(2020, 1, 1)), POLICIES, today=TODAY)
    assert old.status == Status.COMPLIANT


def test_not_open_is_pending_before_the_deadline_then_non_compliant():
    pending = evaluate(facts(route="none", launched_on=dt.date(2021, 1, 1)), POLICIES, today=dt.date(2024, 6, 1))
    assert pending.status == Status.UNKNOWN and codes(pending) == ["oa.pending"]
    missed = evaluate(facts(route="none"), POLICIES, today=TODAY)
    assert missed.status == Status.NON_COMPLIANT and codes(missed) == ["oa.not_open"]


def test_embargo_after_the_deadline_and_before_it():
    embargoed = evaluate(facts(route="deposit", version="accepted", opened_on=dt.date(2025, 9, 1)), POLICIES,
                         today=TODAY)
    assert embargoed.status == Status.NON_COMPLIANT and codes(embargoed) == ["oa.embargo"]
    soon = evaluate(facts(route="deposit", version="accepted", opened_on=dt.date(2025, 9, 1),
                          launched_on=dt.date(2021, 1, 1), published_on=dt.date(2025, 1, 1)), POLICIES, today=TODAY)
    assert soon.status == Status.UNKNOWN and codes(soon) == ["oa.embargo_ok"]


@pytest.mark.parametrize("kw,code", [({"funded": False}, "oa.no_grant"),
                                     ({"launched_on": dt.date(2015, 1, 1)}, "oa.no_policy"),
                                     ({"licence": ""}, "oa.licence_missing"),
                                     ({"route": "deposit", "version": ""}, "oa.version_missing")])
def test_unknown_and_missing_facts_say_why(kw, code):
    assert code in codes(evaluate(facts(**kw), POLICIES, today=TODAY))


def test_add_months_keeps_the_end_of_month():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 3, 1), 12) == dt.date(2025, 3, 1)
