"""A Frictionless Data Package descriptor (``datapackage.json``) from a CKAN package dict."""

from __future__ import annotations

import re
from typing import Any

from .vocab import format_uris

NAME = re.compile(r"[^-a-z0-9._/]+")
# Data dictionary types (datastore / catalogue) → Table Schema types.
TYPES = {"integer": "integer", "int": "integer", "bigint": "integer", "decimal": "number", "numeric": "number",
         "float": "number", "number": "number", "boolean": "boolean", "bool": "boolean", "date": "date",
         "datetime": "datetime", "timestamp": "datetime", "time": "time", "text": "string", "string": "string",
         "geometry": "geojson", "geojson": "geojson"}


def frictionless_name(value: str, fallback: str) -> str:
    name = NAME.sub("-", (value or "").lower()).strip("-")
    return name or fallback


def _schema(res: dict[str, Any]) -> dict[str, Any] | None:
    fields = res.get("data_dictionary") or res.get("fields") or res.get("schema")
    if isinstance(fields, dict):
        fields = fields.get("fields")
    if not isinstance(fields, list) or not fields:
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


def datapackage(pkg: dict[str, Any], *, base: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profile": "data-package",
        "name": frictionless_name(pkg.get("name") or "", "dataset"),
        "id": pkg.get("id"),
        "title": pkg.get("title") or pkg.get("name"),
        "homepage": f"{base}/dataset/{pkg.get('name')}",
        "keywords": [t.get("name") for t in pkg.get("tags") or [] if isinstance(t, dict) and t.get("name")],
    }
    if pkg.get("notes"):
        data["description"] = pkg["notes"]
    if pkg.get("version"):
        data["version"] = pkg["version"]
    if pkg.get("metadata_created"):
        data["created"] = pkg["metadata_created"]
    if pkg.get("license_id"):
        licence = {"name": pkg["license_id"]}
        if pkg.get("license_url"):
            licence["path"] = pkg["license_url"]
        if pkg.get("license_title"):
            licence["title"] = pkg["license_title"]
        data["licenses"] = [licence]
    org = pkg.get("organization")
    if isinstance(org, dict) and org.get("title"):
        data["contributors"] = [{"title": org["title"], "role": "publisher",
                                 "path": f"{base}/organization/{org.get('name')}"}]
    resources, seen = [], set()
    for position, res in enumerate(pkg.get("resources") or []):
        if not isinstance(res, dict) or not res.get("url"):
            continue
        name = frictionless_name(res.get("name") or "", f"resource-{position + 1}")
        while name in seen:
            name = f"{name}-{position + 1}"
        seen.add(name)
        item: dict[str, Any] = {"name": name, "path": res["url"]}
        if res.get("name"):
            item["title"] = res["name"]
        if res.get("description"):
            item["description"] = res["description"]
        if res.get("format"):
            item["format"] = str(res["format"]).lower()
        _eu, mime = format_uris(res.get("format"))
        if res.get("mimetype") or mime:
            item["mediatype"] = res.get("mimetype") or (mime or "").rsplit("media-types/", 1)[-1]
        if isinstance(res.get("size"), int):
            item["bytes"] = res["size"]
        digest = str(res.get("hash") or "").removeprefix("sha256:")
        if re.fullmatch(r"[0-9a-fA-F]{64}", digest):
            item["hash"] = f"sha256:{digest.lower()}"
        if res.get("encoding"):
            item["encoding"] = res["encoding"]
        schema = _schema(res)
        if schema:
            item["schema"] = schema
        resources.append(item)
    data["resources"] = resources
    return {k: v for k, v in data.items() if v not in (None, "")}
