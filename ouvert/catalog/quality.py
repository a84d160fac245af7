"""Dataset quality: the metadata rules M1–M6 of the publication guidelines, combined with each
data resource's file rules F1–F12 (documentation resources are left out), into one report with a
score, openness stars, a conformity flag and the reference-data criteria (../shared/GUIDELINES.md;
weighting documented in docs/catalog.md).

Plain functions that read; :func:`ouvert.catalog.services.dataset_quality_refresh` stores the
result. Reports are kept and read in either language, so every message is stored in French and
English (``{"fr": ..., "en": ...}``), like the datastore's findings.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import FREQUENCY_DAYS, Dataset, Resource

REPORT_VERSION = 1
METADATA_RULES = ["M1", "M2", "M3", "M4", "M5", "M6"]
FILE_RULES = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"]
# Formats the conformity rates count as tabular (the datastore can load them).
TABULAR_FORMATS = ("CSV", "XLSX", "XLS", "JSON", "TSV")
# F1: open, machine-readable; accepted but not open; documents (not data).
OPEN_FORMATS = {"CSV", "TSV", "JSON", "GEOJSON", "XML", "KML", "GPKG", "PARQUET", "SHP", "ODS",
                "RDF", "TTL", "JSONLD", "JSON-LD", "NT"}
PROPRIETARY_FORMATS = {"XLS", "XLSX"}
LINKED_FORMATS = {"RDF", "TTL", "JSONLD", "JSON-LD", "NT"}
COMPRESSED_EXTENSIONS = {"zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar"}
MIN_DESCRIPTION = 100
MIN_KEYWORDS = 3
# Weights of the 0–100 score: metadata rules and file rules (see docs/catalog.md).
METADATA_WEIGHT = 40
FILES_WEIGHT = 60
STATUS_ORDER = {"fail": 3, "warning": 2, "pass": 1, "not_applicable": 0}
STATUS_VALUE = {"pass": 1.0, "warning": 0.5, "fail": 0.0}


def finding(rule: str, status: str, fr: str, en: str, *, where: dict[str, Any] | None = None, fix_fr: str = "",
            fix_en: str = "") -> dict[str, Any]:
    return {"rule": rule, "status": status, "message": {"fr": fr, "en": en}, "where": where or {},
            "fix": {"fr": fix_fr, "en": fix_en}}


def _tables_by_resource(resources: list[Resource]) -> dict[str, list[Any]]:
    if not resources or not apps.is_installed("ouvert.datastore"):
        return {}
    from ouvert.datastore.models import DatastoreTable

    out: dict[str, list[Any]] = {}
    for table in DatastoreTable.objects.filter(resource_id__in=[r.pk for r in resources]).order_by("sheet"):
        out.setdefault(str(table.resource_id), []).append(table)
    return out


def _extension(resource: Resource) -> str:
    name = (resource.file.name or "") if resource.file else resource.url.split("?", 1)[0]
    return os.path.splitext(name.lower())[1].lstrip(".")


def _where(resource: Resource, **extra: Any) -> dict[str, Any]:
    return {"resource": str(resource.pk), "resource_name": resource.name, **extra}


# Metadata (M1–M6) ---------------------------------------------------------------------------------


def last_data_update(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]]) -> dt.datetime | None:
    """When the data last changed: the latest resource change (or datastore write), else the dataset's dates."""
    moments = [r.last_modified for r in resources if r.last_modified]
    moments += [t.modified_at for items in tables.values() for t in items if t.modified_at]
    if moments:
        return max(moments)
    return dataset.data_modified_at or dataset.first_published_at


def check_metadata(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]],
                   now: dt.datetime) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    # M1
    length = len((dataset.notes or "").strip())
    if not dataset.title.strip() or length < MIN_DESCRIPTION:
        out.append(finding(
            "M1", "fail",
            f"Description de {length} caractères : il en faut au moins {MIN_DESCRIPTION}.",
            f"Description of {length} characters: at least {MIN_DESCRIPTION} are needed.",
            where={"field": "notes"},
            fix_fr="Décrivez ce que contiennent les données, qui les produit, comment elles sont recueillies et "
                   "leurs limites.",
            fix_en="Describe what the data contains, who produces it, how it is collected and its limits."))
    else:
        out.append(finding("M1", "pass", "Titre et description complets.", "Complete title and description."))
    # M2
    missing_fr, missing_en, fields = [], [], []
    if not dataset.contact_email:
        missing_fr.append("courriel du contact")
        missing_en.append("contact e-mail")
        fields.append("contact_email")
    keywords = dataset.keywords.count()
    if keywords < MIN_KEYWORDS:
        missing_fr.append(f"mots-clés ({keywords} sur {MIN_KEYWORDS} au moins)")
        missing_en.append(f"keywords ({keywords} of at least {MIN_KEYWORDS})")
        fields.append("keywords")
    if not dataset.themes.exists():
        missing_fr.append("thème")
        missing_en.append("theme")
        fields.append("themes")
    if missing_fr:
        out.append(finding("M2", "fail", "Il manque : " + ", ".join(missing_fr) + ".",
                           "Missing: " + ", ".join(missing_en) + ".", where={"fields": fields},
                           fix_fr="Complétez les métadonnées : courriel de contact, au moins trois mots-clés et "
                                  "un thème.",
                           fix_en="Complete the metadata: contact e-mail, at least three keywords and a theme."))
    else:
        out.append(finding("M2", "pass", "Organisation, contact, mots-clés et thème indiqués.",
                           "Organization, contact, keywords and theme given."))
    # M3
    if dataset.licence.is_open:
        out.append(finding("M3", "pass", f"Licence ouverte : {dataset.licence.title_fr}.",
                           f"Open licence: {dataset.licence.title_en}."))
    else:
        out.append(finding("M3", "fail", f"Licence non ouverte : {dataset.licence.title_fr}.",
                           f"Licence not open: {dataset.licence.title_en}.", where={"field": "licence"},
                           fix_fr="Choisissez une licence ouverte (CC BY 4.0 par défaut).",
                           fix_en="Choose an open licence (CC BY 4.0 by default)."))
    out.append(_check_frequency(dataset, resources, tables, now))
    # M5
    gaps_fr, gaps_en = [], []
    if not (dataset.temporal_start or dataset.temporal_end):
        gaps_fr.append("temporelle")
        gaps_en.append("temporal")
    if not dataset.spatial.strip():
        gaps_fr.append("géographique")
        gaps_en.append("geographic")
    if gaps_fr:
        out.append(finding("M5", "fail", "Couverture non indiquée : " + " et ".join(gaps_fr) + ".",
                           "Coverage not given: " + " and ".join(gaps_en) + ".",
                           where={"fields": ["temporal_start", "spatial"]},
                           fix_fr="Indiquez la période couverte (début, et fin s'il y a lieu) et le territoire.",
                           fix_en="Give the period covered (start, and end if any) and the territory."))
    else:
        out.append(finding("M5", "pass", "Couvertures temporelle et géographique indiquées.",
                           "Temporal and geographic coverage given."))
    out.extend(_check_resources_reachable(resources, tables))
    return out


def _check_frequency(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]],
                     now: dt.datetime) -> dict[str, Any]:
    frequency = dataset.update_frequency
    if frequency == "irregular":
        return finding("M4", "warning", "Fréquence « irrégulière » : les utilisateurs ne savent pas quand attendre "
                       "la prochaine mise à jour.",
                       "\"Irregular\" frequency: users cannot tell when to expect the next update.",
                       where={"field": "update_frequency"},
                       fix_fr="Déclarez la fréquence réelle de mise à jour, ou « archivé » si les données ne "
                              "changeront plus.",
                       fix_en="Declare the actual update frequency, or \"archived\" if the data will not change.")
    days = FREQUENCY_DAYS.get(frequency)
    last = last_data_update(dataset, resources, tables)
    if days is None or last is None:
        return finding("M4", "pass", "Fréquence de mise à jour déclarée.", "Update frequency declared.")
    late = (now - last).days - days
    if late > 0:
        return finding("M4", "fail",
                       f"Mise à jour en retard : dernière mise à jour des données le {last.date().isoformat()}, "
                       f"{late} jour(s) au-delà de la fréquence déclarée.",
                       f"Update overdue: data last updated on {last.date().isoformat()}, {late} day(s) past the "
                       "declared frequency.",
                       where={"field": "update_frequency", "last_update": last.isoformat()},
                       fix_fr="Publiez les données à jour, ou corrigez la fréquence déclarée.",
                       fix_en="Publish up-to-date data, or correct the declared frequency.")
    return finding("M4", "pass", "Mises à jour faites selon la fréquence déclarée.",
                   "Updates made on time for the declared frequency.")


def _check_resources_reachable(resources: list[Resource], tables: dict[str, list[Any]]) -> list[dict[str, Any]]:
    if not resources:
        return [finding("M6", "fail", "Aucune ressource : le jeu de données ne contient pas de données.",
                        "No resource: the dataset holds no data.",
                        fix_fr="Ajoutez au moins un fichier ou un lien vers les données.",
                        fix_en="Add at least one file or link to the data.")]
    out = []
    for resource in resources:
        api_table = any(t.origin == "api" for t in tables.get(str(resource.pk), []))
        gaps_fr, gaps_en = [], []
        if not resource.format:
            gaps_fr.append("format non indiqué")
            gaps_en.append("format not given")
        if resource.size is None and not api_table:
            gaps_fr.append("taille inconnue")
            gaps_en.append("size unknown")
        if resource.file and not default_storage.exists(resource.file.name or ""):
            gaps_fr.append("fichier introuvable dans le stockage")
            gaps_en.append("file missing from storage")
        if gaps_fr:
            out.append(finding("M6", "fail", f"Ressource « {resource.name} » : " + ", ".join(gaps_fr) + ".",
                               f"Resource \"{resource.name}\": " + ", ".join(gaps_en) + ".", where=_where(resource),
                               fix_fr="Indiquez le format et la taille de la ressource (ou déposez le fichier : "
                                      "ils sont alors mesurés automatiquement).",
                               fix_en="Give the resource's format and size (or upload the file: both are then "
                                      "measured automatically)."))
        elif resource.url and not resource.file:
            out.append(finding("M6", "warning", f"Lien « {resource.name} » non vérifié automatiquement.",
                               f"Link \"{resource.name}\" not checked automatically.", where=_where(resource),
                               fix_fr="Déposez le fichier sur la plateforme pour que sa disponibilité soit garantie.",
                               fix_en="Upload the file to the platform so that its availability is guaranteed."))
    if not out:
        out.append(finding("M6", "pass", "Ressources accessibles, format et taille indiqués.",
                           "Resources reachable, with format and size."))
    return out


# Files (F1–F12) -----------------------------------------------------------------------------------


def _dictionary(resource: Resource) -> dict[str, dict[str, str]]:
    return {str(c.get("name", "")).strip().lower(): c for c in resource.data_dictionary or [] if c.get("name")}


def _documented_table_findings(resource: Resource, table: Any) -> list[dict[str, Any]]:
    """The datastore's findings for one table, with F10 and F12 re-checked against the resource's own
    data dictionary (a column described in either place counts as described)."""
    dictionary = _dictionary(resource)
    sheet = {"sheet": table.sheet_name} if table.sheet_name else {}
    out = []
    for item in (table.quality or {}).get("findings", []):
        if item["rule"] in ("F10", "F12"):
            continue
        out.append({**item, "where": {**_where(resource), **item.get("where", {})}})
    undocumented, no_unit = [], []
    for field in table.fields:
        entry = dictionary.get(field["id"].lower(), {})
        if not ((field.get("description") or "").strip() or (entry.get("description") or "").strip()):
            undocumented.append(field["id"])
        if field.get("type") in ("int", "numeric") and not (field.get("unit") or entry.get("unit")):
            no_unit.append(field["id"])
    if no_unit:
        out.append(finding("F10", "warning", "Unité non précisée pour les colonnes numériques : "
                           + ", ".join(no_unit[:20]) + ".",
                           "No unit given for numeric columns: " + ", ".join(no_unit[:20]) + ".",
                           where=_where(resource, **sheet, columns=no_unit[:50]),
                           fix_fr="Indiquez l'unité (dollars canadiens, unités SI) dans le dictionnaire de données.",
                           fix_en="State the unit (Canadian dollars, SI units) in the data dictionary."))
    else:
        out.append(finding("F10", "pass", "Unités déclarées.", "Units declared.", where=_where(resource, **sheet)))
    if undocumented:
        out.append(finding("F12", "fail", f"{len(undocumented)} colonne(s) sans description dans le dictionnaire "
                           "de données.", f"{len(undocumented)} column(s) without a description in the data "
                           "dictionary.", where=_where(resource, **sheet, columns=undocumented[:50]),
                           fix_fr="Décrivez chaque colonne (nom, type, description, unité) dans le dictionnaire.",
                           fix_en="Describe every column (name, type, description, unit) in the dictionary."))
    else:
        out.append(finding("F12", "pass", "Dictionnaire de données complet.", "Complete data dictionary.",
                           where=_where(resource, **sheet)))
    return out


def check_format(resource: Resource) -> list[dict[str, Any]]:
    """F1 and F4 from the declared format and the file extension (resources not in the datastore)."""
    fmt = (resource.format or "").upper()
    ext = _extension(resource)
    where = _where(resource)
    out = []
    if fmt in OPEN_FORMATS:
        out.append(finding("F1", "pass", f"Format {fmt} : ouvert et lisible par machine.",
                           f"{fmt} format: open and machine-readable.", where=where))
    elif fmt in PROPRIETARY_FORMATS:
        out.append(finding("F1", "warning", f"Format {fmt} : lisible par machine mais pas ouvert.",
                           f"{fmt} format: machine-readable but not open.", where=where,
                           fix_fr="Publiez aussi chaque feuille en CSV UTF-8.",
                           fix_en="Also publish each sheet as UTF-8 CSV."))
    elif fmt == "ZIP":
        out.append(finding("F1", "warning", "Archive ZIP : le format des données qu'elle contient n'est pas déclaré.",
                           "ZIP archive: the format of the data inside is not declared.", where=where,
                           fix_fr="Indiquez le format des données (SHP pour un shapefile compressé).",
                           fix_en="State the format of the data (SHP for a zipped shapefile)."))
    else:
        label = fmt or "?"
        out.append(finding("F1", "fail", f"Format {label} : un document, pas des données lisibles par machine.",
                           f"{label} format: a document, not machine-readable data.", where=where,
                           fix_fr="Publiez les données dans un format ouvert (CSV, JSON, GeoJSON, XML…).",
                           fix_en="Publish the data in an open format (CSV, JSON, GeoJSON, XML…)."))
    if ext in COMPRESSED_EXTENSIONS and fmt != "SHP":
        out.append(finding("F4", "fail", f"Fichier compressé (.{ext}).", f"Compressed file (.{ext}).", where=where,
                           fix_fr="Publiez le fichier non compressé (seul un shapefile peut être livré en ZIP).",
                           fix_en="Publish the file uncompressed (only a shapefile may come zipped)."))
    else:
        out.append(finding("F4", "pass", "Fichier non compressé (ou shapefile zippé).",
                           "File not compressed (or a zipped shapefile).", where=where))
    return out


def check_resource(resource: Resource, tables: list[Any]) -> list[dict[str, Any]]:
    """Every F finding of one resource: the datastore's when it is loaded, else from its format."""
    if tables:
        out = []
        for table in tables:
            out.extend(_documented_table_findings(resource, table))
        return out
    out = check_format(resource)
    if (resource.format or "").upper() in TABULAR_FORMATS:
        out.append(finding("F3", "warning", "Fichier tabulaire pas (encore) chargé dans le magasin de données : "
                           "son contenu n'a pas pu être vérifié.",
                           "Tabular file not (yet) loaded into the datastore: its content could not be checked.",
                           where=_where(resource),
                           fix_fr="Déposez le fichier sur la plateforme, ou consultez le rapport de chargement.",
                           fix_en="Upload the file to the platform, or read the load report."))
    return out


# Score, stars, conformity, reference --------------------------------------------------------------


def rule_statuses(findings: list[dict[str, Any]]) -> dict[str, str]:
    """The worst status of each rule."""
    out: dict[str, str] = {}
    for item in findings:
        current = out.get(item["rule"])
        if current is None or STATUS_ORDER[item["status"]] > STATUS_ORDER[current]:
            out[item["rule"]] = item["status"]
    return out


def _share(statuses: dict[str, str]) -> float | None:
    values = [STATUS_VALUE[s] for s in statuses.values() if s in STATUS_VALUE]
    return sum(values) / len(values) if values else None


def quality_score(metadata: list[dict[str, Any]], per_resource: list[list[dict[str, Any]]]) -> int:
    """40 points for M1–M6 (equal weights), 60 for the resources' F rules (each resource's share of
    passed applicable rules, averaged). A warning counts half. No resource: no file points."""
    meta = _share(rule_statuses(metadata)) or 0.0
    shares = [s for s in (_share(rule_statuses(f)) for f in per_resource) if s is not None]
    files = sum(shares) / len(shares) if shares else 0.0
    return round(METADATA_WEIGHT * meta + FILES_WEIGHT * files)


def openness_stars(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]]) -> tuple[int, dict]:
    """Tim Berners-Lee's scale as ckanext-qa applies it (see docs/catalog.md)."""
    if not dataset.licence.is_open:
        return 0, {"fr": "Licence non ouverte.", "en": "Licence not open."}
    if not resources:
        return 0, {"fr": "Aucune ressource en ligne.", "en": "No resource on the web."}
    formats = {(r.format or "").upper() for r in resources}
    queryable_open = any(str(r.pk) in tables and (r.format or "").upper() not in PROPRIETARY_FORMATS
                         for r in resources)
    if formats & LINKED_FORMATS or queryable_open:
        return 4, {"fr": "Format ouvert avec des adresses (URI) : données liées, ou enregistrements interrogeables "
                         "par l'API du magasin de données et décrits en DCAT.",
                   "en": "Open format with URIs: linked data, or records queryable through the datastore API and "
                         "described in DCAT."}
    if formats & OPEN_FORMATS:
        return 3, {"fr": "Données dans un format ouvert.", "en": "Data in an open format."}
    if formats & (PROPRIETARY_FORMATS | {"ZIP"}) or any(str(r.pk) in tables for r in resources):
        return 2, {"fr": "Données structurées dans un format propriétaire.",
                   "en": "Structured data in a proprietary format."}
    return 1, {"fr": "En ligne sous licence ouverte, mais pas dans un format lisible par machine.",
               "en": "On the web under an open licence, but not in a machine-readable format."}


def _identifier(resource: Resource, table: Any) -> str | None:
    """The declared identifier column: the table's primary key, or the dictionary entry typed
    ``identifiant`` (or ``identifier``)."""
    if table.primary_key:
        return table.primary_key[0]
    for entry in resource.data_dictionary or []:
        if str(entry.get("type", "")).strip().lower() in ("identifiant", "identifier"):
            name = str(entry.get("name", "")).strip()
            match = next((f["id"] for f in table.fields if f["id"].lower() == name.lower()), None)
            if match:
                return match
    return None


def reference_check(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]],
                    conforms: bool) -> dict[str, Any]:
    """The reference-data criteria of the guidelines, each with its outcome."""
    public = dataset.state == "active" and not dataset.private
    tabular = [r for r in resources if str(r.pk) in tables]
    identifiers: list[dict[str, Any]] = []
    for resource in tabular:
        for table in tables[str(resource.pk)]:
            column = _identifier(resource, table)
            if column is None:
                identifiers.append({"resource": str(resource.pk), "column": None, "ok": False})
                continue
            from ouvert.datastore.quality import identifier_check

            identifiers.append({"resource": str(resource.pk), **identifier_check(table.table_name, column)})
    criteria = [
        ("public", public, "Publié et public", "Published and public"),
        ("rules", conforms, "Règles F1–F12 et M1–M6 respectées", "Rules F1–F12 and M1–M6 met"),
        ("identifier", bool(identifiers) and all(i["ok"] for i in identifiers),
         "Colonne identifiant déclarée, unique et jamais vide", "Declared identifier column, unique and never empty"),
        ("checksum", bool(resources) and all(r.sha256 or str(r.pk) in tables and any(
            t.origin == "api" for t in tables[str(r.pk)]) for r in resources),
         "Somme de contrôle publiée pour chaque fichier", "Checksum published for each file"),
        ("availability", bool(resources) and all(r.file or str(r.pk) in tables for r in resources),
         "Disponibilité surveillée (fichiers servis par la plateforme)",
         "Availability monitored (files served by the platform)"),
        ("schema", bool(tabular) and len(tabular) == len(resources),
         "Schéma documenté (Table Schema du magasin de données) que les données respectent",
         "Documented schema (datastore Table Schema) the data validates against"),
        ("steward", bool(dataset.contact_name.strip() and dataset.contact_email),
         "Responsable nommé (nom et courriel du contact)", "Named steward (contact name and e-mail)"),
    ]
    return {"eligible": all(ok for _key, ok, _fr, _en in criteria),
            "criteria": [{"key": key, "ok": ok, "label": {"fr": fr, "en": en}} for key, ok, fr, en in criteria],
            "identifiers": identifiers}


def dataset_report(dataset: Dataset, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The full quality report of a dataset (what :func:`services.dataset_quality_refresh` stores)."""
    now = now or timezone.now()
    # Documentation (a web page or document describing the data) is not data: no rule applies to it.
    resources = list(dataset.resources.filter(is_documentation=False).order_by("position", "created_at"))
    tables = _tables_by_resource(resources)
    metadata = check_metadata(dataset, resources, tables, now)
    per_resource = [check_resource(r, tables.get(str(r.pk), [])) for r in resources]
    findings = metadata + [f for items in per_resource for f in items]
    statuses = rule_statuses(findings)
    failed = sorted((r for r, s in statuses.items() if s == "fail"), key=_rule_key)
    conforms = bool(resources) and not failed
    stars, stars_reason = openness_stars(dataset, resources, tables)
    tabular = [r for r in resources if (r.format or "").upper() in TABULAR_FORMATS]
    return {
        "version": REPORT_VERSION,
        "checked_at": now.isoformat(),
        "score": quality_score(metadata, per_resource),
        "stars": stars,
        "stars_reason": stars_reason,
        "conforms": conforms,
        "rules": {r: statuses[r] for r in sorted(statuses, key=_rule_key)},
        "failed_rules": failed,
        "warning_rules": sorted((r for r, s in statuses.items() if s == "warning"), key=_rule_key),
        "findings": sorted((f for f in findings if f["status"] in ("fail", "warning")),
                           key=lambda f: (STATUS_ORDER[f["status"]] * -1, _rule_key(f["rule"]))),
        "tabular_resources": len(tabular),
        "queryable_resources": sum(1 for r in tabular if str(r.pk) in tables),
        "reference": reference_check(dataset, resources, tables, conforms),
    }


def _rule_key(rule: str) -> tuple[str, int]:
    return rule[0] if rule[0] == "M" else "A", int(rule[1:]) if rule[1:].isdigit() else 0
