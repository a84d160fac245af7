"""Background e-mails to followers and authors."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task


def _mail_followers(consultation, subject_fr: str, body_fr: str) -> int:
    from .models import Follow

    messages = []
    for follow in Follow.objects.filter(consultation=consultation).select_related("user"):
        user = follow.user
        with translation.override(user.preferred_language or "fr"):
            url = settings.SITE_URL + consultation.get_absolute_url()
            messages.append((_(subject_fr) % {"title": consultation.title},
                             _(body_fr) % {"title": consultation.title, "url": url},
                             settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


OPENED_SUBJECT = gettext_noop("La consultation « %(title)s » est ouverte")
OPENED_BODY = gettext_noop("Vous suivez la consultation « %(title)s ». Vous pouvez maintenant y participer :\n"
                           "%(url)s\n")
RESULTS_SUBJECT = gettext_noop("Les résultats de « %(title)s » sont publiés")
RESULTS_BODY = gettext_noop("Les résultats de la consultation « %(title)s » et ce que l'organisation en a fait sont "
                            "en ligne :\n%(url)s\n")


@task()
def notify_consultation_opened(consultation_id: int) -> int:
    """Tell followers that the participation is open (once)."""
    from .models import Consultation, Phase

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None or consultation.phase != Phase.PARTICIPATION or consultation.opened_notified_at:
        return 0
    sent = _mail_followers(consultation, OPENED_SUBJECT, OPENED_BODY)
    Consultation.objects.filter(pk=consultation_id).update(opened_notified_at=timezone.now())
    return sent


@task()
def notify_results_published(consultation_id: int) -> int:
    from .models import Consultation

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    return _mail_followers(consultation, RESULTS_SUBJECT, RESULTS_BODY)


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
