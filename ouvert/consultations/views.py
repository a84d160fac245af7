"""Public pages: listing, calendar, consultation page, survey, proposals, discussion, briefs, events."""

from __future__ import annotations

import datetime as dt
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core import follows
from ouvert.core.forms import apply_errors
from ouvert.core.models import Organization
from ouvert.core.ratelimit import rate_limit_hit
from ouvert.core.typing import signed_in_user

from . import permissions, selectors, services
from .forms import (
    BriefForm,
    CommentForm,
    DemographicsForm,
    FilterForm,
    ProposalForm,
    ReportForm,
    SatisfactionForm,
)
from .models import Comment, Consultation, Event, Participation, Phase, Proposal, Registration
from .survey_view import question_view


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "core/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def get_consultation(request: HttpRequest, slug: str) -> Consultation:
    consultation = selectors.consultation_get(slug=slug, user=signed_in_user(request))
    if consultation is None:
        raise Http404(_("Consultation introuvable."))
    return consultation


def consultation_json(c: Consultation) -> dict:
    return {"slug": c.slug, "title": c.title, "summary": c.summary, "organization": c.organization.slug,
            "topic": c.topic, "region": c.region, "phase": c.phase, "opens_at": c.opens_at.isoformat(),
            "closes_at": c.closes_at.isoformat(), "url": c.get_absolute_url()}


# Listing and calendar -----------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    organizations = Organization.objects.filter(consultations__published_at__isnull=False).distinct()
    form = FilterForm(request.GET or None, organizations=organizations)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.consultation_list(**{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "json":
        return JsonResponse({"count": qs.count(), "results": [consultation_json(c) for c in qs[:100]]})
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "consultations/index.html", {
        "form": form, "page": page, "query": query.urlencode(), "open_count": selectors.consultation_count_open(),
    })


def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("annee", today.year))
        month = int(request.GET.get("mois", today.month))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    data = selectors.calendar_months(year=year, month=month)
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return render(request, "consultations/calendar.html", {
        **data, "month": dt.date(year, month, 1), "previous": previous, "following": following,
    })


# Consultation page ---------------------------------------------------------------------------------


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if request.GET.get("format") == "json":
        return JsonResponse(consultation_json(consultation))
    user = request.user
    participation = _participation_for(request, consultation)
    proposals = consultation.proposals.filter(hidden=False).annotate(n_supports=Count("supports")) \
        .select_related("author").order_by("-n_supports", "-created_at")[:10] if consultation.has_proposals else []
    comments = _thread(consultation.comments.filter(proposal=None).select_related("author")) \
        if consultation.has_discussion else []
    events = list(consultation.events.annotate(
        confirmed=Count("registrations", filter=Q(registrations__waitlisted=False))))
    my_registrations = {}
    if user.is_authenticated:
        my_registrations = {r.event_id: r for r in Registration.objects.filter(user=user, event__in=events)}
    for event in events:
        event.mine = my_registrations.get(event.pk)  # type: ignore[attr-defined]  # read by the template
    from .text import render_markdown

    return render(request, "consultations/detail.html", {
        "c": consultation, "timeline": selectors.timeline(consultation=consultation),
        "participation": participation, "proposals": proposals, "comments": comments, "events": events,
        "briefs": consultation.briefs.filter(hidden=False) if consultation.has_briefs else [],
        "can_organize": permissions.can_organize(signed_in_user(request), consultation),
        "following": user.is_authenticated and follows.follow_get(
            user=user, kind="consultation", key=str(consultation.pk)) is not None,
        "what_we_heard": render_markdown(consultation.what_we_heard),
        "what_we_did": render_markdown(consultation.what_we_did),
        "comment_form": CommentForm(), "is_open": consultation.phase == Phase.PARTICIPATION,
    })


def _thread(comments) -> list:
    """Top-level comments, each with ``children`` (one query)."""
    items = list(comments)
    by_parent: dict[int | None, list] = {}
    for comment in items:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    for comment in items:
        comment.children = by_parent.get(comment.pk, [])
    return by_parent.get(None, [])


@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?next={consultation.get_absolute_url()}")
    services.consultation_follow(consultation=consultation, by=request.user, follow=request.POST.get("follow") == "1")
    messages.success(request, _("Vous suivez cette consultation.") if request.POST.get("follow") == "1"
                     else _("Vous ne suivez plus cette consultation."))
    return redirect(consultation)


# Survey --------------------------------------------------------------------------------------------

SESSION_KEY = "consultation_%s"


def _participation_for(request: HttpRequest, consultation: Consultation) -> Participation | None:
    if request.user.is_authenticated:
        found = Participation.objects.filter(consultation=consultation, user=request.user).first()
        if found:
            return found
    token = request.session.get(SESSION_KEY % consultation.pk)
    if token:
        return Participation.objects.filter(consultation=consultation, resume_token=token).first()
    return None


def survey_start(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    existing = _participation_for(request, consultation)
    if existing:
        if existing.submitted_at:
            return redirect("consultations:thanks", slug=slug, token=existing.resume_token)
        return redirect("consultations:survey", slug=slug, token=existing.resume_token, page=existing.current_page)
    error = None
    if request.method == "POST":
        wait = rate_limit_hit(request, "consultation_start")
        if wait:
            return too_many(request, wait)
        try:
            participation = services.participation_start(
                consultation=consultation, user=signed_in_user(request), consent=request.POST.get("consent") == "1")
        except ValidationError as exc:
            error = exc.message_dict.get("consent", exc.messages)[0] if hasattr(exc, "error_dict") else exc.messages[0]
        except PermissionDenied as exc:
            error = str(exc)
        else:
            request.session[SESSION_KEY % consultation.pk] = participation.resume_token
            first = services.survey_pages(consultation)[0]
            return redirect("consultations:survey", slug=slug, token=participation.resume_token, page=first)
    return render(request, "consultations/survey_start.html", {
        "c": consultation, "error": error, "is_open": consultation.phase == Phase.PARTICIPATION,
        "needs_login": not consultation.allow_anonymous and not request.user.is_authenticated,
        "question_count": consultation.questions.count(), "pages": len(services.survey_pages(consultation)),
    }, status=400 if error else 200)


STAMP_SALT = "consultations.survey"
STAMP_MAX_AGE = 60 * 60 * 24  # a page left open longer is simply sent again, with a fresh stamp


def _stamp(token: str, page: int) -> str:
    """The anti-bot stamp of one survey page as shown: when, a single-use nonce, and for which page."""
    return signing.dumps({"t": time.time(), "n": secrets.token_urlsafe(16), "p": f"{token}:{page}"},
                         salt=STAMP_SALT)


def _stamp_problem(stamp: str, *, token: str, page: int, minimum: float) -> str | None:
    """``None`` when the stamp is good, else ``"fast"`` (sent before ``minimum`` seconds) or
    ``"invalid"`` (forged, expired, for another page, or already used). A good stamp is spent: its
    nonce is recorded in the cache until the stamp would have expired anyway."""
    try:
        data = signing.loads(stamp, salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
        issued, nonce, target = float(data["t"]), str(data["n"]), data["p"]
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return "invalid"
    if target != f"{token}:{page}":
        return "invalid"
    if time.time() - issued < minimum:
        return "fast"
    if not cache.add(f"consultations:stamp:{nonce}", 1, timeout=STAMP_MAX_AGE + 60):
        return "invalid"
    return None


def survey(request: HttpRequest, slug: str, token: str, page: int) -> HttpResponse:
    consultation = get_consultation(request, slug)
    participation = Participation.objects.filter(consultation=consultation, resume_token=token).first()
    if participation is None:
        raise Http404(_("Ce lien de reprise n'est pas valide."))
    if participation.user_id and participation.user_id != request.user.pk:
        raise PermissionDenied(_("Ce questionnaire appartient à un autre compte. Connectez-vous avec ce compte."))
    if participation.submitted_at:
        return redirect("consultations:thanks", slug=slug, token=token)
    request.session[SESSION_KEY % consultation.pk] = token
    pages = services.survey_pages(consultation)
    if page not in pages:
        return redirect("consultations:survey", slug=slug, token=token, page=pages[0])
    questions = list(consultation.questions.all())
    by_id = {q.pk: q for q in questions}
    known = services._known_answers(participation)
    errors: dict[int, str] = {}
    data = None
    closed = consultation.phase != Phase.PARTICIPATION
    if request.method == "POST" and not closed:
        wait = rate_limit_hit(request, "consultation_answer")
        if wait:
            return too_many(request, wait)
        action = request.POST.get("action", "next")
        anonymous = not request.user.is_authenticated
        if anonymous and request.POST.get("website"):
            return redirect("consultations:detail", slug=slug)  # honeypot filled: a bot; store nothing
        minimum = settings.CONSULTATIONS_MIN_SECONDS_PER_PAGE
        problem = _stamp_problem(request.POST.get("stamp", ""), token=token, page=page, minimum=minimum) \
            if anonymous and minimum > 0 else None
        if problem == "fast":
            messages.error(request, _("Vos réponses sont arrivées trop vite pour avoir été lues. Vérifiez-les "
                                      "puis envoyez de nouveau."))
            data = request.POST
        elif problem:
            messages.error(request, _("Cette page a expiré ou a déjà été envoyée. Vérifiez vos réponses puis "
                                      "envoyez de nouveau."))
            data = request.POST
        else:
            errors = services.participation_save_page(participation=participation, page=page, data=request.POST,
                                                      files=request.FILES, draft=action in ("save", "previous"))
            data = request.POST
            if not errors:
                index = pages.index(page)
                if action == "save":
                    resume = request.build_absolute_uri(reverse("consultations:survey", kwargs={
                        "slug": slug, "token": token, "page": page}))
                    return render(request, "consultations/survey_saved.html", {"c": consultation, "resume": resume})
                if action == "previous" and index > 0:
                    return redirect("consultations:survey", slug=slug, token=token, page=pages[index - 1])
                if index + 1 < len(pages) and action != "previous":
                    return redirect("consultations:survey", slug=slug, token=token, page=pages[index + 1])
                if action != "previous":
                    try:
                        services.participation_submit(participation=participation)
                    except ValidationError as exc:
                        messages.error(request, exc.messages[0])
                        data = None
                    else:
                        return redirect("consultations:thanks", slug=slug, token=token)
        known = services._known_answers(participation)
    from .survey import is_visible

    shown: dict[int, object] = {}
    items = []
    for question in questions:
        if question.page < page:
            if is_visible(question, shown):
                shown[question.pk] = known.get(question.pk)
            continue
        if question.page > page:
            break
        same_page_condition = question.condition_question_id and by_id[question.condition_question_id].page == page
        if not same_page_condition and not is_visible(question, shown):
            continue
        view = question_view(question, data=data, known=known, error=errors.get(question.pk), questions_by_id=by_id)
        view["dynamic"] = bool(same_page_condition)
        items.append(view)
        shown[question.pk] = known.get(question.pk)
    index = pages.index(page)
    return render(request, "consultations/survey_page.html", {
        "c": consultation, "participation": participation, "items": items, "errors": errors,
        "error_items": [i for i in items if i["error"]], "page": page, "page_number": index + 1,
        "page_count": len(pages), "is_last": index + 1 == len(pages), "has_previous": index > 0,
        "stamp": _stamp(token, page), "closed": closed, "token": token,
    }, status=400 if errors else 200)


def thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    participation = get_object_or_404(Participation, consultation=consultation, resume_token=token)
    if not participation.submitted_at:
        return redirect("consultations:survey", slug=slug, token=token, page=participation.current_page)
    satisfaction_form = SatisfactionForm(request.POST if request.POST.get("form") == "satisfaction" else None)
    demographics_form = DemographicsForm(request.POST if request.POST.get("form") == "demographics" else None)
    if request.method == "POST":
        if satisfaction_form.is_bound and satisfaction_form.is_valid():
            services.participation_rate(participation=participation,
                                        satisfaction=satisfaction_form.cleaned_data["satisfaction"],
                                        comment=satisfaction_form.cleaned_data["comment"])
            messages.success(request, _("Merci pour votre avis : il nous aide à améliorer nos consultations."))
            return redirect("consultations:thanks", slug=slug, token=token)
        if demographics_form.is_bound and demographics_form.is_valid():
            services.participation_set_demographics(participation=participation, **demographics_form.cleaned_data)
            messages.success(request, _("Merci. Ces renseignements sont conservés à part de vos réponses."))
            return redirect("consultations:thanks", slug=slug, token=token)
    return render(request, "consultations/thanks.html", {
        "c": consultation, "participation": participation, "satisfaction_form": satisfaction_form,
        "demographics_form": demographics_form,
        "has_demographics": hasattr(participation, "demographics"),
    })


@require_POST
def participation_delete(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    participation = _participation_for(request, consultation)
    if participation is None or not request.user.is_authenticated:
        raise Http404
    services.participation_delete(participation=participation, by=request.user)
    messages.success(request, _("Vos réponses ont été supprimées."))
    return redirect(consultation)


# Proposals and discussion ---------------------------------------------------------------------------


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('core:login')}?next={request.path}")


def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if not consultation.has_proposals:
        raise Http404
    order = request.GET.get("tri", "appuis")
    qs = consultation.proposals.filter(hidden=False).annotate(n_supports=Count("supports")).select_related("author")
    qs = qs.order_by("-n_supports", "-created_at") if order == "appuis" else qs.order_by("-created_at")
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login_redirect(request)
        wait = rate_limit_hit(request, "consultation_contribute")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            try:
                proposal = services.proposal_create(consultation=consultation, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Votre proposition est publiée."))
                return redirect(proposal)
    mine = consultation.proposals.none()
    if request.user.is_authenticated:
        mine = consultation.proposals.filter(author=request.user, hidden=True)
    return render(request, "consultations/proposals.html", {
        "c": consultation, "proposals": qs, "form": form, "order": order, "hidden_mine": mine,
        "is_open": consultation.phase == Phase.PARTICIPATION,
    }, status=400 if form.errors else 200)


def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation(request, slug)
    proposal = get_object_or_404(Proposal.objects.select_related("author"), consultation=consultation, pk=pk)
    is_author = request.user.is_authenticated and proposal.author_id == request.user.pk
    if not selectors.content_visible(user=signed_in_user(request), item=proposal):
        raise Http404
    supported = request.user.is_authenticated and proposal.supports.filter(user=request.user).exists()
    return render(request, "consultations/proposal.html", {
        "c": consultation, "proposal": proposal, "supports": proposal.supports.count(), "supported": supported,
        "comments": _thread(proposal.comments.select_related("author")), "comment_form": CommentForm(),
        "is_open": consultation.phase == Phase.PARTICIPATION, "is_author": is_author,
        "can_organize": permissions.can_organize(signed_in_user(request), consultation),
    })


@require_POST
def proposal_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation(request, slug)
    proposal = get_object_or_404(Proposal, consultation=consultation, pk=pk)
    if not selectors.content_visible(user=signed_in_user(request), item=proposal):
        raise Http404
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?next={proposal.get_absolute_url()}")
    try:
        added = services.proposal_support(proposal=proposal, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Merci pour votre appui.") if added else _("Vous appuyez déjà cette proposition."))
    return redirect(proposal)


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    proposal = None
    if request.POST.get("proposal"):
        proposal = get_object_or_404(Proposal, consultation=consultation, pk=request.POST["proposal"])
        if not selectors.content_visible(user=signed_in_user(request), item=proposal):
            raise Http404
    back = proposal.get_absolute_url() if proposal else consultation.get_absolute_url() + "#discussion"
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?next={back}")
    wait = rate_limit_hit(request, "consultation_contribute")
    if wait:
        return too_many(request, wait)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Écrivez votre commentaire (3 000 caractères au plus)."))
        return redirect(back)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = get_object_or_404(Comment, consultation=consultation, pk=form.cleaned_data["parent"])
        if parent.hidden and not permissions.can_moderate(request.user, consultation):
            raise Http404
    try:
        services.comment_create(consultation=consultation, by=request.user, body=form.cleaned_data["body"],
                                proposal=proposal, parent=parent)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("Votre commentaire est publié."))
    return redirect(back)


def brief_list(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation(request, slug)
    if not consultation.has_briefs:
        raise Http404
    form = BriefForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _login_redirect(request)
        wait = rate_limit_hit(request, "consultation_contribute")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            try:
                services.brief_submit(consultation=consultation, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Votre mémoire est déposé et publié."))
                return redirect("consultations:briefs", slug=slug)
    return render(request, "consultations/briefs.html", {
        "c": consultation, "briefs": consultation.briefs.filter(hidden=False), "form": form,
        "is_open": consultation.phase == Phase.PARTICIPATION,
    }, status=400 if form.errors else 200)


# Events --------------------------------------------------------------------------------------------


@require_POST
def event_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation(request, slug)
    event = get_object_or_404(Event, consultation=consultation, pk=pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('core:login')}?next={consultation.get_absolute_url()}")
    if request.POST.get("cancel") == "1":
        services.event_unregister(event=event, by=request.user)
        messages.success(request, _("Votre inscription est annulée."))
    else:
        try:
            registration = services.event_register(event=event, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Vous êtes sur la liste d'attente.") if registration.waitlisted
                             else _("Votre inscription est confirmée."))
    return redirect(consultation.get_absolute_url() + "#rencontres")


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation(request, slug)
    event = get_object_or_404(Event, consultation=consultation, pk=pk)
    fmt = "%Y%m%dT%H%M%SZ"
    location = ", ".join(p for p in [event.place, event.address] if p)
    description = "\n".join(p for p in [event.description, event.accessibility,
                                        settings.SITE_URL + consultation.get_absolute_url()] if p)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ouvert//Consultations//FR", "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT", f"UID:event-{event.pk}@ouvert", f"DTSTAMP:{timezone.now().astimezone(dt.UTC):{fmt}}",
        f"DTSTART:{event.starts_at.astimezone(dt.UTC):{fmt}}", f"DTEND:{event.ends_at.astimezone(dt.UTC):{fmt}}",
        f"SUMMARY:{_ics_text(event.title)}", f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text(description)}", "END:VEVENT", "END:VCALENDAR",
    ]
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rencontre-{event.pk}.ics"'
    return response


# Moderation (public side) ----------------------------------------------------------------------------


def report(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_redirect(request)
    # Hidden content stays hidden here too (the page quotes it): moderators only.
    item = selectors.content_get_for(user=request.user, kind=kind, pk=pk, authors=False)
    if item is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        wait = rate_limit_hit(request, "consultation_contribute")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            new = services.content_report(kind=kind, pk=pk, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Merci, votre signalement sera examiné par l'équipe de modération.") if new
                             else _("Vous avez déjà signalé ce contenu."))
            return redirect(item.consultation)
    return render(request, "consultations/report.html", {"form": form, "item": item, "kind": kind,
                                                         "c": item.consultation},
                  status=400 if form.errors else 200)


def moderation_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/moderation_policy.html", {
        "threshold": services._auto_hide_threshold(), "min_days": services._report_min_account_days()})
