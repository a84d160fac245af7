"""Micro-acquisitions' part of the access model (:mod:`ouvert.core.access`).

- ``procurement_call`` (keyed by the call's id): public once published (any state but draft);
  a draft only for the buying body's members and site admins.
- ``procurement_bids`` (keyed by the call's id): the opened content of a call's bids, never public;
  for the buying body's members and site admins, and only once the bids are opened. Before that
  the standing is "not found" for everyone: there is nothing to read, the content being sealed.
- ``procurement_software`` (keyed by the entry's id): a free-software catalogue entry, public once
  published; an unpublished one only for its maintaining body's members and site admins.
- ``procurement_accompaniment`` (keyed by the request's id): never public; for the requesting
  body's members and site admins (the team that answers).
- Stored files under ``procurement/attachments/``: a call's attachments, with the call's standing
  (a draft call's attachment only for its body's members and site admins); a file no attachment
  row names has no standing (served to nobody).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Hashable
from typing import Any

from django.db.models import Q, QuerySet

from ouvert.core import access
from ouvert.core.access import Standing
from ouvert.core.bounds import INT64_MAX

from .models import Accompaniment, Call, CallAttachment, CallState, Software


def _int(key: Any) -> int | None:
    """A primary key, or None for anything that cannot be one (text, beyond 64 bits)."""
    try:
        number = int(key)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= INT64_MAX else None


def call_standing(call: Call) -> Standing:
    return Standing(organization_id=call.organization_id, public=call.state != CallState.DRAFT)


class CallPolicy:
    kind = "procurement_call"

    def normalize(self, key: Any) -> Hashable | None:
        return _int(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Call.objects.filter(pk__in=list(keys)).values_list("pk", "organization_id", "state")
        return {pk: Standing(organization_id=org, public=state != CallState.DRAFT) for pk, org, state in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Call.objects.all()
        if organization_ids is not None:
            rows = rows.filter(~Q(state=CallState.DRAFT) | Q(organization_id__in=list(organization_ids)))
        return rows.values_list("pk", flat=True)


class BidsPolicy:
    kind = "procurement_bids"

    def normalize(self, key: Any) -> Hashable | None:
        return _int(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Call.objects.filter(pk__in=list(keys), opened_at__isnull=False).values_list("pk", "organization_id")
        return {pk: Standing(organization_id=org, public=False) for pk, org in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Call.objects.filter(opened_at__isnull=False)
        if organization_ids is not None:
            rows = rows.filter(organization_id__in=list(organization_ids))
        return rows.values_list("pk", flat=True)


class SoftwarePolicy:
    kind = "procurement_software"

    def normalize(self, key: Any) -> Hashable | None:
        return _int(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Software.objects.filter(pk__in=list(keys)).values_list("pk", "organization_id", "published")
        return {pk: Standing(organization_id=org, public=published) for pk, org, published in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Software.objects.all()
        if organization_ids is not None:
            rows = rows.filter(Q(published=True) | Q(organization_id__in=list(organization_ids)))
        return rows.values_list("pk", flat=True)


class AccompanimentPolicy:
    kind = "procurement_accompaniment"

    def normalize(self, key: Any) -> Hashable | None:
        return _int(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Accompaniment.objects.filter(pk__in=list(keys)).values_list("pk", "organization_id")
        return {pk: Standing(organization_id=org, public=False) for pk, org in rows}

    def readable_keys(self, *, organization_ids: Collection[uuid.UUID] | None) -> QuerySet[Any, Any]:
        rows = Accompaniment.objects.all()
        if organization_ids is not None:
            rows = rows.filter(organization_id__in=list(organization_ids))
        return rows.values_list("pk", flat=True)


def attachment_file_standing(name: str) -> Standing | None:
    row = (CallAttachment.objects.filter(file=name).values_list("call__organization_id", "call__state").first())
    if row is None:
        return None
    return Standing(organization_id=row[0], public=row[1] != CallState.DRAFT)


def register() -> None:
    access.register(CallPolicy())
    access.register(BidsPolicy())
    access.register(SoftwarePolicy())
    access.register(AccompanimentPolicy())
    access.register_files("procurement/attachments/", attachment_file_standing)
