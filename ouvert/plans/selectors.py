"""Reads of the plans app (typed, keyword-only): the public tracker, commitment completion,
traceability links, the barometer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ouvert.core import access
from ouvert.core.models import Organization, User

from . import measures
from .access import plan_standing
from .models import (
    LEVEL_WEIGHT,
    Commitment,
    Committee,
    CommitteeMember,
    IndependentRating,
    Indicator,
    IndicatorValue,
    Level,
    Meeting,
    MethodologyVersion,
    Milestone,
    Plan,
    ProgressUpdate,
)

STATUS_FILTERS = [*Level.values, "late"]


def plan_count_public() -> int:
    return Plan.objects.filter(published_at__isnull=False).count()


def plans_visible(*, user: User | None) -> QuerySet[Plan]:
    return (Plan.objects.filter(pk__in=access.readable_keys(user, "plan"))
            .select_related("organization").order_by("-period_start"))


def plan_get(*, slug: str, user: User | None) -> Plan:
    """The plan when the person may read it; 404 otherwise (absent or not readable alike)."""
    plan = Plan.objects.select_related("organization").filter(slug=slug).first()
    if plan is None or not access.may_read_standing(user, plan_standing(plan)):
        raise Http404
    return plan


@dataclass
class PlanSummary:
    plan: Plan
    commitment_count: int
    milestone_count: int
    late_count: int
    percent: float


def plan_summaries(*, user: User | None, today: dt.date | None = None) -> list[PlanSummary]:
    """The plans the person may read with their completion and late milestones, in three queries."""
    today = today or timezone.localdate()
    plans = list(plans_visible(user=user))
    levels: dict[int, list[str]] = defaultdict(list)
    late: dict[int, int] = defaultdict(int)
    commitments: dict[int, set[int]] = defaultdict(set)
    for plan_id, commitment_id, level, deadline in (
            Commitment.objects.filter(plan__in=plans).values_list("plan_id", "id", "milestones__level",
                                                                  "milestones__deadline")):
        commitments[plan_id].add(commitment_id)
        if level is None:
            continue
        levels[plan_id].append(level)
        late[plan_id] += level not in (Level.COMPLETE, Level.NOT_PURSUED) and deadline < today
    return [PlanSummary(p, len(commitments[p.pk]), len(levels[p.pk]), late[p.pk], completion(levels[p.pk]))
            for p in plans]


def completion(levels: Iterable[str]) -> float:
    """A commitment's completion (0–100) from its milestones' levels; abandoned milestones do not count."""
    counted = [LEVEL_WEIGHT[Level(level)] for level in levels if level != Level.NOT_PURSUED]
    return round(100.0 * sum(counted) / len(counted), 1) if counted else 0.0


def level_of(levels: list[str]) -> str:
    """The commitment's level derived from its milestones."""
    if levels and all(level == Level.NOT_PURSUED for level in levels):
        return Level.NOT_PURSUED
    percent = completion(levels)
    if percent >= 100:
        return Level.COMPLETE
    if percent >= 50:
        return Level.SUBSTANTIAL
    if percent > 0:
        return Level.LIMITED
    return Level.NOT_STARTED


@dataclass(frozen=True)
class Evidence:
    kind: str
    key: str
    title: str
    url: str


@dataclass
class MilestoneView:
    milestone: Milestone
    late: bool
    updates: list[ProgressUpdate]
    evidence: list[Evidence]


@dataclass
class CommitmentView:
    commitment: Commitment
    milestones: list[MilestoneView]
    percent: float
    level: str
    level_label: str
    rating: IndependentRating | None
    ratings: list[IndependentRating]
    late_count: int
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def rating_differs(self) -> bool:
        return self.rating is not None and self.rating.level != self.level


@dataclass
class TrackerView:
    plan: Plan
    commitments: list[CommitmentView]
    bodies: list[Organization]
    percent: float
    late_count: int
    milestone_count: int
    timeline: list[MilestoneView]


def _evidence(updates: list[ProgressUpdate]) -> list[Evidence]:
    seen: dict[tuple[str, str], Evidence] = {}
    for u in updates:
        if u.evidence_kind and (u.evidence_kind, u.evidence_key) not in seen:
            seen[(u.evidence_kind, u.evidence_key)] = Evidence(u.evidence_kind, u.evidence_key,
                                                               u.evidence_title, u.evidence_href)
        elif u.evidence_file and ("file", u.evidence_file.name or "") not in seen:
            name = u.evidence_file.name or ""
            seen[("file", name)] = Evidence("file", name, name.rsplit("/", 1)[-1], u.evidence_file.url)
    return list(seen.values())


def tracker(*, plan: Plan, body: str = "", status: str = "", commitment_id: int | None = None,
            today: dt.date | None = None) -> TrackerView:
    """The plan's commitments and milestones with their derived completion, in a constant number
    of queries. ``body`` (an organization slug) and ``status`` (a level or ``late``) filter the
    milestones shown; a commitment's completion always counts all its milestones."""
    today = today or timezone.localdate()
    rating_rows = IndependentRating.objects.select_related("organization")
    milestone_rows = (Milestone.objects.select_related("responsible_body").prefetch_related("collaborators")
                      .order_by("id"))
    commitments = (Commitment.objects.filter(plan=plan).select_related("lead_body", "challenge")
                   .prefetch_related("supporting_bodies", Prefetch("ratings", queryset=rating_rows),
                                     Prefetch("milestones", queryset=milestone_rows)))
    if commitment_id is not None:
        commitments = commitments.filter(pk=commitment_id)
    updates_by_milestone: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in (ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
                   .select_related("organization").order_by("-created_at", "-id")):
        updates_by_milestone[update.milestone_id].append(update)
    views, bodies, all_levels, late_total, timeline = [], {}, [], 0, []
    count = 0
    for commitment in commitments:
        milestones = list(commitment.milestones.all())
        levels = [m.level for m in milestones]
        all_levels.extend(levels)
        shown = []
        late_count = 0
        for m in milestones:
            bodies[m.responsible_body.pk] = m.responsible_body
            late = m.is_late_on(today)
            late_count += late
            mv = MilestoneView(m, late, updates_by_milestone[m.pk], _evidence(updates_by_milestone[m.pk]))
            timeline.append(mv)
            if body and m.responsible_body.slug != body and commitment.lead_body.slug != body:
                continue
            if status == "late" and not late or status in Level.values and m.level != status:
                continue
            shown.append(mv)
        bodies[commitment.lead_body.pk] = commitment.lead_body
        count += len(milestones)
        late_total += late_count
        if (body or status) and not shown:
            continue
        ratings = list(commitment.ratings.all())
        level = level_of(levels)
        evidence = [e for mv in shown for e in mv.evidence]
        views.append(CommitmentView(commitment, shown, completion(levels), level, str(Level(level).label),
                                    ratings[0] if ratings else None, ratings, late_count, evidence))
    timeline.sort(key=lambda mv: (mv.milestone.deadline, mv.milestone.pk))
    return TrackerView(plan, views, sorted(bodies.values(), key=lambda o: o.name), completion(all_levels),
                       late_total, count, timeline)


def origin_of(*, commitment: Commitment) -> Evidence | None:
    """The platform object the commitment came from (e.g. a consultation), while it is public."""
    from ouvert.core import follows

    registered = follows.follow_kind(commitment.origin_kind) if commitment.origin_kind else None
    obj = registered.lookup(commitment.origin_key) if registered is not None else None
    if registered is None or obj is None or not follows.may_read_object(None, registered, obj):
        return None
    return Evidence(commitment.origin_kind, commitment.origin_key, registered.title(obj), registered.url(obj))


# Traceability -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommitmentLink:
    plan_title: str
    number: str
    title: str
    url: str


def commitments_linked_to(*, kind: str, key: object, user: User | None) -> list[CommitmentLink]:
    """Commitments of plans the person may read whose milestones cite ``kind:key`` as evidence, or
    that came from it (their origin)."""
    from django.db.models import Q

    text = str(key)
    cited = Q(milestones__updates__evidence_kind=kind, milestones__updates__evidence_key=text)
    rows = (Commitment.objects.filter(cited | Q(origin_kind=kind, origin_key=text))
            .filter(plan__in=access.readable_keys(user, "plan")).select_related("plan")
            .distinct().order_by("plan", "id"))
    return [CommitmentLink(c.plan.title, c.number, c.title, c.get_absolute_url()) for c in rows]


# Barometer --------------------------------------------------------------------------------------

@dataclass
class IndicatorView:
    indicator: Indicator
    series: MethodologyVersion | None
    older: list[MethodologyVersion]
    values: list[IndicatorValue]
    current: float | None
    computable: bool
    progress: float | None  # share of the way from the baseline to the target, 0–100
    trend: float | None  # last stored value minus the one before


def _progress(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    base = indicator.baseline or 0.0
    if indicator.target == base:
        return 100.0 if value >= indicator.target else 0.0
    return round(max(0.0, min(100.0, 100.0 * (value - base) / (indicator.target - base))), 1)


def barometer(*, today: dt.date | None = None, plan: Plan | None = None) -> list[IndicatorView]:
    """Every indicator with its current series (computed live now when it has a measure; else its
    last value entered by hand), the earlier series named, and the trend."""
    from .services import indicator_window

    today = today or timezone.localdate()
    indicators = Indicator.objects.select_related("organization").prefetch_related(
        Prefetch("versions", queryset=MethodologyVersion.objects.order_by("version").prefetch_related("values")))
    if plan is not None:
        indicators = indicators.filter(plan=plan)
    views = []
    for indicator in indicators:
        versions = list(indicator.versions.all())
        series = versions[-1] if versions else None
        values = list(series.values.all()) if series else []
        current: float | None = None
        computable = bool(series and series.measure and measures.get(series.measure))
        if series is not None and computable:
            start, end = indicator_window(indicator, today)
            current = measures.compute(series.measure, start=start, end=end)
        elif values:
            current = values[-1].value
        trend = round(values[-1].value - values[-2].value, 2) if len(values) >= 2 else None
        views.append(IndicatorView(indicator, series, versions[:-1], values, current, computable,
                                   _progress(indicator, current), trend))
    return views


def indicator_get(*, key: str) -> Indicator:
    indicator = Indicator.objects.filter(key=key).first()
    if indicator is None:
        raise Http404
    return indicator


def indicator_rows(*, indicator: Indicator) -> list[IndicatorValue]:
    """Every stored value of every series of the indicator, oldest series first."""
    return list(IndicatorValue.objects.filter(series__indicator=indicator).select_related("series")
                .order_by("series__version", "date"))


# Ministries' dashboard --------------------------------------------------------------------------

@dataclass
class BodyRow:
    organization: Organization
    milestones: int = 0
    complete_on_time: int = 0
    complete_late: int = 0
    late: int = 0
    upcoming: int = 0
    datasets: int = 0
    datasets_conforming: int = 0
    consultations: int = 0
    indicators: int = 0

    @property
    def conforming_percent(self) -> float | None:
        return round(100.0 * self.datasets_conforming / self.datasets, 1) if self.datasets else None

    @property
    def on_time_percent(self) -> float | None:
        due = self.complete_on_time + self.complete_late + self.late
        return round(100.0 * self.complete_on_time / due, 1) if due else None


def dashboard(*, today: dt.date | None = None, kinds: Iterable[str] = ("ministry", "public_body")) -> list[BodyRow]:
    """Per ministry or public body: its milestones in published plans (complete on time, complete
    late, late, upcoming), its public datasets and their conformity, its published consultations and
    its indicators, side by side — in a constant number of queries."""
    from django.db.models import Count
    from django.db.models import Q as Where

    today = today or timezone.localdate()
    rows: dict[object, BodyRow] = {o.pk: BodyRow(o) for o in Organization.objects.filter(kind__in=list(kinds))}
    for body_id, level, deadline, done in (Milestone.objects.filter(commitment__plan__published_at__isnull=False,
                                                                    responsible_body_id__in=list(rows))
                                           .values_list("responsible_body_id", "level", "deadline", "completed_on")):
        row = rows[body_id]
        row.milestones += 1
        if level == Level.COMPLETE:
            if done is not None and done <= deadline:
                row.complete_on_time += 1
            else:
                row.complete_late += 1
        elif level != Level.NOT_PURSUED:
            if deadline < today:
                row.late += 1
            else:
                row.upcoming += 1
    from ouvert.catalog.models import Dataset, DatasetState

    for org_id, total, conforming in (Dataset.objects.filter(state=DatasetState.ACTIVE, private=False,
                                                             organization_id__in=list(rows))
                                      .values("organization_id")
                                      .annotate(n=Count("id"), c=Count("id", filter=Where(conforms=True)))
                                      .values_list("organization_id", "n", "c")):
        rows[org_id].datasets, rows[org_id].datasets_conforming = total, conforming
    from ouvert.consultations.models import Consultation

    for org_id, total in (Consultation.objects.filter(published_at__isnull=False, organization_id__in=list(rows))
                          .values("organization_id").annotate(n=Count("id")).values_list("organization_id", "n")):
        rows[org_id].consultations = total
    for org_id, total in (Indicator.objects.filter(organization_id__in=list(rows)).values("organization_id")
                          .annotate(n=Count("id")).values_list("organization_id", "n")):
        rows[org_id].indicators = total
    shown = [r for r in rows.values() if r.milestones or r.datasets or r.consultations or r.indicators]
    return sorted(shown, key=lambda r: r.organization.name)


# Committee --------------------------------------------------------------------------------------

def committee_get(*, slug: str) -> Committee:
    committee = Committee.objects.select_related("organization").filter(slug=slug).first()
    if committee is None:
        raise Http404
    return committee


def committees() -> QuerySet[Committee]:
    return Committee.objects.select_related("organization").order_by("name")


def committee_members(*, committee: Committee) -> list[CommitteeMember]:
    return list(committee.members.select_related("organization").order_by("sector", "organization__name_fr"))


def meetings_visible(*, committee: Committee, user: User | None) -> list[Meeting]:
    return list(committee.meetings.filter(pk__in=access.readable_keys(user, "committee_meeting")))


def meeting_get(*, committee: Committee, pk: int, user: User | None) -> Meeting:
    meeting = committee.meetings.filter(pk=pk).first()
    if meeting is None or not access.may_read(user, "committee_meeting", meeting.pk):
        raise Http404
    return meeting
