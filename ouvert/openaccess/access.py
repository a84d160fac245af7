"""The open-access app's part of the access model (:mod:`ouvert.core.access`).

A publication's metadata is public until it is deleted (a deleted record stays an OAI-PMH
tombstone, readable by nobody). Its deposited file (``openaccess/<publication id>/<name>``) has
no standing at all before the embargo date — no page, API, OAI-PMH record or ``/media/`` link can
serve it to anyone, site administrators included — and after it stands as the publication does.
The embargo is read from the database at the moment of the request.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ouvert.core import access
from ouvert.core.access import Standing

from .models import Publication


def _pk(key: Any) -> int | None:
    try:
        value = int(str(key))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


def publication_standing(publication: Publication) -> Standing:
    live = publication.deleted_at is None
    return Standing(organization_id=None, public=live, live=live)


class PublicationPolicy:
    kind = "publication"

    def normalize(self, key: Any) -> Hashable | None:
        return _pk(key)

    def standings(self, keys: Collection[Any]) -> dict[Any, Standing]:
        rows = Publication.objects.filter(pk__in=list(keys)).values_list("pk", "deleted_at")
        return {pk: Standing(organization_id=None, public=deleted is None, live=deleted is None)
                for pk, deleted in rows}

    def readable_keys(self, *, organization_ids: Collection[Any] | None) -> QuerySet[Any, Any]:
        qs = Publication.objects.all()
        if organization_ids is not None:
            qs = qs.filter(deleted_at__isnull=True)
        return qs.values_list("pk", flat=True)


def deposit_file_standing(name: str) -> Standing | None:
    parts = name.split("/")
    if len(parts) != 3:
        return None
    pk = _pk(parts[1])
    if pk is None:
        return None
    row = Publication.objects.filter(pk=pk, file=name).values_list("deleted_at", "embargo_until").first()
    if row is None:
        return None
    deleted_at, embargo_until = row
    if deleted_at is not None:
        return None
    if embargo_until is not None and embargo_until > timezone.localdate():
        return None  # under embargo: nobody, by any path
    return Standing(organization_id=None, public=True)


def file_readable(publication: Publication, user: Any = None) -> bool:
    """Whether the publication's file may be linked and served now (asks the access model)."""
    return bool(publication.file) and access.may_read_standing(user, access.file_standing(publication.file.name or ""))


def register() -> None:
    access.register(PublicationPolicy())
    access.register_files("openaccess/", deposit_file_standing)
