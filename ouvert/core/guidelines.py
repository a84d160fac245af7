"""The vocabulary of the publication guidelines (../shared/GUIDELINES.md), in one place: rule ids
and titles, which formats are open, tabular, proprietary or linked, and the shape of a finding.

The catalogue's checker (``ouvert.catalog.quality``) and the datastore's (``ouvert.datastore.quality``)
both import from here, so they cannot disagree on what "open" or "tabular" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .messages import LEGACY, Message, legacy, message, register, render, render_fix

FILE_RULES = ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12")
METADATA_RULES = ("M1", "M2", "M3", "M4", "M5", "M6")

RULE_TITLES = {
    "F1": _("Format ouvert et lisible par machine"),
    "F2": _("Texte encodé en UTF-8"),
    "F3": _("CSV bien formé"),
    "F4": _("Fichier non compressé"),
    "F5": _("Noms de colonnes uniques, sans lignes décoratives"),
    "F6": _("Valeurs inconnues laissées vides"),
    "F7": _("Point décimal, sans séparateur de milliers"),
    "F8": _("Dates et heures en ISO 8601"),
    "F9": _("Booléens true/false ou 1/0"),
    "F10": _("Montants en dollars canadiens, mesures en unités SI"),
    "F11": _("Données géographiques en WGS 84 ou NAD83 / Québec Lambert"),
    "F12": _("Dictionnaire de données complet"),
    "M1": _("Titre et description d'au moins 100 caractères"),
    "M2": _("Organisation, courriel de contact, mots-clés et thème"),
    "M3": _("Licence ouverte"),
    "M4": _("Fréquence de mise à jour déclarée et respectée"),
    "M5": _("Couvertures temporelle et géographique"),
    "M6": _("Ressources accessibles, avec format et taille"),
}

# F1. The guidelines name CSV, JSON, GeoJSON, XML, KML, GPKG, zipped shapefile and Parquet. Also
# open: TSV (delimited text like CSV; F3 then flags the delimiter), ODS (ISO/IEC 26300) and the W3C
# linked-data serialisations, which earn the fourth openness star (LINKED_FORMATS).
LINKED_FORMATS = frozenset({"RDF", "TTL", "JSONLD", "JSON-LD", "NT"})
OPEN_FORMATS = frozenset({"CSV", "JSON", "GEOJSON", "XML", "KML", "GPKG", "SHP", "PARQUET", "TSV", "ODS"}
                         | LINKED_FORMATS)
# Accepted but flagged as not open.
PROPRIETARY_FORMATS = frozenset({"XLS", "XLSX"})
# What the datastore loads into a queryable table (the resource's declared format). TXT is in: the
# datastore sniffs the delimiter whatever the extension, and delimited .txt files are common in
# what public bodies publish (GTFS feeds are comma-separated .txt files); a .txt that is prose fails
# to load and its report says so.
TABULAR_FORMATS = frozenset({"CSV", "TSV", "TXT", "XLSX", "XLS", "JSON"})
# F4: compressed files (a zipped shapefile is the one exception).
COMPRESSED_EXTENSIONS = frozenset({"zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar"})

# Findings both checkers write (the catalogue re-checks F10 and F12 against the resource's own
# dictionary, and flags spreadsheets whether or not they were loaded).
register({
    "f1.proprietary": (_("Format {format} : lisible par machine mais pas ouvert."),
                       _("Publiez aussi chaque feuille en CSV UTF-8.")),
    "f10.no_unit": (_("Unité non précisée pour les colonnes numériques : {columns}."),
                    _("Indiquez l'unité (dollars canadiens, unités SI) dans le dictionnaire de données.")),
    "f10.pass": _("Unités déclarées."),
    "f12.undocumented": (ngettext_lazy("{count} colonne sans description dans le dictionnaire de données.",
                                       "{count} colonnes sans description dans le dictionnaire de données.", "count"),
                         _("Décrivez chaque colonne (nom, type, description, unité) dans le dictionnaire.")),
    "f12.pass": _("Dictionnaire de données complet."),
})

STATUSES = ("pass", "warning", "fail", "not_applicable")
STATUS_ORDER = {"fail": 3, "warning": 2, "pass": 1, "not_applicable": 0}


def rule_title(rule: str) -> str:
    return str(RULE_TITLES.get(rule, rule))


def finding(rule: str, status: str, code: str, *, where: Mapping[str, Any] | None = None,
            **params: Any) -> dict[str, Any]:
    """One stored finding: the rule, its status, a message code with its parameters, and where.
    What it says and how to fix it come from the code when it is shown (:func:`render_finding`)."""
    if status not in STATUS_ORDER:
        raise ValueError(f"unknown status {status!r}")
    return {"rule": rule, "status": status, "message": message(code, **params), "where": dict(where or {})}


def _stored_message(item: Mapping[str, Any]) -> dict[str, Any]:
    """The finding's message; one stored before codes (``{"fr", "en"}`` texts) reads as it was."""
    stored = item.get("message") or {}
    if isinstance(stored, Mapping) and "code" in stored:
        return dict(stored)
    return legacy(stored if isinstance(stored, Mapping) else {}, item.get("fix") or {})


def render_finding(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored finding as shown (pages, API): ``message`` and ``fix`` in the active language."""
    stored = _stored_message(item)
    code = stored.get("code", "")
    return {"rule": item.get("rule", ""), "status": item.get("status", ""),
            "code": "" if code == LEGACY else code, "message": render(stored), "where": item.get("where") or {},
            "fix": render_fix(stored)}


def bilingual(fr: str, en: str) -> dict[str, Any]:
    """A parameter whose text comes from the data in both languages (a licence's French and English
    titles): rendered in the active language, English falling back to French."""
    return legacy({"fr": fr, "en": en or fr})


def render_text(value: Any) -> str:
    """A stored message, or one stored before codes (``{"fr", "en"}``), in the active language."""
    if isinstance(value, Message):
        return render(value)
    if isinstance(value, Mapping) and "code" in value:
        return render(value)
    if isinstance(value, Mapping):
        return render(legacy(value))
    return str(value or "")
