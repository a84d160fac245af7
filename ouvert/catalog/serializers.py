"""JSON twins of the HTML pages (the same shapes as the native API's output schemas)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from .models import Dataset, DatasetRequest, Resource, Reuse


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def resource_json(resource: Resource, request: HttpRequest | None = None) -> dict[str, Any]:
    download = reverse("catalog:resource_download", kwargs={"name": resource.dataset.name, "pk": resource.pk})
    return {
        "id": str(resource.id), "dataset": resource.dataset.name, "position": resource.position,
        "name": resource.name, "description": resource.description, "format": resource.format,
        "kind": "upload" if resource.file else "link", "url": resource.url or None,
        "download_url": _absolute(request, download), "size": resource.size, "sha256": resource.sha256 or None,
        "encoding": resource.encoding or None, "last_modified": resource.last_modified.isoformat(),
        "data_dictionary": resource.data_dictionary, "download_count": resource.download_count,
    }


def dataset_json(dataset: Dataset, request: HttpRequest | None = None,
                 resources: list[Resource] | None = None) -> dict[str, Any]:
    data = {
        "id": str(dataset.id), "name": dataset.name, "title": dataset.title, "notes": dataset.notes,
        "url": _absolute(request, dataset.get_absolute_url()),
        "organization": dataset.organization.slug, "licence": dataset.licence.slug,
        "licence_is_open": dataset.licence.is_open,
        "update_frequency": dataset.update_frequency, "state": dataset.state, "private": dataset.private,
        "is_reference": dataset.is_reference, "quality_score": dataset.quality_score,
        "openness_stars": dataset.openness_stars, "conforms": dataset.conforms,
        "updated_at": dataset.updated_at.isoformat(),
        "first_published_at": dataset.first_published_at.isoformat() if dataset.first_published_at else None,
    }
    if resources is not None:
        data.update({
            "keywords": [k.name for k in dataset.keywords.all()], "themes": [t.slug for t in dataset.themes.all()],
            "contact_name": dataset.contact_name, "contact_email": dataset.contact_email,
            "spatial": dataset.spatial,
            "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
            "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
            "source_url": dataset.source_url, "language": dataset.language, "version_notes": dataset.version_notes,
            "resources": [resource_json(r, request) for r in resources],
        })
    return data


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
