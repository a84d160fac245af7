"""The catalogue's followable kinds and webhook events (registered with :mod:`ouvert.core.follows`
and :mod:`ouvert.core.webhooks` from ``CatalogConfig.ready()``).

People follow a dataset (its id), an organization (its slug), a keyword or a saved search (its
query string). A change to a dataset reaches the followers of the dataset, of its organization,
of its keywords and of every saved search it matches; :func:`ouvert.core.notices.notify` sends it,
only to people who may read the dataset now.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouvert.core import follows, webhooks
from ouvert.core.follows import FeedEntry, FollowKind
from ouvert.core.models import Follow, Organization

from .markup import render_markdown
from .models import Dataset

__all__ = ["EVENTS", "register"]

EVENTS = {
    "dataset.created": _("Jeu de données publié"),
    "dataset.updated": _("Jeu de données modifié"),
    "dataset.deleted": _("Jeu de données retiré"),
    "resource.changed": _("Ressource ajoutée, modifiée ou retirée"),
}


def _dataset(key: str) -> Dataset | None:
    try:
        pk = uuid.UUID(str(key))
    except (ValueError, TypeError):
        return Dataset.objects.select_related("organization").filter(name=str(key)[:100]).first()
    return Dataset.objects.select_related("organization").filter(pk=pk).first()


def _entries(qs: QuerySet[Dataset]) -> list[FeedEntry]:
    return [FeedEntry(title=d.title, url=d.get_absolute_url(), updated=d.updated_at,
                      description=render_markdown(d.notes), published=d.first_published_at or d.created_at,
                      author=d.organization.name)
            for d in qs.select_related("organization").order_by("-updated_at")[:50]]


def _public() -> QuerySet[Dataset]:
    from .selectors import public_datasets

    return public_datasets()


def _search(key: str) -> QuerySet[Dataset]:
    from .selectors import SearchParams, search_datasets

    params = SearchParams.from_querydict(parse_qs(key))
    params.sort = "modified"
    return search_datasets(params=params, user=None).queryset


def dataset_reach(key: str) -> Q:
    """The follows a change to the dataset ``key`` reaches."""
    dataset = _dataset(key)
    if dataset is None:
        return Q(pk__in=[])
    keywords = [k.name for k in dataset.keywords.all()]
    reach = (Q(kind="dataset", key=str(dataset.pk)) | Q(kind="organization", key=dataset.organization.slug)
             | Q(kind="keyword", key__in=keywords))
    matching = [query for query in Follow.objects.filter(kind="search").values_list("key", flat=True).distinct()
                if _search(query).filter(pk=dataset.pk).exists()]
    if matching:
        reach |= Q(kind="search", key__in=matching)
    return reach


def _search_title(key: str) -> str:
    words = " ".join(parse_qs(key).get("q", []))
    return gettext("recherche « %(q)s »") % {"q": words or key}


def register() -> None:
    follows.register(FollowKind(
        kind="dataset", label=_("Jeu de données"), lookup=_dataset,
        title=lambda obj: obj.title if isinstance(obj, Dataset) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Dataset) else "",
        access_ref=lambda obj: ("dataset", obj.pk) if isinstance(obj, Dataset) else None,
        reach=dataset_reach,
        feed=lambda key: _entries(_public().filter(pk__in=[d.pk for d in [_dataset(key)] if d is not None])),
    ))
    follows.register(FollowKind(
        kind="organization", label=_("Organisation"),
        lookup=lambda key: Organization.objects.filter(slug=key[:100]).first(),
        title=lambda obj: obj.name if isinstance(obj, Organization) else "",
        url=lambda obj: obj.get_absolute_url() if isinstance(obj, Organization) else "",
        feed=lambda key: _entries(_public().filter(organization__slug=key)),
    ))
    follows.register(FollowKind(
        kind="keyword", label=_("Mot-clé"), lookup=lambda key: key or None,
        title=lambda obj: str(obj), url=lambda obj: reverse("catalog:search") + "?" + urlencode({"keyword": obj}),
        feed=lambda key: _entries(_public().filter(keywords__name=key)),
    ))
    follows.register(FollowKind(
        kind="search", label=_("Recherche sauvegardée"), lookup=lambda key: key or None,
        title=lambda obj: _search_title(str(obj)), url=lambda obj: reverse("catalog:search") + "?" + str(obj),
        feed=lambda key: _entries(_search(key)),
    ))
    for code, label in EVENTS.items():
        webhooks.register_event(code, label)
