"""Organizer pages: create, survey builder, documents, events, publication, answers, moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core.forms import apply_errors
from ouvert.core.models import Membership, Organization, Role
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import permissions, selectors, services
from .forms import (
    ConsultationForm,
    DocumentForm,
    EventForm,
    InPersonForm,
    ModerateForm,
    PhaseFormSet,
    ProposalAnswerForm,
    QuestionForm,
    QuestionKindForm,
    ResultsReportForm,
)
from .models import Brief, Comment, Consultation, Event, Proposal, Question
from .survey import read_page
from .survey_view import question_view


def _organizable(request: HttpRequest, slug: str) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("organization"), slug=slug)
    if not permissions.can_organize(signed_in_user(request), consultation):
        raise PermissionDenied(_("Seuls les éditeurs et administrateurs de l'organisation peuvent faire cela."))
    return consultation


def _my_organizations(user):
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user, memberships__role__in=[Role.ADMIN, Role.EDITOR])


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    consultations = selectors.consultations_organized_by(user=request.user)
    can_create = _my_organizations(request.user).exists()
    return render(request, "consultations/organize/dashboard.html", {
        "consultations": consultations, "can_create": can_create})


@login_required
def create(request: AuthedHttpRequest) -> HttpResponse:
    organizations = _my_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Il faut être éditeur ou administrateur d'une organisation pour créer une "
                                 "consultation."))
    form = ConsultationForm(request.POST or None, organizations=organizations,
                            initial={"organization": organizations.first() if organizations.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        try:
            consultation = services.consultation_create(organization=organization, by=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Consultation créée (brouillon). Ajoutez maintenant les questions."))
            return redirect("consultations:organize", slug=consultation.slug)
    return render(request, "consultations/organize/form.html", {"form": form, "c": None},
                  status=400 if form.errors else 200)


@login_required
def edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = _organizable(request, slug)
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(consultation=Consultation.objects.get(pk=consultation.pk), by=request.user,
                                         **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Consultation enregistrée."))
            return redirect("consultations:organize", slug=slug)
    return render(request, "consultations/organize/form.html", {"form": form, "c": consultation},
                  status=400 if form.errors else 200)


@login_required
def organize(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The organizer's page: checklist and readiness, survey builder, documents, events, publication."""
    consultation = _organizable(request, slug)
    return render(request, "consultations/organize/overview.html", {
        "c": consultation, "readiness": selectors.consultation_readiness(consultation=consultation),
        "questions": selectors.question_list(consultation=consultation), "kind_form": QuestionKindForm(),
        "answered": _answered(consultation),
        "document_form": DocumentForm(), "event_form": EventForm(),
        "events": consultation.events.annotate(n=Count("registrations")),
        "metrics": selectors.consultation_metrics(consultation=consultation),
    })


def _answered(consultation: Consultation) -> bool:
    return consultation.participations.filter(submitted_at__isnull=False).exists()


@login_required
def question_add(request: AuthedHttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """A question's form, with only the fields of its type (chosen first: ``?kind=``). Once answers were
    sent, the questionnaire is locked: the page says so and shows no form (the service refuses too)."""
    consultation = _organizable(request, slug)
    instance = get_object_or_404(Question, consultation=consultation, pk=pk) if pk else None
    if _answered(consultation):
        return render(request, "consultations/organize/question_form.html", {
            "c": consultation, "form": None, "question": instance, "locked": True}, status=409)
    form = QuestionForm(request.POST or None, instance=instance, consultation=consultation,
                        kind=request.GET.get("kind", ""), initial=None if instance else {"page": 1})
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                services.question_update(question=Question.objects.get(pk=instance.pk), by=request.user,
                                         **form.service_data())
            else:
                services.question_create(consultation=consultation, by=request.user, **form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc, field_map={"choices": "choices_text", "rows": "rows_text",
                                               "condition_question": "condition", "condition_value": "condition"})
        else:
            messages.success(request, _("Question enregistrée."))
            return redirect(f"{consultation.get_absolute_url()}organiser/#questionnaire")
    return render(request, "consultations/organize/question_form.html", {
        "c": consultation, "form": form, "question": instance, "kind_form": QuestionKindForm(
            initial={"kind": form.kind})}, status=400 if form.errors else 200)


@login_required
@require_POST
def question_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _organizable(request, slug)
    question = get_object_or_404(Question, consultation=consultation, pk=pk)
    try:
        services.question_delete(question=question, by=request.user)
        messages.success(request, _("Question supprimée."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(f"{consultation.get_absolute_url()}organiser/#questionnaire")


@login_required
@require_POST
def document_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = _organizable(request, slug)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(consultation=consultation, by=request.user, **form.cleaned_data)
            messages.success(request, _("Document ajouté."))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        messages.error(request, _("Donnez un titre au document et joignez un fichier ou une adresse web."))
    return redirect("consultations:organize", slug=slug)


@login_required
def event_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = _organizable(request, slug)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_create(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Rencontre ajoutée."))
            return redirect("consultations:organize", slug=slug)
    return render(request, "consultations/organize/simple_form.html", {
        "c": consultation, "form": form, "title": _("Ajouter une rencontre")}, status=400 if form.errors else 200)


@login_required
@require_POST
def event_attendance(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _organizable(request, slug)
    event = get_object_or_404(Event, consultation=consultation, pk=pk)
    try:
        services.event_record_attendance(event=event, by=request.user,
                                         attendance=int(request.POST.get("attendance", "")))
        messages.success(request, _("Présences enregistrées."))
    except (TypeError, ValueError):
        messages.error(request, _("Indiquez un nombre de personnes présentes."))
    return redirect("consultations:organize", slug=slug)


@login_required
@require_POST
def publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = _organizable(request, slug)
    try:
        services.consultation_publish(consultation=consultation, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("consultations:organize", slug=slug)
    messages.success(request, _("La consultation est publiée."))
    return redirect(consultation)


@login_required
def phases(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The calendar editor: one editable row per phase, two empty rows to add one, a box to delete."""
    consultation = _organizable(request, slug)
    initial = [{"kind": p.kind, "title": p.title, "starts_at": p.starts_at, "ends_at": p.ends_at,
                "description": p.description} for p in consultation.phases.all()]
    formset = PhaseFormSet(request.POST or None, initial=initial, prefix="etapes")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [form.cleaned_data for form in formset.forms if form.is_filled]
        try:
            services.consultation_phases_set(consultation=consultation, by=request.user, phases=rows)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Calendrier enregistré."))
            return redirect("consultations:organize", slug=slug)
    return render(request, "consultations/organize/phases.html", {
        "c": consultation, "formset": formset, "error": error},
        status=400 if (error or formset.errors and request.method == "POST") else 200)


@login_required
def close(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """"Close now": a confirmation page, then the service ends participation."""
    consultation = _organizable(request, slug)
    if request.method == "POST":
        try:
            services.consultation_close(consultation=consultation, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("La participation est fermée. Vous pouvez analyser les réponses et publier "
                                        "les résultats."))
        return redirect("consultations:organize", slug=slug)
    return render(request, "core/confirm.html", {
        "title": _("Fermer la participation maintenant ?"),
        "consequence": _("Plus personne ne pourra répondre ni contribuer à « %(title)s ». Les réponses déjà "
                         "envoyées sont gardées. Cette action ne peut pas être annulée.")
        % {"title": consultation.title},
        "action": request.path, "button": _("Fermer la participation"),
        "cancel_url": redirect("consultations:organize", slug=slug).url,
    })


@login_required
def results_report(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = _organizable(request, slug)
    form = ResultsReportForm(request.POST or None, initial={"what_we_heard": consultation.what_we_heard,
                                                            "what_we_did": consultation.what_we_did})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_publish_results(consultation=consultation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Le rapport de résultats est publié."))
            return redirect(consultation)
    return render(request, "consultations/organize/simple_form.html", {
        "c": consultation, "form": form, "title": _("Publier le rapport de résultats")},
        status=400 if form.errors else 200)


@login_required
def proposal_answer(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _organizable(request, slug)
    proposal = get_object_or_404(Proposal, consultation=consultation, pk=pk)
    form = ProposalAnswerForm(request.POST or None, initial={"status": proposal.status,
                                                             "answer": proposal.official_answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_answer(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Réponse officielle publiée; l'auteur en est avisé."))
            return redirect(proposal)
    return render(request, "consultations/organize/simple_form.html", {
        "c": consultation, "form": form, "title": _("Répondre à « %(t)s »") % {"t": proposal.title}},
        status=400 if form.errors else 200)


@login_required
def in_person(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Enter a paper or in-person questionnaire so every channel ends up in the same results."""
    consultation = _organizable(request, slug)
    questions = list(consultation.questions.all())
    by_id = {q.pk: q for q in questions}
    channel_form = InPersonForm(request.POST or None)
    errors: dict[int, str] = {}
    data = None
    if request.method == "POST" and channel_form.is_valid():
        data = request.POST
        values, errors = read_page(questions, request.POST, None, {})
        if not errors:
            answers = {q.field_name: v for q, v in ((by_id[k], v) for k, v in values.items()) if v is not None}
            try:
                services.participation_submit_all(consultation=consultation, user=None, answers=answers,
                                                  channel=channel_form.cleaned_data["channel"], by=request.user)
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(request, _("Contribution enregistrée. Vous pouvez saisir la suivante."))
                return redirect("consultations:in_person", slug=slug)
    items = [question_view(q, data=data, known={}, error=errors.get(q.pk), questions_by_id=by_id) for q in questions]
    return render(request, "consultations/organize/in_person.html", {
        "c": consultation, "items": items, "error_items": [i for i in items if i["error"]],
        "channel_form": channel_form}, status=400 if errors else 200)


@login_required
def moderation_queue(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_superuser:
        consultations = Consultation.objects.all()
    else:
        orgs = Membership.objects.filter(user=user, role__in=[Role.ADMIN, Role.EDITOR]).values("organization_id")
        consultations = Consultation.objects.filter(organization_id__in=orgs)
        if not consultations.exists():
            raise PermissionDenied(_("Seuls les modérateurs peuvent faire cela."))
    from .models import Report

    items = []
    for kind, model in (("proposal", Proposal), ("comment", Comment), ("brief", Brief)):
        for obj in model.objects.filter(consultation__in=consultations, report_count__gt=0, reviewed=False) \
                .select_related("consultation"):
            reasons = list(Report.objects.filter(target_kind=kind, target_id=obj.pk).values_list("reason", flat=True))
            items.append({"kind": kind, "obj": obj, "reasons": reasons, "form": ModerateForm(
                initial={"hide": obj.hidden}, prefix=f"{kind}-{obj.pk}")})
    return render(request, "consultations/organize/moderation.html", {"items": items})


@login_required
@require_POST
def moderate(request: AuthedHttpRequest, kind: str, pk: int) -> HttpResponse:
    form = ModerateForm(request.POST, prefix=f"{kind}-{pk}")
    if not form.is_valid():
        raise Http404
    try:
        services.content_moderate(kind=kind, pk=pk, by=request.user, hide=form.cleaned_data["hide"],
                                  reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Décision de modération enregistrée."))
    return redirect("consultations:moderation")
