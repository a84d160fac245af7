"""JSON twins of the HTML pages (the same shapes as the native API's output schemas), built from the
typed read model (:mod:`ouvert.catalog.read_model`) in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from .models import Dataset, DatasetRequest, Resource, Reuse
from .read_model import DatasetSummary, DatasetView, ResourceView, dataset_summaries, dataset_view, resource_views


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def resource_json(resource: ResourceView, *, dataset: str, request: HttpRequest | None = None) -> dict[str, Any]:
    """A resource of the dataset named ``dataset``."""
    download = reverse("catalog:resource_download", kwargs={"name": dataset, "pk": resource.id})
    return {
        "id": str(resource.id), "dataset": dataset, "position": resource.position,
        "name": resource.name, "description": resource.description, "format": resource.format,
        "kind": "upload" if resource.is_upload else "link", "url": resource.url or None,
        "download_url": _absolute(request, download), "size": resource.size, "sha256": resource.sha256 or None,
        "encoding": resource.encoding or None, "last_modified": resource.last_modified.isoformat(),
        "data_dictionary": resource.data_dictionary, "download_count": resource.download_count,
    }


def resources_json(resources: Iterable[Resource], request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """Resources fetched with their dataset (``select_related("dataset")``), through the read model."""
    rows = list(resources)
    names = {r.id: r.dataset.name for r in rows}
    return [resource_json(view, dataset=names[view.id], request=request) for view in resource_views(resources=rows)]


def dataset_json(dataset: DatasetView | DatasetSummary, request: HttpRequest | None = None) -> dict[str, Any]:
    """A dataset; from a full view, its keywords, themes, contact, coverage and resources too."""
    data = {
        "id": str(dataset.id), "name": dataset.name, "title": dataset.title, "notes": dataset.notes,
        "url": _absolute(request, reverse("catalog:dataset_detail", kwargs={"name": dataset.name})),
        "organization": dataset.organization.slug, "licence": dataset.licence.slug,
        "licence_is_open": dataset.licence.is_open,
        "update_frequency": dataset.update_frequency, "state": dataset.state, "private": dataset.private,
        "is_reference": dataset.is_reference, "quality_score": dataset.quality.score,
        "openness_stars": dataset.quality.openness_stars, "conforms": dataset.quality.conforms,
        "updated_at": dataset.updated_at.isoformat(),
        "first_published_at": dataset.first_published_at.isoformat() if dataset.first_published_at else None,
    }
    if isinstance(dataset, DatasetView):
        data.update({
            "keywords": list(dataset.keywords), "themes": [t.slug for t in dataset.themes],
            "contact_name": dataset.contact_name, "contact_email": dataset.contact_email,
            "spatial": dataset.spatial,
            "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
            "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
            "source_url": dataset.source_url, "language": dataset.language, "version_notes": dataset.version_notes,
            "title_en": dataset.title_en, "notes_en": dataset.notes_en, "keywords_en": list(dataset.keywords_en),
            "resources": [resource_json(r, dataset=dataset.name, request=request) for r in dataset.resources],
        })
    return data


def datasets_json(datasets: Iterable[Dataset], request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """A page of datasets (summaries) fetched with their organization and licence: no query."""
    return [dataset_json(summary, request) for summary in dataset_summaries(datasets=datasets)]


def dataset_detail_json(dataset: Dataset, request: HttpRequest | None = None) -> dict[str, Any]:
    """One dataset with its resources; the caller checked that the person may read it."""
    view = dataset_view(dataset_id=dataset.pk)
    if view is None:  # deleted meanwhile
        raise Http404
    return dataset_json(view, request)


def request_json(item: DatasetRequest) -> dict[str, Any]:
    return {
        "id": item.pk, "title": item.title, "description": item.description,
        "organization": item.organization.slug, "theme": item.theme.slug if item.theme else None,
        "status": item.status, "votes": item.vote_count, "answer": item.answer,
        "target_date": item.target_date.isoformat() if item.target_date else None,
        "decline_reason": item.decline_reason or None, "dataset": item.dataset.name if item.dataset else None,
        "created_at": item.created_at.isoformat(),
    }


def reuse_json(reuse: Reuse) -> dict[str, Any]:
    return {
        "id": reuse.pk, "title": reuse.title, "description": reuse.description, "url": reuse.url,
        "kind": reuse.kind, "image": reuse.image.url if reuse.image else None,
        "datasets": [d.name for d in reuse.datasets.all()],
        "hackathon": reuse.hackathon.slug if reuse.hackathon else None, "is_winner": reuse.is_winner,
        "created_at": reuse.created_at.isoformat(),
    }
