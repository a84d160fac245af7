"""Demo data: Québec's 2021–2023 and 2018–2020 open-government action plans and the barometer's
targets, from ``demo_data/plans.json`` (facts from the published plans, descriptions written for
Ouvert; see ``demo_data/NOTICE.md``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path, PurePath
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ouvert.core import actors
from ouvert.core.models import Organization, OrganizationKind

from . import services
from .models import Committee, Indicator, Milestone, Plan

DATA = Path(__file__).resolve().parent / "demo_data" / "plans.json"
EVIDENCE = DATA.parent / "evidence"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _evidence(name: str) -> SimpleUploadedFile | None:
    if not name:
        return None
    path = EVIDENCE / PurePath(name).name  # a file shipped in demo_data/evidence/, never a path from elsewhere
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def _progress(data: dict[str, Any]) -> bool:
    """Post the demo's progress updates not posted yet (so that a demo loaded before some were
    added gets them too), oldest first. Completed milestones carry a document: a summary of the
    public source where one says the milestone was done, else a note marking the update as an
    illustration."""
    posted = False
    for p in data["plans"]:
        for c in p["commitments"]:
            for m in c.get("milestones", []):
                milestone = Milestone.objects.filter(commitment__plan__slug=p["slug"], commitment__external_id=c["id"],
                                                     external_id=m["id"]).first()
                if milestone is None:
                    continue
                for u in sorted(m.get("updates", []), key=lambda u: str(u.get("at", ""))):
                    at = dt.datetime.fromisoformat(u["at"])  # every demo update is dated (idempotence)
                    if milestone.updates.filter(level=u["level"], created_at=at).exists():
                        continue  # posted by an earlier load
                    posted = True
                    services.progress_post(milestone=milestone, text=u["text"], level=u["level"],
                                           delayed=u.get("delayed", False), delay_reason=u.get("delay_reason", ""),
                                           evidence_kind=u.get("evidence_kind", ""),
                                           evidence_key=u.get("evidence_key", ""),
                                           evidence_file=_evidence(u.get("evidence_document", "")), by=actors.DEMO,
                                           at=at)
    return posted


@transaction.atomic
def demo_load(stdout: TextIO | None = None) -> bool:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    added = False
    for org in data.get("organizations", []):
        if not Organization.objects.filter(slug=org["slug"]).exists():
            Organization.objects.create(slug=org["slug"], kind=OrganizationKind(org["kind"]),
                                        acronym=org.get("acronym", ""), name_fr=org["name_fr"],
                                        name_en=org.get("name_en", ""))
    orgs = {o.slug: o for o in Organization.objects.all()}
    for p in data["plans"]:
        if Plan.objects.filter(slug=p["slug"]).exists():
            continue
        added = True
        plan = services.plan_create(organization=orgs[p["organization"]], slug=p["slug"], title=p["title"],
                                    summary=p.get("summary", ""), period_start=dt.date.fromisoformat(p["start"]),
                                    period_end=dt.date.fromisoformat(p["end"]), ogp_values=p.get("ogp_values", []),
                                    status=p.get("status", "active"), by=actors.DEMO)
        challenges = {c["number"]: services.challenge_create(plan=plan, number=c["number"], title=c["title"],
                                                             description=c.get("description", ""), by=actors.DEMO)
                      for c in p.get("challenges", [])}
        for c in p["commitments"]:
            commitment, _changed = services.commitment_save(
                plan=plan, external_id=c["id"], lead_body=orgs[c["lead_body"]],
                supporting_bodies=[orgs[s] for s in c.get("supporting_bodies", [])],
                challenge=challenges.get(c.get("challenge")), by=actors.DEMO, number=c["number"], title=c["title"],
                problem=c.get("problem", ""), description=c.get("description", ""), why=c.get("why", ""),
                start=_date(c.get("start")), end=_date(c.get("end")))
            for m in c.get("milestones", []):
                milestone, _changed = services.milestone_save(
                    commitment=commitment, external_id=m["id"], responsible_body=orgs[m["responsible_body"]],
                    collaborators=[orgs[s] for s in m.get("collaborators", [])], by=actors.DEMO,
                    number=m["number"], description=m["description"], deadline=dt.date.fromisoformat(m["deadline"]),
                    deliverable=m.get("deliverable", ""))
        services.plan_publish(plan=plan, by=actors.DEMO)
    added = _progress(data) or added
    plans = {p.slug: p for p in Plan.objects.all()}
    for i in data.get("indicators", []):
        if Indicator.objects.filter(key=i["key"]).exists():
            continue
        added = True
        indicator = services.indicator_create(
            key=i["key"], title=i["title"], unit=i["unit"], target=i["target"],
            target_date=dt.date.fromisoformat(i["target_date"]), organization=orgs[i["organization"]],
            definition=i["definition"], measure=i.get("measure", ""), source=i.get("source", ""),
            baseline=i.get("baseline"), baseline_date=_date(i.get("baseline_date")), plan=plans.get(i.get("plan", "")),
            by=actors.DEMO)
        for v in i.get("values", []):
            services.value_record(indicator=indicator, on=dt.date.fromisoformat(v["date"]), value=v["value"],
                                  source=v["source"], by=actors.DEMO)
    for c in data.get("committees", []):
        if Committee.objects.filter(slug=c["slug"]).exists():
            continue
        added = True
        committee = services.committee_create(organization=orgs[c["organization"]], slug=c["slug"], name=c["name"],
                                              mandate=c["mandate"], created_on=_date(c.get("created_on")),
                                              by=actors.DEMO)
        for m in c["members"]:
            services.member_add(committee=committee, organization=orgs[m["organization"]], sector=m["sector"],
                                term_start=dt.date.fromisoformat(m["term_start"]), term_end=_date(m.get("term_end")),
                                by=actors.DEMO)
        for meeting in c.get("meetings", []):
            item = services.meeting_announce(committee=committee, held_on=dt.date.fromisoformat(meeting["held_on"]),
                                             title=meeting["title"], agenda=meeting["agenda"], by=actors.DEMO)
            if meeting.get("minutes"):
                services.minutes_publish(meeting=item, minutes=meeting["minutes"], by=actors.DEMO)
    if added:
        services.snapshot_take(by=actors.DEMO)
    if added and stdout is not None:
        stdout.write("Plans d'action et indicateurs de démonstration chargés.\n")
    return added
