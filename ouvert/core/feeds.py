"""One Atom feed for every followable object (:class:`ouvert.core.follows.FollowKind.feed`)."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .follows import FeedEntry, FollowKind, follow_kind, may_read_object


class FollowableFeed(Feed):
    """``/<lang>/suivis/fil/<kind>/<key>/``: the entries the kind lists for that object, newest first.
    An unknown kind, a missing object and one the reader may not read are the same 404."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, kind: str, key: str) -> tuple[FollowKind, object, str]:
        registered = follow_kind(kind)
        if registered is None or registered.feed is None:
            raise Http404(_("Aucun fil à cette adresse."))
        obj = registered.lookup(key)
        if obj is None or not may_read_object(None, registered, obj):
            raise Http404(_("Aucun fil à cette adresse."))
        return registered, obj, key

    def title(self, obj: tuple[FollowKind, object, str]) -> str:
        registered, item, _key = obj
        return _("Ouvert : %(target)s") % {"target": registered.title(item)}

    def link(self, obj: tuple[FollowKind, object, str]) -> str:
        registered, item, _key = obj
        return registered.url(item)

    def feed_url(self, obj: tuple[FollowKind, object, str]) -> str:
        registered, _item, key = obj
        return reverse("core:follow_feed", kwargs={"kind": registered.kind, "key": key})

    def items(self, obj: tuple[FollowKind, object, str]) -> list[FeedEntry]:
        registered, _item, key = obj
        assert registered.feed is not None  # noqa: S101 — checked in get_object
        return list(registered.feed(key))[:50]

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_link(self, item: FeedEntry) -> str:
        return item.url

    def item_description(self, item: FeedEntry) -> str:
        return item.description

    def item_updateddate(self, item: FeedEntry) -> dt.datetime:
        return item.updated

    def item_pubdate(self, item: FeedEntry) -> dt.datetime:
        return item.published or item.updated

    def item_author_name(self, item: FeedEntry) -> str:
        return item.author
