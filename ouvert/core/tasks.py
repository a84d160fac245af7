"""Background work of the core: sending e-mail outside the request."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def email_send(*, subject: str, body: str, to: list[str], html: str | None = None,
               headers: dict[str, str] | None = None) -> int:
    """Send one e-mail through the configured backend (console in dev, SMTP in production)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
