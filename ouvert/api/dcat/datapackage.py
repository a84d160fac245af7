"""A Frictionless Data Package descriptor (``datapackage.json``) from the dataset read model."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ouvert.api.ckan.dictize import ckan_datetime, resource_mimetype
from ouvert.catalog.dcat_vocab import format_uris

from .schemaorg import resource_url

if TYPE_CHECKING:
    from ouvert.catalog.read_model import DatasetView, ResourceView

NAME = re.compile(r"[^-a-z0-9._/]+")
# Data dictionary types (datastore / catalogue) → Table Schema types.
TYPES = {"integer": "integer", "int": "integer", "bigint": "integer", "decimal": "number", "numeric": "number",
         "float": "number", "number": "number", "boolean": "boolean", "bool": "boolean", "date": "date",
         "datetime": "datetime", "timestamp": "datetime", "time": "time", "text": "string", "string": "string",
         "geometry": "geojson", "geojson": "geojson"}


def frictionless_name(value: str, fallback: str) -> str:
    name = NAME.sub("-", (value or "").lower()).strip("-")
    return name or fallback


def _schema(res: ResourceView, table: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """A Table Schema: the datastore table's typed columns when the resource has one (described by the
    data dictionary where it names them), else the data dictionary alone."""
    fields = res.data_dictionary
    if table:
        described = {str(f.get("name") or f.get("id")): f for f in fields or [] if isinstance(f, dict)}
        fields = [{**described.get(str(col.get("id")), {}), "name": col.get("id"), "type": col.get("type"),
                   **{k: col[k] for k in ("description", "unit") if col.get(k)}} for col in table]
    if not fields:
        return None
    out = []
    for field in fields:
        if not isinstance(field, dict) or not (field.get("name") or field.get("id")):
            continue
        info = field.get("info")
        if not isinstance(info, dict):
            info = {}
        entry = {"name": str(field.get("name") or field.get("id")),
                 "type": TYPES.get(str(field.get("type") or "").lower(), "any")}
        description = field.get("description") or info.get("notes")
        if description:
            entry["description"] = description
        if field.get("unit"):
            entry["unit"] = field["unit"]
        out.append(entry)
    return {"fields": out} if out else None


LANDING_FORMATS = {"HTML", "HTM", "PAGE WEB", "WEB", "URL"}


def datapackage(dataset: DatasetView, *, base: str,
                tables: Mapping[uuid.UUID, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """``tables``: the typed columns of the resources that have a datastore table (by resource id)."""
    data: dict[str, Any] = {
        "profile": "data-package",
        "name": frictionless_name(dataset.name, "dataset"),
        "id": str(dataset.id),
        "title": dataset.title or dataset.name,
        "homepage": f"{base}/dataset/{dataset.name}",
        "keywords": list(dataset.keywords),
    }
    if dataset.notes:
        data["description"] = dataset.notes
    data["created"] = ckan_datetime(dataset.created_at)
    licence = dataset.licence
    if licence.slug:
        described = {"name": licence.slug}
        if licence.url:
            described["path"] = licence.url
        if licence.title:
            described["title"] = licence.title
        data["licenses"] = [described]
    org = dataset.organization
    if org.name_fr:
        data["contributors"] = [{"title": org.name_fr, "role": "publisher", "path": f"{base}/organization/{org.slug}"}]
    resources, seen = [], set()
    for position, res in enumerate(dataset.resources):
        path = resource_url(base, res)
        if not path or res.is_documentation or res.format.strip().upper() in LANDING_FORMATS:
            continue  # a Data Package lists data: web pages and documentation are not resources of it
        name = frictionless_name(res.name, f"resource-{position + 1}")
        while name in seen:
            name = f"{name}-{position + 1}"
        seen.add(name)
        item: dict[str, Any] = {"name": name, "path": path}
        if res.name:
            item["title"] = res.name
        if res.description:
            item["description"] = res.description
        if res.format:
            item["format"] = res.format.lower()
        _eu, mime = format_uris(res.format)
        guessed = resource_mimetype(res)
        if guessed or mime:
            item["mediatype"] = guessed or (mime or "").rsplit("media-types/", 1)[-1]
        if res.size is not None:
            item["bytes"] = res.size
        digest = res.sha256.removeprefix("sha256:")
        if re.fullmatch(r"[0-9a-fA-F]{64}", digest):
            item["hash"] = f"sha256:{digest.lower()}"
        if res.encoding:
            item["encoding"] = res.encoding
        schema = _schema(res, (tables or {}).get(res.id))
        if schema:
            item["schema"] = schema
        resources.append(item)
    data["resources"] = resources
    return {k: v for k, v in data.items() if v not in (None, "")}
