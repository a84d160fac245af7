"""Writes of the open-access app: every one checks permission, writes, audits and notifies.

- :func:`publication_declare`, :func:`publication_update`, :func:`publication_delete`: an article
  and its deposited file (the file goes through the access model, :mod:`.access`);
- :func:`grants_import_csv`: grants from a Fonds' CSV file, numbers normalized, one report line
  per row (a dry run writes nothing);
- :func:`reminders_send`: a notice to the followers of each article that is not open yet and whose
  deadline comes within ``days`` (the declarer follows the article from its declaration).
Bulk import of publications is in :mod:`.imports`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ouvert.core.actors import Actor, is_system
from ouvert.core.audit import audit_record, diff, snapshot
from ouvert.core.follows import follow_create
from ouvert.core.messages import message, render
from ouvert.core.models import User
from ouvert.core.notices import notify

from . import messages as _messages  # noqa: F401 — registers the codes
from .compliance import Status
from .identifiers import (
    IdentifierError,
    doi_normalize,
    grant_number_normalize,
    issn_normalize,
    orcid_normalize,
)
from .models import (
    LICENCES,
    Author,
    Competition,
    FaqEntry,
    Funder,
    Grant,
    MatchState,
    PolicyVersion,
    Programme,
    Publication,
    PublicationGrant,
    Researcher,
    Route,
    Version,
)
from .permissions import can_declare, can_edit_publication, can_manage_funder, can_manage_policies, check

LICENCE_IDS = {code for code, _label in LICENCES}
FIELDS = ["title", "journal", "issn", "doi", "published_on", "licence", "version", "route", "repository_url",
          "opened_on", "embargo_until"]


@dataclass(frozen=True)
class AuthorInput:
    full_name: str
    orcid: str = ""


@dataclass
class PublicationInput:
    title: str
    published_on: dt.date
    authors: Sequence[AuthorInput] = ()
    journal: str = ""
    issn: str = ""
    doi: str = ""
    licence: str = ""
    version: str = ""
    route: str = Route.NONE
    repository_url: str = ""
    opened_on: dt.date | None = None
    embargo_until: dt.date | None = None
    grant_numbers: Sequence[str] = ()


def _error(field_name: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({field_name: [render(message(code, **params))]})


def _clean(data: PublicationInput) -> tuple[dict[str, Any], list[AuthorInput], list[Grant]]:
    """Checked, normalized fields; raises ValidationError naming the field and how to fix it."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, code: str, **params: Any) -> None:
        errors.setdefault(name, []).append(render(message(code, **params)))

    values: dict[str, Any] = {name: getattr(data, name) for name in FIELDS}
    values["title"] = (data.title or "").strip()
    if not values["title"]:
        fail("title", "oa.title_missing")
    for name, normalize in (("issn", issn_normalize), ("doi", doi_normalize)):
        raw = (getattr(data, name) or "").strip()
        if raw:
            try:
                values[name] = normalize(raw)
            except IdentifierError as exc:
                fail(name, exc.code, **exc.params)
        else:
            values[name] = None if name == "doi" else ""
    if values["licence"] and values["licence"] not in LICENCE_IDS:
        fail("licence", "oa.licence", licence=values["licence"], accepted=sorted(LICENCE_IDS))
    if values["version"] and values["version"] not in Version.values:
        values["version"] = ""
    if values["route"] not in Route.values:
        values["route"] = Route.NONE
    authors: list[AuthorInput] = []
    for author in data.authors:
        name = (author.full_name or "").strip()
        if not name:
            continue
        orcid = ""
        if (author.orcid or "").strip():
            try:
                orcid = orcid_normalize(author.orcid)
            except IdentifierError as exc:
                fail("authors", exc.code, **exc.params)
        authors.append(AuthorInput(full_name=name[:200], orcid=orcid))
    grants: list[Grant] = []
    for raw in data.grant_numbers:
        if not (raw or "").strip():
            continue
        try:
            number = grant_number_normalize(raw)
        except IdentifierError as exc:
            fail("grant_numbers", exc.code, **exc.params)
            continue
        grant = Grant.objects.filter(number=number).first()
        if grant is None:
            fail("grant_numbers", "oa.grant_unknown", value=number)
        else:
            grants.append(grant)
    if errors:
        raise ValidationError(errors)
    return values, authors, grants


def _researcher_for(author: AuthorInput) -> Researcher | None:
    if not author.orcid:
        return None
    researcher, _created = Researcher.objects.get_or_create(orcid=author.orcid,
                                                            defaults={"full_name": author.full_name})
    return researcher


def _write_authors(publication: Publication, authors: Sequence[AuthorInput]) -> None:
    publication.authors.all().delete()
    Author.objects.bulk_create([
        Author(publication=publication, position=i, full_name=a.full_name, orcid=a.orcid,
               researcher=_researcher_for(a)) for i, a in enumerate(authors)])


def _write_grants(publication: Publication, grants: Sequence[Grant]) -> None:
    wanted = {g.pk for g in grants}
    publication.grant_links.exclude(grant_id__in=wanted).delete()
    for grant in grants:
        PublicationGrant.objects.update_or_create(publication=publication, grant=grant,
                                                  defaults={"state": MatchState.CONFIRMED})


def _store_file(publication: Publication, file: File[Any] | None) -> None:
    if file is None:
        return
    if publication.file:
        publication.file.delete(save=False)
    publication.file.save(file.name or "article.pdf", file, save=False)
    if publication.route == Route.NONE or not publication.route:
        publication.route = Route.DEPOSIT
    if publication.opened_on is None:
        publication.opened_on = timezone.localdate()


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


@transaction.atomic
def publication_declare(*, data: PublicationInput, file: File[Any] | None = None, by: Actor) -> Publication:
    check(can_declare(by))
    values, authors, grants = _clean(data)
    if values["doi"] and Publication.objects.filter(doi=values["doi"]).exists():
        raise _error("doi", "oa.match_doi", title=Publication.objects.get(doi=values["doi"]).title)
    publication = Publication.objects.create(**values, updated_at=_now(),
                                             declared_by=by if isinstance(by, User) else None)
    if file is not None:
        _store_file(publication, file)
        publication.save()
    _write_authors(publication, authors)
    _write_grants(publication, grants)
    audit_record(actor=by, action="publication.declare", obj=publication, changes={"title": [None, publication.title]})
    if isinstance(by, User) and not is_system(by):
        follow_create(user=by, kind="publication", key=str(publication.pk), by=by)
    notify(kind="publication", key=publication.pk, event="publication.declared", by=by)
    return publication


@transaction.atomic
def publication_update(*, publication: Publication, data: PublicationInput, file: File[Any] | None = None,
                       by: Actor) -> Publication:
    check(can_edit_publication(by, publication))
    values, authors, grants = _clean(data)
    if values["doi"] and Publication.objects.filter(doi=values["doi"]).exclude(pk=publication.pk).exists():
        raise _error("doi", "oa.match_doi", title=Publication.objects.get(doi=values["doi"]).title)
    before = snapshot(publication, FIELDS)
    for name, value in values.items():
        setattr(publication, name, value)
    _store_file(publication, file)
    publication.updated_at = _now()
    publication.save()
    _write_authors(publication, authors)
    _write_grants(publication, grants)
    audit_record(actor=by, action="publication.update", obj=publication,
                 changes=diff(before, snapshot(publication, FIELDS)))
    return publication


@transaction.atomic
def publication_delete(*, publication: Publication, by: Actor) -> None:
    """Withdraw an article: its OAI-PMH record becomes a persistent deletion; the file is removed."""
    check(can_edit_publication(by, publication))
    if publication.file:
        publication.file.delete(save=False)
    publication.deleted_at = publication.updated_at = _now()
    publication.save(update_fields=["deleted_at", "updated_at", "file"])
    audit_record(actor=by, action="publication.delete", obj=publication)
    notify(kind="publication", key=publication.pk, event="publication.deleted", by=by, gone=True)


# -- grants from CSV ---------------------------------------------------------------------------

GRANT_COLUMNS = ["numero", "fonds", "titulaire"]
"""Required columns; optional: programme, programme_nom, concours, lancement, orcid, etablissement,
debut, fin, titre."""


@dataclass
class RowReport:
    line: int
    key: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = True


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # about the whole file
    dry_run: bool = False

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.rows if not r.ok) + len(self.errors)


def _date(value: str, column: str, row: RowReport) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        row.ok = False
        row.messages.append(message("oa.date_format", value=value, column=column))
        return None


def _read_csv(text: str, report: ImportReport, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
                for row in reader]
    except csv.Error as exc:
        report.errors.append(message("oa.csv_invalid", error=str(exc)))
        return []
    missing = [c for c in required if c not in [(f or "").strip().lower() for f in reader.fieldnames or []]]
    if missing:
        report.errors.append(message("oa.column_missing", columns=missing))
        return []
    return rows


def _grant_row(values: dict[str, str], row: RowReport) -> None:
    funder_code = values.get("fonds", "").upper()
    funder = Funder.objects.filter(code=funder_code).select_related("organization").first()
    try:
        number = grant_number_normalize(values.get("numero", ""), funder=funder_code)
    except IdentifierError as exc:
        row.ok = False
        row.messages.append(message(exc.code, **exc.params))
        return
    row.key = number
    if funder is None:
        row.ok = False
        row.messages.append(message("oa.funder_unknown", value=funder_code, known=["FRQNT", "FRQS", "FRQSC"]))
        return
    holder_name = values.get("titulaire", "")
    if not holder_name:
        row.ok = False
        row.messages.append(message("oa.field_missing", column="titulaire"))
    orcid = values.get("orcid", "")
    if orcid:
        try:
            orcid = orcid_normalize(orcid)
        except IdentifierError as exc:
            row.ok = False
            row.messages.append(message(exc.code, **exc.params))
    starts, ends = _date(values.get("debut", ""), "debut", row), _date(values.get("fin", ""), "fin", row)
    launched = _date(values.get("lancement", ""), "lancement", row)
    competition = None
    programme_code = values.get("programme", "")
    if programme_code and row.ok:
        programme, _created = Programme.objects.get_or_create(
            funder=funder, code=programme_code[:60],
            defaults={"name_fr": values.get("programme_nom") or programme_code})
        competition_code = values.get("concours", "")
        if competition_code:
            competition = Competition.objects.filter(programme=programme, code=competition_code[:60]).first()
            if competition is None and launched is None:
                row.ok = False
                row.messages.append(message("oa.competition_unknown", value=competition_code))
            elif competition is None and launched is not None:
                competition = Competition.objects.create(programme=programme, code=competition_code[:60],
                                                         launched_on=launched)
    if not row.ok:
        return
    holder = None
    if orcid:
        holder, _created = Researcher.objects.get_or_create(orcid=orcid, defaults={"full_name": holder_name})
    existed = Grant.objects.filter(number=number).exists()
    Grant.objects.update_or_create(number=number, defaults={
        "funder": funder, "competition": competition, "holder": holder, "holder_name": holder_name[:200],
        "institution": values.get("etablissement", "")[:200], "starts_on": starts, "ends_on": ends,
        "title": values.get("titre", "")[:500]})
    row.messages.append(message("oa.updated" if existed else "oa.created"))


def grants_import_csv(*, text: str, dry_run: bool = False, by: Actor) -> ImportReport:
    """Load grants from a CSV file (UTF-8, header row). The person must edit for every Fonds the
    file names; a dry run checks every row and writes nothing."""
    report = ImportReport(dry_run=dry_run)
    rows = _read_csv(text, report, GRANT_COLUMNS)
    codes = {r.get("fonds", "").upper() for r in rows}
    for funder in Funder.objects.filter(code__in=codes).select_related("organization"):
        check(can_manage_funder(by, funder))
    with transaction.atomic():
        for index, values in enumerate(rows, start=2):
            row = RowReport(line=index)
            with transaction.atomic():
                _grant_row(values, row)
                if not row.ok:
                    transaction.set_rollback(True)
            report.rows.append(row)
        if dry_run:
            transaction.set_rollback(True)
        else:
            named = Funder.objects.filter(code__in=codes).first()
            if named is not None:
                audit_record(actor=by, action="grant.import", obj=named, organization=named.organization,
                             changes={"rows": [None, report.ok_count]})
    return report


# -- reminders -------------------------------------------------------------------------------

def reminders_send(*, today: dt.date, days: int, by: Actor) -> int:
    """Notify the followers of each live article still not open (status Unknown, pending) whose
    deadline falls within ``days`` days, or already past (Non-compliant, never reminded since)."""
    from .selectors import publication_verdicts

    sent = 0
    pubs = Publication.objects.filter(deleted_at__isnull=True, route=Route.NONE)
    with transaction.atomic():
        for publication, verdict in publication_verdicts(publications=pubs, today=today):
            if verdict.deadline is None or verdict.status not in (Status.UNKNOWN, Status.NON_COMPLIANT):
                continue
            if verdict.deadline > today + dt.timedelta(days=days):
                continue
            if publication.reminded_on is not None and publication.reminded_on >= today - dt.timedelta(days=days):
                continue
            notify(kind="publication", key=publication.pk, event="publication.reminder",
                   summary=gettext_noop("« %(title)s » doit être en libre accès au plus tard le %(deadline)s."),
                   params={"title": publication.title, "deadline": verdict.deadline.isoformat()}, by=by)
            Publication.objects.filter(pk=publication.pk).update(reminded_on=today)
            audit_record(actor=by, action="publication.remind", obj=publication)
            sent += 1
    return sent


# -- editorial: FAQ and policy versions (site administrators, through the Django admin) ----------

FAQ_FIELDS = ["question_fr", "question_en", "answer_fr", "answer_en", "position"]
POLICY_FIELDS = ["code", "title_fr", "title_en", "applies_from", "deadline_months", "licences", "routes", "versions",
                 "url"]


@transaction.atomic
def faq_save(*, entry: FaqEntry, by: Actor) -> FaqEntry:
    """Create or change a FAQ entry (``entry`` unsaved or changed in memory)."""
    check(can_manage_policies(by))
    creating = entry.pk is None
    before = {} if creating else snapshot(FaqEntry.objects.get(pk=entry.pk), FAQ_FIELDS)
    entry.full_clean()
    entry.save()
    changes = diff(before, snapshot(entry, FAQ_FIELDS)) if before else {"question_fr": [None, entry.question_fr]}
    audit_record(actor=by, action="faq.create" if creating else "faq.update", obj=entry, changes=changes)
    return entry


@transaction.atomic
def policy_version_save(*, policy: PolicyVersion, by: Actor) -> PolicyVersion:
    """Create or change a policy version: accepted licences must be known SPDX ids, routes and
    versions known values. The ledger follows at once (compliance is computed when read)."""
    check(can_manage_policies(by))
    errors: dict[str, list[str]] = {}
    unknown = [v for v in policy.licences if v not in LICENCE_IDS]
    if unknown:
        errors["licences"] = [render(message("oa.licence", licence=", ".join(unknown), accepted=sorted(LICENCE_IDS)))]
    if any(v not in Route.values or v == Route.NONE for v in policy.routes):
        errors["routes"] = [", ".join(v for v in Route.values if v != Route.NONE)]
    if any(v not in Version.values for v in policy.versions):
        errors["versions"] = [", ".join(Version.values)]
    if errors:
        raise ValidationError(errors)
    creating = policy.pk is None
    before = {} if creating else snapshot(PolicyVersion.objects.get(pk=policy.pk), POLICY_FIELDS)
    policy.full_clean()
    policy.save()
    audit_record(actor=by, action="policy.create" if creating else "policy.update", obj=policy,
                 changes=diff(before, snapshot(policy, POLICY_FIELDS)) if before else {"code": [None, policy.code]})
    return policy
