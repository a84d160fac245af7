"""schema.org ``Dataset`` JSON-LD (what dataset search engines read) from the dataset read model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ouvert.api.ckan.dictize import ckan_datetime, resource_download_path, resource_mimetype
from ouvert.catalog.dcat_vocab import format_uris

from .graph import safe_uri

if TYPE_CHECKING:
    from ouvert.catalog.read_model import DatasetView, ResourceView


def _temporal(dataset: DatasetView) -> str | None:
    start, end = dataset.temporal_start, dataset.temporal_end
    if start is None and end is None:
        return None
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def resource_url(base: str, res: ResourceView) -> str:
    """The address a reader downloads a resource from: its link, or the file's CKAN address."""
    return base + resource_download_path(res) if res.is_upload else res.url


def dataset_jsonld(dataset: DatasetView, *, base: str, page_url: str | None = None) -> dict[str, Any]:
    url = page_url or f"{base}/dataset/{dataset.name}"
    org = dataset.organization
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": dataset.title or dataset.name,
        "description": (dataset.notes or dataset.title or dataset.name or "")[:5000],
        "identifier": str(dataset.id),
        "keywords": list(dataset.keywords),
        "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "Ouvert", "url": f"{base}/"},
    }
    if dataset.licence.url or dataset.licence.slug:
        data["license"] = dataset.licence.url or f"{base}/licence/{dataset.licence.slug}"
    agent = {"@type": "Organization", "name": org.name_fr or org.slug, "url": f"{base}/organization/{org.slug}"}
    data["creator"] = agent
    data["publisher"] = agent
    for value, prop in ((dataset.created_at, "dateCreated"), (dataset.updated_at, "dateModified")):
        if value is not None:
            data[prop] = ckan_datetime(value)
    if _temporal(dataset):
        data["temporalCoverage"] = _temporal(dataset)
    if dataset.spatial:
        data["spatialCoverage"] = dataset.spatial
    if dataset.language:
        data["inLanguage"] = [dataset.language]
    if dataset.contact_email:
        # contactPoint is a property of an Organization (or Person) in schema.org, not of a Dataset: the
        # dataset's contact is the publisher's point of contact for it.
        data["publisher"] = {**agent, "contactPoint": {"@type": "ContactPoint", "contactType": "customer service",
                                                       "name": dataset.contact_name, "email": dataset.contact_email}}
    distributions = []
    for res in dataset.resources:
        address = resource_url(base, res)
        link = safe_uri(address)
        if not link:
            continue
        item: dict[str, Any] = {"@type": "DataDownload", "name": res.name or address, "contentUrl": str(link)}
        _eu, mime = format_uris(res.format)
        guessed = resource_mimetype(res)
        if guessed or mime:
            item["encodingFormat"] = guessed or (mime or "").rsplit("media-types/", 1)[-1]
        elif res.format:
            item["encodingFormat"] = res.format
        if res.size is not None:
            item["contentSize"] = str(res.size)
        distributions.append(item)
    if distributions:
        data["distribution"] = distributions
    return data
