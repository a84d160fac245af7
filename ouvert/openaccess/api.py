"""Native API for open access (read-only, anonymous): the publications with their compliance
verdict (cursor pagination, filters), one publication, the ledger rows (the open dataset's
content) and the compliance summary per Fonds. Every read goes through :mod:`ouvert.core.access`:
a deleted publication is absent, and a deposited file's link is given only once the access model
lets the caller read the file (never before the embargo date, whoever asks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from ouvert.core import access
from ouvert.core.cursors import cursor_decode, cursor_encode
from ouvert.core.typing import signed_in_user

from . import selectors
from .access import file_readable
from .compliance import Status, Verdict
from .messages import reason_texts
from .models import Publication, Route

router = Router(tags=["openaccess"])

MAX_ID = 2**63 - 1


class ReasonOut(Schema):
    code: str
    text: str = Field(description="L'explication, dans la langue de la requête.")
    fix: str = Field(description="Ce qu'il faut faire pour être conforme (vide s'il n'y a rien à faire).")


class ComplianceOut(Schema):
    status: Status
    policy: str = Field(description="Code de la version de la politique qui s'applique (vide si aucune).")
    deadline: dt.date | None = Field(description="Date à laquelle l'article doit être en libre accès.")
    reasons: list[ReasonOut]


class AuthorOut(Schema):
    name: str
    orcid: str | None


class PublicationOut(Schema):
    id: int
    title: str
    journal: str
    issn: str
    doi: str | None
    published_on: dt.date
    route: Route
    licence: str
    version: str
    repository_url: str
    opened_on: dt.date | None
    embargo_until: dt.date | None
    file_url: str | None = Field(description="Lien du fichier déposé; null tant que l'embargo court ou sans fichier.")
    funders: list[str]
    grants: list[str]
    compliance: ComplianceOut
    url: str


class PublicationDetailOut(PublicationOut):
    authors: list[AuthorOut]


class PublicationPage(Schema):
    count: int
    next_cursor: str | None = Field(None, description="Passez-le en `cursor` pour la page suivante.")
    results: list[PublicationOut]


class PublicationFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Texte cherché dans le titre, la revue ou le DOI.")
    status: Status | None = None
    funder: str | None = Field(None, max_length=10,
                         description="Code du Fonds : FRQNT, FRQS ou FRQSC (casse indifférente).")
    cursor: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=200)


class LedgerRow(Schema):
    id: int
    title: str
    journal: str
    issn: str
    doi: str
    published_on: str
    funders: list[str]
    programmes: list[str]
    grants: list[str]
    route: str
    licence: str
    version: str
    opened_on: str
    embargo_until: str
    policy: str
    deadline: str
    status: str
    reasons: list[str]


class LedgerPage(Schema):
    count: int
    next_cursor: str | None = None
    results: list[LedgerRow]


class LedgerFilters(Schema):
    cursor: str | None = Field(None, max_length=100)
    limit: int = Field(500, ge=1, le=5000)


class FunderCompliance(Schema):
    code: str
    name: str
    total: int = Field(description="Articles liés à une subvention confirmée du Fonds.")
    compliant: int
    late: int
    non_compliant: int
    unknown: int
    compliant_percent: int


class ComplianceSummary(Schema):
    as_of: dt.date
    total: int
    compliant_percent: int
    funders: list[FunderCompliance]


def _after(cursor: str | None) -> int:
    """The id a cursor carries (0 for none); a cursor that is not one of ours is a clear 422."""
    if not cursor:
        return 0
    text = cursor_decode(cursor)
    if not text.startswith("id:") or not text[3:].isdigit() or not 0 < int(text[3:]) <= MAX_ID:
        raise NinjaValidationError([{"loc": ["query", "cursor"], "type": "value_error",
                                     "msg": _("Curseur invalide : reprenez celui que donne la page précédente "
                                              "(next_cursor).")}])
    return int(text[3:])


def _reasons(verdict: Verdict) -> list[dict[str, str]]:
    return reason_texts(verdict.reasons)


def _out(request: HttpRequest, publication: Publication, verdict: Verdict) -> dict[str, Any]:
    links = selectors.confirmed_links(publication)
    readable = file_readable(publication, signed_in_user(request))
    return {
        "id": publication.pk, "title": publication.title, "journal": publication.journal, "issn": publication.issn,
        "doi": publication.doi, "published_on": publication.published_on, "route": publication.route,
        "licence": publication.licence, "version": publication.version,
        "repository_url": publication.repository_url, "opened_on": publication.opened_on,
        "embargo_until": publication.embargo_until,
        "file_url": request.build_absolute_uri(publication.file.url) if readable else None,
        "funders": sorted({link.grant.funder.code for link in links}),
        "grants": sorted(link.grant.number for link in links),
        "compliance": {"status": verdict.status, "policy": verdict.policy, "deadline": verdict.deadline,
                       "reasons": _reasons(verdict)},
        "url": request.build_absolute_uri(publication.get_absolute_url()),
    }


def _readable(request: HttpRequest) -> set[Any]:
    return set(access.readable_keys(signed_in_user(request), "publication"))


@router.get("/openaccess/publications", response=PublicationPage, summary="Lister les articles et leur conformité")
def publication_list(request: HttpRequest, filters: Query[PublicationFilters]) -> dict[str, Any]:
    after = _after(filters.cursor)
    rows = selectors.publication_list(q=(filters.q or "").strip(), status=filters.status or "",
                                      funder=(filters.funder or "").strip().upper(), today=timezone.localdate())
    readable = _readable(request)
    rows = sorted(((p, v) for p, v in rows if p.pk in readable), key=lambda row: row[0].pk)
    count = len(rows)
    page = [row for row in rows if row[0].pk > after][: filters.limit + 1]
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {"count": count, "next_cursor": cursor_encode(f"id:{page[-1][0].pk}") if more else None,
            "results": [_out(request, p, v) for p, v in page]}


@router.get("/openaccess/publications/{publication_id}", response=PublicationDetailOut, summary="Un article")
def publication_show(request: HttpRequest, publication_id: str) -> dict[str, Any]:
    found = selectors.publication_get(pk=publication_id[:20])
    if found is None or not access.may_read(signed_in_user(request), "publication", found.pk):
        raise Http404(_("Article introuvable."))
    verdict = selectors.publication_verdict(publication=found, today=timezone.localdate())
    return {**_out(request, found, verdict),
            "authors": [{"name": a.full_name, "orcid": a.orcid or None} for a in found.authors.all()]}


@router.get("/openaccess/ledger", response=LedgerPage,
            summary="Le registre de conformité (le contenu du jeu de données ouvertes, sans données personnelles)")
def ledger(request: HttpRequest, filters: Query[LedgerFilters]) -> dict[str, Any]:
    after = _after(filters.cursor)
    readable = selectors.publications_live().filter(
        pk__in=access.readable_keys(signed_in_user(request), "publication"))
    page = list(selectors.ledger_rows(today=timezone.localdate(), publications=readable, after=after,
                                      limit=filters.limit + 1))  # a page by key: its own rows' verdicts only
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {"count": readable.count(), "next_cursor": cursor_encode(f"id:{page[-1]['id']}") if more else None,
            "results": page}


@router.get("/openaccess/compliance", response=ComplianceSummary, summary="La conformité par Fonds")
def compliance(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    data = selectors.dashboard(today=today)
    return {"as_of": today, "total": data.overall.total, "compliant_percent": data.overall.compliant_percent,
            "funders": [{"code": t.key, "name": str(t.label), "total": t.total,
                         "compliant": t.counts[Status.COMPLIANT], "late": t.counts[Status.LATE],
                         "non_compliant": t.counts[Status.NON_COMPLIANT], "unknown": t.counts[Status.UNKNOWN],
                         "compliant_percent": t.compliant_percent} for t in data.by_funder]}
