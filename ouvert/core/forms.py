from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.contrib.auth.forms import SetPasswordForm as BaseSetPasswordForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .models import Organization, OrganizationKind, Role
from .widgets import OrganizationChoiceField


def apply_errors(form: forms.BaseForm, error: ValidationError, *,
                 field_map: Mapping[str, str] | None = None) -> None:
    """Show a service's ``ValidationError`` on the form: each field's errors next to the field (after
    renaming through ``field_map`` when the service and the form name a field differently), the rest
    at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            target = (field_map or {}).get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Adresse courriel"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres ni un mot de passe courant."),
    )
    accept_terms = forms.BooleanField(
        label=_("J'ai lu et j'accepte la politique de confidentialité et les conditions d'utilisation"),
        required=False)  # required by the service, which says why
    # Honeypot: humans never see nor fill it.
    website = forms.CharField(required=False, label=_("Ne pas remplir ce champ"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_email(self):
        # Whether the address is taken is never said here: see ``services.user_signup``.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean() or {}
        password = data.get("password")
        if password:
            from .models import User

            try:
                password_validation.validate_password(
                    password, User(email=data.get("email", ""), full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Adresse courriel"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("Nouvelle adresse courriel"),
                                 widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Mot de passe actuel"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text=_("Pour confirmer que c'est bien vous."))


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=200, required=False)
    preferred_language = forms.ChoiceField(label=_("Langue préférée"), choices=settings.LANGUAGES)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Pour confirmer, tapez votre adresse courriel"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().lower()
        if value != self.user.email.lower():
            raise forms.ValidationError(_("L'adresse tapée ne correspond pas à celle de votre compte."))
        return value


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeton"), max_length=100,
                           help_text=_("Pour vous rappeler à quoi il sert, par exemple « script de mise à jour »."))


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["kind", "name_fr", "name_en", "acronym", "description_fr", "description_en", "website",
                  "logo"]
        widgets = {"description_fr": forms.Textarea(attrs={"rows": 4}),
                   "description_en": forms.Textarea(attrs={"rows": 4})}


class OrganizationCreateForm(OrganizationForm):
    class Meta(OrganizationForm.Meta):
        fields = ["slug", *OrganizationForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Laissez vide pour le déduire du sigle ou du nom.")


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Adresse courriel de la personne"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.EDITOR)
    is_open_gov_contact = forms.BooleanField(label=_("Répondant en gouvernement ouvert"), required=False)
    invite = forms.BooleanField(label=_("Envoyer une invitation par courriel plutôt que d'ajouter directement"),
                                required=False,
                                help_text=_("Une adresse sans compte reçoit toujours une invitation : la personne "
                                            "crée son compte puis accepte."))


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False,
                             widget=forms.TextInput(attrs={"list": "audit-actions"}))
    actor = forms.CharField(label=_("Auteur"), required=False)
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.all(),
                                          required=False, to_field_name="slug",
                                          empty_label=_("Toutes"))
    date_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher une organisation"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("Tous les types")), *OrganizationKind.choices])


class PasswordResetForm(BasePasswordResetForm):
    """Sends the reset link from the task queue, so a slow mail server never blocks the page."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        from .tasks import email_send

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_send.enqueue(subject=subject, body=body, to=[to_email])


class LoginForm(AuthenticationForm):
    """Signing in needs a confirmed address (said only once the password is right: no oracle)."""

    # Django's French "Saisissez un %(username)s…" gives "Saisissez un adresse courriel…": our own words.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse courriel ou mot de passe incorrect. Vérifiez les deux (les majuscules "
                           "comptent dans le mot de passe), ou demandez un nouveau mot de passe."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            raise forms.ValidationError(
                _("Confirmez d'abord votre adresse : ouvrez le lien que nous vous avons envoyé. Pour en "
                  "recevoir un nouveau, suivez « Recevoir un nouveau lien de confirmation » sous ce formulaire."),
                code="unconfirmed")


class SetPasswordForm(BaseSetPasswordForm):
    """A password-reset link proves the mailbox too: it confirms an unconfirmed address."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            from .services import user_verify_email

            user_verify_email(user=user)
        return user
