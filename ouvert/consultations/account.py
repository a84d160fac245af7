"""The consultations part of "Mon compte" and of the export of a person's data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ouvert.core.account import AccountItem, AccountSection
from ouvert.core.models import User

from .models import Brief, Comment, Participation, Proposal, Registration


def account_activity(user: User) -> list[AccountSection]:
    proposals = [AccountItem(title=p.title, url=p.consultation.get_absolute_url(), when=p.created_at,
                             status=p.get_status_display(),
                             data={"consultation": p.consultation.title, "body": p.body, "hidden": p.hidden,
                                   "official_answer": p.official_answer})
                 for p in Proposal.objects.filter(author=user).select_related("consultation").order_by("-created_at")]
    comments = [AccountItem(title=c.body[:120], url=c.consultation.get_absolute_url(), when=c.created_at,
                            status=_("masqué") if c.hidden else "",
                            data={"consultation": c.consultation.title, "body": c.body})
                for c in Comment.objects.filter(author=user).select_related("consultation").order_by("-created_at")]
    briefs = [AccountItem(title=b.title, url=b.consultation.get_absolute_url(), when=b.created_at,
                          data={"consultation": b.consultation.title, "summary": b.summary,
                                "organization_name": b.organization_name})
              for b in Brief.objects.filter(author=user).select_related("consultation").order_by("-created_at")]
    answers, drafts = [], []
    participations = (Participation.objects.filter(user=user).select_related("consultation")
                      .prefetch_related("answers__question").order_by("-created_at"))
    for p in participations:
        values = {a.question.label: a.value if a.value is not None else a.text for a in p.answers.all()}
        if p.submitted_at is not None:
            answers.append(AccountItem(title=p.consultation.title, url=p.consultation.get_absolute_url(),
                                       when=p.submitted_at, status=_("envoyé"), data={"answers": values}))
        elif p.consultation.is_open:
            url = reverse("consultations:survey", kwargs={"slug": p.consultation.slug, "token": p.resume_token,
                                                          "page": p.current_page})
            drafts.append(AccountItem(title=p.consultation.title, url=url, when=p.updated_at,
                                      status=_("brouillon : reprendre"), data={"answers": values}))
    registrations = [AccountItem(title=r.event.title, url=r.event.consultation.get_absolute_url(),
                                 when=r.event.starts_at,
                                 status=_("liste d'attente") if r.waitlisted else _("inscrit"),
                                 data={"consultation": r.event.consultation.title, "place": r.event.place,
                                       "registered_at": r.created_at.isoformat()})
                     for r in Registration.objects.filter(user=user).select_related("event__consultation")
                     .order_by("-event__starts_at")]
    return [
        AccountSection(key="consultations.answers", title=_("Mes réponses aux questionnaires"), items=answers,
                       empty=_("Vous n'avez répondu à aucun questionnaire.")),
        AccountSection(key="consultations.drafts", title=_("Mes questionnaires commencés"), items=drafts),
        AccountSection(key="consultations.proposals", title=_("Mes propositions"), items=proposals,
                       empty=_("Vous n'avez fait aucune proposition.")),
        AccountSection(key="consultations.comments", title=_("Mes commentaires"), items=comments),
        AccountSection(key="consultations.briefs", title=_("Mes mémoires"), items=briefs),
        AccountSection(key="consultations.registrations", title=_("Mes inscriptions aux rencontres"),
                       items=registrations, empty=_("Vous n'êtes inscrit à aucune rencontre.")),
    ]
