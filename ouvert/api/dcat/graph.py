"""Datasets of the read model (``ouvert.catalog.read_model``) → a DCAT-AP 3.0 graph."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ouvert.api.ckan.dictize import ckan_datetime, resource_download_path, resource_mimetype
from ouvert.catalog import dcat_vocab as vocab

if TYPE_CHECKING:
    from ouvert.catalog.read_model import DatasetView, ResourceView
    from ouvert.core.read_model import OrganizationView

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
Extent = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (WGS 84)
# The EU shapes expect the algorithm under https://spdx.org/ (the SPDX namespace itself is http://).
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
HEX = re.compile(r"^[0-9a-fA-F]{64}$")


def bind(graph: Graph) -> Graph:
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                       ("skos", SKOS), ("hydra", HYDRA), ("adms", ADMS), ("dcatap", DCATAP), ("gsp", GSP)):
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


def _concept(graph: Graph, uri: str, scheme: str, rdf_type: URIRef | None = None) -> URIRef:
    node = URIRef(uri)
    graph.add((node, SKOS.inScheme, URIRef(scheme)))
    if rdf_type is not None:
        graph.add((node, RDF.type, rdf_type))
    return node


def dataset_uri(base: str, dataset: DatasetView) -> URIRef:
    return URIRef(f"{base}/dataset/{quote(dataset.name or str(dataset.id))}")


@dataclass(frozen=True)
class Agent:
    """A publisher: its slug (in its address), its names by language, its website."""

    slug: str
    names: dict[str, str]
    website: str = ""


def agent_of(org: OrganizationView) -> Agent:
    names = {lang: text for lang, text in (("fr", org.name_fr), ("en", org.name_en)) if text}
    return Agent(slug=org.slug, names=names or {"fr": org.slug}, website=org.website)


def organization_uri(base: str, agent: Agent) -> URIRef:
    return URIRef(f"{base}/organization/{quote(agent.slug)}")


def add_agent(graph: Graph, base: str, agent: Agent) -> URIRef:
    node = organization_uri(base, agent)
    graph.add((node, RDF.type, FOAF.Agent))
    for lang, text in agent.names.items():
        graph.add((node, FOAF.name, Literal(text, lang=lang)))
    homepage = safe_uri(agent.website)
    if homepage:
        graph.add((node, FOAF.homepage, homepage))
        graph.add((homepage, RDF.type, FOAF.Document))
    return node


def _languages(dataset: DatasetView) -> list[str]:
    codes = [v for v in re.split(r"[,\s]+", dataset.language or "") if v]
    return [uri for uri in (vocab.language_uri(code) for code in codes) if uri]


def _licence(graph: Graph, base: str, dataset: DatasetView) -> URIRef | None:
    licence = dataset.licence
    if not licence.slug:
        return None
    node = safe_uri(licence.url) or URIRef(f"{base}/licence/{quote(licence.slug)}")
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    if licence.title:
        graph.add((node, RDFS.label, Literal(licence.title)))
    return node


def _contact(graph: Graph, dataset: DatasetView) -> BNode | None:
    name, email = dataset.contact_name.strip(), dataset.contact_email.strip()
    if not name and not email:
        return None
    node = BNode()
    graph.add((node, RDF.type, VCARD.Kind))
    if name:
        graph.add((node, VCARD.fn, Literal(name)))
    if email and "@" in email and " " not in email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return node


def _timestamp(value: dt.datetime | None) -> Literal | None:
    """A timestamp as CKAN writes it (UTC, microseconds), typed ``xsd:dateTime``."""
    text = ckan_datetime(value)
    return _datetime(text) if text else None


def add_distribution(graph: Graph, base: str, dataset: DatasetView, res: ResourceView,
                     licence: URIRef | None) -> URIRef:
    page = dataset_uri(base, dataset)
    node = URIRef(f"{page}/resource/{quote(str(res.id))}")
    graph.add((node, RDF.type, DCAT.Distribution))
    url = safe_uri(base + resource_download_path(res) if res.is_upload else res.url)
    graph.add((node, DCAT.accessURL, url or node))
    graph.add((url or node, RDF.type, RDFS.Resource))
    if url:
        graph.add((node, DCAT.downloadURL, url))
    if res.name:
        graph.add((node, DCTERMS.title, Literal(res.name, lang="fr")))
    if res.description.strip():
        graph.add((node, DCTERMS.description, Literal(res.description, lang="fr")))
    file_type, media_type = vocab.format_uris(res.format)
    if file_type:
        graph.add((node, DCTERMS.format, _concept(graph, file_type, vocab.FILE_TYPE_SCHEME,
                                                  DCTERMS.MediaTypeOrExtent)))
    mime = resource_mimetype(res) or ""
    if mime and re.match(r"^[a-z]+/[A-Za-z0-9.+\-]+$", mime):
        media_type = vocab.IANA + mime
    if media_type:
        graph.add((node, DCAT.mediaType, URIRef(media_type)))
        graph.add((URIRef(media_type), RDF.type, DCTERMS.MediaType))
    if res.size is not None and res.size >= 0:
        graph.add((node, DCAT.byteSize, Literal(res.size, datatype=XSD.nonNegativeInteger)))
    checksum = res.sha256.removeprefix("sha256:")
    if HEX.match(checksum):
        digest = BNode()
        graph.add((digest, RDF.type, SPDX.Checksum))
        graph.add((digest, SPDX.algorithm, SHA256))
        graph.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
        graph.add((digest, SPDX.checksumValue, Literal(checksum.lower(), datatype=XSD.hexBinary)))
        graph.add((node, SPDX.checksum, digest))
    for value, prop in ((res.created_at, DCTERMS.issued), (res.last_modified, DCTERMS.modified)):
        literal = _timestamp(value)
        if literal is not None:
            graph.add((node, prop, literal))
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))
    return node


def _spatial(graph: Graph, dataset: DatasetView, extent: Extent | None) -> BNode | None:
    """``dct:spatial``: a ``dct:Location`` named by the dataset's geographic coverage and, when it has
    map layers, bounded by their box (``dcat:bbox``, a GeoSPARQL WKT polygon)."""
    label = dataset.spatial.strip()
    if not label and extent is None:
        return None
    location = BNode()
    graph.add((location, RDF.type, DCTERMS.Location))
    if label:
        graph.add((location, SKOS.prefLabel, Literal(label, lang="fr")))
    if extent is not None:
        w, s, e, n = extent
        ring = f"{w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}"
        graph.add((location, DCAT.bbox, Literal(f"POLYGON(({ring}))", datatype=GSP.wktLiteral)))
    return location


def add_dataset(graph: Graph, base: str, dataset: DatasetView, extent: Extent | None = None) -> URIRef:
    """Describe one dataset (and its publisher, contact, distributions) in ``graph``; ``extent``: the box
    of its map layers, when it has any."""
    node = dataset_uri(base, dataset)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(dataset.id))))
    title = dataset.title or dataset.name
    if title:
        graph.add((node, DCTERMS.title, Literal(title, lang="fr")))
    description = dataset.notes if dataset.notes.strip() else title
    graph.add((node, DCTERMS.description, Literal(description, lang="fr")))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, Literal(keyword, lang="fr")))
    graph.add((node, DCTERMS.publisher, add_agent(graph, base, agent_of(dataset.organization))))
    for value, prop in ((dataset.created_at, DCTERMS.issued), (dataset.updated_at, DCTERMS.modified)):
        literal = _timestamp(value)
        if literal is not None:
            graph.add((node, prop, literal))
    graph.add((node, DCAT.landingPage, node))
    graph.add((node, RDF.type, FOAF.Document))
    source = safe_uri(dataset.source_url)
    if source and source != node:
        graph.add((node, FOAF.page, source))
        graph.add((source, RDF.type, FOAF.Document))
    contact = _contact(graph, dataset)
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    frequency = vocab.frequency_uri(dataset.update_frequency)
    if frequency:
        graph.add((node, DCTERMS.accrualPeriodicity,
                   _concept(graph, frequency, vocab.FREQUENCY_SCHEME, DCTERMS.Frequency)))
    for uri in _languages(dataset):
        graph.add((node, DCTERMS.language, _concept(graph, uri, vocab.LANGUAGE_SCHEME, DCTERMS.LinguisticSystem)))
    start, end = dataset.temporal_start, dataset.temporal_end
    if start is not None or end is not None:
        period = BNode()
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if start is not None:
            graph.add((period, DCAT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
        if end is not None:
            graph.add((period, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
        graph.add((node, DCTERMS.temporal, period))
    location = _spatial(graph, dataset, extent)
    if location is not None:
        graph.add((node, DCTERMS.spatial, location))
    for theme in dataset.themes:
        concept = URIRef(f"{base}/group/{quote(theme.slug)}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.prefLabel, Literal(theme.title_fr or theme.slug, lang="fr")))
        graph.add((concept, SKOS.inScheme, URIRef(f"{base}/themes")))
        graph.add((URIRef(f"{base}/themes"), RDF.type, SKOS.ConceptScheme))
        graph.add((URIRef(f"{base}/themes"), DCTERMS.title, Literal("Thèmes", lang="fr")))
        graph.add((node, DCAT.theme, concept))
    licence = _licence(graph, base, dataset)
    for res in dataset.resources:
        graph.add((node, DCAT.distribution, add_distribution(graph, base, dataset, res, licence)))
    return node


def catalog_graph(base: str, datasets: list[DatasetView], *, title: str, description: str,
                  publisher: Agent, page: int = 1, per_page: int | None = None,
                  total: int | None = None, page_url: str | None = None,
                  extents: Mapping[uuid.UUID, Extent] | None = None) -> Graph:
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
    for dataset in datasets:
        graph.add((node, DCAT.dataset, add_dataset(graph, base, dataset, (extents or {}).get(dataset.id))))
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


def dataset_graph(base: str, dataset: DatasetView, extent: Extent | None = None) -> Graph:
    graph = bind(Graph())
    add_dataset(graph, base, dataset, extent)
    return graph


FORMATS = {"ttl": ("turtle", "text/turtle"), "jsonld": ("json-ld", "application/ld+json"),
           "rdf": ("xml", "application/rdf+xml")}


def serialize(graph: Graph, fmt: str) -> tuple[bytes, str]:
    """(body, content type) for ``fmt`` among ``ttl``, ``jsonld``, ``rdf``."""
    rdflib_format, content_type = FORMATS[fmt]
    body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return body, f"{content_type}; charset=utf-8"
