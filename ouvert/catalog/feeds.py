"""Atom feeds: recently updated datasets, and one per followable thing."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .markup import render_markdown
from .models import Dataset


class RecentFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Ouvert : jeux de données mis à jour récemment")

    def link(self) -> str:
        return reverse("catalog:search")

    def items(self):
        return selectors.public_datasets().select_related("organization").order_by("-updated_at")[:50]

    def item_title(self, item: Dataset) -> str:
        return item.title

    def item_description(self, item: Dataset) -> str:
        return render_markdown(item.notes)

    def item_updateddate(self, item: Dataset):
        return item.updated_at

    def item_pubdate(self, item: Dataset):
        return item.first_published_at or item.created_at

    def item_author_name(self, item: Dataset) -> str:
        return item.organization.name


class FollowFeed(RecentFeed):
    """``kind`` is dataset (its name), organization (slug), keyword, or search (a query string)."""

    def get_object(self, request, kind: str, target: str):
        if kind not in {"dataset", "organization", "keyword", "search"}:
            raise Http404
        return kind, target

    def title(self, obj: tuple[str, str]) -> str:  # type: ignore[override]  # Feed passes the object when there is one
        kind, target = obj
        return _("Ouvert : %(target)s") % {"target": target}

    def items(self, obj: tuple[str, str]) -> QuerySet[Dataset]:  # type: ignore[override]  # as title()
        kind, target = obj
        qs = selectors.public_datasets()
        if kind == "dataset":
            qs = qs.filter(name=target)
        elif kind == "organization":
            qs = qs.filter(organization__slug=target)
        elif kind == "keyword":
            qs = qs.filter(keywords__name=target)
        else:
            params = selectors.SearchParams.from_querydict(parse_qs(target))
            params.sort = "modified"
            qs = selectors.search_datasets(params=params).queryset
        return qs.select_related("organization").order_by("-updated_at")[:50]
