"""Reading a whole source into typed remote datasets before anything local changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from rdflib import Graph

from ouvert.catalog.upsert import DatasetInput
from ouvert.core.messages import message

from .dcat import RdfRefused, graph_parse, packages_from_graph, rdf_error_reason
from .fetch import FetchError, Limits, decode_utf8, get_bytes, get_json
from .models import HarvestSource, SourceKind
from .remote import RemoteOrganization, dataset_input, remote_organization

PAGE = 100


@dataclass
class RemoteDataset:
    """One remote dataset: its identity, the catalogue's typed input made from it, the organization
    it names, and the record as received (only its hash is kept, to skip unchanged datasets)."""

    remote_id: str
    name: str
    modified: str
    package: dict[str, Any]
    url: str = ""
    dataset: DatasetInput = field(default_factory=DatasetInput)
    organization: RemoteOrganization | None = None

    @classmethod
    def of(cls, *, remote_id: str, name: str, modified: str, package: dict[str, Any], url: str) -> RemoteDataset:
        return cls(remote_id=remote_id, name=name, modified=modified, package=package, url=url,
                   dataset=dataset_input(package), organization=remote_organization(package.get("organization")))


Progress = Callable[[int], None]


# CKAN's error types (``error.__type``): the only part of an error answer a report repeats, the
# free text of the answer is never shown (it could be anything the address returned).
CKAN_ERROR_TYPES = frozenset({"Authorization Error", "Not Found Error", "Validation Error", "Search Error",
                              "Search Query Error", "Search Index Error", "Internal Server Error",
                              "Parameter Error", "Integrity Error"})


def _ckan_result(body: Any, url: str) -> Any:
    if not isinstance(body, dict) or "success" not in body:
        raise FetchError.of("harvest.not_ckan", url=url)
    if body.get("success") is not True:
        error = body.get("error")
        kind = error.get("__type") if isinstance(error, dict) else None
        raise FetchError.of("harvest.source_error", url=url,
                            type=kind if kind in CKAN_ERROR_TYPES else message("harvest.source_error_untyped"))
    return body.get("result")


def read_ckan(source: HarvestSource, limits: Limits, progress: Progress) -> list[RemoteDataset]:
    """Every public dataset of a CKAN portal, by pages of ``package_search``."""
    endpoint = source.url.rstrip("/") + "/api/3/action/package_search"
    maximum = settings.HARVEST_MAX_DATASETS
    found: dict[str, RemoteDataset] = {}
    start, count = 0, None
    while count is None or start < count:
        result = _ckan_result(get_json(endpoint, limits, params={"rows": PAGE, "start": start, "sort": "id asc"}),
                              endpoint)
        if not isinstance(result, dict) or not isinstance(result.get("results"), list) \
                or not isinstance(result.get("count"), int):
            raise FetchError.of("harvest.search_shape", url=endpoint)
        count = result["count"]
        if count > maximum:
            raise FetchError.of("harvest.too_many", count=count, max=maximum)
        page = result["results"]
        for pkg in page:
            if not isinstance(pkg, dict) or not pkg.get("id"):
                raise FetchError.of("harvest.no_identifier", start=start)
            found[str(pkg["id"])] = RemoteDataset.of(
                remote_id=str(pkg["id"]), name=str(pkg.get("name") or ""),
                modified=str(pkg.get("metadata_modified") or ""), package=pkg,
                url=f"{source.url.rstrip('/')}/dataset/{pkg.get('name') or pkg['id']}")
        progress(len(found))
        if not page:
            break
        start += len(page)
    if count and len(found) < count:
        raise FetchError.of("harvest.incomplete", count=count, got=len(found))
    return list(found.values())


RDF_FORMATS = {"ttl": "turtle", "turtle": "turtle", "jsonld": "json-ld", "json": "json-ld", "rdf": "xml",
               "xml": "xml", "owl": "xml"}


def parse_rdf(body: bytes, hint: str, declared: str = "") -> Graph:
    fmt = RDF_FORMATS.get(hint.lower().rsplit(".", 1)[-1])
    text = decode_utf8(body, declared)
    formats = [fmt] if fmt else ["turtle", "json-ld", "xml"]
    errors = []
    for candidate in formats:
        try:
            return graph_parse(text, candidate)
        except RdfRefused as exc:
            raise FetchError.of("harvest.dcat_refused", error=str(exc)) from None
        except Exception as exc:  # noqa: BLE001 — rdflib raises many types; each becomes a short reason
            errors.append(message("harvest.dcat_attempt", format=candidate, error=rdf_error_reason(exc)[:300]))
    raise FetchError.of("harvest.dcat_unreadable", errors=errors)


def read_dcat(source: HarvestSource, limits: Limits, progress: Progress) -> list[RemoteDataset]:
    if source.kind == SourceKind.DCAT_UPLOAD:
        if not source.upload:
            raise FetchError.of("harvest.no_upload")
        with source.upload.open("rb") as handle:
            body = handle.read(limits.max_bytes + 1)
        if len(body) > limits.max_bytes:
            raise FetchError.of("harvest.upload_too_big", max=limits.max_bytes)
        graph = parse_rdf(body, source.upload.name or "")
    else:
        body, declared = get_bytes(source.url, limits,
                                   accept="text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8")
        graph = parse_rdf(body, source.url.split("?", 1)[0], declared)
    datasets = []
    for pkg in packages_from_graph(graph):
        datasets.append(RemoteDataset.of(remote_id=str(pkg["id"]), name=pkg.get("name") or "",
                                      modified=str(pkg.get("metadata_modified") or ""), package=pkg,
                                      url=pkg.get("url") or ""))
    progress(len(datasets))
    return datasets


def read_source(source: HarvestSource, limits: Limits, progress: Progress) -> list[RemoteDataset]:
    if source.kind == SourceKind.CKAN:
        return read_ckan(source, limits, progress)
    return read_dcat(source, limits, progress)
