"""Thin views for the shell, accounts, organizations, tokens and the audit log."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .audit_display import action_label, actor_text, change_rows, object_type_label
from .forms import (
    AuditFilterForm,
    DeleteAccountForm,
    EmailChangeForm,
    EmailForm,
    LoginForm,
    MemberForm,
    OrganizationCreateForm,
    OrganizationFilterForm,
    OrganizationForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
    TokenForm,
    apply_errors,
)
from .hooks import app_hooks
from .models import Membership, Organization, Role
from .ratelimit import account_key, rate_limit_exceeded, rate_limit_hit
from .sections import home_sections
from .typing import AuthedHttpRequest, signed_in_user


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(request, "core/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {
        "sections": home_sections(),
        "organization_counts": selectors.organization_counts_by_kind(),
    })


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


# Accounts ----------------------------------------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    """The same answer ("check your inbox") for a new and a taken address: see ``services.user_signup``."""
    if request.user.is_authenticated:
        return redirect("core:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        wait = rate_limit_hit(request, "signup")
        if wait:
            return _too_many(request, wait)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # Honeypot filled in: a bot. Pretend nothing happened.
                return redirect("core:signup_done")
            try:
                services.user_signup(
                    email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    preferred_language=(request.LANGUAGE_CODE or "fr")[:2],
                    accepted_terms=form.cleaned_data["accept_terms"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("core:signup_done")
    return render(request, "core/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "core/signup_done.html")


def signup_resend(request: HttpRequest) -> HttpResponse:
    """A new confirmation link for an unconfirmed account; the same answer for any address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        wait = rate_limit_hit(request, "signup")
        if wait:
            return _too_many(request, wait)
        if form.is_valid():
            services.user_resend_verification(email=form.cleaned_data["email"])
            return redirect("core:signup_done")
    return render(request, "core/signup_resend.html", {"form": form}, status=400 if form.errors else 200)


def privacy(request: HttpRequest) -> HttpResponse:
    from .legal import LEGAL_VERSION

    return render(request, "core/privacy.html", {"version": LEGAL_VERSION, "contact": settings.PRIVACY_CONTACT})


def terms(request: HttpRequest) -> HttpResponse:
    from .legal import LEGAL_VERSION

    return render(request, "core/terms.html", {"version": LEGAL_VERSION, "contact": settings.PRIVACY_CONTACT})


def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link mailed at sign-up: a page with a button (mail scanners open links, they do not post)."""
    link = services.verification_link_check(uidb64=uidb64, token=token)
    user = link.user
    if user is not None and request.method == "POST":
        services.user_verify_email(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Bienvenue! Votre compte est activé."))
        return redirect("core:profile")
    return render(request, "core/signup_confirm.html", {"valid": user is not None, "replaced": link.replaced},
                  status=200 if user is not None else 400)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # No autofocus: keyboard and screen-reader users start at the top, with the skip link.
        form.fields["username"].widget.attrs.pop("autofocus", None)
        form.fields["username"].widget.attrs["autocomplete"] = "email"
        return form

    def post(self, request, *args, **kwargs):
        # Two limits: every attempt per client address (behind trusted proxies, the real client), and
        # failed attempts per account, so a password is not guessed from many addresses at once.
        wait = rate_limit_hit(request, "login") or rate_limit_exceeded(
            "login_account", key=account_key(request.POST.get("username", "")))
        if wait:
            return _too_many(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        rate_limit_hit(self.request, "login_account", key=account_key(self.request.POST.get("username", "")))
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")
    form_class = SetPasswordForm


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "core/password_reset.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")
    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        wait = rate_limit_hit(request, "password_reset")
        if wait:
            return _too_many(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        from django.conf import settings

        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect("core:home")


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    """"Mon compte": profile, address and password, memberships, what I follow and did, my data."""
    from .account import account_sections

    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name,
                                                      "preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, by=user, **form.cleaned_data)
        messages.success(request, _("Profil enregistré."))
        return redirect("core:profile")
    memberships = user.memberships.select_related("organization")
    return render(request, "core/profile.html", {
        "form": form, "memberships": memberships, "sections": account_sections(user=user),
        "app_links": [link for hook in app_hooks("account_links").values() for link in hook(request)],
        "email_form": EmailChangeForm(prefix="courriel"), "password_form": PasswordChangeForm(user),
    })


@login_required
def account_export(request: AuthedHttpRequest) -> HttpResponse:
    """All my data as one JSON file (Law 25: access and portability)."""
    import json

    from .account import account_export as export

    body = json.dumps(export(user=request.user, site_url=settings.SITE_URL), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="ouvert-mes-donnees.json"', "Cache-Control": "no-store"})


@login_required
def email_change(request: AuthedHttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, prefix="courriel")
    if request.method == "POST" and form.is_valid():
        try:
            services.user_request_email_change(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Nous avons envoyé un lien à %(email)s. Votre adresse changera quand "
                                        "vous l'ouvrirez.") % {"email": form.cleaned_data["new_email"]})
            return redirect("core:profile")
    return render(request, "core/account_form.html", {
        "form": form, "title": _("Changer d'adresse courriel"), "button": _("Envoyer le lien de confirmation")},
        status=400 if form.errors else 200)


def email_change_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link mailed to the new address: a page with a button (mail scanners open links)."""
    user = services.user_for_email_change_link(uidb64=uidb64, token=token)
    if user is not None and request.method == "POST":
        try:
            services.user_confirm_email_change(user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Votre adresse est maintenant %(email)s.") % {"email": user.email})
        return redirect("core:profile" if request.user.is_authenticated else "core:login")
    return render(request, "core/email_change_confirm.html", {"valid": user is not None,
                                                               "new_email": user.pending_email if user else ""},
                  status=200 if user is not None else 400)


@login_required
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_change_password(user=request.user, by=request.user,
                                             new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Mot de passe changé."))
        return redirect("core:profile")
    return render(request, "core/account_form.html", {
        "form": form, "title": _("Changer de mot de passe"), "button": _("Changer le mot de passe")},
        status=400 if form.errors else 200)


@login_required
def account_delete(request: AuthedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            logout(request)
            messages.info(request, _("Votre compte et vos données personnelles ont été supprimés."))
            return redirect("core:home")
    return render(request, "core/account_delete.html", {"form": form})


@login_required
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.token_create(user=request.user, by=request.user,
                                                       name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = TokenForm()
    return render(request, "core/tokens.html", {
        "form": form, "new_secret": new_secret, "tokens": request.user.api_tokens.all(),
    })


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("core:tokens")


# Organizations -----------------------------------------------------------------------------------


def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None)
    q = kind = ""
    if form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    organizations = selectors.organization_list(kind=kind or None, q=q or None)
    page = Paginator(organizations, 30).get_page(request.GET.get("page"))
    if request.GET.get("format") == "json":
        return JsonResponse({"count": page.paginator.count, "results": [
            {"slug": o.slug, "name_fr": o.name_fr, "name_en": o.name_en, "kind": o.kind,
             "url": request.build_absolute_uri(o.get_absolute_url())} for o in page]})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/organization_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "counts": selectors.organization_counts_by_kind(),
        "can_create": permissions.is_site_admin(signed_in_user(request)),
    })


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    can_manage = permissions.can_manage_organization(signed_in_user(request), organization)
    if request.GET.get("format") == "json":
        return JsonResponse({
            "slug": organization.slug, "kind": organization.kind, "name_fr": organization.name_fr,
            "name_en": organization.name_en, "acronym": organization.acronym,
            "description_fr": organization.description_fr, "description_en": organization.description_en,
            "website": organization.website,
        })
    context = {
        "organization": organization,
        "can_manage": can_manage,
        "contacts": selectors.organization_open_gov_contacts(organization=organization),
        "member_count": organization.memberships.count(),
    }
    # Domain apps add their part of the page (datasets, requests…) through AppConfig.organization_section.
    context["app_sections"] = [section(request, organization)
                               for section in app_hooks("organization_section").values()]
    if can_manage:
        context["members"] = selectors.organization_members(organization=organization)
        context["member_form"] = MemberForm()
    return render(request, "core/organization_detail.html", context)


@login_required
def organization_create(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.is_site_admin(request.user):
        raise PermissionDenied(_("Réservé aux administrateurs du site."))
    form = OrganizationCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Organisation créée."))
            return redirect(organization)
    return render(request, "core/organization_form.html", {"form": form, "creating": True})


@login_required
def organization_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    permissions.check_manage_organization(request.user, organization)
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("logo") is False:  # "clear" ticked
            data["logo"] = ""
        # The form has already written into ``organization``; the service diffs a fresh copy.
        fresh = Organization.objects.get(pk=organization.pk)
        try:
            services.organization_update(organization=fresh, by=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Organisation enregistrée."))
            return redirect(fresh)
    return render(request, "core/organization_form.html", {"form": form, "organization": organization})


@login_required
@require_POST
def organization_member_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    permissions.check_manage_organization(request.user, organization)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["invite"] or not selectors.user_exists(email=data["email"]):
                services.membership_invite(organization=organization, by=request.user, email=data["email"],
                                           role=data["role"])
            else:
                services.membership_set(organization=organization, by=request.user, email=data["email"],
                                        role=data["role"], is_open_gov_contact=data["is_open_gov_contact"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if data["invite"] or not selectors.user_exists(email=data["email"]):
                messages.success(request, _("Invitation envoyée à %(email)s (rôle « %(role)s »). Le lien est "
                                            "valable 14 jours.") % {"email": data["email"].strip().lower(),
                                                                   "role": Role(data["role"]).label})
            else:
                messages.success(request, _("%(email)s a maintenant le rôle « %(role)s ».") % {
                    "email": data["email"], "role": Role(data["role"]).label})
            return redirect(organization)
    return render(request, "core/organization_detail.html", {
        "organization": organization, "can_manage": True, "member_form": form,
        "members": selectors.organization_members(organization=organization),
        "contacts": selectors.organization_open_gov_contacts(organization=organization),
        "member_count": organization.memberships.count(),
    }, status=400)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: who invites to what, and a button to accept once signed in."""
    found = services.invitation_read(token=token)
    user = signed_in_user(request)
    if found is not None and user is not None and request.method == "POST":
        try:
            membership = services.membership_accept_invitation(token=token, by=user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(request, _("Bienvenue dans %(org)s : vous y avez le rôle « %(role)s ».") % {
                "org": membership.organization.name, "role": membership.get_role_display()})
            return redirect(membership.organization)
    organization, address, role = found if found is not None else (None, "", "")
    return render(request, "core/invitation.html", {
        "valid": found is not None, "organization": organization, "address": address,
        "role": Role(role).label if role else "", "matches": user is not None and user.email.lower() == address,
    }, status=200 if found is not None else 400)


@login_required
@require_POST
def organization_member_remove(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    membership = get_object_or_404(Membership, pk=pk, organization=organization)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Membre retiré."))
    return redirect(organization)


# Audit log ---------------------------------------------------------------------------------------


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied(_("Le journal d'audit est réservé aux administrateurs."))
    form = AuditFilterForm(request.GET or None)
    if not permissions.is_site_admin(request.user):
        cast(forms.ModelChoiceField, form.fields["organization"]).queryset = selectors.user_organizations(
            user=request.user, roles=["admin"])
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_list(viewer=request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [{"entry": e, "actor": actor_text(e.actor_label), "action": action_label(e.action),
             "object_type": object_type_label(e.object_type), "changes": change_rows(e)} for e in page]
    return render(request, "core/audit_log.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "actions": [(code, action_label(code)) for code in selectors.audit_actions()],
    })


def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It asks no dependency (that is ``/readyz``): a database outage must
    not make every app server look dead and get restarted."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """``/readyz``: 200 when the database, the file storage and the task queue answer (each with its
    latency in ms), else 503 — for load balancers and monitoring. No data, only counts."""
    from .health import readiness

    checks = readiness()
    ok = all(c.ok for c in checks.values())
    body = {"status": "ok" if ok else "unavailable", "checks": {k: c.as_dict() for k, c in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503, headers={"Cache-Control": "no-store"})


def metrics(request: HttpRequest) -> HttpResponse:
    """``/metrics``: Prometheus's text exposition, for a scraper holding ``METRICS_TOKEN``
    (``Authorization: Bearer …``) or a signed-in site administrator; 404 to anybody else (the
    address is not even confirmed)."""
    import hmac

    from .metrics import exposition
    from .permissions import is_site_admin

    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    allowed = bool(token and given and hmac.compare_digest(given.encode(), token.encode()))
    if not allowed and not is_site_admin(request.user):  # type: ignore[arg-type]
        raise Http404
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})
