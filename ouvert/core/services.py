"""Writes for people, organizations, memberships and API tokens.

Every function checks permission, writes, and records its side effects (audit log)."""

from __future__ import annotations

import copy
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from . import permissions
from .audit import audit_record, diff, snapshot
from .legal import LEGAL_VERSION
from .models import ApiToken, AuditEntry, Membership, Organization, Role, User
from .slugs import unique_slug

ORGANIZATION_FIELDS = [
    "slug", "kind", "name_fr", "name_en", "acronym", "description_fr", "description_en", "website", "logo",
]
TOKEN_PREFIX = "ouv_"  # noqa: S105 — a public marker, not a secret


# People ------------------------------------------------------------------------------------------


class _EmailVerificationTokens(PasswordResetTokenGenerator):
    """One-use links confirming an address: the hash covers the confirmation date, the password and
    the link's round, so a link dies once used, when someone signs up again with the same unconfirmed
    address, or when a newer link is mailed."""

    key_salt = "ouvert.core.services.email_verification"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return (f"{user.pk}{user.email}{user.email_verified_at}{user.password}{user.email_verification_round}"
                f"{timestamp}")


email_verification_tokens = _EmailVerificationTokens()


def _mail_later(user: User, template: str, context: dict[str, Any], *, to: str = "") -> None:
    """``core/email/<template>.txt`` to the person, in their language, after commit."""
    from .mail import mail_person

    mail_person(user=user, template=f"core/email/{template}", context=context, to=to)


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str = "", preferred_language: str = "fr",
                accepted_terms: bool = False) -> None:
    """Sign up, answering the same whether the address is new or taken (no account directory).

    A new address gets an account that cannot sign in until the link mailed to it is opened. An
    address with a confirmed account gets a notice ("someone tried to sign up with your address")
    and a password-reset link instead; its account does not change. An address with an unconfirmed
    account gets the new password and a fresh link (the old links die): whoever reads the mailbox
    decides. Each branch hashes one password, writes, audits and queues one e-mail, so neither the
    answer nor its time tells them apart. Consent to the privacy policy and terms of use
    (:mod:`ouvert.core.legal`) is required, and recorded with its version and date."""
    if not accepted_terms:
        raise ValidationError({"accept_terms": _("Pour créer un compte, acceptez la politique de confidentialité "
                                                 "et les conditions d'utilisation (case à cocher).")})
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and existing.email_verified_at is not None:
        make_password(password)  # the same work as the other branches
        audit_record(actor=None, action="user.signup_existing", obj=existing, label=f"#{existing.pk}")
        _mail_later(existing, "signup_existing", {"token": default_token_generator.make_token(existing)})
        return
    accepted_at = timezone.now()
    if existing is not None:
        user = existing
        user.set_password(password)
        user.full_name, user.preferred_language = full_name, preferred_language
        user.terms_version, user.terms_accepted_at = LEGAL_VERSION, accepted_at
        user.save(update_fields=["password", "full_name", "preferred_language", "terms_version",
                                 "terms_accepted_at"])
    else:
        user = User.objects.create_user(email=email, password=password, full_name=full_name,
                                        preferred_language=preferred_language, email_verified_at=None,
                                        terms_version=LEGAL_VERSION, terms_accepted_at=accepted_at)
    audit_record(actor=user, action="user.signup", obj=user,
                 changes={"email": [None, email], "terms_version": [None, LEGAL_VERSION]})
    _mail_later(user, "signup_confirm", {"token": email_verification_tokens.make_token(user)})


@transaction.atomic
def user_resend_verification(*, email: str) -> None:
    """Mail a fresh confirmation link to an unconfirmed account; the earlier links die (opened, they
    say a newer one was sent). Sends nothing for an unknown or confirmed address: the page answers
    the same either way."""
    address = User.objects.normalize_email(email).strip().lower()
    user = (User.objects.select_for_update()
            .filter(email__iexact=address, is_active=True, email_verified_at__isnull=True).first())
    if user is None:
        return
    user.email_verification_round += 1
    user.save(update_fields=["email_verification_round"])
    audit_record(actor=None, action="user.verification_resend", obj=user, label=f"#{user.pk}")
    _mail_later(user, "signup_confirm", {"token": email_verification_tokens.make_token(user)})


# How many earlier links an opened link is recognized among, to say "replaced" rather than "invalid".
REPLACED_LINKS_RECOGNIZED = 20


@dataclass(frozen=True)
class VerificationLink:
    user: User | None  # the unconfirmed account, when the link is the live one
    replaced: bool = False  # a genuine earlier link, replaced by a newer one mailed to the same address


def verification_link_check(*, uidb64: str, token: str) -> VerificationLink:
    """What a confirmation link is: the live one (its account), a genuine earlier one that a newer link
    replaced (checked against the earlier rounds' hashes, so a forged link is never "replaced"), or
    neither (used, expired, for a confirmed account, or forged)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return VerificationLink(user=None)
    user = User.objects.filter(pk=pk, is_active=True, email_verified_at__isnull=True).first()
    if user is None:
        return VerificationLink(user=None)
    if email_verification_tokens.check_token(user, token):
        return VerificationLink(user=user)
    current = user.email_verification_round
    for earlier in range(current - 1, max(current - 1 - REPLACED_LINKS_RECOGNIZED, -1), -1):
        if email_verification_tokens.check_token(replace_round(user, earlier), token):
            return VerificationLink(user=None, replaced=True)
    return VerificationLink(user=None)


def replace_round(user: User, round_: int) -> User:
    """A copy of ``user`` (never saved) whose live link round is ``round_``."""
    earlier = copy.copy(user)
    earlier.email_verification_round = round_
    return earlier


def user_for_verification_link(*, uidb64: str, token: str) -> User | None:
    """The unconfirmed account a confirmation link names, if the link is the live one."""
    return verification_link_check(uidb64=uidb64, token=token).user


@transaction.atomic
def user_verify_email(*, user: User) -> User:
    """The person proved they read the mailbox (a confirmation or password-reset link)."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(actor=user, action="user.verify_email", obj=user)
    return user


class _EmailChangeTokens(PasswordResetTokenGenerator):
    """Links confirming a new address: the hash covers the pending address, so asking for another
    address kills the earlier links, and a used link dies with the pending address it confirmed."""

    key_salt = "ouvert.core.services.email_change"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.pending_email}{user.password}{timestamp}"


email_change_tokens = _EmailChangeTokens()


@transaction.atomic
def user_request_email_change(*, user: User, by: User, new_email: str, password: str) -> None:
    """Ask to move the account to ``new_email``: the account keeps its address until the link mailed to
    the new one is opened. The same answer whether the new address is free or taken (an owner of a
    taken address gets a notice instead of a link), so nobody learns who has an account."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Vous ne pouvez changer que votre propre adresse."))
    if not user.check_password(password):
        raise ValidationError({"password": _("Mot de passe incorrect : tapez votre mot de passe actuel.")})
    address = User.objects.normalize_email(new_email).strip().lower()
    if address == user.email:
        raise ValidationError({"new_email": _("C'est déjà votre adresse : indiquez-en une autre.")})
    taken = User.objects.filter(email__iexact=address).exclude(pk=user.pk).first()
    audit_record(actor=by, action="user.email_change", obj=user, label=f"#{user.pk}")
    if taken is not None:
        _mail_later(taken, "email_change_taken", {})
        return
    user.pending_email = address
    user.save(update_fields=["pending_email"])
    _mail_later(user, "email_change", {"token": email_change_tokens.make_token(user)}, to=address)


def user_for_email_change_link(*, uidb64: str, token: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).exclude(pending_email="").first()
    if user is None or not email_change_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def user_confirm_email_change(*, user: User) -> User:
    """The new mailbox answered: the account moves to it (the old address is told)."""
    old, new = user.email, user.pending_email
    if not new:
        return user
    if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
        raise ValidationError(_("Cette adresse est maintenant utilisée par un autre compte."))
    user.email, user.pending_email = new, ""
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "pending_email", "email_verified_at"])
    audit_record(actor=user, action="user.email_change", obj=user, label=f"#{user.pk}",
                 changes={"email": [old, new]})
    _mail_later(user, "email_changed", {"old": old, "new": new}, to=old)
    return user


@transaction.atomic
def user_change_password(*, user: User, by: User, new_password: str) -> User:
    """Set a new password (the form checked the current one and the rules); other sessions end."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Vous ne pouvez changer que votre propre mot de passe."))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=by, action="user.password_change", obj=user, label=f"#{user.pk}")
    _mail_later(user, "password_changed", {})
    return user


@transaction.atomic
def user_update_profile(*, user: User, by: User, full_name: str, preferred_language: str) -> User:
    if by.pk != user.pk and not permissions.is_site_admin(by):
        raise PermissionDenied(_("Vous ne pouvez modifier que votre propre profil."))
    fields = ["full_name", "preferred_language"]
    before = snapshot(user, fields)
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.save(update_fields=fields)
    changes = diff(before, snapshot(user, fields))
    if changes:
        audit_record(actor=by, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """Delete an account and its personal data.

    The row goes (memberships and tokens with it); audit entries keep what happened but lose the
    e-mail address: they are relabelled "compte supprimé #<id>"."""
    if by.pk != user.pk and not permissions.is_site_admin(by):
        raise PermissionDenied(_("Vous ne pouvez supprimer que votre propre compte."))
    label = f"compte supprimé #{user.pk}"
    AuditEntry.objects.filter(actor=user).update(actor=None, actor_label=label)
    AuditEntry.objects.filter(object_type=user._meta.label_lower, object_id=str(user.pk)).update(
        object_label=label, changes={}
    )
    # Memberships name the person in their label and changes; keep the event, drop the person.
    AuditEntry.objects.filter(object_type="core.membership", object_label__contains=user.email).update(
        object_label=label, changes={}
    )
    user_pk, by_self = user.pk, by.pk == user.pk
    user.delete()
    audit_record(actor=None if by_self else by, action="user.delete", obj=User(pk=user_pk), label=label)


# Organizations -----------------------------------------------------------------------------------


def _check_logo(logo: UploadedFile[Any] | None) -> None:
    from django.conf import settings

    if isinstance(logo, UploadedFile) and logo.size and logo.size > settings.LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("Le logo dépasse %(max)s Mo. Réduisez l'image et réessayez.")
                               % {"max": settings.LOGO_MAX_BYTES // (1024 * 1024)}})


@transaction.atomic
def organization_create(*, by: User, kind: str, name_fr: str, name_en: str = "", slug: str = "",
                        acronym: str = "", description_fr: str = "", description_en: str = "",
                        website: str = "", logo: UploadedFile[Any] | None = None) -> Organization:
    permissions.check_site_admin(by)
    _check_logo(logo)
    if slug and Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug}})
    org = Organization(
        slug=slug or unique_slug(Organization, acronym or name_fr, max_length=90, default="organisation"),
        kind=kind, name_fr=name_fr, name_en=name_en,
        acronym=acronym, description_fr=description_fr, description_en=description_en, website=website,
    )
    if logo is not None:
        org.logo = logo
    org.full_clean()
    org.save()
    audit_record(actor=by, action="organization.create", obj=org, organization=org,
                 changes=diff({}, snapshot(org, ORGANIZATION_FIELDS)))
    return org


@transaction.atomic
def organization_update(*, organization: Organization, by: User, **fields: Any) -> Organization:
    permissions.check_manage_organization(by, organization)
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "slug" in fields and fields["slug"] != organization.slug and not permissions.is_site_admin(by):
        raise PermissionDenied(_("Seul un administrateur du site peut changer l'identifiant."))
    _check_logo(fields.get("logo"))
    before = snapshot(organization, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        if name == "logo" and value is None:
            continue
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    changes = diff(before, snapshot(organization, ORGANIZATION_FIELDS))
    if changes:
        audit_record(actor=by, action="organization.update", obj=organization,
                     organization=organization, changes=changes)
    return organization


# Memberships -------------------------------------------------------------------------------------


def _admins_left(organization: Organization, excluding: Membership) -> bool:
    return organization.memberships.filter(role=Role.ADMIN).exclude(pk=excluding.pk).exists()


@transaction.atomic
def membership_set(*, organization: Organization, by: User, email: str, role: str,
                   is_open_gov_contact: bool = False) -> Membership:
    """Add a person to an organization with a role, or change the role they have."""
    permissions.check_manage_organization(by, organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s. Choisissez admin, editor ou member.")
                               % {"role": role}})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": _("Aucun compte n'utilise l'adresse %(email)s. La personne doit "
                                          "d'abord s'inscrire.") % {"email": email}})
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role,
                                                        "is_open_gov_contact": is_open_gov_contact}
    )
    if created:
        audit_record(actor=by, action="membership.create", obj=membership, organization=organization,
                     label=f"{user.email} @ {organization.slug}",
                     changes={"role": [None, role], "is_open_gov_contact": [None, is_open_gov_contact]})
        return membership
    if membership.role == Role.ADMIN and role != Role.ADMIN and not _admins_left(organization, membership):
        raise ValidationError({"role": _("Une organisation doit garder au moins un administrateur.")})
    before = snapshot(membership, ["role", "is_open_gov_contact"])
    membership.role = role
    membership.is_open_gov_contact = is_open_gov_contact
    membership.save(update_fields=["role", "is_open_gov_contact"])
    changes = diff(before, snapshot(membership, ["role", "is_open_gov_contact"]))
    if changes:
        audit_record(actor=by, action="membership.update", obj=membership, organization=organization,
                     label=f"{user.email} @ {organization.slug}", changes=changes)
    return membership


INVITATION_SALT = "ouvert.core.services.membership_invite"
INVITATION_DAYS = 14


def membership_invite(*, organization: Organization, by: User, email: str, role: str) -> str:
    """Invite an address to join with a role: a signed link, valid ``INVITATION_DAYS`` days, that the
    person accepts once signed in with that very address (creating the account first if needed).
    Returns the link's token."""
    from django.core import signing

    permissions.check_manage_organization(by, organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s. Choisissez admin, editor ou member.")
                               % {"role": role}})
    address = User.objects.normalize_email(email).strip().lower()
    token = signing.dumps({"o": str(organization.pk), "e": address, "r": role}, salt=INVITATION_SALT)
    audit_record(actor=by, action="membership.invite", obj=organization, organization=organization,
                 label=f"{address} @ {organization.slug}", changes={"role": [None, role]})
    from .mail import mail_person

    # The invited person may have no account yet: the mail goes in the inviter's language.
    mail_person(user=User(email=address, preferred_language=by.preferred_language),
                template="core/email/invitation", to=address, context={
                    "organization": organization, "role": Role(role).label, "by": by, "token": token,
                    "days": INVITATION_DAYS})
    return token


def invitation_read(*, token: str) -> tuple[Organization, str, str] | None:
    """(organization, address, role) of a valid invitation link, else None (forged or expired)."""
    from django.core import signing

    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 86400)
    except signing.BadSignature:
        return None
    organization = Organization.objects.filter(pk=data.get("o")).first()
    if organization is None or data.get("r") not in Role.values:
        return None
    return organization, str(data.get("e", "")), str(data["r"])


@transaction.atomic
def membership_accept_invitation(*, token: str, by: User) -> Membership:
    """The invited person, signed in with the invited address, joins (an existing membership keeps
    the higher of its role and the invited one)."""
    found = invitation_read(token=token)
    if found is None:
        raise ValidationError(_("Cette invitation n'est plus valable : demandez-en une nouvelle à "
                                "l'administrateur de l'organisation."))
    organization, address, role = found
    if by.email.lower() != address or by.email_verified_at is None:
        raise PermissionDenied(_("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
                               % {"email": address})
    rank = {Role.MEMBER: 0, Role.EDITOR: 1, Role.ADMIN: 2}
    membership, created = Membership.objects.get_or_create(user=by, organization=organization,
                                                           defaults={"role": role})
    if created or rank[Role(role)] > rank[Role(membership.role)]:
        before = None if created else membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(actor=by, action="membership.invite_accept", obj=membership, organization=organization,
                     label=f"{by.email} @ {organization.slug}", changes={"role": [before, role]})
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    organization = membership.organization
    permissions.check_manage_organization(by, organization)
    if membership.role == Role.ADMIN and not _admins_left(organization, membership):
        raise ValidationError(_("Une organisation doit garder au moins un administrateur."))
    label = f"{membership.user.email} @ {organization.slug}"
    audit_record(actor=by, action="membership.delete", obj=membership, organization=organization,
                 label=label, changes={"role": [membership.role, None]})
    membership.delete()


# API tokens --------------------------------------------------------------------------------------


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, by: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, shown once and never stored."""
    if by.pk != user.pk and not permissions.is_site_admin(by):
        raise PermissionDenied(_("Vous ne pouvez créer des jetons que pour vous-même."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au jeton (par exemple « script de moissonnage »).")})
    prefix = get_random_string(8, "abcdefghijklmnopqrstuvwxyz0123456789")
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=prefix, digest=token_digest(secret))
    audit_record(actor=by, action="token.create", obj=token, label=f"{name} ({prefix}…)")
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if by.pk != token.user_id and not permissions.is_site_admin(by):
        raise PermissionDenied(_("Vous ne pouvez révoquer que vos propres jetons."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="token.revoke", obj=token, label=str(token))
    return token


def token_authenticate(secret: str) -> User | None:
    """The active user a token secret belongs to, or None. Records the last use (at most hourly)."""
    secret = secret.strip()
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(digest=token_digest(secret), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# Tasks -------------------------------------------------------------------------------------------


def task_requeue_stuck(*, by: User, ids: list[str]) -> int:
    """Put back in the queue the tasks among ``ids`` that are stuck ("running" for longer than
    ``TASK_STUCK_SECONDS``: their worker died holding them). Every task may run twice
    (docs/operations.md), so a stuck one is run again from the start. Site admins only. With RabbitMQ
    the row's message is published again once the change commits. Returns how many were re-queued."""
    import datetime as dt

    from django.conf import settings
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not permissions.is_site_admin(by):
        raise PermissionDenied(_("Seul un administrateur du site peut remettre des tâches en file."))
    stuck_before = timezone.now() - dt.timedelta(seconds=int(settings.TASK_STUCK_SECONDS))
    with transaction.atomic():
        rows = list(DBTaskResult.objects.select_for_update()
                    .filter(pk__in=ids, status=TaskResultStatus.RUNNING, started_at__lt=stuck_before))
        for row in rows:
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.READY, started_at=None)
            audit_record(actor=by, action="task.requeue", obj=row, label=row.task_path[:300],
                         changes={"status": ["RUNNING", "READY"], "started_at": [row.started_at, None]})
        if settings.TASK_BROKER_URL and rows:
            from .task_celery import publish

            requeued = [str(row.pk) for row in rows]
            transaction.on_commit(lambda: [publish(result_id) for result_id in requeued])
    return len(rows)
