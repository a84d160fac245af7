"""Metadata formats of the OAI-PMH endpoint, built from :class:`ouvert.openaccess.records.Record`.

- ``oai_dc``: unqualified Dublin Core (the protocol's mandatory format);
- ``oai_openaire``: the OpenAIRE Guidelines for Literature Repositories v4 (access rights and
  licence as COAR terms, funding references with the award number, file only when open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement

from ouvert.openaccess.records import Record

XSI = "http://www.w3.org/2001/XMLSchema-instance"
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAIRE = "http://namespace.openaire.eu/schema/oaire/"
DATACITE = "http://datacite.org/schema/kernel-4"

LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
COAR_ACCESS = {
    "open": ("http://purl.org/coar/access_right/c_abf2", "open access"),
    "embargoed": ("http://purl.org/coar/access_right/c_f1cf", "embargoed access"),
    "metadata": ("http://purl.org/coar/access_right/c_14cb", "metadata only access"),
}
COAR_VERSION = {
    "accepted": ("http://purl.org/coar/version/c_ab4af688ffb4e7bd", "AM"),
    "published": ("http://purl.org/coar/version/c_970fb48d4fbd8a85", "VoR"),
}


@dataclass(frozen=True)
class Links:
    landing: Callable[[Record], str]
    file: Callable[[Record], str]


def access_right(record: Record, today: dt.date) -> str:
    if record.route in ("journal", "repository") or record.file_path:
        return "open"
    if record.embargo_until is not None and record.embargo_until > today:
        return "embargoed"
    return "metadata"


def _text(parent: Element, tag: str, text: str, **attrs: str) -> Element:
    child = SubElement(parent, tag, attrs)
    child.text = text
    return child


def oai_dc(record: Record, links: Links, today: dt.date) -> Element:
    root = Element(f"{{{OAI_DC}}}dc", {
        f"{{{XSI}}}schemaLocation": f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"})
    _text(root, f"{{{DC}}}title", record.title)
    for name, _orcid in record.authors:
        _text(root, f"{{{DC}}}creator", name)
    if record.published_on:
        _text(root, f"{{{DC}}}date", record.published_on.isoformat())
    _text(root, f"{{{DC}}}type", "info:eu-repo/semantics/article")
    if record.version:
        _text(root, f"{{{DC}}}type", "info:eu-repo/semantics/"
              + ("acceptedVersion" if record.version == "accepted" else "publishedVersion"))
    if record.doi:
        _text(root, f"{{{DC}}}identifier", f"https://doi.org/{record.doi}")
    _text(root, f"{{{DC}}}identifier", links.landing(record))
    if record.file_path:
        _text(root, f"{{{DC}}}identifier", links.file(record))
    if record.repository_url:
        _text(root, f"{{{DC}}}identifier", record.repository_url)
    if record.journal:
        _text(root, f"{{{DC}}}source", record.journal + (f" (ISSN {record.issn})" if record.issn else ""))
    for grant in record.grants:
        code, _sep, number = grant.number.partition("-")
        _text(root, f"{{{DC}}}relation", f"info:eu-repo/grantAgreement/FRQ/{code}/{number}")
    right = access_right(record, today)
    _text(root, f"{{{DC}}}rights", "info:eu-repo/semantics/" + {"open": "openAccess", "embargoed": "embargoedAccess",
                                                                 "metadata": "closedAccess"}[right])
    if record.licence in LICENCE_URLS:
        _text(root, f"{{{DC}}}rights", LICENCE_URLS[record.licence])
    return root


def oai_openaire(record: Record, links: Links, today: dt.date) -> Element:
    root = Element(f"{{{OAIRE}}}resource", {
        f"{{{XSI}}}schemaLocation": f"{OAIRE} https://www.openaire.eu/schema/repo-lit/4.0/openaire.xsd"})
    titles = SubElement(root, f"{{{DATACITE}}}titles")
    _text(titles, f"{{{DATACITE}}}title", record.title)
    if record.authors:
        creators = SubElement(root, f"{{{DATACITE}}}creators")
        for name, orcid in record.authors:
            creator = SubElement(creators, f"{{{DATACITE}}}creator")
            _text(creator, f"{{{DATACITE}}}creatorName", name)
            if orcid:
                _text(creator, f"{{{DATACITE}}}nameIdentifier", orcid, nameIdentifierScheme="ORCID",
                      schemeURI="https://orcid.org")
    if record.grants:
        funding = SubElement(root, f"{{{OAIRE}}}fundingReferences")
        for grant in record.grants:
            ref = SubElement(funding, f"{{{OAIRE}}}fundingReference")
            _text(ref, f"{{{OAIRE}}}funderName", grant.funder_name)
            if grant.funder_ror:
                _text(ref, f"{{{OAIRE}}}funderIdentifier", grant.funder_ror, funderIdentifierType="ROR")
            _text(ref, f"{{{OAIRE}}}awardNumber", grant.number)
    if record.doi:
        _text(root, f"{{{DATACITE}}}identifier", record.doi, identifierType="DOI")
    else:
        _text(root, f"{{{DATACITE}}}identifier", links.landing(record), identifierType="URL")
    dates = SubElement(root, f"{{{DATACITE}}}dates")
    if record.published_on:
        _text(dates, f"{{{DATACITE}}}date", record.published_on.isoformat(), dateType="Issued")
    if record.embargo_until:
        _text(dates, f"{{{DATACITE}}}date", record.embargo_until.isoformat(), dateType="Available")
    _text(root, f"{{{OAIRE}}}resourceType", "journal article", resourceTypeGeneral="literature",
          uri="http://purl.org/coar/resource_type/c_6501")
    if record.version in COAR_VERSION:
        uri, label = COAR_VERSION[record.version]
        _text(root, f"{{{OAIRE}}}version", label, uri=uri)
    uri, label = COAR_ACCESS[access_right(record, today)]
    _text(root, f"{{{DATACITE}}}rights", label, rightsURI=uri)
    if record.licence in LICENCE_URLS and record.published_on:
        _text(root, f"{{{OAIRE}}}licenseCondition", record.licence, uri=LICENCE_URLS[record.licence],
              startDate=(record.embargo_until or record.published_on).isoformat())
    if record.file_path:
        _text(root, f"{{{OAIRE}}}file", links.file(record), objectType="fulltext",
              accessRightsURI=COAR_ACCESS["open"][0])
    if record.journal:
        _text(root, f"{{{OAIRE}}}citationTitle", record.journal)
    return root


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    build: Callable[[Record, Links, dt.date], Element]


FORMATS = {
    "oai_dc": MetadataFormat("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC, oai_dc),
    "oai_openaire": MetadataFormat("oai_openaire", "https://www.openaire.eu/schema/repo-lit/4.0/openaire.xsd",
                                   OAIRE, oai_openaire),
}
