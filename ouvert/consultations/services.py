"""Every write of the consultations app: permission check, write, audit, side effects."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core import actors
from ouvert.core.audit import audit_record, diff, snapshot
from ouvert.core.mail import mail_person
from ouvert.core.models import Organization, User
from ouvert.core.permissions import check_edit_in_organization
from ouvert.core.slugs import unique_slug

from . import permissions
from .models import (
    FREE_TEXT_KINDS,
    Answer,
    Brief,
    Channel,
    Comment,
    Consultation,
    ConsultationPhase,
    Demographics,
    Document,
    Event,
    PageFeedback,
    Participation,
    Phase,
    Proposal,
    ProposalStatus,
    Question,
    QuestionKind,
    Registration,
    Report,
    Service,
    ServiceFeedback,
    Support,
    new_survey_version,
)
from .survey import is_visible, read_page
from .text import mask_personal, render_markdown

CONSULTATION_FIELDS = [
    "title", "summary", "body", "topic", "target_public", "region", "contact_name", "contact_email", "opens_at",
    "closes_at", "results_expected_on", "has_survey", "has_proposals", "has_discussion", "has_briefs",
    "allow_anonymous", "ask_demographics", "consent_text", "purpose_stated", "documents_accessible",
    "plain_language", "feedback_planned", "keywords",
]
QUESTION_FIELDS = ["page", "position", "kind", "label", "help_text", "required", "choices", "rows", "scale_min",
                   "scale_max", "scale_min_label", "scale_max_label", "condition_question", "condition_value"]


def _auto_hide_threshold() -> int:
    return settings.CONSULTATIONS_AUTO_HIDE_REPORTS


def _report_min_account_days() -> int:
    return settings.CONSULTATIONS_REPORT_MIN_ACCOUNT_DAYS


def _audit_participant(*, by: User | None, action: str, obj: Any, label: str | None = None,
                       changes: dict[str, Any] | None = None) -> None:
    """Audit what a participant does (answer, support, report, contribute, register) without the
    organization: its administrators see the organization's audit entries, and must not be able to
    tie a person to their answers. Site administrators still see who did what."""
    audit_record(actor=by, action=action, obj=obj, organization=None, label=label, changes=changes)


if TYPE_CHECKING:
    from django_tasks.base import Task

# Consultations ------------------------------------------------------------------------------------


def _check_dates(data: dict[str, Any]) -> None:
    if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
        raise ValidationError({"closes_at": _("La fermeture doit venir après l'ouverture.")})


@transaction.atomic
def consultation_create(*, organization: Organization, by: User, **data: Any) -> Consultation:
    check_edit_in_organization(by, organization)
    _check_dates(data)
    unknown = set(data) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    slug = unique_slug(Consultation, data["title"], default="consultation")
    consultation = Consultation(organization=organization, slug=slug, **data)
    consultation.body_html = render_markdown(consultation.body)
    consultation.full_clean(exclude=["slug"])
    consultation.save()
    ConsultationPhase.objects.bulk_create(_phases_from_dates(consultation))
    audit_record(actor=by, action="consultation.create", obj=consultation, organization=organization,
                 changes={k: [None, v] for k, v in snapshot(consultation, CONSULTATION_FIELDS).items()})
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, by: User, **data: Any) -> Consultation:
    permissions.check_organize(by, consultation)
    merged = {"opens_at": consultation.opens_at, "closes_at": consultation.closes_at, **data}
    _check_dates(merged)
    before = snapshot(consultation, CONSULTATION_FIELDS)
    for key, value in data.items():
        if key not in CONSULTATION_FIELDS:
            raise TypeError(f"unknown field: {key}")
        setattr(consultation, key, value)
    consultation.body_html = render_markdown(consultation.body)
    consultation.full_clean()
    consultation.save()
    changes = diff(before, snapshot(consultation, CONSULTATION_FIELDS))
    if "opens_at" in changes or "closes_at" in changes:
        _sync_participation_row(consultation)
    if changes:
        audit_record(actor=by, action="consultation.update", obj=consultation,
                     organization=consultation.organization, changes=changes)
    return consultation


# Phases (the calendar) ----------------------------------------------------------------------------

PHASE_FIELDS = ["kind", "title", "starts_at", "ends_at", "description"]


def _phases_from_dates(consultation: Consultation) -> list[ConsultationPhase]:
    """A new consultation's calendar from its dates: information until participation opens (when it
    opens later), participation, then analysis until the expected results."""
    now = timezone.now()
    rows = []
    if now < consultation.opens_at:
        rows.append(ConsultationPhase(consultation=consultation, kind=Phase.INFORMATION, starts_at=now,
                                      ends_at=consultation.opens_at))
    rows.append(ConsultationPhase(consultation=consultation, kind=Phase.PARTICIPATION,
                                  starts_at=consultation.opens_at, ends_at=consultation.closes_at))
    results_on = (dt.datetime.combine(consultation.results_expected_on, dt.time(12), tzinfo=dt.UTC)
                  if consultation.results_expected_on else None)
    if results_on is not None and results_on <= consultation.closes_at:
        results_on = None
    rows.append(ConsultationPhase(consultation=consultation, kind=Phase.ANALYSIS, starts_at=consultation.closes_at,
                                  ends_at=results_on))
    if results_on is not None:
        rows.append(ConsultationPhase(consultation=consultation, kind=Phase.RESULTS, starts_at=results_on))
    return rows


def _sync_participation_row(consultation: Consultation) -> None:
    """Keep the participation row (and its neighbours' edges) on ``opens_at``/``closes_at``."""
    rows = list(consultation.phases.order_by("starts_at", "id"))
    index = next((i for i, row in enumerate(rows) if row.kind == Phase.PARTICIPATION), None)
    if index is None:
        ConsultationPhase.objects.create(consultation=consultation, kind=Phase.PARTICIPATION,
                                         starts_at=consultation.opens_at, ends_at=consultation.closes_at)
        return
    row = rows[index]
    row.starts_at, row.ends_at = consultation.opens_at, consultation.closes_at
    row.save(update_fields=["starts_at", "ends_at"])
    if index > 0:
        previous = rows[index - 1]
        if previous.starts_at >= row.starts_at:
            previous.delete()  # participation now opens before this row began
        elif previous.ends_at is None or previous.ends_at > row.starts_at:
            previous.ends_at = row.starts_at
            previous.save(update_fields=["ends_at"])
    if index + 1 < len(rows) and row.ends_at is not None:
        following = rows[index + 1]
        following.starts_at = row.ends_at
        if following.ends_at is not None and following.ends_at <= following.starts_at:
            following.ends_at = None
        following.save(update_fields=["starts_at", "ends_at"])


def _check_phases(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not phases:
        raise ValidationError(_("Le calendrier a besoin d'au moins l'étape de participation."))
    rows = sorted(phases, key=lambda p: p["starts_at"])
    for number, row in enumerate(rows, 1):
        if row.get("kind") not in (Phase.INFORMATION, Phase.PARTICIPATION, Phase.ANALYSIS, Phase.RESULTS):
            raise ValidationError(_("Ligne %(n)s : étape inconnue. Choisissez information, participation, analyse "
                                    "ou résultats.") % {"n": number})
        if row.get("ends_at") is not None and row["ends_at"] <= row["starts_at"]:
            raise ValidationError(_("Ligne %(n)s (%(title)s) : la fin doit venir après le début.")
                                  % {"n": number, "title": row.get("title") or Phase(row["kind"]).label})
    participation = [row for row in rows if row["kind"] == Phase.PARTICIPATION]
    if len(participation) != 1:
        raise ValidationError(_("Le calendrier compte exactement une étape de participation (il y en a "
                                "%(count)s).") % {"count": len(participation)})
    if participation[0].get("ends_at") is None:
        raise ValidationError(_("Indiquez la fin de la participation."))
    for before, after in zip(rows, rows[1:], strict=False):
        if before.get("ends_at") is None or before["ends_at"] > after["starts_at"]:
            raise ValidationError(_("« %(a)s » et « %(b)s » se chevauchent : une étape doit finir avant que la "
                                    "suivante commence.") % {"a": before.get("title") or Phase(before["kind"]).label,
                                                             "b": after.get("title") or Phase(after["kind"]).label})
    return rows


@transaction.atomic
def consultation_phases_set(*, consultation: Consultation, by: User,
                            phases: list[dict[str, Any]]) -> list[ConsultationPhase]:
    """Replace the calendar with ``phases`` (dicts of ``PHASE_FIELDS``): in order, without overlap, one
    participation row, whose dates become ``opens_at``/``closes_at``."""
    permissions.check_organize(by, consultation)
    rows = _check_phases([{k: p.get(k) for k in PHASE_FIELDS} for p in phases])
    participation = next(row for row in rows if row["kind"] == Phase.PARTICIPATION)
    before = [snapshot(row, PHASE_FIELDS) for row in consultation.phases.all()]
    consultation.phases.all().delete()
    created = ConsultationPhase.objects.bulk_create(
        ConsultationPhase(consultation=consultation, kind=row["kind"], title=(row.get("title") or "").strip()[:120],
                          starts_at=row["starts_at"], ends_at=row.get("ends_at"),
                          description=(row.get("description") or "").strip()[:1000]) for row in rows)
    consultation.opens_at, consultation.closes_at = participation["starts_at"], participation["ends_at"]
    consultation.save(update_fields=["opens_at", "closes_at", "updated_at"])
    audit_record(actor=by, action="consultation.phases_update", obj=consultation,
                 organization=consultation.organization,
                 changes={"phases": [[f"{b['kind']} {b['starts_at']}" for b in before],
                                     [f"{r['kind']} {r['starts_at'].isoformat()}" for r in rows]]})
    return created


@transaction.atomic
def consultation_publish(*, consultation: Consultation, by: User, force: bool = False) -> Consultation:
    """Publish; refuses while a required readiness item is missing unless ``force``."""
    from .selectors import consultation_readiness

    permissions.check_organize(by, consultation)
    if consultation.published_at:
        return consultation
    readiness = consultation_readiness(consultation=consultation)
    if not readiness["ready"] and not force:
        raise ValidationError(_("Avant de publier, réglez : %(items)s.") % {
            "items": "; ".join(str(item["label"]) for item in readiness["blocking"])})
    consultation.published_at = timezone.now()
    consultation.save(update_fields=["published_at", "updated_at"])
    audit_record(actor=by, action="consultation.publish", obj=consultation, organization=consultation.organization,
                 changes={"published_at": [None, consultation.published_at.isoformat()]})
    from .tasks import notify_consultation_opened

    transaction.on_commit(lambda: _enqueue_opened(consultation, notify_consultation_opened))
    return consultation


def _enqueue_opened(consultation: Consultation, task: Task[..., Any]) -> None:
    """Tell followers when participation opens: now, or at ``opens_at`` with a deferred task. A
    backend without deferred tasks (the immediate one used in tests) skips the future notice."""
    from django_tasks.exceptions import InvalidTaskError

    if consultation.opens_at > timezone.now():
        try:
            task.using(run_after=consultation.opens_at).enqueue(consultation.pk)
        except InvalidTaskError:
            return
        return
    task.enqueue(consultation.pk)


@transaction.atomic
def consultation_close(*, consultation: Consultation, by: User) -> Consultation:
    """End participation now (before the planned closing date): the consultation moves to analysis.
    Answers already sent stay; drafts in progress can no longer be sent."""
    permissions.check_organize(by, consultation)
    if consultation.phase not in (Phase.INFORMATION, Phase.PARTICIPATION):
        raise ValidationError(_("Seule une consultation publiée et pas encore fermée peut être fermée."))
    now = timezone.now()
    before = snapshot(consultation, ["opens_at", "closes_at"])
    consultation.closes_at = now
    consultation.opens_at = min(consultation.opens_at, now - dt.timedelta(seconds=1))
    consultation.save(update_fields=["opens_at", "closes_at", "updated_at"])
    _sync_participation_row(consultation)
    audit_record(actor=by, action="consultation.close", obj=consultation, organization=consultation.organization,
                 changes=diff(before, snapshot(consultation, ["opens_at", "closes_at"])))
    return consultation


@transaction.atomic
def consultation_publish_results(*, consultation: Consultation, by: User, what_we_heard: str,
                                 what_we_did: str) -> Consultation:
    permissions.check_organize(by, consultation)
    if consultation.phase in (Phase.DRAFT, Phase.INFORMATION, Phase.PARTICIPATION):
        raise ValidationError(_("Les résultats se publient après la fermeture de la participation."))
    if not what_we_heard.strip() or not what_we_did.strip():
        raise ValidationError(_("Écrivez ce que vous avez entendu et ce que vous en avez fait."))
    before = snapshot(consultation, ["what_we_heard", "what_we_did", "results_published_at"])
    first_time = consultation.results_published_at is None
    consultation.what_we_heard = what_we_heard
    consultation.what_we_did = what_we_did
    consultation.results_published_at = consultation.results_published_at or timezone.now()
    consultation.save()
    audit_record(actor=by, action="consultation.publish_results", obj=consultation,
                 organization=consultation.organization,
                 changes=diff(before, snapshot(consultation, ["what_we_heard", "what_we_did", "results_published_at"])))
    if first_time:
        from .tasks import notify_results_published

        transaction.on_commit(lambda: notify_results_published.enqueue(consultation.pk))
    return consultation


@transaction.atomic
def document_add(*, consultation: Consultation, by: User, title: str, file: UploadedFile[Any] | None = None,
                 url: str = "", accessible: bool = True) -> Document:
    permissions.check_organize(by, consultation)
    if not file and not url:
        raise ValidationError({"file": _("Joignez un fichier ou indiquez une adresse web.")})
    document = Document.objects.create(consultation=consultation, title=title, file=file or "", url=url,
                                       accessible=accessible)
    audit_record(actor=by, action="consultation.document_add", obj=document, organization=consultation.organization,
                 changes={"title": [None, title]})
    return document


# Questions ----------------------------------------------------------------------------------------


def _clean_question(consultation: Consultation, data: dict[str, Any], pk: int | None = None) -> None:
    kind = data.get("kind")
    choices = [c.strip() for c in data.get("choices") or [] if str(c).strip()]
    rows = [r.strip() for r in data.get("rows") or [] if str(r).strip()]
    data["choices"], data["rows"] = choices, rows
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING, QuestionKind.MATRIX):
        if len(choices) < 2:
            raise ValidationError({"choices": _("Donnez au moins deux choix, un par ligne.")})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": _("Chaque choix doit être différent.")})
    if kind == QuestionKind.MATRIX and not rows:
        raise ValidationError({"rows": _("Une grille a besoin d'au moins une ligne.")})
    if kind == QuestionKind.SCALE and int(data.get("scale_max", 5)) <= int(data.get("scale_min", 1)):
        raise ValidationError({"scale_max": _("Le maximum doit dépasser le minimum.")})
    condition = data.get("condition_question")
    if condition is not None:
        if condition.consultation_id != consultation.pk or condition.pk == pk:
            raise ValidationError({"condition_question": _("Choisissez une autre question de ce questionnaire.")})
        if (condition.page, condition.position, condition.pk) > (data.get("page", 1), data.get("position", 0),
                                                                  pk or 10**12):
            raise ValidationError({"condition_question": _("La condition doit porter sur une question précédente.")})
        if not data.get("condition_value"):
            raise ValidationError({"condition_value": _("Indiquez la réponse qui affiche cette question.")})
        if condition.choices and data["condition_value"] not in condition.choices:
            raise ValidationError({"condition_value": _("Choisissez une des réponses de la question : %(c)s.") % {
                "c": ", ".join(condition.choices)}})


def _survey_changed(consultation: Consultation) -> None:
    """A new survey version: every process stops using the questions it kept (selectors.survey_plan)."""
    consultation.survey_version = new_survey_version()
    Consultation.objects.filter(pk=consultation.pk).update(survey_version=consultation.survey_version)


@transaction.atomic
def question_create(*, consultation: Consultation, by: User, **data: Any) -> Question:
    permissions.check_organize(by, consultation)
    if consultation.participations.filter(submitted_at__isnull=False).exists():
        raise ValidationError(_("Des réponses ont déjà été envoyées : le questionnaire ne peut plus changer."))
    data.setdefault("position", consultation.questions.filter(page=data.get("page", 1)).count() + 1)
    _clean_question(consultation, data)
    question = Question.objects.create(consultation=consultation, **data)
    _survey_changed(consultation)
    audit_record(actor=by, action="consultation.question_create", obj=question,
                 organization=consultation.organization, changes=snapshot(question, QUESTION_FIELDS))
    return question


@transaction.atomic
def question_update(*, question: Question, by: User, **data: Any) -> Question:
    consultation = question.consultation
    permissions.check_organize(by, consultation)
    if consultation.participations.filter(submitted_at__isnull=False).exists():
        raise ValidationError(_("Des réponses ont déjà été envoyées : le questionnaire ne peut plus changer."))
    merged = {**snapshot(question, QUESTION_FIELDS), "condition_question": question.condition_question, **data}
    _clean_question(consultation, merged, pk=question.pk)
    before = snapshot(question, QUESTION_FIELDS)
    for key in data:
        setattr(question, key, merged[key])
    question.save()
    _survey_changed(consultation)
    audit_record(actor=by, action="consultation.question_update", obj=question,
                 organization=consultation.organization, changes=diff(before, snapshot(question, QUESTION_FIELDS)))
    return question


@transaction.atomic
def question_delete(*, question: Question, by: User) -> None:
    consultation = question.consultation
    permissions.check_organize(by, consultation)
    if question.answers.exists():
        raise ValidationError(_("Cette question a déjà des réponses : elle ne peut plus être supprimée."))
    audit_record(actor=by, action="consultation.question_delete", obj=question,
                 organization=consultation.organization)
    question.delete()
    _survey_changed(consultation)


# Participation -------------------------------------------------------------------------------------


def _known_answers(participation: Participation) -> dict[int, Any]:
    known: dict[int, Any] = {}
    for answer in participation.answers.all():
        known[answer.question_id] = answer.file.name if answer.file else answer.value
    return known


def _check_can_answer(consultation: Consultation, user: User | None, consent: bool) -> bool:
    """The checks before anyone starts a participation; whether ``user`` is a signed-in person."""
    permissions.check_participation_open(consultation)
    if not consultation.has_survey:
        raise PermissionDenied(_("Cette consultation n'a pas de questionnaire."))
    is_person = user is not None and user.is_authenticated
    if not is_person and not consultation.allow_anonymous:
        raise PermissionDenied(_("Connectez-vous pour répondre à cette consultation."))
    if consultation.consent_text and not consent:
        raise ValidationError({"consent": _("Cochez la case de consentement pour continuer.")})
    return is_person


def participation_start(*, consultation: Consultation, user: User | None, channel: str = "online",
                        consent: bool = False) -> Participation:
    """Start (or find) a participation. A signed-in person gets their existing one back."""
    return _participation_start(consultation=consultation, user=user, channel=channel, consent=consent)[0]


def _participation_start(*, consultation: Consultation, user: User | None, channel: str,
                         consent: bool) -> tuple[Participation, bool]:
    """:func:`participation_start`, and whether the participation was created by this call."""
    is_person = _check_can_answer(consultation, user, consent)
    if is_person:
        existing = Participation.objects.filter(consultation=consultation, user=user).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            return Participation.objects.create(
                consultation=consultation, user=user if is_person else None, channel=channel,
                resume_token=secrets.token_urlsafe(24), consent_given=consent,
            ), True
    except IntegrityError:
        return Participation.objects.get(consultation=consultation, user=user), False


def _store_fresh(participation: Participation, questions: list[Question], values: dict[int, Any]
                 ) -> dict[int, Any]:
    """A participation without answers yet: one INSERT for all its answers (returned by question)."""
    by_id = {q.pk: q for q in questions}
    written = {qid: value for qid, value in values.items()
               if value is not None and by_id[qid].kind != QuestionKind.FILE}
    Answer.objects.bulk_create([
        Answer(participation=participation, question_id=qid, value=value,
               text=value if by_id[qid].kind in FREE_TEXT_KINDS else "")
        for qid, value in written.items()
    ])
    return written


def _store(participation: Participation, questions: list[Question], values: dict[int, Any]) -> None:
    page_ids = [q.pk for q in questions]
    shown = set(values)
    Answer.objects.filter(participation=participation, question_id__in=[i for i in page_ids if i not in shown]) \
        .exclude(question__kind=QuestionKind.FILE).delete()
    by_id = {q.pk: q for q in questions}
    for qid, value in values.items():
        question = by_id[qid]
        if question.kind == QuestionKind.FILE:
            if isinstance(value, UploadedFile):
                Answer.objects.update_or_create(participation=participation, question=question,
                                                defaults={"value": value.name, "file": value})
            continue
        if value is None:
            Answer.objects.filter(participation=participation, question=question).delete()
            continue
        text = value if question.kind in FREE_TEXT_KINDS else ""
        Answer.objects.update_or_create(participation=participation, question=question,
                                        defaults={"value": value, "text": text})


@transaction.atomic
def participation_save_page(*, participation: Participation, page: int, data: Any, files: Any = None,
                            final: bool = False, draft: bool = False) -> dict[int, str]:
    """Save one page. ``draft`` (save and resume later) skips required checks. Returns errors; nothing
    is stored when a format is wrong, so the form shows what was typed."""
    consultation = participation.consultation
    if participation.submitted_at:
        raise ValidationError(_("Vos réponses ont déjà été envoyées. Merci!"))
    if participation.channel == "online":
        permissions.check_participation_open(consultation)
    questions = [q for q in consultation.questions.all() if q.page == page]
    known = _known_answers(participation)
    values, errors = read_page(questions, data, files, known, enforce_required=not draft)
    if errors:
        return errors
    _store(participation, questions, values)
    participation.current_page = page
    participation.save(update_fields=["current_page", "updated_at"])
    return {}


def survey_pages(consultation: Consultation) -> list[int]:
    return sorted({q.page for q in consultation.questions.all()}) or [1]


@transaction.atomic
def participation_submit(*, participation: Participation) -> Participation:
    """Final check over every page (conditions may have changed), then mark it sent — once."""
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    if locked.submitted_at:
        raise ValidationError(_("Vos réponses ont déjà été envoyées. Merci!"))
    _submit_checked(locked, list(locked.consultation.questions.all()), _known_answers(locked))
    participation.submitted_at = locked.submitted_at
    return locked


def _submit_checked(locked: Participation, questions: list[Question], known: dict[int, Any],
                    stored: int | None = None) -> None:
    """The final check and the sending of a participation the caller has locked (or created in this
    transaction), from its stored answers ``known`` (``stored``: how many rows they are, when known)."""
    answers: dict[int, Any] = {}
    missing = []
    for question in questions:
        if not is_visible(question, answers):
            continue
        value = known.get(question.pk)
        if question.required and (value is None or value == "" or value == []):
            missing.append(question.label)
        answers[question.pk] = value
    hidden = [q.pk for q in questions if q.pk in known and q.pk not in answers]
    if hidden:  # answers to questions that a later change made invisible are not kept
        locked.answers.filter(question_id__in=hidden).delete()
        stored = None
    if missing:
        raise ValidationError(_("Il manque des réponses obligatoires : %(q)s.") % {"q": " ; ".join(missing)})
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    _audit_participant(by=locked.user, action="consultation.participation_submit", obj=locked,
                       label=f"{locked.consultation.slug} #{locked.pk}")
    if locked.user_id is not None and locked.channel == Channel.ONLINE:
        _receipt_queue(locked, locked.answers.count() if stored is None else stored)


def _already_sent() -> ValidationError:
    return ValidationError(_("Vous avez déjà répondu à cette consultation."))


@transaction.atomic
def participation_submit_all(*, consultation: Consultation, user: User | None, answers: dict[str, Any],
                             channel: str = "online", consent: bool = False, by: User | None = None,
                             demographics: dict[str, str] | None = None) -> Participation:
    """Answer the whole survey at once (API, bench, organizer's in-person entry).

    The answers are read and checked against the survey's questions kept per process
    (:func:`selectors.survey_plan`) before anything is written; then the participation is inserted
    already sent and its answers in one statement (:mod:`.rows`): no one else sees the row before this
    transaction commits, so nothing is locked or read back. A person who already has a participation
    (the unique constraint answers) is refused if it was sent, and otherwise (a draft started on the
    web form) has it completed and sent under its lock. The receipt is rendered and sent by a task
    queued once the transaction commits."""
    from . import rows
    from .selectors import survey_plan

    if channel != "online":
        if by is None:
            raise PermissionDenied(_("Seuls les organisateurs saisissent les contributions en personne."))
        permissions.check_organize(by, consultation)
        is_person, consent = False, True
    else:
        is_person = _check_can_answer(consultation, user, consent)
    plan = survey_plan(consultation=consultation)
    questions = list(plan.questions)
    data = {}
    for q in questions:
        value = answers.get(q.field_name, answers.get(str(q.pk)))
        if value is not None:
            data[q.field_name] = value
    values, errors = read_page(questions, data, None, {})
    if errors:
        if is_person and Participation.objects.filter(consultation=consultation, user=user,
                                                      submitted_at__isnull=False).exists():
            raise _already_sent()
        raise ValidationError({f"q{k}": v for k, v in errors.items()})
    now = timezone.now()
    person = user if is_person else None
    inserted = rows.participation_insert(consultation_id=consultation.pk, user_id=person.pk if person else None,
                                         channel=channel, consent=consent, submitted_at=now)
    if inserted is None:  # this person already has a participation
        existing = Participation.objects.get(consultation=consultation, user=user)
        if existing.submitted_at:
            raise _already_sent()
        if demographics and consultation.ask_demographics:
            participation_set_demographics(participation=existing, **demographics)
        if existing.answers.exists():
            _store(existing, questions, values)
        else:
            _store_fresh(existing, questions, values)
        return participation_submit(participation=existing)
    participation = Participation(pk=inserted[0], consultation=consultation, user=person,
                                  resume_token=inserted[1], channel=channel, consent_given=consent, created_at=now,
                                  updated_at=now, submitted_at=now)
    participation._state.adding = False
    participation._state.db = connection.alias
    if demographics and consultation.ask_demographics:
        participation_set_demographics(participation=participation, **demographics)
    kinds = plan.kinds
    written = [(qid, value, value if kinds[qid] in FREE_TEXT_KINDS else "") for qid, value in values.items()
               if value is not None and kinds[qid] != QuestionKind.FILE]
    rows.answers_insert(participation_id=participation.pk, rows=written)
    _audit_participant(by=participation.user, action="consultation.participation_submit", obj=participation,
                       label=f"{consultation.slug} #{participation.pk}")
    if channel == Channel.ONLINE and participation.user_id is not None:
        _receipt_queue(participation, len(written))
    else:
        audit_record(actor=by, action="consultation.in_person_entry", obj=participation,
                     organization=consultation.organization, label=f"{consultation.slug} #{participation.pk}")
    return participation


def _receipt_queue(participation: Participation, count: int) -> None:
    """The receipt of a sent participation, rendered and sent by a task once the transaction commits."""
    from .tasks import survey_receipt_send

    participation_id = participation.pk
    transaction.on_commit(lambda: survey_receipt_send.enqueue(participation_id, count))


def participation_set_demographics(*, participation: Participation, age_band: str = "", region: str = "",
                                   gender: str = "") -> Demographics | None:
    if not participation.consultation.ask_demographics:
        return None
    demo, _created = Demographics.objects.update_or_create(
        participation=participation, defaults={"age_band": age_band, "region": region, "gender": gender})
    demo.full_clean(exclude=["participation"])
    return demo


def participation_rate(*, participation: Participation, satisfaction: int, comment: str = "") -> Participation:
    if not participation.submitted_at:
        raise ValidationError(_("Envoyez d'abord vos réponses."))
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Choisissez une note de 1 à 5.")})
    participation.satisfaction = satisfaction
    participation.satisfaction_comment = mask_personal(comment)[:2000]
    participation.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    return participation


@transaction.atomic
def participation_delete(*, participation: Participation, by: User) -> None:
    """A participant deletes their own answers (personal data is deletable)."""
    if participation.user_id != by.pk:
        raise PermissionDenied(_("Vous ne pouvez supprimer que vos propres réponses."))
    _audit_participant(by=by, action="consultation.participation_delete", obj=participation,
                       label=f"{participation.consultation.slug} #{participation.pk}")
    participation.delete()


# Proposals, discussion, briefs -----------------------------------------------------------------------


def _check_can_contribute(consultation: Consultation, user: User | None, flag: str) -> None:
    permissions.check_signed_in(user)
    permissions.check_participation_open(consultation)
    if not getattr(consultation, flag):
        raise PermissionDenied(_("Ce mode de participation n'est pas offert pour cette consultation."))


@transaction.atomic
def proposal_create(*, consultation: Consultation, by: User, title: str, body: str) -> Proposal:
    _check_can_contribute(consultation, by, "has_proposals")
    if not title.strip() or not body.strip():
        raise ValidationError(_("Donnez un titre et une description."))
    proposal = Proposal.objects.create(consultation=consultation, author=by, title=title.strip(), body=body.strip())
    _audit_participant(by=by, action="consultation.proposal_create", obj=proposal,
                       changes={"title": [None, proposal.title]})
    return proposal


@transaction.atomic
def proposal_support(*, proposal: Proposal, by: User) -> bool:
    """Support a proposal once; returns False when the person already supported it."""
    _check_can_contribute(proposal.consultation, by, "has_proposals")
    if proposal.hidden:
        raise PermissionDenied(_("Cette proposition est masquée."))
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=by)
    except IntegrityError:
        return False
    _audit_participant(by=by, action="consultation.proposal_support", obj=proposal)
    return True


@transaction.atomic
def proposal_answer(*, proposal: Proposal, by: User, status: str, answer: str) -> Proposal:
    permissions.check_organize(by, proposal.consultation)
    if status not in ProposalStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    if not answer.strip():
        raise ValidationError({"answer": _("Écrivez la réponse officielle.")})
    before = snapshot(proposal, ["status", "official_answer"])
    proposal.status, proposal.official_answer, proposal.answered_at = status, answer.strip(), timezone.now()
    proposal.save()
    audit_record(actor=by, action="consultation.proposal_answer", obj=proposal,
                 organization=proposal.consultation.organization,
                 changes=diff(before, snapshot(proposal, ["status", "official_answer"])))
    from .tasks import notify_proposal_answered

    transaction.on_commit(lambda: notify_proposal_answered.enqueue(proposal.pk))
    return proposal


@transaction.atomic
def comment_create(*, consultation: Consultation, by: User, body: str, proposal: Proposal | None = None,
                   parent: Comment | None = None) -> Comment:
    flag = "has_proposals" if proposal else "has_discussion"
    _check_can_contribute(consultation, by, flag)
    if not body.strip():
        raise ValidationError({"body": _("Écrivez votre commentaire.")})
    if parent is not None and (parent.consultation_id != consultation.pk or parent.proposal_id !=
                               (proposal.pk if proposal else None)):
        raise ValidationError(_("Vous répondez à un commentaire d'une autre discussion."))
    comment = Comment.objects.create(consultation=consultation, proposal=proposal, parent=parent, author=by,
                                     body=body.strip())
    _audit_participant(by=by, action="consultation.comment_create", obj=comment)
    return comment


BRIEF_EXTENSIONS = {".pdf", ".docx", ".odt", ".txt"}


@transaction.atomic
def brief_submit(*, consultation: Consultation, by: User, title: str, summary: str, file: UploadedFile[Any],
                 organization_name: str = "") -> Brief:
    from pathlib import Path

    _check_can_contribute(consultation, by, "has_briefs")
    if Path(file.name or "").suffix.lower() not in BRIEF_EXTENSIONS:
        raise ValidationError({"file": _("Formats acceptés : PDF, DOCX, ODT ou TXT.")})
    if (file.size or 0) > 10 * 1024 * 1024:
        raise ValidationError({"file": _("Le fichier dépasse 10 Mo.")})
    brief = Brief.objects.create(consultation=consultation, author=by, title=title, summary=summary, file=file,
                                 organization_name=organization_name)
    _audit_participant(by=by, action="consultation.brief_submit", obj=brief)
    return brief


# Moderation -----------------------------------------------------------------------------------------

MODELS: dict[str, type[Proposal | Comment | Brief]] = {"proposal": Proposal, "comment": Comment, "brief": Brief}


def content_get(kind: str, pk: int) -> Proposal | Comment | Brief:
    model = MODELS.get(kind)
    if model is None:
        raise ValidationError(_("Type de contenu inconnu."))
    return model.objects.select_related("consultation__organization").get(pk=pk)


def _established_reporters(kind: str, pk: int) -> int:
    """How many distinct established accounts reported the item: active, address confirmed, and
    older than ``CONSULTATIONS_REPORT_MIN_ACCOUNT_DAYS`` days. Only they count towards auto-hiding,
    so a handful of fresh accounts cannot silence anyone."""
    cutoff = timezone.now() - dt.timedelta(days=_report_min_account_days())
    return (Report.objects.filter(target_kind=kind, target_id=pk, reporter__is_active=True,
                                  reporter__email_verified_at__isnull=False, reporter__date_joined__lte=cutoff)
            .values("reporter").distinct().count())


@transaction.atomic
def content_report(*, kind: str, pk: int, by: User, reason: str) -> bool:
    """Report a contribution. Every report goes to the moderators' queue; once
    ``CONSULTATIONS_AUTO_HIDE_REPORTS`` established accounts (see :func:`_established_reporters`)
    reported it, it is hidden until a moderator reviews it. Returns False when this person had
    already reported it."""
    from .selectors import content_get_for

    permissions.check_signed_in(by)
    item = content_get_for(user=by, kind=kind, pk=pk, authors=False)
    if item is None:
        raise PermissionDenied(_("Ce contenu n'existe pas ou n'est plus visible."))
    if not reason.strip():
        raise ValidationError({"reason": _("Dites pourquoi ce contenu pose problème.")})
    try:
        with transaction.atomic():
            Report.objects.create(target_kind=kind, target_id=pk, reporter=by, reason=reason.strip()[:300])
    except IntegrityError:
        return False
    type(item).objects.filter(pk=pk).update(report_count=F("report_count") + 1)
    item.refresh_from_db()
    if not item.hidden and not item.reviewed:
        established = _established_reporters(kind, pk)
        if established >= _auto_hide_threshold():
            item.hidden = True
            item.moderation_reason = ngettext("Masqué automatiquement après %(n)s signalement, en attente de révision.",
                                              "Masqué automatiquement après %(n)s signalements, en attente de "
                                              "révision.", established) % {"n": established}
            item.save(update_fields=["hidden", "moderation_reason"])
            audit_record(actor=actors.MODERATION, action="consultation.auto_hide", obj=item,
                         organization=item.consultation.organization)
    _audit_participant(by=by, action="consultation.report", obj=item, changes={"reason": [None, reason.strip()[:300]]})
    return True


@transaction.atomic
def content_moderate(*, kind: str, pk: int, by: User, hide: bool, reason: str = "") -> Proposal | Comment | Brief:
    item = content_get(kind, pk)
    if not permissions.can_moderate(by, item.consultation):
        raise PermissionDenied(_("Seuls les modérateurs peuvent faire cela."))
    if hide and not reason.strip():
        raise ValidationError({"reason": _("Donnez à l'auteur le motif du masquage, selon la politique de "
                                            "modération.")})
    before = snapshot(item, ["hidden", "moderation_reason"])
    item.hidden, item.reviewed = hide, True
    item.moderation_reason = reason.strip()[:300] if hide else ""
    item.save(update_fields=["hidden", "reviewed", "moderation_reason"])
    changes = diff(before, snapshot(item, ["hidden", "moderation_reason"]))
    audit_record(actor=by, action="consultation.moderate", obj=item, organization=item.consultation.organization,
                 changes=changes)
    if changes and item.author is not None and item.author.pk != by.pk:
        mail_person(user=item.author, template="consultations/email/moderation_decision", context={
            "consultation": item.consultation, "hidden": item.hidden, "reason": item.moderation_reason,
            "excerpt": (getattr(item, "title", "") or getattr(item, "body", ""))[:200]})
    return item


# Events --------------------------------------------------------------------------------------------

EVENT_FIELDS = ["title", "description", "starts_at", "ends_at", "place", "address", "accessibility", "capacity"]


@transaction.atomic
def event_create(*, consultation: Consultation, by: User, **data: Any) -> Event:
    permissions.check_organize(by, consultation)
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": _("La fin doit venir après le début.")})
    event = Event.objects.create(consultation=consultation, **data)
    audit_record(actor=by, action="consultation.event_create", obj=event, organization=consultation.organization,
                 changes=snapshot(event, EVENT_FIELDS))
    return event


@transaction.atomic
def event_register(*, event: Event, by: User) -> Registration:
    """Register; past capacity the person joins the waiting list."""
    permissions.check_signed_in(by)
    if event.ends_at < timezone.now():
        raise ValidationError(_("Cette rencontre est terminée."))
    Event.objects.select_for_update().filter(pk=event.pk).first()
    existing = Registration.objects.filter(event=event, user=by).first()
    if existing:
        return existing
    confirmed = event.registrations.filter(waitlisted=False).count()
    registration = Registration.objects.create(event=event, user=by, waitlisted=confirmed >= event.capacity)
    _audit_participant(by=by, action="consultation.event_register", obj=event,
                       changes={"waitlisted": [None, registration.waitlisted]})
    mail_person(user=by, template="consultations/email/registration_confirm",
                context={"event": event, "consultation": event.consultation, "waitlisted": registration.waitlisted})
    return registration


@transaction.atomic
def event_unregister(*, event: Event, by: User) -> Registration | None:
    """Cancel; the first person on the waiting list takes the freed seat (returned)."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    registration = Registration.objects.filter(event=event, user=by).first()
    if registration is None:
        return None
    was_confirmed = not registration.waitlisted
    registration.delete()
    _audit_participant(by=by, action="consultation.event_unregister", obj=event)
    if was_confirmed:
        promoted = event.registrations.filter(waitlisted=True).order_by("created_at", "id").first()
        if promoted:
            promoted.waitlisted = False
            promoted.save(update_fields=["waitlisted"])
            return promoted
    return None


@transaction.atomic
def event_record_attendance(*, event: Event, by: User, attendance: int) -> Event:
    permissions.check_organize(by, event.consultation)
    before = snapshot(event, ["attendance"])
    event.attendance = max(0, attendance)
    event.save(update_fields=["attendance"])
    audit_record(actor=by, action="consultation.event_attendance", obj=event,
                 organization=event.consultation.organization, changes=diff(before, snapshot(event, ["attendance"])))
    return event


# Follows and feedback ---------------------------------------------------------------------------------


def consultation_follow(*, consultation: Consultation, by: User, follow: bool = True) -> bool:
    """Follow (or stop following) a consultation: a core follow of kind ``consultation``."""
    from ouvert.core import follows

    permissions.check_signed_in(by)
    if follow:
        follows.follow_create(user=by, kind="consultation", key=str(consultation.pk), by=by)
    else:
        existing = follows.follow_get(user=by, kind="consultation", key=str(consultation.pk))
        if existing is not None:
            follows.follow_delete(follow=existing, by=by)
    return follow


def page_feedback_record(*, path: str, useful: bool, comment: str = "", language: str = "") -> PageFeedback:
    return PageFeedback.objects.create(path=path[:300], useful=useful, comment=mask_personal(comment)[:2000],
                                       language=language[:5])


@transaction.atomic
def service_create(*, organization: Organization, by: User, name: str, description: str = "") -> Service:
    check_edit_in_organization(by, organization)
    slug = unique_slug(Service, f"{organization.slug}-{name}", max_length=90, default="service")
    service = Service.objects.create(organization=organization, slug=slug, name=name, description=description)
    audit_record(actor=by, action="consultation.service_create", obj=service, organization=organization)
    return service


def service_feedback_record(*, service: Service, rating: int, comment: str = "") -> ServiceFeedback:
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choisissez une note de 1 à 5.")})
    return ServiceFeedback.objects.create(service=service, rating=rating, comment=mask_personal(comment)[:2000])


