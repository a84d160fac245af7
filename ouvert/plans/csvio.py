"""The plan's CSV format, one row per milestone (a commitment without milestones has one row with
empty milestone columns). The same columns are written by the export and read by the import, which
matches commitments and milestones on their external ids. Bodies are organization slugs; several
are separated by ``;``; dates are ISO (YYYY-MM-DD)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ouvert.core.models import Organization

from .models import Commitment, Plan

COLUMNS = [
    "commitment_id", "commitment_number", "challenge_number", "commitment_title", "problem", "description", "why",
    "lead_body", "supporting_bodies", "commitment_start", "commitment_end", "origin_kind", "origin_key",
    "milestone_id", "milestone_number", "milestone_description", "milestone_start", "deadline",
    "responsible_body", "collaborators", "deliverable",
]
REQUIRED = ["commitment_id", "commitment_number", "commitment_title", "lead_body"]
MAX_BYTES = 5 * 1024 * 1024


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _slugs(orgs: Any) -> str:
    return ";".join(sorted(o.slug for o in orgs.all()))


def export_rows(plan: Plan) -> list[dict[str, str]]:
    rows = []
    commitments = (Commitment.objects.filter(plan=plan).select_related("lead_body", "challenge")
                   .prefetch_related("supporting_bodies", "milestones__responsible_body", "milestones__collaborators")
                   .order_by("id"))
    for c in commitments:
        base = {"commitment_id": c.external_id, "commitment_number": c.number,
                "challenge_number": str(c.challenge.number) if c.challenge else "", "commitment_title": c.title,
                "problem": c.problem, "description": c.description, "why": c.why, "lead_body": c.lead_body.slug,
                "supporting_bodies": _slugs(c.supporting_bodies), "commitment_start": _d(c.start),
                "commitment_end": _d(c.end), "origin_kind": c.origin_kind, "origin_key": c.origin_key}
        milestones = sorted(c.milestones.all(), key=lambda m: m.pk)
        empty = dict.fromkeys(COLUMNS[13:], "")
        if not milestones:
            rows.append({**base, **empty})
        for m in milestones:
            rows.append({**base, "milestone_id": m.external_id, "milestone_number": m.number,
                         "milestone_description": m.description, "milestone_start": _d(m.start),
                         "deadline": _d(m.deadline), "responsible_body": m.responsible_body.slug,
                         "collaborators": _slugs(m.collaborators), "deliverable": m.deliverable})
    return rows


def export_csv(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(export_rows(plan))
    return out.getvalue()


@dataclass
class ParsedRow:
    line: int
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)


def _date(value: str, column: str, errors: list[str]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(column)s : « %(value)s » n'est pas une date AAAA-MM-JJ.")
                      % {"column": column, "value": value})
        return None


def parse(content: bytes) -> tuple[list[ParsedRow], list[str]]:
    """The rows read (with their errors) and the file's own errors (encoding, columns)."""
    if len(content) > MAX_BYTES:
        return [], [_("Le fichier dépasse 5 Mo.")]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 ».")]
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_("Colonnes manquantes : %(columns)s. Partez d'un fichier exporté.")
                    % {"columns": ", ".join(missing)}]
    slugs = {o.slug: o for o in Organization.objects.all()}
    rows = []
    for line, raw in enumerate(reader, start=2):
        errors: list[str] = []
        data: dict[str, Any] = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        for column in REQUIRED:
            if not data[column]:
                errors.append(_("%(column)s est obligatoire.") % {"column": column})

        def org(column: str, *, required: bool, row: dict[str, Any] = data,
                errs: list[str] = errors) -> Organization | None:
            slug = row[column]
            if not slug:
                if required:
                    errs.append(_("%(column)s est obligatoire.") % {"column": column})
                return None
            if slug not in slugs:
                errs.append(_("%(column)s : organisation « %(slug)s » inconnue (donnez son identifiant).")
                            % {"column": column, "slug": slug})
            return slugs.get(slug)

        def orgs(column: str, *, row: dict[str, Any] = data, errs: list[str] = errors) -> list[Organization]:
            found = []
            for slug in [s.strip() for s in row[column].split(";") if s.strip()]:
                if slug in slugs:
                    found.append(slugs[slug])
                else:
                    errs.append(_("%(column)s : organisation « %(slug)s » inconnue (donnez son identifiant).")
                                % {"column": column, "slug": slug})
            return found

        data["lead_body"] = org("lead_body", required=False) if data["lead_body"] else None
        data["supporting_bodies"] = orgs("supporting_bodies")
        data["commitment_start"] = _date(data["commitment_start"], "commitment_start", errors)
        data["commitment_end"] = _date(data["commitment_end"], "commitment_end", errors)
        if data["challenge_number"]:
            try:
                data["challenge_number"] = int(data["challenge_number"])
            except ValueError:
                errors.append(_("challenge_number : un nombre entier est attendu."))
        if data["milestone_id"]:
            data["responsible_body"] = org("responsible_body", required=True)
            data["collaborators"] = orgs("collaborators")
            data["milestone_start"] = _date(data["milestone_start"], "milestone_start", errors)
            data["deadline"] = _date(data["deadline"], "deadline", errors)
            if data["deadline"] is None and not any(e.startswith("deadline") for e in errors):
                errors.append(_("deadline est obligatoire pour un jalon."))
            if not data["milestone_number"] or not data["milestone_description"]:
                errors.append(_("milestone_number et milestone_description sont obligatoires pour un jalon."))
        rows.append(ParsedRow(line, data, errors))
    return rows, []
