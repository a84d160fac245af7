"""Thin HTML views of micro-acquisitions; every write goes through :mod:`.services`."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouvert.core import access, follows
from ouvert.core.forms import apply_errors
from ouvert.core.models import Membership, Organization, Role
from ouvert.core.permissions import is_site_admin
from ouvert.core.typing import AuthedHttpRequest, signed_in_user

from . import permissions, selectors, services
from .forms import (
    AnswerForm,
    AttachmentForm,
    BidForm,
    CallForm,
    CancelForm,
    PublishForm,
    QuestionForm,
    SupplierForm,
    call_initial,
)
from .models import Call, CallState
from .software import software_of_call


def _call(request: HttpRequest, pk: int) -> Call:
    """The call, opened first when its deadline has passed (bids open at the first access after it)."""
    call = selectors.call_get_for(user=signed_in_user(request), pk=pk)
    if call.state == CallState.PUBLISHED and call.opened_at is None and not selectors.call_is_open_for_bids(call):
        services.call_open_bids(call=call)
    return call


def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    state = request.GET.get("etat", "")
    if state not in CallState.values:
        state = ""
    calls = list(selectors.calls_visible(user=user, state=state)[:200])
    return render(request, "procurement/index.html", {
        "calls": calls, "states": CallState.choices, "state": state,
        "suppliers": selectors.suppliers_of(user=user)})


def _buyer_organizations(user: AuthedHttpRequest) -> object:
    if is_site_admin(user.user):
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user.user,
                                       memberships__role__in=[Role.ADMIN, Role.EDITOR]).distinct()


@login_required
def call_create(request: AuthedHttpRequest) -> HttpResponse:
    organizations = _buyer_organizations(request)
    if not Membership.objects.filter(user=request.user, role__in=[Role.ADMIN, Role.EDITOR]).exists() \
            and not is_site_admin(request.user):
        raise PermissionDenied(_("Seuls les acheteurs d'un organisme public (éditeurs ou administrateurs) "
                                 "créent des appels."))
    form = CallForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(organization=form.cleaned_data["organization"], data=form.to_input(),
                                        by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Brouillon enregistré. Comparez avec l'existant, puis publiez."))
            return redirect("procurement:call_publish", pk=call.pk)
    return render(request, "procurement/call_form.html", {"form": form})


@login_required
def call_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Change a draft and its attachments (the buyer's side only; a published call is fixed)."""
    call = _call(request, pk)
    if not permissions.can_buy(request.user, call):
        raise Http404
    if call.state != CallState.DRAFT:
        messages.info(request, _("Un appel publié ne se modifie plus : répondez aux questions par des addendas."))
        return redirect(call)
    organizations = Organization.objects.filter(pk=call.organization_id)
    form = CallForm(request.POST or None, organizations=organizations, initial=call_initial(call))
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, data=form.to_input(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect(call)
    return render(request, "procurement/call_edit.html", {
        "call": call, "form": form, "attachments": list(call.attachments.all()),
        "attachment_form": AttachmentForm(prefix="doc")})


@login_required
def attachment_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    if not permissions.can_buy(request.user, call):
        raise Http404
    form = AttachmentForm(request.POST or None, request.FILES or None, prefix="doc")
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(call=call, upload=form.cleaned_data["file"], title=form.cleaned_data["title"],
                                    by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Pièce jointe ajoutée."))
            return redirect(reverse("procurement:call_edit", kwargs={"pk": call.pk}) + "#pieces-jointes")
    return render(request, "procurement/call_edit.html", {
        "call": call, "form": None, "attachments": list(call.attachments.all()), "attachment_form": form})


@login_required
@require_POST
def attachment_remove(request: AuthedHttpRequest, pk: int, aid: int) -> HttpResponse:
    call = _call(request, pk)
    attachment = call.attachments.filter(pk=aid).first()
    if attachment is None or not permissions.can_buy(request.user, call):
        raise Http404
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Pièce jointe retirée."))
    return redirect(reverse("procurement:call_edit", kwargs={"pk": call.pk}) + "#pieces-jointes")


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    call = _call(request, pk)
    mine = selectors.my_bids(user=user, call=call)
    eligible = [m for m in mine if not permissions.eligibility_refusal(call, m.supplier)]
    refusals = [(m.supplier, permissions.eligibility_refusal(call, m.supplier)) for m in mine
                if permissions.eligibility_refusal(call, m.supplier)]
    return render(request, "procurement/call_detail.html", {
        "call": call, "questions": selectors.call_questions(call=call),
        "acceptance": list(call.acceptance_criteria.all()), "evaluation": list(call.evaluation_criteria.all()),
        "attachments": list(call.attachments.all()),
        "is_buyer": permissions.can_buy(user, call), "open_for_bids": selectors.call_is_open_for_bids(call),
        "my_bids": mine, "eligible": eligible, "refusals": refusals,
        "bids": selectors.call_bids_opened(user=user, call=call),
        "stats": selectors.call_bid_statistics(call=call),
        "is_winner": bool(call.awarded_bid and permissions.is_supplier_member(user, call.awarded_bid.supplier)),
        "is_evaluator": bool(user and call.evaluators.filter(user=user).exists()),
        "score_sheet": selectors.score_sheet_for(user=user, call=call),
        "software": software_of_call(user=user, call=call),
        "following": bool(user and follows.follow_get(user=user, kind="procurement_call", key=str(call.pk))),
        "question_form": QuestionForm(), "answer_form": AnswerForm(), "cancel_form": CancelForm()})


@login_required
def call_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    if not permissions.can_buy(request.user, call):
        raise Http404
    form = PublishForm(request.POST or None, initial={"reuse_comparison": call.reuse_comparison})
    if request.method == "POST" and form.is_valid():
        try:
            services.call_publish(call=call, reuse_comparison=form.cleaned_data["reuse_comparison"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("L'appel est publié."))
            return redirect(call)
    return render(request, "procurement/call_publish.html", {
        "call": call, "form": form, "candidates": selectors.reuse_candidates(call=call, user=request.user)})


@login_required
@require_POST
def call_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Dites pourquoi l'appel est annulé : la raison est publiée."))
        services.call_cancel(call=call, reason=form.cleaned_data["reason"], by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("L'appel est annulé."))
    return redirect(call)


@login_required
@require_POST
def call_follow(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    existing = follows.follow_get(user=request.user, kind="procurement_call", key=str(call.pk))
    if request.POST.get("follow") == "1":
        follows.follow_create(user=request.user, kind="procurement_call", key=str(call.pk), by=request.user)
        messages.success(request, _("Vous suivez cet appel."))
    elif existing is not None:
        follows.follow_delete(follow=existing, by=request.user)
        messages.success(request, _("Vous ne suivez plus cet appel."))
    return redirect(call)


@login_required
@require_POST
def question_ask(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    form = QuestionForm(request.POST)
    try:
        services.question_ask(call=call, text=form.data.get("text", ""), by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Votre question est publiée ; la réponse le sera pour tous."))
    return redirect(reverse("procurement:call", kwargs={"pk": call.pk}) + "#questions")


@login_required
@require_POST
def question_answer(request: AuthedHttpRequest, pk: int, qid: int) -> HttpResponse:
    call = _call(request, pk)
    question = call.questions.filter(pk=qid).first()
    if question is None:
        raise Http404
    try:
        services.question_answer(question=question, answer=request.POST.get("answer", ""), by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Addenda publié."))
    return redirect(reverse("procurement:call", kwargs={"pk": call.pk}) + "#questions")


@login_required
def bid_submit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    suppliers = selectors.suppliers_of(user=request.user)
    if not suppliers:
        messages.info(request, _("Inscrivez d'abord votre entreprise comme fournisseur."))
        return redirect("procurement:supplier_register")
    form = BidForm(request.POST or None, suppliers=suppliers)
    if request.method == "POST" and form.is_valid():
        supplier = next(s for s in suppliers if s.pk == form.cleaned_data["supplier"])
        try:
            services.bid_submit(call=call, supplier=supplier, price=form.cleaned_data["price"],
                                proposal=form.cleaned_data["proposal"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Soumission scellée et déposée. Vous pouvez la remplacer ou la retirer "
                                        "jusqu'à la date limite."))
            return redirect(call)
    return render(request, "procurement/bid_form.html", {"call": call, "form": form})


@login_required
@require_POST
def bid_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    supplier = next((s for s in selectors.suppliers_of(user=request.user)
                     if str(s.pk) == request.POST.get("supplier", "")), None)
    if supplier is None:
        raise Http404
    try:
        services.bid_withdraw(call=call, supplier=supplier, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Soumission retirée."))
    return redirect(call)


def bids_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The opened bids, for who may read them; before opening there is nothing to export (404)."""
    user = signed_in_user(request)
    call = _call(request, pk)
    if not access.may_read(user, "procurement_bids", call.pk):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appel-{call.pk}-soumissions.csv"'
    writer = csv.writer(response)
    writer.writerow(["supplier", "neq", "size", "submitted_at", "price", "proposal"])
    for bid in selectors.call_bids_opened(user=user, call=call):
        writer.writerow([bid.supplier.name, bid.supplier.neq, bid.supplier.size, bid.submitted_at.isoformat(),
                         bid.price, bid.proposal])
    return response


@login_required
def supplier_register(request: AuthedHttpRequest) -> HttpResponse:
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = services.supplier_register(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Entreprise inscrite."))
            return redirect(supplier)
    return render(request, "procurement/supplier_form.html", {"form": form})


def solution_list(request: HttpRequest) -> HttpResponse:
    from .solutions import solutions_list

    return render(request, "procurement/solutions.html", {"solutions": list(solutions_list()[:500])})


def solution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from .solutions import solution_get, solution_use_declare, solution_users

    solution = solution_get(pk=pk)
    user = signed_in_user(request)
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('core:login')}?next={solution.get_absolute_url()}")
        organization = Organization.objects.filter(slug=request.POST.get("organization", "")[:100]).first()
        try:
            if organization is None:
                raise ValidationError(_("Choisissez l'organisme qui utilise la solution."))
            solution_use_declare(solution=solution, organization=organization, by=user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Utilisation déclarée."))
        return redirect(solution)
    users = solution_users(solution=solution)
    using = {u.organization_id for u in users}
    bodies = [o for o in _editable_organizations(user) if o.pk not in using]
    return render(request, "procurement/solution_detail.html", {
        "solution": solution, "users": users, "bodies": bodies})


def _editable_organizations(user: object) -> list[Organization]:
    from ouvert.core.models import User

    if not isinstance(user, User):
        return []
    if is_site_admin(user):
        return list(Organization.objects.order_by("name_fr")[:300])
    return list(Organization.objects.filter(memberships__user=user, memberships__role__in=[Role.ADMIN, Role.EDITOR])
                .distinct().order_by("name_fr"))


def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_get(pk=pk)
    return render(request, "procurement/supplier_detail.html", {
        "supplier": supplier, "deliveries": selectors.supplier_past_deliveries(supplier=supplier)})
