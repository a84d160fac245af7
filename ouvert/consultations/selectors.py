"""Reads: listings, readiness, results, metrics."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization, User

from . import permissions
from .models import (
    Consultation,
    Demographics,
    Event,
    Participation,
    Phase,
    Proposal,
    Question,
    QuestionKind,
)
from .survey import is_empty
from .text import keyword_frequencies


def published() -> QuerySet[Consultation]:
    return Consultation.objects.filter(published_at__isnull=False)


def consultation_count_open() -> int:
    now = timezone.now()
    return published().filter(opens_at__lte=now, closes_at__gt=now, results_published_at__isnull=True).count()


def consultation_list(*, q: str = "", status: str = "", organization: str = "", topic: str = "",
                      region: str = "", user: User | None = None) -> QuerySet[Consultation]:
    """Published consultations, filtered. ``status``: open, upcoming, closed."""
    now = timezone.now()
    qs = published().select_related("organization")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q)
                       | Q(organization__name_fr__icontains=q) | Q(organization__acronym__iexact=q))
    if status == "open":
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now, results_published_at__isnull=True)
    elif status == "upcoming":
        qs = qs.filter(opens_at__gt=now)
    elif status == "closed":
        qs = qs.filter(Q(closes_at__lte=now) | Q(results_published_at__isnull=False))
    if organization:
        qs = qs.filter(organization__slug=organization)
    if topic:
        qs = qs.filter(topic=topic)
    if region:
        qs = qs.filter(region=region)
    return qs.order_by("-opens_at", "-id")


def consultation_get(*, slug: str, user: User | None) -> Consultation | None:
    consultation = Consultation.objects.select_related("organization").filter(slug=slug).first()
    if consultation is None or not permissions.can_view(user, consultation):
        return None
    return consultation


def consultation_get_for_answers(*, slug: str, user: User | None) -> Consultation | None:
    """:func:`consultation_get` for a submission: the same access check and the same ``None`` for
    absent and forbidden, on the columns a submission reads only (:func:`.rows.consultation_for_answers`:
    one narrow row, no join, a statement prepared once per process)."""
    from .rows import consultation_for_answers

    consultation = consultation_for_answers(slug)
    if consultation is None or not permissions.can_view(user, consultation):
        return None
    return consultation


@dataclass(frozen=True)
class SurveyPlan:
    """A survey's questions in order, as a submission reads them, built once per survey version.
    The questions are shared by every request of the process: read them, never change them."""

    version: str
    questions: tuple[Question, ...]
    kinds: dict[int, str]


SURVEY_PLANS_KEPT = 64
_plans: OrderedDict[tuple[int, str], SurveyPlan] = OrderedDict()
_plans_lock = threading.Lock()


def survey_plan(*, consultation: Consultation) -> SurveyPlan:
    """The questions of ``consultation``'s survey, kept per process under ``(id, survey_version)``:
    the question services give the survey a new version on every change, so a kept plan is never
    stale (every process reads the version with the consultation). The last ``SURVEY_PLANS_KEPT``
    surveys answered are kept."""
    key = (consultation.pk, consultation.survey_version)
    with _plans_lock:
        plan = _plans.get(key)
        if plan is not None:
            _plans.move_to_end(key)
            return plan
    questions = tuple(Question.objects.filter(consultation_id=consultation.pk))
    plan = SurveyPlan(version=consultation.survey_version, questions=questions,
                      kinds={q.pk: q.kind for q in questions})
    with _plans_lock:
        _plans[key] = plan
        while len(_plans) > SURVEY_PLANS_KEPT:
            _plans.popitem(last=False)
    return plan


def content_visible(*, user: User | None, item: Any) -> bool:
    """Whether ``user`` may see a proposal, comment or brief: its consultation is visible to them, and
    hidden content only to moderators and to its own author (who is told why it was hidden)."""
    if not permissions.can_view(user, item.consultation):
        return False
    if not item.hidden:
        return True
    if permissions.can_moderate(user, item.consultation):
        return True
    return bool(user is not None and user.is_authenticated and item.author_id == user.pk)


def content_get_for(*, user: User | None, kind: str, pk: int, authors: bool = True) -> Any | None:
    """A proposal, comment or brief by kind and id, if ``user`` may see it; ``None`` otherwise, the
    same answer as for content that does not exist. ``authors=False``: hidden content for moderators
    only (the report page)."""
    from .models import Brief, Comment

    models: dict[str, type[Proposal | Comment | Brief]] = {"proposal": Proposal, "comment": Comment, "brief": Brief}
    model = models.get(kind)
    if model is None:
        return None
    item = model.objects.select_related("consultation__organization").filter(pk=pk).first()
    if item is None or not content_visible(user=user, item=item):
        return None
    if item.hidden and not authors and not permissions.can_moderate(user, item.consultation):
        return None
    return item


def consultations_organized_by(*, user: User) -> QuerySet[Consultation]:
    from ouvert.core.models import Membership, Role

    if user.is_superuser:
        return Consultation.objects.select_related("organization").order_by("-created_at")
    org_ids = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.EDITOR]).values("organization_id")
    return Consultation.objects.filter(organization_id__in=org_ids).select_related("organization") \
        .order_by("-created_at")


def calendar_months(*, year: int, month: int) -> dict[str, Any]:
    """Consultations and events overlapping one month, for the calendar view."""
    start = dt.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.get_current_timezone())
    consultations = list(published().filter(opens_at__lt=end, closes_at__gte=start)
                         .select_related("organization").order_by("opens_at"))
    events = list(Event.objects.filter(consultation__published_at__isnull=False, starts_at__gte=start,
                                       starts_at__lt=end).select_related("consultation").order_by("starts_at"))
    return {"start": start, "end": end, "consultations": consultations, "events": events}


def timeline(*, consultation: Consultation) -> list[dict[str, Any]]:
    current = consultation.phase
    order: list[str] = [Phase.INFORMATION, Phase.PARTICIPATION, Phase.ANALYSIS, Phase.RESULTS]
    dates: dict[str, dt.date | None] = {
        Phase.INFORMATION: consultation.published_at, Phase.PARTICIPATION: consultation.opens_at,
        Phase.ANALYSIS: consultation.closes_at,
        Phase.RESULTS: consultation.results_published_at or consultation.results_expected_on}
    position = order.index(current) if current in order else -1
    steps = [{"phase": p, "label": Phase(p).label, "date": dates[p], "current": p == current,
              "done": i < position} for i, p in enumerate(order)]
    published, opens = consultation.published_at, consultation.opens_at
    if published is not None and opens is not None and published >= opens and current != Phase.INFORMATION:
        steps = steps[1:]  # published once participation was open: there was no information stage
    return steps


READINESS = [
    ("purpose_stated", _("L'objectif de la consultation et la portée de la décision sont énoncés"), True),
    ("plain_language", _("Le texte a été relu en langage clair"), False),
    ("documents_accessible", _("Les documents sont offerts en format accessible"), False),
    ("feedback_planned", _("Un retour aux participants est prévu (ce que nous avons entendu, ce que nous en "
                           "avons fait)"), True),
]


def consultation_readiness(*, consultation: Consultation) -> dict[str, Any]:
    """The best-practice checklist and whether the consultation may be published."""
    duration = (consultation.closes_at - consultation.opens_at).days
    items = [{"key": key, "label": label, "ok": bool(getattr(consultation, key)), "blocking": blocking}
             for key, label, blocking in READINESS]
    items += [
        {"key": "summary", "label": _("Un résumé de moins de 600 caractères présente la consultation"),
         "ok": bool(consultation.summary.strip()), "blocking": True},
        {"key": "timeline", "label": _("La participation dure au moins 14 jours"), "ok": duration >= 14,
         "blocking": False},
        {"key": "contact", "label": _("Une personne-ressource et un courriel sont indiqués"),
         "ok": bool(consultation.contact_email), "blocking": True},
        {"key": "way", "label": _("Au moins un mode de participation est offert (questionnaire, propositions, "
                                  "discussion, mémoires ou rencontre)"),
         "ok": consultation.offers_digital or consultation.events.exists(), "blocking": True},
        {"key": "questions", "label": _("Le questionnaire contient au moins une question"),
         "ok": not consultation.has_survey or consultation.questions.exists(), "blocking": True},
        {"key": "consent", "label": _("Un texte de consentement explique l'usage des données"),
         "ok": bool(consultation.consent_text.strip()), "blocking": False},
        {"key": "results_date", "label": _("La date prévue des résultats est annoncée"),
         "ok": consultation.results_expected_on is not None, "blocking": False},
    ]
    done = sum(1 for item in items if item["ok"])
    blocking = [item for item in items if item["blocking"] and not item["ok"]]
    return {"items": items, "score": round(100 * done / len(items)), "ready": not blocking, "blocking": blocking}


# Results -------------------------------------------------------------------------------------------


def submitted(consultation: Consultation, demographic: dict[str, str] | None = None) -> QuerySet[Participation]:
    qs = Participation.objects.filter(consultation=consultation, submitted_at__isnull=False)
    for key, value in (demographic or {}).items():
        if value and key in ("age_band", "region", "gender"):
            qs = qs.filter(**{f"demographics__{key}": value})
    return qs


def _bars(counter: Counter[str], labels: list[str], total: int) -> list[dict[str, Any]]:
    return [{"label": label, "count": counter.get(label, 0),
             "percent": round(100 * counter.get(label, 0) / total, 1) if total else 0.0} for label in labels]


def consultation_results(*, consultation: Consultation, demographic: dict[str, str] | None = None,
                         search: str = "") -> dict[str, Any]:
    """Per-question aggregates for charts. The database groups identical answers (one row per
    distinct value and its count), so the work in Python depends on the variety of answers, not
    on their number."""
    from .models import Answer

    participations = submitted(consultation, demographic)
    total = participations.count()
    questions = list(consultation.questions.all())
    grouped = (Answer.objects.filter(participation__in=participations).values("question_id", "value")
               .annotate(n=Count("id")).order_by())
    by_question: dict[int, list[tuple[Any, int]]] = {q.pk: [] for q in questions}
    for row in grouped:
        if row["question_id"] in by_question and not is_empty(row["value"]):
            by_question[row["question_id"]].append((row["value"], row["n"]))
    results = [_question_result(question, by_question[question.pk], search) for question in questions]
    return {"total": total, "questions": results, "search": search}


def _question_result(question: Question, pairs: list[tuple[Any, int]], search: str) -> dict[str, Any]:
    answered = sum(n for _v, n in pairs)
    item: dict[str, Any] = {"question": question, "answered": answered, "kind": question.kind}
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        item["bars"] = _bars(_count(pairs), question.choices, answered)
    elif kind == QuestionKind.MULTIPLE:
        counter: Counter[str] = Counter()
        for value, n in pairs:
            for choice in value:
                counter[choice] += n
        item["bars"] = _bars(counter, question.choices, answered)
    elif kind == QuestionKind.SCALE:
        labels = [str(n) for n in range(question.scale_min, question.scale_max + 1)]
        item["bars"] = _bars(Counter({str(v): n for v, n in pairs}), labels, answered)
        item["mean"] = round(sum(float(v) * n for v, n in pairs) / answered, 2) if answered else None
    elif kind == QuestionKind.RANKING:
        size = len(question.choices)
        points: Counter[str] = Counter()
        for order, n in pairs:
            for rank, choice in enumerate(order):
                points[choice] += (rank + 1) * n
        avg = {c: round(points[c] / answered, 2) if answered else None for c in question.choices}
        ordered = sorted(question.choices, key=lambda c: (avg[c] is None, avg[c] or 0))
        item["ranking"] = [{"label": c, "average": avg[c],
                            "percent": round(100 * (size + 1 - (avg[c] or 0)) / size, 1) if avg[c] else 0}
                           for c in ordered]
    elif kind == QuestionKind.MATRIX:
        grid = []
        for row in question.rows:
            counter = Counter()
            for value, n in pairs:
                if isinstance(value, dict) and value.get(row):
                    counter[value[row]] += n
            row_total = sum(counter.values())
            grid.append({"row": row, "bars": _bars(counter, question.choices, row_total), "answered": row_total})
        item["grid"] = grid
    elif kind == QuestionKind.NUMBER:
        numbers = sorted((float(v), n) for v, n in pairs)
        if numbers:
            middle, seen, median = answered // 2, 0, numbers[-1][0]
            for value, n in numbers:
                seen += n
                if seen > middle:
                    median = value
                    break
            item["stats"] = {"min": numbers[0][0], "max": numbers[-1][0], "median": median,
                             "mean": round(sum(v * n for v, n in numbers) / answered, 2)}
    elif kind == QuestionKind.DATE:
        item["bars"] = [{"label": k, "count": c, "percent": round(100 * c / answered, 1)}
                        for k, c in sorted(_count(pairs).items())[:30]]
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        texts = sorted(((str(v), n) for v, n in pairs), key=lambda pair: -pair[1])
        item["keywords"] = keyword_frequencies([t for t, _n in texts], 15, weights=[n for _t, n in texts])
        matches = [(t, n) for t, n in texts if search.lower() in t.lower()] if search else texts
        item["texts"] = [t for t, _n in matches[:50]]
        item["matches"] = sum(n for _t, n in matches)
    return item


def _count(pairs: list[tuple[Any, int]]) -> Counter[str]:
    counter: Counter[str] = Counter()
    for value, n in pairs:
        counter[str(value)] += n
    return counter


def _number_range(text: str) -> str:
    """A number as the range of its first significant digit: 7 → "0–9", 37 → "30–39",
    55 230 → "50000–59999"; exact values single people out (an age, an income)."""
    try:
        number = float(text)
    except ValueError:
        return ""
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
        return ""
    magnitude = abs(int(number))
    width = 10 ** max(1, len(str(magnitude)) - 1) if magnitude >= 10 else 10
    low = int(number // width) * width
    return f"{low}–{low + width - 1}"


def _year(text: str) -> str:
    """A date answer as its year (a birth date, with a region and a gender, names someone)."""
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else ""


def open_data_min_group() -> int:
    from django.conf import settings

    return settings.CONSULTATIONS_OPEN_DATA_MIN_GROUP


def consultation_results_rows(*, consultation: Consultation, include_free_text: bool = True,
                              include_demographics: bool = False,
                              anonymize: bool = False) -> tuple[list[str], list[list[Any]]]:
    """The results as a header and rows (see :func:`consultation_results_table`)."""
    header, _sources, rows = consultation_results_table(
        consultation=consultation, include_free_text=include_free_text,
        include_demographics=include_demographics, anonymize=anonymize)
    return header, rows


def consultation_results_table(*, consultation: Consultation, include_free_text: bool = True,
                               include_demographics: bool = False, anonymize: bool = False,
                               ) -> tuple[list[str], list[Question | None], list[list[Any]]]:
    """The header, the question each column answers (None for the participant's number, channel, day
    and socio-demographic groups) and the rows.

    One row per participant, one column per question (one per line of a grid). Questions a
    participant never saw are marked "s.o.". The date sent is the day only (an exact time could be
    joined to other records).

    ``anonymize`` (the open-data export): no free text nor files; numbers as ranges and dates as
    years; socio-demographic groups shared by fewer than ``CONSULTATIONS_OPEN_DATA_MIN_GROUP``
    participants masked; rows in an order that says nothing of who answered first, numbered after."""
    from .models import Answer
    from .survey import NOT_SHOWN, answer_text, is_visible

    if anonymize:
        include_free_text = False
    questions = list(consultation.questions.all())
    kept = [q for q in questions if include_free_text or q.kind not in (QuestionKind.SHORT_TEXT,
                                                                          QuestionKind.LONG_TEXT, QuestionKind.FILE)]
    header = [str(_("participant")), str(_("canal")), str(_("envoyé le"))]
    sources: list[Question | None] = [None, None, None]
    for q in kept:
        if q.kind == QuestionKind.MATRIX:
            header += [f"{q.label} — {row}" for row in q.rows]
            sources += [q] * len(q.rows)
        else:
            header.append(q.label)
            sources.append(q)
    if include_demographics:
        header += [str(_("groupe d'âge")), str(_("région")), str(_("genre"))]
        sources += [None, None, None]
    parts = list(submitted(consultation).order_by("id").values_list("id", "channel", "submitted_at"))
    values: dict[int, dict[int, Any]] = {pid: {} for pid, _c, _s in parts}
    for pid, qid, value in Answer.objects.filter(participation__consultation=consultation,
                                                 participation__submitted_at__isnull=False) \
            .values_list("participation_id", "question_id", "value").iterator(chunk_size=5000):
        if pid in values:
            values[pid][qid] = value
    demographics = {}
    if include_demographics:
        demographics = {d.participation_id: d for d in Demographics.objects.filter(
            participation__consultation=consultation)}
    coarsen: dict[str, Callable[[str], str]] = (
        {QuestionKind.NUMBER: _number_range, QuestionKind.DATE: _year} if anonymize else {})
    rows = []
    for number, (pid, channel, sent) in enumerate(parts, start=1):
        answers = values[pid]
        shown: dict[int, Any] = {}
        row: list[Any] = [number, channel, timezone.localtime(sent).date().isoformat() if sent else ""]
        visible = set()
        for q in questions:
            if is_visible(q, shown):
                visible.add(q.pk)
                shown[q.pk] = answers.get(q.pk)
        for q in kept:
            value = answers.get(q.pk)
            if q.kind == QuestionKind.MATRIX:
                for r in q.rows:
                    if q.pk not in visible:
                        row.append(NOT_SHOWN)
                    else:
                        row.append((value or {}).get(r, "") if isinstance(value, dict) else "")
            elif q.pk not in visible:
                row.append(NOT_SHOWN)
            else:
                text = answer_text(q, value)
                row.append(coarsen[q.kind](text) if text and q.kind in coarsen else text)
        if include_demographics:
            d = demographics.get(pid)
            row += [d.age_band, d.region, d.gender] if d else ["", "", ""]
        rows.append(row)
    if anonymize:
        rows = _anonymized(rows, demographic_columns=3 if include_demographics else 0)
    return header, sources, rows


def _anonymized(rows: list[list[Any]], *, demographic_columns: int) -> list[list[Any]]:
    """Mask small socio-demographic groups, then order rows by their content and number them."""
    if demographic_columns:
        groups = Counter(tuple(row[-demographic_columns:]) for row in rows)
        masked = str(_("masqué"))
        for row in rows:
            group = tuple(row[-demographic_columns:])
            if any(group) and groups[group] < open_data_min_group():
                row[-demographic_columns:] = [masked] * demographic_columns
    rows.sort(key=lambda row: [str(cell) for cell in row[1:]])
    for number, row in enumerate(rows, start=1):
        row[0] = number
    return rows


# Metrics --------------------------------------------------------------------------------------------


def _counts(consultations: QuerySet[Consultation]) -> dict[str, int]:
    from .models import Answer, Comment, Registration

    ids = consultations.values("id")
    parts = Participation.objects.filter(consultation_id__in=ids, submitted_at__isnull=False)
    attendance = sum(e.attendance or 0 for e in Event.objects.filter(consultation_id__in=ids))
    proposals = Proposal.objects.filter(consultation_id__in=ids)
    return {
        "participants": parts.count(),
        "participants_online": parts.filter(channel="online").count(),
        "participants_in_person": parts.exclude(channel="online").count(),
        "answers": Answer.objects.filter(participation__in=parts).count(),
        "proposals": proposals.count(),
        "supports": proposals.aggregate(n=Count("supports"))["n"] or 0,
        "comments": Comment.objects.filter(consultation_id__in=ids).count(),
        "briefs": consultations.aggregate(n=Count("briefs"))["n"] or 0,
        "event_registrations": Registration.objects.filter(event__consultation_id__in=ids, waitlisted=False).count(),
        "event_attendance": attendance,
    }


def consultation_metrics(*, consultation: Consultation) -> dict[str, Any]:
    data: dict[str, Any] = dict(_counts(Consultation.objects.filter(pk=consultation.pk)))
    satisfaction = [s for s in submitted(consultation).exclude(satisfaction=None).values_list("satisfaction", flat=True)
                    if s is not None]
    data["satisfaction_mean"] = round(sum(satisfaction) / len(satisfaction), 2) if satisfaction else None
    data["offers_digital"] = consultation.offers_digital
    return data


def _growth(qs: QuerySet[Consultation], year: int) -> dict[str, Any]:
    this = qs.filter(opens_at__year=year).count()
    last = qs.filter(opens_at__year=year - 1).count()
    return {"year": year, "consultations": this, "previous_year": last,
            "growth_percent": round(100 * (this - last) / last, 1) if last else None}


def _aggregate(qs: QuerySet[Consultation], year: int | None) -> dict[str, Any]:
    year = year or timezone.localdate().year
    total = qs.count()
    digital = sum(1 for c in qs.only("has_survey", "has_proposals", "has_discussion", "has_briefs")
                  if c.offers_digital)
    return {
        "consultations": total,
        "consultations_open": qs.filter(opens_at__lte=timezone.now(), closes_at__gt=timezone.now(),
                                        results_published_at__isnull=True).count(),
        "digital_share_percent": round(100 * digital / total, 1) if total else None,
        "results_published": qs.filter(results_published_at__isnull=False).count(),
        **_counts(qs),
        "growth": _growth(qs, year),
    }


def organization_metrics(*, organization: Organization, year: int | None = None) -> dict[str, Any]:
    return {"organization": organization.slug, **_aggregate(published().filter(organization=organization), year)}


def platform_metrics(*, year: int | None = None) -> dict[str, Any]:
    """Figures read by the action-plan barometer (plain dict)."""
    data = _aggregate(published(), year)
    data["organizations_consulting"] = published().values("organization").distinct().count()
    return data


def question_list(*, consultation: Consultation) -> list[Question]:
    return list(consultation.questions.select_related("condition_question"))
