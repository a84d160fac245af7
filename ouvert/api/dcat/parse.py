"""A DCAT graph → CKAN-shaped package dicts (used to harvest DCAT catalogues)."""

from __future__ import annotations

import re
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from . import vocab
from .graph import VCARD

SLUG = re.compile(r"[^a-z0-9_-]+")


def slugify(value: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return SLUG.sub("-", text).strip("-")[:100]


def _literal(graph: Graph, node: Node, prop: URIRef, lang: str = "fr") -> str:
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    for value in values:
        if not value.language:
            return str(value)
    return str(values[0]) if values else ""


def _translated(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    out = {}
    for value in graph.objects(node, prop):
        if isinstance(value, Literal) and value.language in {"fr", "en"}:
            out[value.language] = str(value)
    return out


def _uri(graph: Graph, node: Node, prop: URIRef) -> str:
    value = graph.value(node, prop)
    return str(value) if isinstance(value, URIRef) else ""


def _format(graph: Graph, dist: Node) -> str:
    value = graph.value(dist, DCTERMS.format)
    if isinstance(value, URIRef):
        code = str(value).rstrip("/").rsplit("/", 1)[-1]
        return vocab.FORMAT_CODES.get(code, code.upper())
    if isinstance(value, Literal):
        return str(value).upper()
    if value is not None:
        label = _literal(graph, value, RDFS.label) or _literal(graph, value, RDF.value)
        if label:
            return label.upper()
    media = _uri(graph, dist, DCAT.mediaType) or _literal(graph, dist, DCAT.mediaType)
    return media.rsplit("/", 1)[-1].upper() if media else ""


def _agent(graph: Graph, node: Node | None) -> dict[str, Any] | None:
    if node is None:
        return None
    names = _translated(graph, node, FOAF.name)
    title = names.get("fr") or names.get("en") or _literal(graph, node, FOAF.name)
    if not title:
        return None
    return {"name": slugify(str(node).rstrip("/").rsplit("/", 1)[-1]) if isinstance(node, URIRef) and
            not str(node).endswith("/") else slugify(title), "title": title,
            "title_translated": names or {"fr": title}, "website": _uri(graph, node, FOAF.homepage)}


def dataset_to_package(graph: Graph, node: Node) -> dict[str, Any]:
    identifier = _literal(graph, node, DCTERMS.identifier) or str(node)
    title = _translated(graph, node, DCTERMS.title)
    notes = _translated(graph, node, DCTERMS.description)
    pkg: dict[str, Any] = {
        "id": identifier,
        "title": title.get("fr") or title.get("en") or _literal(graph, node, DCTERMS.title),
        "notes": notes.get("fr") or notes.get("en") or _literal(graph, node, DCTERMS.description),
        "tags": [{"name": str(k)} for k in sorted(graph.objects(node, DCAT.keyword), key=str)],
        "metadata_created": _literal(graph, node, DCTERMS.issued) or None,
        "metadata_modified": _literal(graph, node, DCTERMS.modified) or None,
        "url": _uri(graph, node, DCAT.landingPage) or (str(node) if isinstance(node, URIRef) else ""),
        "version": _literal(graph, node, URIRef(str(DCAT) + "version")),
    }
    if title:
        pkg["title_translated"] = title
    if notes:
        pkg["notes_translated"] = notes
    # A dataset URI like https://portal/dataset/<name> (CKAN, ckanext-dcat, Ouvert) carries its name.
    match = re.search(r"/dataset/([-\w]+)/?$", str(node)) if isinstance(node, URIRef) else None
    pkg["name"] = (slugify(match.group(1)) if match else "") or slugify(pkg["title"] or identifier) \
        or slugify(identifier)
    org = _agent(graph, graph.value(node, DCTERMS.publisher))
    if org:
        pkg["organization"] = org
    frequency = _uri(graph, node, DCTERMS.accrualPeriodicity)
    if frequency:
        pkg["frequency"] = vocab.FREQUENCY_CODES.get(frequency.rsplit("/", 1)[-1], "")
    languages = [vocab.LANGUAGE_CODES.get(str(v).rsplit("/", 1)[-1]) for v in graph.objects(node, DCTERMS.language)]
    if any(languages):
        pkg["language"] = [code for code in languages if code]
    contact = graph.value(node, DCAT.contactPoint)
    if contact is not None:
        pkg["contact_name"] = _literal(graph, contact, VCARD.fn)
        email = _uri(graph, contact, VCARD.hasEmail)
        pkg["contact_email"] = email.removeprefix("mailto:")
    period = graph.value(node, DCTERMS.temporal)
    if period is not None:
        pkg["temporal_start"] = _literal(graph, period, DCAT.startDate) or None
        pkg["temporal_end"] = _literal(graph, period, DCAT.endDate) or None
    licence = None
    resources = []
    for position, dist in enumerate(sorted(graph.objects(node, DCAT.distribution), key=str)):
        url = _uri(graph, dist, DCAT.downloadURL) or _uri(graph, dist, DCAT.accessURL)
        licence = licence or _uri(graph, dist, DCTERMS.license)
        size = graph.value(dist, DCAT.byteSize)
        resources.append({
            "name": _literal(graph, dist, DCTERMS.title) or url.rsplit("/", 1)[-1],
            "description": _literal(graph, dist, DCTERMS.description),
            "url": url, "format": _format(graph, dist), "position": position,
            "size": int(size) if isinstance(size, Literal) and str(size).isdigit() else None,
        })
    pkg["resources"] = resources
    licence = _uri(graph, node, DCTERMS.license) or licence
    if licence:
        pkg["license_url"] = licence
        pkg["license_id"] = licence
    return pkg


def packages_from_graph(graph: Graph) -> list[dict[str, Any]]:
    return [dataset_to_package(graph, node) for node in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str)]
