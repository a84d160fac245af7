"""schema.org ``Dataset`` JSON-LD (what dataset search engines read) from a CKAN package dict."""

from __future__ import annotations

from typing import Any

from .graph import safe_uri
from .vocab import format_uris


def _temporal(pkg: dict[str, Any]) -> str | None:
    start, end = pkg.get("temporal_start") or "", pkg.get("temporal_end") or ""
    if not start and not end:
        return None
    return f"{start or '..'}/{end or '..'}"


def dataset_jsonld(pkg: dict[str, Any], *, base: str, page_url: str | None = None) -> dict[str, Any]:
    url = page_url or f"{base}/dataset/{pkg.get('name')}"
    org = pkg.get("organization") if isinstance(pkg.get("organization"), dict) else None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": pkg.get("title") or pkg.get("name"),
        "description": (pkg.get("notes") or pkg.get("title") or pkg.get("name") or "")[:5000],
        "identifier": pkg.get("id"),
        "keywords": [t.get("display_name") or t.get("name") for t in pkg.get("tags") or [] if isinstance(t, dict)],
        "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "Ouvert", "url": f"{base}/"},
    }
    if pkg.get("license_url") or pkg.get("license_id"):
        data["license"] = pkg.get("license_url") or f"{base}/licence/{pkg['license_id']}"
    if org:
        agent = {"@type": "Organization", "name": org.get("title") or org.get("name"),
                 "url": f"{base}/organization/{org.get('name')}"}
        data["creator"] = agent
        data["publisher"] = agent
    for key, prop in (("metadata_created", "dateCreated"), ("metadata_modified", "dateModified"),
                      ("version", "version")):
        if pkg.get(key):
            data[prop] = pkg[key]
    if _temporal(pkg):
        data["temporalCoverage"] = _temporal(pkg)
    if pkg.get("spatial_text") or isinstance(pkg.get("spatial"), str):
        data["spatialCoverage"] = pkg.get("spatial_text") or pkg.get("spatial")
    languages = pkg.get("language")
    if languages:
        data["inLanguage"] = languages if isinstance(languages, list) else [languages]
    if pkg.get("contact_email") or pkg.get("maintainer_email"):
        data["contactPoint"] = {"@type": "ContactPoint", "contactType": "customer service",
                                "name": pkg.get("contact_name") or pkg.get("maintainer") or "",
                                "email": pkg.get("contact_email") or pkg.get("maintainer_email")}
    distributions = []
    for res in pkg.get("resources") or []:
        if not isinstance(res, dict) or not safe_uri(res.get("url")):
            continue
        item: dict[str, Any] = {"@type": "DataDownload", "name": res.get("name") or res.get("url"),
                                "contentUrl": str(safe_uri(res["url"]))}
        _eu, mime = format_uris(res.get("format"))
        if res.get("mimetype") or mime:
            item["encodingFormat"] = res.get("mimetype") or (mime or "").rsplit("media-types/", 1)[-1]
        elif res.get("format"):
            item["encodingFormat"] = res["format"]
        if isinstance(res.get("size"), int):
            item["contentSize"] = str(res["size"])
        distributions.append(item)
    if distributions:
        data["distribution"] = distributions
    return data
