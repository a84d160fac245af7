"""The bridge to the datastore app (issue 5): a layer's attributes plus a ``geometry`` column (WKT,
WGS 84) become the datastore table of the same ``resource_id``, so that datastore_search, its
filters and its exports work on geographic resources too.

Only the datastore's public service functions are called. While the datastore app is not
installed, this does nothing: the layer itself stays queryable through the geo API."""

from __future__ import annotations

from django.apps import apps

from .models import GeoLayer
from .readers import GeoReadResult


def datastore_available() -> bool:
    return apps.is_installed("ouvert.datastore")


def datastore_load_layer(layer: GeoLayer, result: GeoReadResult) -> bool:
    """True when the rows were handed to the datastore."""
    if not datastore_available():
        return False
    raise NotImplementedError  # replaced once the datastore's service functions are merged
