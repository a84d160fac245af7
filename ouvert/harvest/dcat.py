"""A DCAT document → a graph that read nothing else, and a DCAT graph → remote records in the
shape of CKAN packages (what a CKAN portal returns too), which ``ouvert.harvest.remote`` turns into
the catalogue's typed input. Used to harvest DCAT catalogues, fetched or uploaded."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax import SAXParseException

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.translation import gettext as _
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from ouvert.catalog import dcat_vocab as vocab
from ouvert.core.outbound_guard import OutboundForbidden, outbound_forbidden

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SLUG = re.compile(r"[^a-z0-9_-]+")
RDF_SYNTAXES = ("turtle", "json-ld", "xml")


class RdfRefused(ValueError):
    """The document asks to read something outside itself (a remote JSON-LD context, a DTD or an
    entity); ``str(exc)`` says what and how to fix it."""


def _refuse_remote_contexts(node: Any) -> None:
    """Every ``@context`` must be written out in the document: a context given by address (absolute,
    relative or ``file:``) or an ``@import`` would make the parser read it."""
    if isinstance(node, list):
        for item in node:
            _refuse_remote_contexts(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@import" and value is not None:
            raise RdfRefused(_("Le contexte JSON-LD importe « %(ref)s » (@import) : les contextes distants ne "
                               "sont pas lus. Écrivez le contexte dans le document.") % {"ref": str(value)[:200]})
        if key == "@context":
            for context in value if isinstance(value, list) else [value]:
                if isinstance(context, str):
                    raise RdfRefused(_("Le document JSON-LD renvoie au contexte « %(ref)s » : les contextes "
                                       "distants ne sont pas lus. Écrivez le contexte dans le document (objet "
                                       "@context) ou publiez le catalogue en Turtle ou en RDF/XML.")
                                     % {"ref": context[:200]})
        _refuse_remote_contexts(value)


def _refuse_xml_declarations(text: str) -> None:
    try:
        SafeElementTree.fromstring(text.encode("utf-8"), forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException:
        raise RdfRefused(_("Le document RDF/XML déclare une DTD ou des entités : elles ne sont pas lues. "
                           "Retirez la déclaration <!DOCTYPE …> et écrivez les adresses en entier.")) from None
    # a syntax error is left to rdflib, which reports it with its line


def graph_parse(text: str, syntax: str) -> Graph:
    """The graph of a document in ``syntax`` (``turtle``, ``json-ld`` or ``xml``) that reads nothing
    but ``text``: remote or local JSON-LD contexts and XML DTDs/entities are refused with
    :class:`RdfRefused`, and rdflib runs under :func:`~ouvert.core.outbound_guard.outbound_forbidden` so that no
    connection and no file can be opened whatever it tries. Syntax errors are rdflib's (see
    :func:`rdf_error_reason`)."""
    if syntax not in RDF_SYNTAXES:
        raise ValueError(f"unsupported RDF syntax {syntax!r}")
    data: Any = text
    if syntax == "json-ld":
        data = json.loads(text)
        _refuse_remote_contexts(data)
        if isinstance(data, list):  # a top-level array is the same as a default graph
            data = {"@graph": data}
    elif syntax == "xml":
        _refuse_xml_declarations(text)
    try:
        with outbound_forbidden():
            return Graph().parse(data=data, format=syntax)
    except OutboundForbidden:
        raise RdfRefused(_("Le document demande de lire une autre ressource (adresse ou fichier) : "
                           "seul le document lui-même est lu.")) from None


def rdf_error_reason(exc: Exception) -> str:
    """A short reason for a parse error: where and what kind, never the document's text."""
    if isinstance(exc, RdfRefused):
        return str(exc)
    if isinstance(exc, json.JSONDecodeError):
        return _("%(msg)s, ligne %(line)s") % {"msg": exc.msg, "line": exc.lineno}
    if isinstance(exc, SAXParseException):
        return _("%(msg)s, ligne %(line)s") % {"msg": exc.getMessage(), "line": exc.getLineNumber()}
    line = getattr(exc, "lines", None)
    if isinstance(line, int):
        return _("syntaxe invalide, ligne %(line)s") % {"line": line + 1}
    return _("syntaxe invalide (%(kind)s)") % {"kind": type(exc).__name__}


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
