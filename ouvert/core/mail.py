"""One-to-one e-mails a service sends a person (confirmations, receipts, decisions).

:func:`mail_person` renders ``<template>.txt`` and ``<template>_subject.txt`` in the person's
preferred language, with ``site_url`` (``settings.SITE_URL``: the address served on, see
``ouvert serve``) in the context, and queues the sending task once the current transaction commits
(nothing is sent for a write that rolls back). Notices to followers go through
:mod:`ouvert.core.notices` instead."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User

__all__ = ["mail_person", "mail_render"]


def mail_render(*, user: User, template: str, context: dict[str, Any] | None = None) -> tuple[str, str]:
    """The subject and body of ``template`` for ``user``, in their language. A task that sends a
    person's mail itself (work moved out of a request) renders it with this, as :func:`mail_person` does."""
    with translation.override(user.preferred_language or "fr"):
        values = {"site_url": settings.SITE_URL, "uid": urlsafe_base64_encode(force_bytes(user.pk)), "user": user,
                  **(context or {})}
        subject = "".join(render_to_string(f"{template}_subject.txt", values).splitlines())
        body = render_to_string(f"{template}.txt", values)
    return subject, body


def mail_person(*, user: User, template: str, context: dict[str, Any] | None = None, to: str = "") -> None:
    """Queue one e-mail to ``user`` (or to ``to``, an address of theirs not yet confirmed)."""
    from .tasks import email_send

    subject, body = mail_render(user=user, template=template, context=context)
    recipients = [to or user.email]
    transaction.on_commit(lambda: email_send.enqueue(subject=subject, body=body, to=recipients))
