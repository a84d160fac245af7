"""CKAN-shaped package dictionaries → a DCAT-AP 3.0 graph."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from . import vocab

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
# The EU shapes expect the algorithm under https://spdx.org/ (the SPDX namespace itself is http://).
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
HEX = re.compile(r"^[0-9a-fA-F]{64}$")


def bind(graph: Graph) -> Graph:
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                       ("skos", SKOS), ("hydra", HYDRA), ("adms", ADMS), ("dcatap", DCATAP)):
        graph.bind(prefix, ns)
    return graph


def safe_uri(value: Any) -> URIRef | None:
    """An http(s) URL as an IRI (spaces and other unsafe characters escaped), else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not re.match(r"^https?://[^\s/?#]+", value, re.IGNORECASE):
        return None
    return URIRef(quote(value, safe=":/?#[]@!$&'()*+,;=%~-._"))


def _datetime(value: Any) -> Literal | None:
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return Literal(parsed.isoformat(), datatype=XSD.dateTime)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _concept(graph: Graph, uri: str, scheme: str, rdf_type: URIRef | None = None) -> URIRef:
    node = URIRef(uri)
    graph.add((node, SKOS.inScheme, URIRef(scheme)))
    if rdf_type is not None:
        graph.add((node, RDF.type, rdf_type))
    return node


def dataset_uri(base: str, pkg: dict[str, Any]) -> URIRef:
    return URIRef(f"{base}/dataset/{quote(str(pkg.get('name') or pkg.get('id')))}")


def organization_uri(base: str, org: dict[str, Any]) -> URIRef:
    return URIRef(f"{base}/organization/{quote(str(org.get('name') or org.get('id')))}")


def add_agent(graph: Graph, base: str, org: dict[str, Any]) -> URIRef:
    node = organization_uri(base, org)
    graph.add((node, RDF.type, FOAF.Agent))
    translated = org.get("title_translated") or {}
    names = {lang: text for lang, text in translated.items() if text} if isinstance(translated, dict) else {}
    if not names:
        names = {"fr": org.get("title") or org.get("name") or ""}
    for lang, text in names.items():
        graph.add((node, FOAF.name, Literal(text, lang=lang)))
    homepage = safe_uri(org.get("website"))
    if homepage:
        graph.add((node, FOAF.homepage, homepage))
        graph.add((homepage, RDF.type, FOAF.Document))
    return node


def _languages(pkg: dict[str, Any]) -> list[str]:
    value = pkg.get("language") or pkg.get("languages") or []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    return [uri for uri in (vocab.language_uri(str(v)) for v in value) if uri]


def _licence(graph: Graph, base: str, pkg: dict[str, Any]) -> URIRef | None:
    licence_id = _text(pkg.get("license_id"))
    if not licence_id:
        return None
    node = safe_uri(pkg.get("license_url")) or URIRef(f"{base}/licence/{quote(licence_id)}")
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    if pkg.get("license_title"):
        graph.add((node, RDFS.label, Literal(pkg["license_title"])))
    return node


def _contact(graph: Graph, pkg: dict[str, Any]) -> BNode | None:
    name = _text(pkg.get("contact_name")) or _text(pkg.get("maintainer")) or _text(pkg.get("author"))
    email = _text(pkg.get("contact_email")) or _text(pkg.get("maintainer_email")) or _text(pkg.get("author_email"))
    if not name and not email:
        return None
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    if name:
        graph.add((node, VCARD.fn, Literal(name)))
    if email and "@" in email and " " not in email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return node


def add_distribution(graph: Graph, base: str, pkg: dict[str, Any], res: dict[str, Any],
                     licence: URIRef | None) -> URIRef:
    page = dataset_uri(base, pkg)
    node = URIRef(f"{page}/resource/{quote(str(res.get('id') or res.get('position', 0)))}")
    graph.add((node, RDF.type, DCAT.Distribution))
    url = safe_uri(res.get("url"))
    graph.add((node, DCAT.accessURL, url or node))
    graph.add((url or node, RDF.type, RDFS.Resource))
    if url and res.get("resource_type") not in {"api", "service"}:
        graph.add((node, DCAT.downloadURL, url))
    if res.get("name"):
        graph.add((node, DCTERMS.title, Literal(res["name"], lang="fr")))
    if _text(res.get("description")):
        graph.add((node, DCTERMS.description, Literal(res["description"], lang="fr")))
    file_type, media_type = vocab.format_uris(res.get("format"))
    if file_type:
        graph.add((node, DCTERMS.format, _concept(graph, file_type, vocab.FILE_TYPE_SCHEME,
                                                  DCTERMS.MediaTypeOrExtent)))
    mime = _text(res.get("mimetype"))
    if mime and re.match(r"^[a-z]+/[A-Za-z0-9.+\-]+$", mime):
        media_type = vocab.IANA + mime
    if media_type:
        graph.add((node, DCAT.mediaType, URIRef(media_type)))
        graph.add((URIRef(media_type), RDF.type, DCTERMS.MediaType))
    size = res.get("size")
    if isinstance(size, int) and size >= 0:
        graph.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    checksum = _text(res.get("hash")).removeprefix("sha256:")
    if HEX.match(checksum):
        digest = BNode()
        graph.add((digest, RDF.type, SPDX.Checksum))
        graph.add((digest, SPDX.algorithm, SHA256))
        graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((digest, SPDX.checksumValue, Literal(checksum.lower(), datatype=XSD.hexBinary)))
        graph.add((node, SPDX.checksum, digest))
    for key, prop in (("created", DCTERMS.issued), ("last_modified", DCTERMS.modified)):
        value = _datetime(res.get(key))
        if value is not None:
            graph.add((node, prop, value))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    return node


def add_dataset(graph: Graph, base: str, pkg: dict[str, Any]) -> URIRef:
    """Describe one package (and its publisher, contact, distributions) in ``graph``."""
    node = dataset_uri(base, pkg)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(pkg.get("id") or pkg.get("name")))))
    title = pkg.get("title_translated") if isinstance(pkg.get("title_translated"), dict) else None
    for lang, text in (title or {"fr": pkg.get("title") or pkg.get("name")}).items():
        if text:
            graph.add((node, DCTERMS.title, Literal(text, lang=lang)))
    notes = pkg.get("notes_translated") if isinstance(pkg.get("notes_translated"), dict) else None
    descriptions = {k: v for k, v in (notes or {"fr": pkg.get("notes")}).items() if _text(v)}
    for lang, text in (descriptions or {"fr": pkg.get("title") or pkg.get("name")}).items():
        graph.add((node, DCTERMS.description, Literal(text, lang=lang)))
    for tag in pkg.get("tags") or []:
        name = tag.get("display_name") or tag.get("name") if isinstance(tag, dict) else tag
        if name:
            graph.add((node, DCAT.keyword, Literal(name, lang="fr")))
    org = pkg.get("organization")
    if isinstance(org, dict) and (org.get("name") or org.get("id")):
        graph.add((node, DCTERMS.publisher, add_agent(graph, base, org)))
    for key, prop in (("metadata_created", DCTERMS.issued), ("metadata_modified", DCTERMS.modified)):
        value = _datetime(pkg.get("issued") if key == "metadata_created" and pkg.get("issued") else pkg.get(key))
        if value is not None:
            graph.add((node, prop, value))
    landing = safe_uri(pkg.get("landing_page")) or node
    graph.add((node, DCAT.landingPage, landing))
    graph.add((landing, RDF.type, FOAF.Document))
    source = safe_uri(pkg.get("url"))
    if source and source != landing:
        graph.add((node, FOAF.page, source))
        graph.add((source, RDF.type, FOAF.Document))
    if _text(pkg.get("version")):
        graph.add((node, URIRef(str(DCAT) + "version"), Literal(pkg["version"])))
    contact = _contact(graph, pkg)
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    frequency = vocab.frequency_uri(pkg.get("frequency") or pkg.get("update_frequency"))
    if frequency:
        graph.add((node, DCTERMS.accrualPeriodicity,
                   _concept(graph, frequency, vocab.FREQUENCY_SCHEME, DCTERMS.Frequency)))
    for uri in _languages(pkg):
        graph.add((node, DCTERMS.language, _concept(graph, uri, vocab.LANGUAGE_SCHEME, DCTERMS.LinguisticSystem)))
    start, end = _datetime(pkg.get("temporal_start")), _datetime(pkg.get("temporal_end"))
    if start is not None or end is not None:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            graph.add((period, DCAT.startDate, start))
        if end is not None:
            graph.add((period, DCAT.endDate, end))
        graph.add((node, DCTERMS.temporal, period))
    for group in pkg.get("groups") or []:
        if isinstance(group, dict) and group.get("name"):
            theme = URIRef(f"{base}/group/{quote(group['name'])}")
            graph.add((theme, RDF.type, SKOS.Concept))
            graph.add((theme, SKOS.prefLabel, Literal(group.get("title") or group["name"], lang="fr")))
            graph.add((theme, SKOS.inScheme, URIRef(f"{base}/themes")))
            graph.add((URIRef(f"{base}/themes"), RDF.type, SKOS.ConceptScheme))
            graph.add((URIRef(f"{base}/themes"), DCTERMS.title, Literal("Thèmes", lang="fr")))
            graph.add((node, DCAT.theme, theme))
    licence = _licence(graph, base, pkg)
    for res in pkg.get("resources") or []:
        if isinstance(res, dict):
            graph.add((node, DCAT.distribution, add_distribution(graph, base, pkg, res, licence)))
    return node


def catalog_graph(base: str, packages: list[dict[str, Any]], *, title: str, description: str,
                  publisher: dict[str, Any], page: int = 1, per_page: int | None = None,
                  total: int | None = None, page_url: str | None = None) -> Graph:
    """The catalogue (one page of it when ``per_page`` is given) with its datasets."""
    graph = bind(Graph())
    node = URIRef(f"{base}/catalog")
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, DCTERMS.title, Literal(title, lang="fr")))
    graph.add((node, DCTERMS.description, Literal(description, lang="fr")))
    graph.add((node, DCTERMS.publisher, add_agent(graph, base, publisher)))
    homepage = URIRef(f"{base}/")
    graph.add((node, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    french = vocab.language_uri("fr")
    if french is not None:  # always: French is in the EU vocabulary
        graph.add((node, DCTERMS.language, _concept(graph, french, vocab.LANGUAGE_SCHEME, DCTERMS.LinguisticSystem)))
    for pkg in packages:
        graph.add((node, DCAT.dataset, add_dataset(graph, base, pkg)))
    if per_page is not None and total is not None and page_url is not None:
        collection = URIRef(f"{page_url}?page={page}")
        last = max(1, -(-total // per_page))
        graph.add((collection, RDF.type, HYDRA.PagedCollection))
        graph.add((collection, HYDRA.totalItems, Literal(total)))
        graph.add((collection, HYDRA.itemsPerPage, Literal(per_page)))
        graph.add((collection, HYDRA.firstPage, Literal(f"{page_url}?page=1")))
        graph.add((collection, HYDRA.lastPage, Literal(f"{page_url}?page={last}")))
        if page > 1:
            graph.add((collection, HYDRA.previousPage, Literal(f"{page_url}?page={page - 1}")))
        if page < last:
            graph.add((collection, HYDRA.nextPage, Literal(f"{page_url}?page={page + 1}")))
    return graph


def dataset_graph(base: str, pkg: dict[str, Any]) -> Graph:
    graph = bind(Graph())
    add_dataset(graph, base, pkg)
    return graph


FORMATS = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json"),
           "rdf": ("xml", "application/rdf+xml")}


def serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    """(body, content type) for ``fmt`` among ``ttl``, ``jsonld``, ``rdf``."""
    rdflib_format, content_type = FORMATS[fmt]
    body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return body, f"{content_type}; charset=utf-8"
