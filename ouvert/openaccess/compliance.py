"""The compliance engine: one publication against the policy version in force (pure, no database).

The policy that applies is the latest version whose ``applies_from`` is on or before the launch
date of the funding competition (the publication date when the grant names no competition).
The result is a status and a list of stored messages (codes + parameters) that say why and what
to do; they are translated when shown.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvert.core.messages import message


class Status(models.TextChoices):
    COMPLIANT = "compliant", _("Conforme")
    LATE = "late", _("En retard")
    NON_COMPLIANT = "non_compliant", _("Non conforme")
    UNKNOWN = "unknown", _("Indéterminé")


@dataclass(frozen=True)
class PolicyTerms:
    code: str
    title: str
    applies_from: dt.date
    deadline_months: int
    licences: Sequence[str]
    routes: Sequence[str]
    versions: Sequence[str]


@dataclass(frozen=True)
class Facts:
    """What is known of one publication."""

    published_on: dt.date
    route: str
    licence: str
    version: str
    opened_on: dt.date | None
    funded: bool
    launched_on: dt.date | None  # of the competition of the earliest linked grant


@dataclass(frozen=True)
class Verdict:
    status: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    policy: str = ""
    deadline: dt.date | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy_for(policies: Sequence[PolicyTerms], day: dt.date) -> PolicyTerms | None:
    applicable = [p for p in policies if p.applies_from <= day]
    return max(applicable, key=lambda p: p.applies_from) if applicable else None


def evaluate(facts: Facts, policies: Sequence[PolicyTerms], *, today: dt.date) -> Verdict:
    if not facts.funded:
        return Verdict(Status.UNKNOWN, [message("oa.no_grant")])
    reference = facts.launched_on or facts.published_on
    policy = policy_for(policies, reference)
    if policy is None:
        return Verdict(Status.UNKNOWN, [message("oa.no_policy", launched=reference.isoformat())])
    deadline = add_months(facts.published_on, policy.deadline_months)
    base: dict[str, Any] = {"policy": policy.code, "deadline": deadline}
    if facts.route == "none" or not facts.route:
        if today <= deadline:
            return Verdict(Status.UNKNOWN, [message("oa.pending", policy=policy.title,
                                                    deadline=deadline.isoformat())], **base)
        return Verdict(Status.NON_COMPLIANT, [message("oa.not_open", deadline=deadline.isoformat())], **base)
    problems: list[dict[str, Any]] = []
    if not facts.licence:
        problems.append(message("oa.licence_missing"))
    elif facts.licence not in policy.licences:
        problems.append(message("oa.licence", licence=facts.licence, accepted=list(policy.licences)))
    if facts.route not in policy.routes:
        problems.append(message("oa.route", route=facts.route, policy=policy.title))
    if facts.route != "journal":
        if not facts.version:
            problems.append(message("oa.version_missing"))
        elif facts.version not in policy.versions:
            problems.append(message("oa.version", version=facts.version, policy=policy.title))
    if problems:
        return Verdict(Status.NON_COMPLIANT, problems, **base)
    opened = facts.opened_on or (facts.published_on if facts.route == "journal" else None)
    if opened is None:
        return Verdict(Status.UNKNOWN, [message("oa.open_date_missing")], **base)
    if opened > deadline:
        if opened <= today:
            return Verdict(Status.LATE, [message("oa.late", opened=opened.isoformat(), deadline=deadline.isoformat(),
                                                 days=(opened - deadline).days)], **base)
        return Verdict(Status.NON_COMPLIANT, [message("oa.embargo", until=opened.isoformat(),
                                                      deadline=deadline.isoformat())], **base)
    if opened > today:
        return Verdict(Status.UNKNOWN, [message("oa.embargo_ok", until=opened.isoformat(),
                                                deadline=deadline.isoformat())], **base)
    return Verdict(Status.COMPLIANT, [message("oa.compliant", policy=policy.title, opened=opened.isoformat(),
                                              licence=facts.licence, deadline=deadline.isoformat())],
                   **base)
