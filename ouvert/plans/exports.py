"""The plan as JSON (documented by ``schema/plan.schema.json``, served next to it)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import Plan
from .selectors import tracker

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "plan.schema.json"


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _org(org: Any) -> dict[str, str]:
    return {"slug": org.slug, "name": org.name_fr}


def _d(value: Any) -> str | None:
    return value.isoformat() if value else None


def _file(file: Any, site: str) -> dict[str, str]:
    name = str(file.name or "")
    return {"kind": "file", "key": name, "title": name.rsplit("/", 1)[-1], "url": site + file.url}


def plan_json(plan: Plan) -> dict[str, Any]:
    view = tracker(plan=plan)
    site = settings.SITE_URL
    return {
        "$schema": site + reverse("plans:schema"),
        "id": plan.pk, "slug": plan.slug, "title": plan.title, "summary": plan.summary,
        "url": site + plan.get_absolute_url(),
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
        "status": plan.status, "ogp_values": list(plan.ogp_values), "organization": _org(plan.organization),
        "published_at": _d(plan.published_at), "completion": view.percent,
        "challenges": [{"number": c.number, "title": c.title, "description": c.description}
                       for c in plan.challenges.all()],
        "commitments": [{
            "id": cv.commitment.external_id, "number": cv.commitment.number, "title": cv.commitment.title,
            "challenge": cv.commitment.challenge.number if cv.commitment.challenge else None,
            "problem": cv.commitment.problem, "description": cv.commitment.description, "why": cv.commitment.why,
            "lead_body": _org(cv.commitment.lead_body),
            "supporting_bodies": [_org(o) for o in cv.commitment.supporting_bodies.all()],
            "start": _d(cv.commitment.start), "end": _d(cv.commitment.end),
            "origin": ({"kind": cv.commitment.origin_kind, "key": cv.commitment.origin_key}
                       if cv.commitment.origin_kind else None),
            "completion": cv.percent, "level": cv.level,
            "independent_ratings": [{"organization": _org(r.organization), "level": r.level,
                                     "date": r.created_at.isoformat(), "text": r.text} for r in cv.ratings],
            "milestones": [{
                "id": mv.milestone.external_id, "number": mv.milestone.number,
                "description": mv.milestone.description, "start": _d(mv.milestone.start),
                "deadline": mv.milestone.deadline.isoformat(), "responsible_body": _org(mv.milestone.responsible_body),
                "collaborators": [_org(o) for o in mv.milestone.collaborators.all()],
                "deliverable": mv.milestone.deliverable, "level": mv.milestone.level,
                "delayed": mv.milestone.delayed, "late": mv.late, "completed_on": _d(mv.milestone.completed_on),
                "updates": [{
                    "date": u.created_at.isoformat(), "author": u.author_label, "organization": _org(u.organization),
                    "level": u.level, "delayed": u.delayed, "delay_reason": u.delay_reason, "text": u.text,
                    "evidence": ({"kind": u.evidence_kind, "key": u.evidence_key, "title": u.evidence_title,
                                  "url": site + u.evidence_url if u.evidence_url.startswith("/") else u.evidence_url}
                                 if u.evidence_kind else
                                 _file(u.evidence_file, site) if u.evidence_file else None),
                } for u in mv.updates],
            } for mv in cv.milestones],
        } for cv in view.commitments],
    }
