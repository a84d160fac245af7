"""Codes Ouvert and CKAN use, mapped to the EU vocabularies DCAT-AP 3.0 asks for."""

from __future__ import annotations

EU = "http://publications.europa.eu/resource/authority/"
FILE_TYPE_SCHEME = EU + "file-type"
LANGUAGE_SCHEME = EU + "language"
FREQUENCY_SCHEME = EU + "frequency"
IANA = "https://www.iana.org/assignments/media-types/"

# Update frequencies (Ouvert's codes, CKAN/ckanext-dcat spellings, a few French labels) → EU frequency.
FREQUENCIES = {
    "hourly": "HOURLY", "horaire": "HOURLY",
    "daily": "DAILY", "quotidienne": "DAILY", "quotidien": "DAILY",
    "weekly": "WEEKLY", "hebdomadaire": "WEEKLY",
    "monthly": "MONTHLY", "mensuelle": "MONTHLY", "mensuel": "MONTHLY",
    "quarterly": "QUARTERLY", "trimestrielle": "QUARTERLY", "trimestriel": "QUARTERLY",
    "half-yearly": "ANNUAL_2", "half_yearly": "ANNUAL_2", "biannual": "ANNUAL_2", "semestrielle": "ANNUAL_2",
    "yearly": "ANNUAL", "annual": "ANNUAL", "annuelle": "ANNUAL", "annuel": "ANNUAL",
    "every-two-years": "BIENNIAL", "every_two_years": "BIENNIAL", "biennial": "BIENNIAL",
    "every-three-years": "TRIENNIAL", "every_three_years": "TRIENNIAL", "triennial": "TRIENNIAL",
    "real-time": "UPDATE_CONT", "real_time": "UPDATE_CONT", "realtime": "UPDATE_CONT", "continuous": "UPDATE_CONT",
    "irregular": "IRREG", "irreguliere": "IRREG", "irrégulière": "IRREG",
    "archived": "NEVER", "never": "NEVER", "archive": "NEVER",
}
FREQUENCY_CODES = {v: k for k, v in reversed(list(FREQUENCIES.items()))}

LANGUAGES = {"fr": "FRA", "fra": "FRA", "fre": "FRA", "en": "ENG", "eng": "ENG", "es": "SPA", "iu": "IKU",
             "cr": "CRE", "moe": "MOE"}
LANGUAGE_CODES = {"FRA": "fr", "ENG": "en", "SPA": "es", "IKU": "iu", "CRE": "cr"}

# Resource formats (as CKAN writes them) → EU file type, and the IANA media type when one exists.
FORMATS = {
    "CSV": ("CSV", "text/csv"), "TSV": ("TSV", "text/tab-separated-values"),
    "JSON": ("JSON", "application/json"), "GEOJSON": ("GEOJSON", "application/geo+json"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"), "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "PDF": ("PDF", "application/pdf"), "XML": ("XML", "application/xml"), "HTML": ("HTML", "text/html"),
    "TXT": ("TXT", "text/plain"), "ZIP": ("ZIP", "application/zip"), "SHP": ("SHP", None),
    "KML": ("KML", "application/vnd.google-earth.kml+xml"), "KMZ": ("KMZ", "application/vnd.google-earth.kmz"),
    "GPKG": ("GPKG", "application/geopackage+sqlite3"), "PARQUET": ("PARQUET", None),
    "RDF": ("RDF_XML", "application/rdf+xml"), "TTL": ("RDF_TURTLE", "text/turtle"),
    "JSON-LD": ("JSON_LD", "application/ld+json"), "DOCX": ("DOCX", None), "DOC": ("DOC", "application/msword"),
    "PNG": ("PNG", "image/png"), "JPEG": ("JPEG", "image/jpeg"), "GTFS": ("GTFS", None), "WMS": ("WMS_SRVC", None),
    "WFS": ("WFS_SRVC", None), "API": ("REST", None),
}
FORMAT_CODES = {eu: ckan for ckan, (eu, _mime) in FORMATS.items()}


def frequency_uri(code: str | None) -> str | None:
    eu = FREQUENCIES.get((code or "").strip().lower())
    return f"{FREQUENCY_SCHEME}/{eu}" if eu else None


def language_uri(code: str | None) -> str | None:
    eu = LANGUAGES.get((code or "").strip().lower())
    return f"{LANGUAGE_SCHEME}/{eu}" if eu else None


def format_uris(fmt: str | None) -> tuple[str | None, str | None]:
    """(EU file-type URI, IANA media-type URI) for a CKAN format label."""
    entry = FORMATS.get((fmt or "").strip().upper().lstrip("."))
    if entry is None:
        return None, None
    eu, mime = entry
    return f"{FILE_TYPE_SCHEME}/{eu}", (IANA + mime if mime else None)
