"""Bulk import of publications from a CSV file or a Crossref-style JSON file (no network).

Each work is matched to what exists, in this order:

1. **the same DOI** → the article already declared is updated (grants added, never removed);
2. **the same title (accents, case and punctuation folded) and publication year**, without a DOI
   in common → uncertain: an :class:`~ouvert.openaccess.models.ImportReview` for a person to
   decide (same article or another one);
3. otherwise a new article is declared.

Grants are matched by the numbers the file cites (CSV ``subventions``; Crossref ``funder[].award``,
with the Fonds known from its Funder Registry DOI) → confirmed links; by numbers found in the
acknowledgement text (``remerciements``) → links to review; by a Fonds named without number,
when an author's ORCID iD holds a grant of that Fonds → links to review. A dry run reports every
line and writes nothing. Every line gets messages (codes + parameters).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from ouvert.core.actors import Actor, is_system
from ouvert.core.audit import audit_record
from ouvert.core.messages import message
from ouvert.core.models import User

from .identifiers import FUNDER_CODES, IdentifierError, grant_number_normalize
from .models import Funder, Grant, ImportReview, MatchState, Publication, PublicationGrant, Route
from .permissions import can_manage_funder, check
from .services import AuthorInput, ImportReport, PublicationInput, RowReport, _clean, _read_csv, publication_declare

LICENCE_URLS = {
    "creativecommons.org/licenses/by/4.0": "CC-BY-4.0",
    "creativecommons.org/licenses/by-sa/4.0": "CC-BY-SA-4.0",
    "creativecommons.org/publicdomain/zero/1.0": "CC0-1.0",
    "creativecommons.org/licenses/by-nc/4.0": "CC-BY-NC-4.0",
    "creativecommons.org/licenses/by-nd/4.0": "CC-BY-ND-4.0",
    "creativecommons.org/licenses/by-nc-nd/4.0": "CC-BY-NC-ND-4.0",
}
CSV_COLUMNS = ["titre", "date_publication"]
"""Required; optional: auteurs (``Nom <ORCID>; …``), revue, issn, doi, licence, version, voie,
adresse_depot, subventions (comma-separated), fonds, remerciements."""


@dataclass
class Work:
    title: str
    published_on: str  # YYYY-MM-DD (checked when used)
    authors: list[tuple[str, str]] = field(default_factory=list)
    journal: str = ""
    issn: str = ""
    doi: str = ""
    licence: str = ""
    version: str = ""
    route: str = ""
    repository_url: str = ""
    grant_numbers: list[tuple[str, str]] = field(default_factory=list)  # (number as cited, Fonds code or "")
    funders: list[str] = field(default_factory=list)  # Fonds codes named without a number
    acknowledgement: str = ""


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()).strip()


def _authors(text: str) -> list[tuple[str, str]]:
    found = []
    for part in (text or "").split(";"):
        match = re.match(r"^\s*(.*?)\s*(?:<([^>]*)>)?\s*$", part)
        if match and match.group(1):
            found.append((match.group(1), (match.group(2) or "").strip()))
    return found


def works_from_csv(text: str, report: ImportReport) -> list[Work]:
    rows = _read_csv(text, report, CSV_COLUMNS)
    works = []
    for values in rows:
        funder = values.get("fonds", "").upper()
        works.append(Work(
            title=values.get("titre", ""), published_on=values.get("date_publication", ""),
            authors=_authors(values.get("auteurs", "")), journal=values.get("revue", ""),
            issn=values.get("issn", ""), doi=values.get("doi", ""), licence=values.get("licence", ""),
            version=values.get("version", ""), route=values.get("voie", ""),
            repository_url=values.get("adresse_depot", ""),
            grant_numbers=[(n.strip(), funder) for n in values.get("subventions", "").split(",") if n.strip()],
            funders=[funder] if funder and not values.get("subventions", "").strip() else [],
            acknowledgement=values.get("remerciements", "")))
    return works


def _crossref_date(item: dict[str, Any]) -> str:
    for key in ("published", "published-print", "published-online", "issued"):
        parts = (item.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and all(isinstance(p, int) for p in parts[0]):
            year, month, day = (list(parts[0]) + [1, 1])[:3]
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return ""
    return ""


def _first(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return str(value[0]) if isinstance(value, list) and value else str(value or "")


def works_from_crossref(text: str, report: ImportReport) -> list[Work]:
    """A Crossref REST answer (``{"message": {"items": [...]}}`` or ``{"message": work}``) or a list of works."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        report.errors.append(message("oa.json_invalid", error=str(exc)))
        return []
    items: Any = data.get("message", data) if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = items.get("items", [items])
    if not isinstance(items, list):
        report.errors.append(message("oa.json_invalid", error="no list of works"))
        return []
    by_doi = {f.funder_doi: f.code for f in Funder.objects.exclude(funder_doi="")}
    works = []
    for item in items:
        if not isinstance(item, dict):
            item = {}
        authors = []
        for author in item.get("author") or []:
            if isinstance(author, dict):
                name = " ".join(p for p in (author.get("given"), author.get("family")) if isinstance(p, str))
                orcid = str(author.get("ORCID") or "")
                if name:
                    authors.append((name, orcid))
        numbers: list[tuple[str, str]] = []
        named: list[str] = []
        for funder in item.get("funder") or []:
            if not isinstance(funder, dict):
                continue
            doi = str(funder.get("DOI") or "").lower().removeprefix("https://doi.org/")
            code = by_doi.get(doi, "")
            awards = [str(a) for a in funder.get("award") or [] if str(a).strip()]
            if code and awards:
                numbers.extend((award, code) for award in awards)
            elif code:
                named.append(code)
        licences = [lic.get("URL", "") for lic in item.get("license") or [] if isinstance(lic, dict)]
        licence = next((spdx for url in licences for key, spdx in LICENCE_URLS.items() if key in str(url)), "")

        works.append(Work(title=_first(item, "title"), published_on=_crossref_date(item), authors=authors,
                          journal=_first(item, "container-title"), issn=_first(item, "ISSN"),
                          doi=str(item.get("DOI") or ""),
                          licence=licence, version="published" if licence else "",
                          route=Route.JOURNAL if licence else "", grant_numbers=numbers, funders=named,
                          acknowledgement=str(item.get("acknowledgement") or "")))
    return works


_ACK_NUMBER = re.compile(r"\b(FRQ[\s_-]?(?:NT|SC|S)[\s_:#-]*\d{4,9})\b", re.IGNORECASE)


def _grant_links(work: Work, row: RowReport) -> list[tuple[Grant, str, dict[str, Any]]]:
    found: dict[int, tuple[Grant, str, dict[str, Any]]] = {}
    for cited, funder in work.grant_numbers:
        try:
            number = grant_number_normalize(cited, funder=funder)
        except IdentifierError as exc:
            row.messages.append(message(exc.code, **exc.params))
            continue
        grant = Grant.objects.filter(number=number).first()
        if grant is None:
            row.messages.append(message("oa.grant_unknown", value=number))
            continue
        found[grant.pk] = (grant, MatchState.CONFIRMED, message("oa.grant_from_number", number=number))
    for cited in _ACK_NUMBER.findall(work.acknowledgement or ""):
        try:
            number = grant_number_normalize(cited)
        except IdentifierError:
            continue
        grant = Grant.objects.filter(number=number).first()
        if grant is not None and grant.pk not in found:
            found[grant.pk] = (grant, MatchState.REVIEW, message("oa.grant_from_text", number=number))
    orcids = {orcid for _name, orcid in work.authors if orcid}
    for code in work.funders:
        if code not in FUNDER_CODES:
            continue
        for grant in Grant.objects.filter(funder__code=code, holder__orcid__in=[o[-19:] for o in orcids]):
            if grant.pk not in found:
                found[grant.pk] = (grant, MatchState.REVIEW, message("oa.grant_from_funder", funder=code))
    return list(found.values())


def _input(work: Work, row: RowReport) -> PublicationInput | None:
    if not work.title.strip():
        row.messages.append(message("oa.title_missing"))
        return None
    try:
        published = dt.date.fromisoformat(work.published_on.strip())
    except ValueError:
        row.messages.append(message("oa.date_format", value=work.published_on, column="date_publication"))
        return None
    return PublicationInput(
        title=work.title, published_on=published, journal=work.journal, issn=work.issn, doi=work.doi,
        licence=work.licence, version=work.version, route=work.route or Route.NONE,
        repository_url=work.repository_url, authors=[AuthorInput(n, o[-19:] if o else "") for n, o in work.authors])


def _link(publication: Publication, links: Sequence[tuple[Grant, str, dict[str, Any]]]) -> None:
    for grant, state, evidence in links:
        link, created = PublicationGrant.objects.get_or_create(publication=publication, grant=grant,
                                                               defaults={"state": state, "evidence": evidence})
        if not created and state == MatchState.CONFIRMED and link.state != state:
            link.state, link.evidence = state, evidence
            link.save(update_fields=["state", "evidence"])


def _one(work: Work, row: RowReport, *, dry_run: bool, by: Actor) -> None:
    from django.core.exceptions import ValidationError

    data = _input(work, row)
    if data is None:
        row.ok = False
        return
    try:
        values, _authors_clean, _grants = _clean(data)
    except ValidationError as exc:
        row.ok = False
        row.messages.extend(message("oa.field_invalid", field=name, text=" ".join(errors))
                            for name, errors in exc.message_dict.items())
        return
    row.key = values["doi"] or work.title[:60]
    links = _grant_links(work, row)
    existing = Publication.objects.filter(doi=values["doi"], deleted_at__isnull=True).first() if values["doi"] else None
    if existing is not None:
        row.messages.append(message("oa.match_doi", title=existing.title))
        row.messages.append(message("oa.would_update" if dry_run else "oa.updated"))
        if not dry_run:
            _link(existing, links)
            audit_record(actor=by, action="publication.import_update", obj=existing)
        return
    year_matches = [p for p in Publication.objects.filter(published_on__year=data.published_on.year,
                                                          deleted_at__isnull=True)
                    if fold(p.title) == fold(work.title)]
    if year_matches:
        candidate = year_matches[0]
        evidence = message("oa.match_title", title=candidate.title)
        row.messages.append(evidence)
        if not dry_run:
            ImportReview.objects.create(existing=candidate, data=asdict(work), evidence=evidence,
                                        created_by=by if isinstance(by, User) else None)
        return
    row.messages.append(message("oa.would_create" if dry_run else "oa.created"))
    if not dry_run:
        publication = publication_declare(data=data, by=by)
        _link(publication, links)


def publications_import(*, text: str, kind: str, dry_run: bool = False, by: Actor) -> ImportReport:
    """Import works from ``text`` (``kind``: ``csv`` or ``crossref``). Staff of a Fonds (or a site
    administrator, or a system actor) only."""
    check(is_system(by) or any(can_manage_funder(by, f) for f in Funder.objects.select_related("organization")))
    report = ImportReport(dry_run=dry_run)
    works = works_from_csv(text, report) if kind == "csv" else works_from_crossref(text, report)
    with transaction.atomic():
        for line, work in enumerate(works, start=2 if kind == "csv" else 1):
            row = RowReport(line=line)
            with transaction.atomic():
                _one(work, row, dry_run=dry_run, by=by)
                if not row.ok:
                    transaction.set_rollback(True)
            report.rows.append(row)
        if dry_run:
            transaction.set_rollback(True)
    return report


# -- the review queue ----------------------------------------------------------------------------

def review_links() -> list[PublicationGrant]:
    return list(PublicationGrant.objects.filter(state=MatchState.REVIEW, publication__deleted_at__isnull=True)
                .select_related("publication", "grant__funder"))


def review_works() -> list[ImportReview]:
    return list(ImportReview.objects.select_related("existing"))


def _check_staff(by: Actor) -> None:
    check(is_system(by) or any(can_manage_funder(by, f) for f in Funder.objects.select_related("organization")))


@transaction.atomic
def link_review(*, link: PublicationGrant, accept: bool, by: Actor) -> None:
    check(is_system(by) or can_manage_funder(by, link.grant.funder))
    if accept:
        link.state = MatchState.CONFIRMED
        link.save(update_fields=["state"])
    else:
        link.delete()
    audit_record(actor=by, action="publication_grant.accept" if accept else "publication_grant.reject",
                 obj=link.publication)


@transaction.atomic
def work_review(*, review: ImportReview, same: bool, by: Actor) -> Publication | None:
    """``same``: the imported work is the article already declared (its grants are added to it);
    otherwise it is another article, declared now."""
    _check_staff(by)
    work = Work(**{**review.data, "authors": [tuple(a) for a in review.data.get("authors", [])],
                   "grant_numbers": [tuple(g) for g in review.data.get("grant_numbers", [])]})
    row = RowReport(line=0)
    links = _grant_links(work, row)
    target: Publication | None = review.existing
    if same:
        _link(review.existing, links)
    else:
        data = _input(work, row)
        target = publication_declare(data=data, by=by) if data is not None else None
        if target is not None:
            _link(target, links)
    audit_record(actor=by, action="import_review.same" if same else "import_review.other", obj=review.existing)
    review.delete()
    return target
