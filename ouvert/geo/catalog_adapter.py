"""The bridge to the catalogue app (issue 3), used only for display: a dataset's title and URL.

The catalogue calls this app through :func:`ouvert.geo.selectors.datasets_intersecting` and
:func:`ouvert.geo.selectors.dataset_spatial_coverage`; this module is the other direction. When
the catalogue is not installed, layers are listed by their own names."""

from __future__ import annotations

import datetime as dt
import re
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


def dataset_names(dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The catalogue name of each dataset (what ``/api/v1/datasets/{name}`` and ``package_show`` take), in
    one query; empty without the catalogue."""
    if not apps.is_installed("ouvert.catalog") or not dataset_ids:
        return {}
    rows = apps.get_model("catalog", "Dataset").objects.filter(pk__in=dataset_ids).values_list("pk", "name")
    return dict(rows)


_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,7}$")


def resource_layer_name(resource_id: uuid.UUID) -> str:
    """The name a resource's map layer takes: the resource's own name, or the dataset's title when
    the resource is only named after its file (``merge.zip``): never an archive's inner file name.
    Empty without the catalogue or the resource."""
    if not apps.is_installed("ouvert.catalog"):
        return ""
    row = apps.get_model("catalog", "Resource").objects.filter(pk=resource_id).values_list(
        "name", "file", "dataset__title").first()
    if row is None:
        return ""
    name, stored, title = (value or "" for value in row)
    if not name.strip() or name == stored.rsplit("/", 1)[-1] or _FILE_NAME.search(name.strip()):
        return title[:200]
    return name.strip()[:200]


def resource_dataset_id(resource_id: uuid.UUID) -> uuid.UUID | None:
    if not apps.is_installed("ouvert.catalog"):
        return None
    return apps.get_model("catalog", "Resource").objects.filter(pk=resource_id).values_list(
        "dataset_id", flat=True).first()


def demo_dataset_publish(*, name: str, organization, title: str, title_en: str, notes: str, notes_en: str,
                         keywords: str, keywords_en: str, filename: str, data: bytes,
                         data_dictionary: list[dict[str, str]] | None = None) -> uuid.UUID | None:
    """For the demo: a published dataset of ``organization`` holding one uploaded file, written
    through the catalogue's services by the first site administrator; the resource's id, or None
    when it exists already (or without catalogue or administrator)."""
    if not apps.is_installed("ouvert.catalog"):
        return None
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.catalog import services

    dataset_model = apps.get_model("catalog", "Dataset")
    if dataset_model.objects.filter(name=name).exists():
        return None
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        return None
    dataset = services.dataset_create(
        by=admin, organization=organization, title=title, name=name, notes=notes, title_en=title_en,
        notes_en=notes_en, keywords=keywords, keywords_en=keywords_en, spatial="Québec (province)",
        themes=list(apps.get_model("catalog", "Theme").objects.filter(slug="territoire")),
        contact_name="Équipe des données ouvertes", update_frequency="irregular",
        contact_email=f"donnees.ouvertes@{organization.slug}.demo.ouvert.quebec",
        temporal_start=dt.date(2026, 5, 1),
        source_url="https://www.donneesquebec.ca/recherche/dataset/decoupages-administratifs")
    resource = services.resource_create(dataset=dataset, by=admin, file=SimpleUploadedFile(filename, data),
                                        name=filename, data_dictionary=data_dictionary)
    services.dataset_publish(dataset=dataset, by=admin)
    return resource.pk
