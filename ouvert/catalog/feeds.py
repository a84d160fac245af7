"""Atom feed of recently updated datasets. The feed of each followable thing (dataset, organization,
keyword, saved search) is core's :class:`ouvert.core.feeds.FollowableFeed`, served at
``donnees/fil/<kind>/<key>/`` too."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
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
