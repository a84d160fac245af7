"""Every write of the plans app: ``<entity>_<verb>(*, ..., by: Actor)`` checks the permission,
writes, records the audit entry and notifies followers (:mod:`ouvert.core.notices`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ouvert.core import access, actors, follows
from ouvert.core.actors import Actor
from ouvert.core.audit import audit_record
from ouvert.core.models import Membership, Organization, User
from ouvert.core.notices import notify

from . import measures, permissions
from .models import (
    Challenge,
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
    OgpValue,
    Plan,
    PlanStatus,
    ProgressUpdate,
    Sector,
)

EVIDENCE_EXTENSIONS = frozenset({".pdf", ".odt", ".ods", ".docx", ".xlsx", ".csv", ".txt", ".png", ".jpg", ".jpeg"})
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
REMIND_BEFORE = dt.timedelta(days=14)


def _person(by: Actor | None) -> User | None:
    return None if by is None or actors.is_system(by) else by


def _must_be_signed_in(by: Actor | None) -> None:
    if by is None or (not actors.is_system(by) and not by.is_authenticated):
        raise PermissionDenied(_("Connectez-vous pour faire cela."))


# Plans and their structure -----------------------------------------------------------------------

@transaction.atomic
def plan_create(*, organization: Organization, slug: str, title: str, period_start: dt.date,
                period_end: dt.date, summary: str = "", ogp_values: list[str] | None = None,
                status: str = PlanStatus.ACTIVE, by: Actor) -> Plan:
    _must_be_signed_in(by)
    if not actors.is_system(by) and not permissions.can_edit_in(by, organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation peuvent créer un plan."))
    if period_end < period_start:
        raise ValidationError({"period_end": _("La fin de la période précède son début.")})
    plan = Plan.objects.create(organization=organization, slug=slug, title=title, summary=summary,
                               period_start=period_start, period_end=period_end, status=status,
                               ogp_values=list(ogp_values or []))
    audit_record(actor=by, action="plan.create", obj=plan, organization=organization,
                 changes={"title": [None, title]})
    return plan


PLAN_FIELDS = ("title", "summary", "period_start", "period_end", "status", "ogp_values")


@transaction.atomic
def plan_update(*, plan: Plan, by: Actor, **fields: Any) -> tuple[Plan, bool]:
    """Change a plan's title, summary, period, status or OGP values; True when something changed
    (each change is audited with its before and after)."""
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if "ogp_values" in fields:
        bad = [v for v in fields["ogp_values"] if v not in OgpValue.values]
        if bad:
            raise ValidationError({"ogp_values": _("Valeur du PGO inconnue : %(v)s.") % {"v": ", ".join(bad)}})
        fields["ogp_values"] = list(fields["ogp_values"])
    if "status" in fields and fields["status"] not in PlanStatus.values:
        raise ValidationError({"status": _("Statut inconnu : %(s)s.") % {"s": fields["status"]}})
    start = fields.get("period_start", plan.period_start)
    end = fields.get("period_end", plan.period_end)
    if end < start:
        raise ValidationError({"period_end": _("La fin de la période précède son début.")})
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        if getattr(plan, name) != value:
            changes[name] = [str(getattr(plan, name)), str(value)]
            setattr(plan, name, value)
    if changes:
        plan.full_clean(exclude=["organization"])
        plan.save()
        audit_record(actor=by, action="plan.update", obj=plan, organization=plan.organization, changes=changes)
    return plan, bool(changes)


@transaction.atomic
def plan_publish(*, plan: Plan, by: Actor) -> Plan:
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    if plan.published_at is None:
        plan.published_at = timezone.now()
        plan.save(update_fields=["published_at"])
        audit_record(actor=by, action="plan.publish", obj=plan, organization=plan.organization)
        notify(kind="plan", key=plan.pk, event="plan.published",
               summary=gettext_noop("Le plan « %(title)s » est publié."), params={"title": plan.title}, by=by)
    return plan


# Deleting (drafts only) ---------------------------------------------------------------------------

def _check_deletable(by: Actor, plan: Plan) -> None:
    """Only a draft's structure is deleted: once published, the history is public and immutable (a
    dropped commitment or milestone is marked "not pursued" with its public reason)."""
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    if plan.published_at is not None:
        raise ValidationError(_("Un plan publié ne se supprime pas, ni ses défis, engagements ou jalons : son "
                                "historique est public. Marquez plutôt le jalon « non poursuivi » en donnant "
                                "la raison publique."), code="published")


def _drop_evidence_files(updates: Any) -> None:
    names: list[str] = [name for name in updates.exclude(evidence_file="").values_list("evidence_file", flat=True)
                        if name]
    if not names:
        return
    storage = default_storage

    def drop() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(drop)


@transaction.atomic
def plan_delete(*, plan: Plan, by: Actor) -> None:
    """Delete a draft plan with its challenges, commitments, milestones and their progress; its
    indicators stay on the barometer, no longer tied to a plan."""
    _check_deletable(by, plan)
    counts = {"commitments": plan.commitments.count(),
              "milestones": Milestone.objects.filter(commitment__plan=plan).count()}
    _drop_evidence_files(ProgressUpdate.objects.filter(milestone__commitment__plan=plan))
    audit_record(actor=by, action="plan.delete", obj=plan, organization=plan.organization,
                 changes={"title": [plan.title, None], **counts})
    plan.delete()


@transaction.atomic
def challenge_delete(*, challenge: Challenge, by: Actor) -> None:
    """Delete a draft plan's challenge; its commitments stay, without a challenge."""
    _check_deletable(by, challenge.plan)
    audit_record(actor=by, action="plan.challenge.delete", obj=challenge, organization=challenge.plan.organization,
                 changes={"number": [challenge.number, None], "title": [challenge.title, None]})
    challenge.delete()


@transaction.atomic
def commitment_delete(*, commitment: Commitment, by: Actor) -> None:
    """Delete a draft plan's commitment with its milestones (and their progress)."""
    _check_deletable(by, commitment.plan)
    _drop_evidence_files(ProgressUpdate.objects.filter(milestone__commitment=commitment))
    audit_record(actor=by, action="plan.commitment.delete", obj=commitment, organization=commitment.plan.organization,
                 changes={"number": [commitment.number, None], "title": [commitment.title, None],
                          "milestones": commitment.milestones.count()})
    commitment.delete()


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: Actor) -> None:
    plan = milestone.commitment.plan
    _check_deletable(by, plan)
    _drop_evidence_files(milestone.updates.all())
    audit_record(actor=by, action="plan.milestone.delete", obj=milestone, organization=plan.organization,
                 changes={"number": [milestone.number, None], "commitment": milestone.commitment_id})
    milestone.delete()


@transaction.atomic
def challenge_create(*, plan: Plan, number: int, title: str, description: str = "", by: Actor) -> Challenge:
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    challenge = Challenge.objects.create(plan=plan, number=number, title=title, description=description)
    audit_record(actor=by, action="plan.challenge_create", obj=challenge, organization=plan.organization)
    return challenge


COMMITMENT_FIELDS = ("number", "title", "problem", "description", "why", "start", "end", "origin_kind", "origin_key")
MILESTONE_FIELDS = ("number", "description", "start", "deadline", "deliverable")


@transaction.atomic
def commitment_save(*, plan: Plan, external_id: str, lead_body: Organization,
                    supporting_bodies: list[Organization] | None = None, challenge: Challenge | None = None,
                    by: Actor, **fields: Any) -> tuple[Commitment, bool]:
    """Create the commitment with this external id, or update it; True when something changed."""
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    if fields.get("origin_kind") or fields.get("origin_key"):
        fields["origin_kind"], fields["origin_key"], _title, _url = evidence_resolve(
            str(fields.get("origin_kind") or ""), str(fields.get("origin_key") or ""), field="origin_key")
    commitment = Commitment.objects.filter(plan=plan, external_id=external_id).first()
    created = commitment is None
    if commitment is None:
        commitment = Commitment(plan=plan, external_id=external_id)
    changes: dict[str, list[Any]] = {}
    for name in COMMITMENT_FIELDS:
        if name in fields and getattr(commitment, name) != fields[name]:
            changes[name] = [str(getattr(commitment, name) or ""), str(fields[name] or "")]
            setattr(commitment, name, fields[name] if fields[name] is not None else
                    (None if name in ("start", "end") else ""))
    if created or commitment.lead_body_id != lead_body.pk:
        changes["lead_body"] = [None if created else str(commitment.lead_body_id), lead_body.slug]
        commitment.lead_body = lead_body
    if challenge is not None and commitment.challenge_id != challenge.pk:
        commitment.challenge = challenge
        changes["challenge"] = [None, challenge.number]
    if changes or created:
        commitment.full_clean(exclude=["plan", "challenge", "lead_body"])
        commitment.save()
    if supporting_bodies is not None:
        before = set(commitment.supporting_bodies.values_list("pk", flat=True))
        after = {o.pk for o in supporting_bodies}
        if before != after:
            commitment.supporting_bodies.set(supporting_bodies)
            changes["supporting_bodies"] = [len(before), len(after)]
    if changes:
        audit_record(actor=by, action="plan.commitment_create" if created else "plan.commitment_update",
                     obj=commitment, organization=plan.organization, changes=changes)
    return commitment, bool(changes)


@transaction.atomic
def milestone_save(*, commitment: Commitment, external_id: str, responsible_body: Organization,
                   collaborators: list[Organization] | None = None, by: Actor, **fields: Any) -> tuple[Milestone, bool]:
    """Create the milestone with this external id in the commitment, or update it (never its
    progress: that is :func:`progress_post`); True when something changed."""
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, commitment.plan)
    milestone = Milestone.objects.filter(commitment=commitment, external_id=external_id).first()
    created = milestone is None
    if milestone is None:
        milestone = Milestone(commitment=commitment, external_id=external_id)
    changes: dict[str, list[Any]] = {}
    for name in MILESTONE_FIELDS:
        if name in fields and getattr(milestone, name) != fields[name]:
            changes[name] = [str(getattr(milestone, name) or ""), str(fields[name] or "")]
            setattr(milestone, name, fields[name] if fields[name] is not None else
                    (None if name == "start" else ""))
    if created or milestone.responsible_body_id != responsible_body.pk:
        changes["responsible_body"] = [None if created else str(milestone.responsible_body_id), responsible_body.slug]
        milestone.responsible_body = responsible_body
    if changes or created:
        milestone.full_clean(exclude=["commitment", "responsible_body"])
        milestone.save()
    if collaborators is not None:
        before = set(milestone.collaborators.values_list("pk", flat=True))
        after = {o.pk for o in collaborators}
        if before != after:
            milestone.collaborators.set(collaborators)
            changes["collaborators"] = [len(before), len(after)]
    if changes:
        audit_record(actor=by, action="plan.milestone_create" if created else "plan.milestone_update",
                     obj=milestone, organization=commitment.plan.organization, changes=changes)
    return milestone, bool(changes)


# Progress ---------------------------------------------------------------------------------------

def evidence_resolve(kind: str, key: str, *, field: str = "evidence_key") -> tuple[str, str, str, str]:
    """``(kind, normalized key, title, url)`` of a platform object given as evidence (or as a
    commitment's origin); it must exist and be readable by everyone."""
    registered = follows.follow_kind(kind)
    obj = registered.lookup(key.strip()) if registered is not None and key.strip() else None
    ref = registered.access_ref(obj) if registered is not None and obj is not None else None
    if registered is None or obj is None or ref is None or not access.may_read(None, ref[0], ref[1]):
        raise ValidationError({field: _(
            "La preuve « %(kind)s : %(key)s » n'est pas un objet public de la plateforme. Donnez l'identifiant "
            "(ou le nom court) d'un jeu de données ou d'une consultation publiés.") % {"kind": kind, "key": key}})
    return ref[0], str(ref[1]), registered.title(obj)[:300], registered.url(obj)[:500]


def _check_file(upload: UploadedFile[Any]) -> None:
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        formats = ", ".join(sorted(EVIDENCE_EXTENSIONS))
        raise ValidationError({"evidence_file": _("Type de document refusé (%(suffix)s). Formats acceptés : "
                                                  "%(formats)s.") % {"suffix": suffix or "?", "formats": formats}})
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence_file": _("Le document dépasse 20 Mo.")})


@transaction.atomic
def progress_post(*, milestone: Milestone, text: str, level: str, delayed: bool = False, delay_reason: str = "",
                  evidence_kind: str = "", evidence_key: str = "", evidence_file: UploadedFile[Any] | None = None,
                  by: Actor, at: dt.datetime | None = None) -> ProgressUpdate:
    """Post a dated, attributed progress update. "Complete" needs evidence (a public object of the
    platform or a document); "not pursued" and a delay need a public reason."""
    _must_be_signed_in(by)
    milestone = Milestone.objects.select_for_update().select_related(
        "responsible_body", "commitment__plan__organization").get(pk=milestone.pk)
    if not actors.is_system(by):
        permissions.check_post_progress(by, milestone)
    errors: dict[str, str] = {}
    text, delay_reason = (text or "").strip(), (delay_reason or "").strip()
    if level not in Level.values:
        errors["level"] = _("Niveau d'avancement inconnu : choisissez-en un dans la liste.")
    if not text:
        errors["text"] = _("Décrivez où en est le jalon.")
    if (delayed or level == Level.NOT_PURSUED) and not delay_reason:
        errors["delay_reason"] = _("Donnez la raison publique du retard ou de l'abandon.")
    kind, key, title, url = "", "", "", ""
    if evidence_kind or evidence_key:
        try:
            kind, key, title, url = evidence_resolve(evidence_kind, evidence_key)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if evidence_file is not None:
        try:
            _check_file(evidence_file)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if level == Level.COMPLETE and not key and evidence_file is None and "evidence_key" not in errors:
        errors["evidence_key"] = _("Un jalon n'est complété qu'avec une preuve : un objet public de la plateforme "
                                   "(jeu de données, consultation…) ou un document.")
    if errors:
        raise ValidationError(errors)
    person = _person(by)
    organization = milestone.responsible_body
    update = ProgressUpdate(milestone=milestone, author=person, text=text, level=level, delayed=delayed,
                            delay_reason=delay_reason, evidence_kind=kind, evidence_key=key, evidence_title=title,
                            evidence_url=url, organization=organization,
                            author_label=(person.full_name or person.email) if person else actors.actor_label(by),
                            created_at=at or timezone.now())
    if evidence_file is not None:
        update.evidence_file = evidence_file
    update.save()
    before = milestone.level
    milestone.level, milestone.delayed = level, delayed
    milestone.completed_on = timezone.localdate(update.created_at) if level == Level.COMPLETE else None
    milestone.save(update_fields=["level", "delayed", "completed_on"])
    plan = milestone.commitment.plan
    audit_record(actor=by, action="plan.progress_post", obj=update, organization=plan.organization,
                 changes={"level": [before, level], "milestone": [None, milestone.number]})
    notify(kind="plan", key=plan.pk, event="plan.progress",
           summary=gettext_noop("Jalon %(number)s de « %(title)s » : nouvel avancement publié."),
           params={"number": milestone.number, "title": plan.title}, by=by)
    return update


@transaction.atomic
def rating_record(*, commitment: Commitment, organization: Organization, level: str, text: str,
                  by: Actor) -> IndependentRating:
    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_rate_for(by, organization)
    errors = {}
    if level not in Level.values:
        errors["level"] = _("Niveau d'avancement inconnu : choisissez-en un dans la liste.")
    if not (text or "").strip():
        errors["text"] = _("Justifiez l'évaluation.")
    if errors:
        raise ValidationError(errors)
    person = _person(by)
    rating = IndependentRating.objects.create(
        commitment=commitment, organization=organization, level=level, text=text.strip(), rater=person,
        rater_label=(person.full_name or person.email) if person else actors.actor_label(by))
    audit_record(actor=by, action="plan.rating_record", obj=rating, organization=organization,
                 changes={"level": [None, level]})
    return rating


# Reminders --------------------------------------------------------------------------------------

def _contacts(organization: Organization) -> list[User]:
    return [m.user for m in Membership.objects.filter(organization=organization, is_open_gov_contact=True,
                                                      user__is_active=True).select_related("user")]


def reminders_send(*, today: dt.date | None = None, by: Actor = actors.SCHEDULE) -> int:
    """E-mail the responsible body's open-government contacts about each unfinished milestone
    once before its deadline (``REMIND_BEFORE``) and once after it; followers of the plan hear that
    a milestone is late. Returns the number of e-mails sent."""
    from django.conf import settings

    today = today or timezone.localdate()
    sent = 0
    open_milestones = (Milestone.objects.exclude(level__in=[Level.COMPLETE, Level.NOT_PURSUED])
                       .filter(commitment__plan__status=PlanStatus.ACTIVE)
                       .select_related("responsible_body", "commitment__plan"))
    for milestone in open_milestones.filter(reminded_before_at__isnull=True, deadline__gte=today,
                                            deadline__lte=today + REMIND_BEFORE):
        sent += _remind(milestone, late=False, site=settings.SITE_URL)
        Milestone.objects.filter(pk=milestone.pk).update(reminded_before_at=timezone.now())
    for milestone in open_milestones.filter(reminded_after_at__isnull=True, deadline__lt=today):
        with transaction.atomic():
            sent += _remind(milestone, late=True, site=settings.SITE_URL)
            Milestone.objects.filter(pk=milestone.pk).update(reminded_after_at=timezone.now())
            plan = milestone.commitment.plan
            if plan.published_at is not None:
                notify(kind="plan", key=plan.pk, event="plan.milestone_late",
                       summary=gettext_noop("Le jalon %(number)s de « %(title)s » a dépassé son échéance."),
                       params={"number": milestone.number, "title": plan.title}, by=by)
        audit_record(actor=by, action="plan.milestone_remind", obj=milestone,
                     organization=milestone.commitment.plan.organization)
    return sent


def _remind(milestone: Milestone, *, late: bool, site: str) -> int:
    sent = 0
    for user in _contacts(milestone.responsible_body):
        with translation.override(user.preferred_language or "fr"):
            context = {"milestone": milestone, "late": late, "site_url": site,
                       "url": site + milestone.commitment.get_absolute_url()}
            subject = render_to_string("plans/email/reminder_subject.txt", context).strip()
            body = render_to_string("plans/email/reminder.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


# Indicators -------------------------------------------------------------------------------------

@transaction.atomic
def indicator_create(*, key: str, title: str, unit: str, target: float, target_date: dt.date,
                     organization: Organization, definition: str, measure: str = "", source: str = "",
                     baseline: float | None = None, baseline_date: dt.date | None = None,
                     plan: Plan | None = None, by: Actor) -> Indicator:
    _must_be_signed_in(by)
    if not actors.is_system(by) and not permissions.can_edit_in(by, organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation peuvent créer un indicateur."))
    indicator = Indicator.objects.create(key=key, title=title, unit=unit, target=target, target_date=target_date,
                                         organization=organization, baseline=baseline, baseline_date=baseline_date,
                                         plan=plan)
    audit_record(actor=by, action="plan.indicator_create", obj=indicator, organization=organization)
    methodology_publish(indicator=indicator, definition=definition, measure=measure, source=source, by=by)
    return indicator


@transaction.atomic
def methodology_publish(*, indicator: Indicator, definition: str, measure: str = "", source: str = "",
                        by: Actor) -> MethodologyVersion:
    """A new methodology sheet: a new version, hence a new series (earlier values stay with theirs)."""
    _must_be_signed_in(by)
    if not actors.is_system(by) and not permissions.can_edit_in(by, indicator.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme responsable peuvent modifier la méthode."))
    if measure and measures.get(measure) is None:
        raise ValidationError({"measure": _("Mesure inconnue : %(measure)s.") % {"measure": measure}})
    if not definition.strip():
        raise ValidationError({"definition": _("Décrivez la définition et la méthode de calcul.")})
    last = indicator.versions.order_by("-version").first()
    version = MethodologyVersion.objects.create(indicator=indicator, version=(last.version + 1) if last else 1,
                                                measure=measure, definition=definition.strip(), source=source)
    audit_record(actor=by, action="plan.methodology_publish", obj=version, organization=indicator.organization,
                 changes={"version": [last.version if last else None, version.version]})
    return version


def indicator_window(indicator: Indicator, on: dt.date) -> tuple[dt.date, dt.date]:
    """The period a computed value covers: from the baseline date (or the first of ``on``'s year)
    to ``on``."""
    start = indicator.baseline_date or dt.date(on.year, 1, 1)
    return min(start, on), on


@transaction.atomic
def value_record(*, indicator: Indicator, on: dt.date, value: float, source: str, by: Actor) -> IndicatorValue:
    """A value entered by hand (with its source and date) in the current series."""
    _must_be_signed_in(by)
    if not actors.is_system(by) and not permissions.can_edit_in(by, indicator.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisme responsable peuvent saisir une valeur."))
    if not source.strip():
        raise ValidationError({"source": _("Indiquez la source de la valeur.")})
    series = indicator.versions.order_by("-version").first()
    assert series is not None  # noqa: S101 — every indicator is created with its first version
    row, _created = IndicatorValue.objects.update_or_create(
        series=series, date=on, defaults={"value": value, "computed": False, "source": source.strip()})
    audit_record(actor=by, action="plan.value_record", obj=row, organization=indicator.organization,
                 changes={"value": [None, value]})
    return row


def snapshot_take(*, on: dt.date | None = None, by: Actor = actors.SCHEDULE) -> int:
    """Store today's computed value of every computable indicator in its current series."""
    on = on or timezone.localdate()
    stored = 0
    for indicator in Indicator.objects.all():
        series = indicator.versions.order_by("-version").first()
        if series is None or not series.measure:
            continue
        start, end = indicator_window(indicator, on)
        value = measures.compute(series.measure, start=start, end=end)
        if value is None:
            continue
        with transaction.atomic():
            IndicatorValue.objects.update_or_create(series=series, date=on,
                                                    defaults={"value": value, "computed": True,
                                                              "source": "ouvert:" + series.measure})
            audit_record(actor=by, action="plan.snapshot", obj=series, organization=indicator.organization,
                         changes={"value": [None, value], "date": [None, on.isoformat()]})
            stored += 1
    return stored


# CSV import -------------------------------------------------------------------------------------

@dataclass
class ImportLine:
    line: int
    commitment_id: str
    milestone_id: str
    outcome: str  # created | updated | unchanged | error
    errors: list[str]


@dataclass
class ImportReport:
    dry_run: bool
    file_errors: list[str]
    lines: list[ImportLine]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(line.errors for line in self.lines)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


class _Rollback(Exception):
    pass


def plan_csv_import(*, plan: Plan, content: bytes, dry_run: bool, by: Actor) -> ImportReport:
    """Read the plan's CSV (the export's format), matching commitments and milestones on their
    external ids. Nothing is written unless every row is valid and ``dry_run`` is False; the
    report says, per row, what would be (or was) done and what is wrong."""
    from . import csvio

    _must_be_signed_in(by)
    if not actors.is_system(by):
        permissions.check_manage_plan(by, plan)
    rows, file_errors = csvio.parse(content)
    report = ImportReport(dry_run=dry_run, file_errors=file_errors, lines=[])
    if file_errors:
        return report
    challenges = {c.number: c for c in plan.challenges.all()}
    try:
        with transaction.atomic():
            for row in rows:
                d = row.data
                line = ImportLine(row.line, d["commitment_id"], d["milestone_id"], "unchanged", list(row.errors))
                report.lines.append(line)
                if line.errors:
                    line.outcome = "error"
                    continue
                challenge = challenges.get(d["challenge_number"]) if d["challenge_number"] else None
                if d["challenge_number"] and challenge is None:
                    line.errors.append(_("challenge_number : le défi %(n)s n'existe pas dans ce plan.")
                                       % {"n": d["challenge_number"]})
                    line.outcome = "error"
                    continue
                existed = Commitment.objects.filter(plan=plan, external_id=d["commitment_id"]).exists()
                try:
                    commitment, changed = commitment_save(
                        plan=plan, external_id=d["commitment_id"], lead_body=d["lead_body"],
                        supporting_bodies=d["supporting_bodies"], challenge=challenge, by=by,
                        number=d["commitment_number"], title=d["commitment_title"], problem=d["problem"],
                        description=d["description"], why=d["why"], start=d["commitment_start"],
                        end=d["commitment_end"], origin_kind=d["origin_kind"], origin_key=d["origin_key"])
                    m_changed, m_existed = False, True
                    if d["milestone_id"]:
                        m_existed = Milestone.objects.filter(commitment=commitment,
                                                             external_id=d["milestone_id"]).exists()
                        _m, m_changed = milestone_save(
                            commitment=commitment, external_id=d["milestone_id"],
                            responsible_body=d["responsible_body"], collaborators=d["collaborators"], by=by,
                            number=d["milestone_number"], description=d["milestone_description"],
                            start=d["milestone_start"], deadline=d["deadline"], deliverable=d["deliverable"])
                except ValidationError as error:
                    line.errors.extend(f"{k} : {'; '.join(v)}" for k, v in error.message_dict.items())
                    line.outcome = "error"
                    continue
                if not existed or not m_existed:
                    line.outcome = "created"
                elif changed or m_changed:
                    line.outcome = "updated"
            if dry_run or not report.ok:
                raise _Rollback
    except _Rollback:
        pass
    return report


# Committee --------------------------------------------------------------------------------------

def _check_committee(by: Actor, committee: Committee) -> None:
    _must_be_signed_in(by)
    if not actors.is_system(by) and not permissions.can_edit_in(by, committee.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation qui coordonne le comité peuvent faire cela."))


@transaction.atomic
def committee_create(*, organization: Organization, slug: str, name: str, mandate: str = "",
                     created_on: dt.date | None = None, by: Actor) -> Committee:
    committee = Committee(organization=organization, slug=slug, name=name, mandate=mandate, created_on=created_on)
    _check_committee(by, committee)
    committee.save()
    audit_record(actor=by, action="plan.committee_create", obj=committee, organization=organization)
    return committee


@transaction.atomic
def member_add(*, committee: Committee, organization: Organization, sector: str, term_start: dt.date,
               term_end: dt.date | None = None, representative: str = "", by: Actor) -> CommitteeMember:
    _check_committee(by, committee)
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Collège inconnu : choisissez société civile ou organismes publics.")})
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": _("La fin du mandat précède son début.")})
    member = CommitteeMember.objects.create(committee=committee, organization=organization, sector=sector,
                                            term_start=term_start, term_end=term_end, representative=representative)
    audit_record(actor=by, action="plan.committee_member_add", obj=member, organization=committee.organization,
                 changes={"organization": [None, organization.slug]})
    return member


@transaction.atomic
def meeting_announce(*, committee: Committee, held_on: dt.date, title: str, agenda: str, by: Actor) -> Meeting:
    _check_committee(by, committee)
    if not agenda.strip():
        raise ValidationError({"agenda": _("Donnez l'ordre du jour de la rencontre.")})
    meeting = Meeting.objects.create(committee=committee, held_on=held_on, title=title, agenda=agenda.strip(),
                                     published_at=timezone.now())
    audit_record(actor=by, action="plan.meeting_announce", obj=meeting, organization=committee.organization)
    return meeting


@transaction.atomic
def minutes_publish(*, meeting: Meeting, minutes: str, by: Actor) -> Meeting:
    """Publish the meeting's minutes (once: later corrections are audited, the date stays)."""
    _check_committee(by, meeting.committee)
    if not minutes.strip():
        raise ValidationError({"minutes": _("Le compte rendu est vide.")})
    before = meeting.minutes
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = meeting.minutes_published_at or timezone.now()
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    audit_record(actor=by, action="plan.minutes_publish", obj=meeting, organization=meeting.committee.organization,
                 changes={"minutes": [len(before), len(meeting.minutes)]})
    return meeting
