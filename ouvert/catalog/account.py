"""The catalogue part of "Mon compte" and of the export of a person's data: my data requests."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ouvert.core.account import AccountItem, AccountSection
from ouvert.core.models import User

from .models import DatasetRequest, RequestVote


def account_activity(user: User) -> list[AccountSection]:
    requests = [AccountItem(title=r.title, url=r.get_absolute_url(), when=r.created_at, status=r.get_status_display(),
                            data={"description": r.description, "organization": r.organization.slug})
                for r in DatasetRequest.objects.filter(author=user).select_related("organization")
                .order_by("-created_at")]
    votes = [AccountItem(title=v.request.title, url=v.request.get_absolute_url(), status=_("vote"))
             for v in RequestVote.objects.filter(user=user).select_related("request")]
    return [
        AccountSection(key="catalog.requests", title=_("Mes demandes de données"), items=requests,
                       empty=_("Vous n'avez demandé aucun jeu de données.")),
        AccountSection(key="catalog.votes", title=_("Demandes que j'appuie"), items=votes),
    ]
