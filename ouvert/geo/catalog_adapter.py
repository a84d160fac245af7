"""The bridge to the catalogue app (issue 3), used only for display: a dataset's title and URL.

The catalogue calls this app through :func:`ouvert.geo.selectors.datasets_intersecting` and
:func:`ouvert.geo.selectors.dataset_spatial_coverage`; this module is the other direction. When
the catalogue is not installed, layers are listed by their own names."""

from __future__ import annotations

import uuid

from django.apps import apps


def dataset_summary(dataset_id: uuid.UUID) -> dict | None:
    """{"title": ..., "url": ...} for a catalogue dataset, or None."""
    if not apps.is_installed("ouvert.catalog"):
        return None
    try:
        model = apps.get_model("catalog", "Dataset")
    except LookupError:
        return None
    field = "uuid" if any(f.name == "uuid" for f in model._meta.get_fields()) else "pk"
    dataset = model.objects.filter(**{field: dataset_id}).first()
    if dataset is None:
        return None
    title = getattr(dataset, "title", None) or str(dataset)
    url = dataset.get_absolute_url() if hasattr(dataset, "get_absolute_url") else ""
    return {"title": title, "url": url}
