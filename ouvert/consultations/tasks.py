"""Background e-mails to followers (through core's notices) and authors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

if TYPE_CHECKING:
    from .models import Consultation


def _notify_followers(consultation: Consultation, event: str, subject: str) -> int:
    """Hand the event to core (:func:`ouvert.core.notices.notify`): followers get the e-mail, webhooks
    the event. Returns the number of followers, for the caller's log."""
    from ouvert.core import actors
    from ouvert.core.models import Follow
    from ouvert.core.notices import notify

    notify(kind="consultation", key=consultation.pk, event=event, summary=subject, subject=subject,
           params={"title": consultation.title}, by=actors.SCHEDULE)
    return Follow.objects.filter(kind="consultation", key=str(consultation.pk), user__is_active=True).count()


OPENED_SUBJECT = gettext_noop("La consultation « %(title)s » est ouverte")
RESULTS_SUBJECT = gettext_noop("Les résultats de « %(title)s » sont publiés")


@task()
def notify_consultation_opened(consultation_id: int) -> int:
    """Tell followers that the participation is open (once)."""
    from .models import Consultation, Phase

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None or consultation.phase != Phase.PARTICIPATION or consultation.opened_notified_at:
        return 0
    sent = _notify_followers(consultation, "consultation.opened", OPENED_SUBJECT)
    Consultation.objects.filter(pk=consultation_id).update(opened_notified_at=timezone.now())
    return sent


@task()
def notify_results_published(consultation_id: int) -> int:
    from .models import Consultation

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    return _notify_followers(consultation, "consultation.results_published", RESULTS_SUBJECT)


@task()
def survey_receipt_send(participation_id: int, count: int) -> int:
    """The receipt of a sent survey, rendered and sent here rather than in the request that sent it
    (queued once that request commits). ``count``: the answers kept, as the submission wrote them."""
    from ouvert.core.mail import mail_render
    from ouvert.core.tasks import email_send

    from .models import Participation

    participation = (Participation.objects.select_related("consultation", "user")
                     .filter(pk=participation_id, submitted_at__isnull=False).first())
    if participation is None or participation.user is None:
        return 0
    consultation = participation.consultation
    subject, body = mail_render(user=participation.user, template="consultations/email/survey_receipt", context={
        "consultation": consultation, "submitted_at": participation.submitted_at, "count": count,
        "reference": f"{consultation.slug}-{participation.pk}"})
    return email_send.call(subject=subject, body=body, to=[participation.user.email])


@task()
def notify_proposal_answered(proposal_id: int) -> int:
    from django.core.mail import send_mail

    from .models import Proposal

    proposal = Proposal.objects.select_related("author", "consultation").filter(pk=proposal_id).first()
    if proposal is None or proposal.author is None:
        return 0
    with translation.override(proposal.author.preferred_language or "fr"):
        send_mail(
            _("Votre proposition « %(title)s » a reçu une réponse") % {"title": proposal.title},
            _("Statut : %(status)s\n\n%(answer)s\n\n%(url)s\n") % {
                "status": proposal.get_status_display(), "answer": proposal.official_answer,
                "url": settings.SITE_URL + proposal.get_absolute_url()},
            settings.DEFAULT_FROM_EMAIL, [proposal.author.email])
    return 1
