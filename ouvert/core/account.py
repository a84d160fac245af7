"""What "Mon compte" shows of a person, and the export of their data (Law 25: access, portability).

Core knows the account, its memberships, tokens, follows and the audit entries the person wrote;
each domain app adds what the person did there through the ``account_activity`` AppConfig hook
(a list of :class:`AccountSection`: my proposals, answers, registrations, requests…). The page lists
every section; the export (:func:`account_export`) is the same sections with each item's ``data``,
plus the account itself, as one JSON document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .audit_display import action_label, change_rows
from .follows import follow_kind, follows_of, kind_label
from .hooks import app_hooks
from .models import AuditEntry, User

__all__ = ["AccountItem", "AccountSection", "account_export", "account_sections", "follow_rows"]

ACTIVITY_SHOWN = 30


@dataclass(frozen=True)
class AccountItem:
    title: str
    url: str = ""
    when: dt.datetime | dt.date | None = None
    status: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    """Everything about the item that belongs in the export (JSON-able)."""


@dataclass(frozen=True)
class AccountSection:
    key: str
    title: str
    items: list[AccountItem]
    empty: str = ""
    """What the page says when ``items`` is empty ("" hides the section then)."""

    @property
    def anchor(self) -> str:
        return self.key.replace(".", "-").replace("_", "-")


def follow_rows(*, user: User) -> list[AccountItem]:
    """The person's follows by title with a link (the key only when the object is gone)."""
    rows = []
    for follow in follows_of(user=user):
        registered = follow_kind(follow.kind)
        obj = registered.lookup(follow.key) if registered is not None else None
        title = registered.title(obj) if registered is not None and obj is not None else follow.key
        url = registered.url(obj) if registered is not None and obj is not None else ""
        rows.append(AccountItem(title=title, url=url, when=follow.created_at, status=kind_label(follow.kind),
                                data={"kind": follow.kind, "key": follow.key, "frequency": follow.frequency}))
    return rows


def _activity(user: User, limit: int | None) -> list[AccountItem]:
    entries = AuditEntry.objects.filter(actor=user).order_by("-created_at", "-id")
    if limit is not None:
        entries = entries[:limit]
    return [AccountItem(title=_("%(action)s : %(object)s") % {"action": action_label(e.action),
                                                               "object": e.object_label},
                        when=e.created_at,
                        data={"action": e.action, "object": e.object_label, "at": e.created_at.isoformat(),
                              "changes": {c.field: [c.before, c.after] for c in change_rows(e)}})
            for e in entries]


def account_sections(*, user: User, limit: int | None = ACTIVITY_SHOWN) -> list[AccountSection]:
    """Every section of "Mon compte" below the profile, core's first, then each app's."""
    sections = [
        AccountSection(key="core.follows", title=_("Mes suivis"), items=follow_rows(user=user),
                       empty=_("Vous ne suivez rien pour l'instant. Le bouton « Suivre » d'un jeu de données, "
                               "d'une organisation ou d'une consultation vous tient au courant.")),
    ]
    for hook in app_hooks("account_activity").values():
        sections.extend(hook(user))
    sections.append(AccountSection(key="core.activity", title=_("Mon activité récente"),
                                   items=_activity(user, limit), empty=_("Aucune activité pour l'instant.")))
    return sections


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def account_export(*, user: User, site_url: str) -> dict[str, Any]:
    """All the person's data, as one JSON-able document (links absolute)."""
    sections = account_sections(user=user, limit=None)
    return _jsonable({
        "format": "ouvert-account-export/1",
        "exported_at": dt.datetime.now(dt.UTC),
        "account": {
            "email": user.email, "full_name": user.full_name, "preferred_language": user.preferred_language,
            "date_joined": user.date_joined, "email_verified_at": user.email_verified_at,
            "pending_email": user.pending_email or None,
            "terms_version": user.terms_version or None, "terms_accepted_at": user.terms_accepted_at,
        },
        "memberships": [{"organization": m.organization.slug, "role": m.role,
                         "open_government_contact": m.is_open_gov_contact}
                        for m in user.memberships.select_related("organization")],
        "api_tokens": [{"name": t.name, "prefix": t.prefix, "created_at": t.created_at,
                        "last_used_at": t.last_used_at, "revoked_at": t.revoked_at} for t in user.api_tokens.all()],
        "sections": {s.key: [{"title": i.title, "url": site_url + i.url if i.url.startswith("/") else i.url,
                              "when": i.when, "status": i.status, **i.data} for i in s.items] for s in sections},
    })
