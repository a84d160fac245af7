"""Reads of the open-access app, typed and keyword-only.

Compliance is computed when read (:mod:`.compliance`), from the policy versions stored as data
and today's date, so a new policy version or an embargo that ends changes the ledger at once.
Every list here runs a constant number of queries (prefetching), whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from . import messages as _messages  # noqa: F401 — registers the codes
from .compliance import Facts, PolicyTerms, Status, Verdict, evaluate, policy_for
from .identifiers import IdentifierError, issn_normalize
from .models import (
    Funder,
    Grant,
    Journal,
    JournalKind,
    MatchState,
    PolicyVersion,
    Programme,
    Publication,
    PublicationGrant,
    Route,
    Version,
)


def policy_terms() -> list[PolicyTerms]:
    return [PolicyTerms(code=p.code, title=p.title, applies_from=p.applies_from, deadline_months=p.deadline_months,
                        licences=list(p.licences), routes=list(p.routes), versions=list(p.versions))
            for p in PolicyVersion.objects.all()]


def policy_current(*, today: dt.date) -> PolicyTerms | None:
    return policy_for(policy_terms(), today)


def publications_live() -> QuerySet[Publication]:
    return Publication.objects.filter(deleted_at__isnull=True)


GRANT_SELECTED = ("funder__organization", "competition__programme")


def _with_links(publications: QuerySet[Publication], *, authors: bool = False) -> list[Publication]:
    """The publications with their grant links (a plain list, ``links_loaded``) and, for one
    article's page, its authors: three or four queries whatever their number. Each distinct grant
    is loaded once (with its Fonds and competition) and shared by its links, and no queryset is
    built per article: at 100,000 articles that was most of the ledger's time."""
    rows = publications.prefetch_related(Prefetch("grant_links", queryset=PublicationGrant.objects.order_by("pk"),
                                                  to_attr="links_loaded"))
    loaded: list[Publication] = list(rows.prefetch_related("authors") if authors else rows)
    wanted = {link.grant_id for p in loaded for link in getattr(p, "links_loaded", [])}
    grants = Grant.objects.select_related(*GRANT_SELECTED).in_bulk(list(wanted)) if wanted else {}
    for publication in loaded:
        for link in getattr(publication, "links_loaded", []):
            link.grant = grants[link.grant_id]
    return loaded


def confirmed_links(publication: Publication) -> list[PublicationGrant]:
    loaded: list[PublicationGrant] | None = getattr(publication, "links_loaded", None)
    links = loaded if loaded is not None else list(
        publication.grant_links.select_related(*(f"grant__{name}" for name in GRANT_SELECTED)).order_by("pk"))
    return [link for link in links if link.state == MatchState.CONFIRMED]


def publication_facts(publication: Publication) -> Facts:
    links = confirmed_links(publication)
    launches = [link.grant.competition.launched_on for link in links if link.grant.competition is not None]
    opened = publication.opened_on
    if publication.route == Route.JOURNAL and opened is None:
        opened = publication.published_on
    if publication.route == Route.DEPOSIT and publication.embargo_until is not None:
        opened = max(opened or publication.embargo_until, publication.embargo_until)
    return Facts(published_on=publication.published_on, route=publication.route, licence=publication.licence,
                 version=publication.version, opened_on=opened, funded=bool(links),
                 launched_on=min(launches) if launches else None)


def publication_verdicts(*, publications: QuerySet[Publication], today: dt.date,
                         policies: Sequence[PolicyTerms] | None = None) -> list[tuple[Publication, Verdict]]:
    terms = policy_terms() if policies is None else policies
    return [(p, evaluate(publication_facts(p), terms, today=today)) for p in _with_links(publications)]


def publication_get(*, pk: Any) -> Publication | None:
    """A live publication with its links (None for absent, deleted or a malformed id)."""
    try:
        key = int(str(pk))
    except (TypeError, ValueError):
        return None
    if not 0 < key < 2**63:
        return None
    found = _with_links(publications_live().filter(pk=key), authors=True)
    return found[0] if found else None


def publication_verdict(*, publication: Publication, today: dt.date) -> Verdict:
    return evaluate(publication_facts(publication), policy_terms(), today=today)


def publication_list(*, q: str = "", status: str = "", funder: str = "", today: dt.date,
                     ) -> list[tuple[Publication, Verdict]]:
    qs = publications_live()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(journal__icontains=q) | Q(doi__icontains=q))
    if funder:
        qs = qs.filter(grant_links__grant__funder__code=funder).distinct()
    rows = publication_verdicts(publications=qs, today=today)
    if status:
        rows = [(p, v) for p, v in rows if v.status == status]
    return rows


def publications_of(*, user_id: int, today: dt.date) -> list[tuple[Publication, Verdict]]:
    return publication_verdicts(publications=publications_live().filter(declared_by_id=user_id), today=today)


# -- ledger (the open dataset) ----------------------------------------------------------------

LEDGER_CHUNK = 2000


def ledger_rows_chunked(*, today: dt.date, chunk: int | None = None) -> Iterable[dict[str, Any]]:
    """Every row of the ledger, read ``chunk`` articles at a time by key (a few queries a chunk):
    memory stays that of one chunk whatever the ledger's length."""
    chunk = chunk or LEDGER_CHUNK
    after = 0
    while True:
        rows = list(ledger_rows(today=today, after=after, limit=chunk))
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1]["id"]

LEDGER_FIELDS = ["id", "title", "journal", "issn", "doi", "published_on", "funders", "programmes", "grants",
                 "route", "licence", "version", "opened_on", "embargo_until", "policy", "deadline", "status",
                 "reasons"]


def ledger_rows(*, today: dt.date, publications: QuerySet[Publication] | None = None, after: int = 0,
                limit: int | None = None) -> Iterable[dict[str, Any]]:
    """One row per live publication (of ``publications``, by id), no personal data (no author, no
    holder, no e-mail). ``after``/``limit`` cut a page by key before any verdict is computed, so a
    page costs its own rows whatever its depth."""
    rows = (publications if publications is not None else publications_live()).filter(pk__gt=after).order_by("pk")
    if limit is not None:
        rows = rows[:limit]
    for publication, verdict in publication_verdicts(publications=rows, today=today):
        links = confirmed_links(publication)
        yield {
            "id": publication.pk, "title": publication.title, "journal": publication.journal,
            "issn": publication.issn, "doi": publication.doi or "",
            "published_on": publication.published_on.isoformat(),
            "funders": sorted({link.grant.funder.code for link in links}),
            "programmes": sorted({link.grant.competition.programme.code for link in links
                                  if link.grant.competition is not None}),
            "grants": sorted(link.grant.number for link in links),
            "route": publication.route, "licence": publication.licence, "version": publication.version,
            "opened_on": publication.opened_on.isoformat() if publication.opened_on else "",
            "embargo_until": publication.embargo_until.isoformat() if publication.embargo_until else "",
            "policy": verdict.policy, "deadline": verdict.deadline.isoformat() if verdict.deadline else "",
            "status": verdict.status, "reasons": [r["code"] for r in verdict.reasons],
        }


# -- dashboards ----------------------------------------------------------------------------------

@dataclass
class Tally:
    label: str
    key: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def compliant_percent(self) -> int:
        return round(100 * self.counts[Status.COMPLIANT] / self.total) if self.total else 0

    def cells(self) -> list[tuple[str, int, int]]:
        """(status, count, percent) in the order of :class:`Status`."""
        return [(s, self.counts[s], round(100 * self.counts[s] / self.total) if self.total else 0)
                for s in Status.values]


@dataclass
class Dashboard:
    overall: Tally
    by_funder: list[Tally]
    by_programme: list[Tally]
    by_institution: list[Tally]
    by_year: list[Tally]
    routes: Counter[str]
    licences: Counter[str]


def dashboard(*, today: dt.date) -> Dashboard:
    overall = Tally(label="", key="all")
    funders: dict[str, Tally] = {f.code: Tally(label=f.name, key=f.code)
                                 for f in Funder.objects.select_related("organization")}
    programmes: dict[int, Tally] = {}
    institutions: dict[str, Tally] = {}
    years: dict[int, Tally] = defaultdict(lambda: Tally(label="", key=""))
    routes: Counter[str] = Counter()
    licences: Counter[str] = Counter()
    for publication, verdict in publication_verdicts(publications=publications_live(), today=today):
        overall.counts[verdict.status] += 1
        links = confirmed_links(publication)
        for code in {link.grant.funder.code for link in links}:
            funders[code].counts[verdict.status] += 1
        seen: dict[int, tuple[str, Programme]] = {
            link.grant.competition.programme.pk: (link.grant.funder.code, link.grant.competition.programme)
            for link in links if link.grant.competition is not None}
        for pk, (code, programme) in seen.items():
            programmes.setdefault(pk, Tally(label=f"{code} — {programme.name}", key=programme.code))
            programmes[pk].counts[verdict.status] += 1
        for name in {link.grant.institution for link in links if link.grant.institution}:
            institutions.setdefault(name, Tally(label=name, key=name)).counts[verdict.status] += 1
        year = years[publication.published_on.year]
        year.label = year.key = str(publication.published_on.year)
        year.counts[verdict.status] += 1
        routes[publication.route] += 1
        if publication.licence:
            licences[publication.licence] += 1
    return Dashboard(overall=overall, by_funder=list(funders.values()),
                     by_programme=sorted(programmes.values(), key=lambda t: t.label),
                     by_institution=sorted(institutions.values(), key=lambda t: t.label),
                     by_year=[years[y] for y in sorted(years)], routes=routes, licences=licences)


def compliance_summary(*, start: dt.date, end: dt.date) -> tuple[int, int]:
    """(compliant, total) over funded articles published between ``start`` and ``end`` inclusive,
    evaluated today; for the action plans' indicators."""
    from django.utils import timezone

    qs = publications_live().filter(published_on__gte=start, published_on__lte=end,
                                    grant_links__state=MatchState.CONFIRMED).distinct()
    verdicts = [v for _p, v in publication_verdicts(publications=qs, today=timezone.localdate())]
    return sum(1 for v in verdicts if v.status == Status.COMPLIANT), len(verdicts)


# -- route finder -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RouteAdvice:
    route: str
    complies: bool
    licence: str
    version: str
    reason: dict[str, Any]


@dataclass(frozen=True)
class RouteFinding:
    issn: str
    journal: Journal | None
    policy: PolicyTerms | None
    advice: list[RouteAdvice]
    error: dict[str, Any] | None = None


def route_find(*, issn: str, today: dt.date) -> RouteFinding:
    """Which routes satisfy the policy in force today for an article in this journal."""
    from ouvert.core.messages import message

    try:
        normalized = issn_normalize(issn)
    except IdentifierError as exc:
        return RouteFinding(issn=issn, journal=None, policy=None, advice=[],
                            error=message(exc.code, **exc.params))
    policy = policy_current(today=today)
    journal = Journal.objects.filter(issn=normalized).first()
    advice: list[RouteAdvice] = []
    if policy is None:
        return RouteFinding(issn=normalized, journal=journal, policy=None, advice=[])
    licence = "CC-BY-4.0" if "CC-BY-4.0" in policy.licences else (policy.licences[0] if policy.licences else "")
    if journal is not None and journal.kind == JournalKind.FULL:
        ok = journal.licence in policy.licences and Route.JOURNAL in policy.routes
        advice.append(RouteAdvice(route=Route.JOURNAL, complies=ok, licence=journal.licence,
                                  version=Version.PUBLISHED,
                                  reason=message("oa.route_journal_ok" if ok else "oa.route_journal_licence",
                                                 licence=journal.licence or "?")))
    elif journal is not None and journal.kind == JournalKind.HYBRID:
        advice.append(RouteAdvice(route=Route.JOURNAL, complies=Route.JOURNAL in policy.routes, licence=licence,
                                  version=Version.PUBLISHED,
                                  reason=message("oa.route_hybrid", licence=licence)))
    embargo = journal.self_archiving_months if journal is not None else None
    for route in (Route.REPOSITORY, Route.DEPOSIT):
        if route not in policy.routes:
            continue
        months_ok = embargo is not None and embargo <= policy.deadline_months
        advice.append(RouteAdvice(
            route=route, complies=True, licence=licence, version=Version.ACCEPTED,
            reason=message("oa.route_green_ok" if months_ok else "oa.route_green_retention",
                           licence=licence, months=embargo if embargo is not None else "?")))
    return RouteFinding(issn=normalized, journal=journal, policy=policy, advice=advice)


# -- support: webinars ---------------------------------------------------------------------------

def webinars_slug() -> str:
    """The slug of the consultation whose meetings are the webinars on open access (the setting
    ``OPENACCESS_WEBINARS_CONSULTATION``): a Fonds creates it as a consultation, so registration,
    waiting list and calendar file are the consultations' own."""
    from django.conf import settings

    return str(settings.OPENACCESS_WEBINARS_CONSULTATION or "").strip()


@dataclass(frozen=True)
class Webinar:
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    register_url: str


def webinars_upcoming() -> list[Webinar]:
    """Upcoming meetings of the published webinar consultation (none when there is none)."""
    from django.utils import timezone

    from ouvert.consultations.models import Consultation

    slug = webinars_slug()
    if not slug:
        return []
    consultation = Consultation.objects.filter(slug=slug, published_at__isnull=False).first()
    if consultation is None:
        return []
    url = consultation.get_absolute_url() + "#rencontres"
    return [Webinar(title=e.title, description=e.description, starts_at=e.starts_at, ends_at=e.ends_at,
                    place=e.place, register_url=url)
            for e in consultation.events.filter(ends_at__gte=timezone.now()).order_by("starts_at")]
