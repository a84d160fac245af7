"""The shared cache of catalogue searches, keyed by the catalogue's version.

A public search (no rectangle) gives every reader the same answer, so its pieces — the language the
query was matched in, the facet counts and the total, the ids of a ranked page — are kept in the
shared cache under a key that holds the catalogue's version (``CatalogueVersion``, bumped in the
transaction of every reindex, removal or reference-badge change, see ``search.catalogue_changed``)
and the organizations' last change (their kind is a facet, their name is on every row). Once a
change has committed, whichever process made it, the next search computes afresh: nothing is read
from before the change. The rows themselves (titles, organizations) are always read from the
database; only their ids are cached, and never for the "popular" sort, whose counters move without
a new version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connections, router

from ouvert.core.models import Organization

SECONDS = 600
T = TypeVar("T")


def version_identity() -> str:
    """The catalogue's version and the organizations' last change: part of every key."""
    from .models import CatalogueVersion

    # The database the search reads (the replica under ``replica_reads``): the version read with the
    # data it numbers, so a lagging replica's counts are never stored under a newer number.
    connection = connections[router.db_for_read(CatalogueVersion)]
    organizations = connection.ops.quote_name(Organization._meta.db_table)
    version = connection.ops.quote_name(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:  # one statement: only the tables' names are interpolated
        cursor.execute(f"SELECT (SELECT number FROM {version} WHERE id = 1), MAX(updated_at), COUNT(*) "  # noqa: S608
                       f"FROM {organizations}")
        number, changed, n = cursor.fetchone()
    return str((number or 0, str(changed), n))


def key(kind: str, *parts: object) -> str:
    """A memcached-safe key for ``parts`` (hashed: the user's text never reaches the key as is)."""
    return f"catalog:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def remembered(cache_key: str, compute: Callable[[], T]) -> T:
    """The cached value of ``cache_key``, computed and stored when absent."""
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, SECONDS)
    return value
