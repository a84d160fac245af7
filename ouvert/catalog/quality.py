"""Dataset quality: the metadata rules M1–M6 of the publication guidelines, combined with each
data resource's file rules F1–F12 (documentation resources are left out), into one report with a
score, openness stars, a conformity flag and the reference-data criteria (../shared/GUIDELINES.md;
weighting documented in docs/catalog.md).

Plain functions that read; :func:`ouvert.catalog.services.dataset_quality_refresh` stores the
result. Reports are kept and read in either language, so every message is stored as a code and its
parameters (:mod:`ouvert.core.messages`), like the datastore's findings, and rendered when shown.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.guidelines import (
    COMPRESSED_EXTENSIONS,
    FILE_RULES,
    LINKED_FORMATS,
    METADATA_RULES,
    OPEN_FORMATS,
    PROPRIETARY_FORMATS,
    STATUS_ORDER,
    TABULAR_FORMATS,
    bilingual,
    finding,
)
from ouvert.core.messages import Template, message, register

from .models import FREQUENCY_DAYS, Dataset, Resource

__all__ = ["FILE_RULES", "METADATA_RULES", "TABULAR_FORMATS", "dataset_report"]

REPORT_VERSION = 2  # 2: messages stored as codes and parameters (1: French and English texts)
MIN_DESCRIPTION = 100
MIN_KEYWORDS = 3
# Weights of the 0–100 score: metadata rules and file rules (see docs/catalog.md).
METADATA_WEIGHT = 40
FILES_WEIGHT = 60
STATUS_VALUE = {"pass": 1.0, "warning": 0.5, "fail": 0.0}

register({
    "m1.short": (ngettext_lazy("Description de {length} caractère : il en faut au moins {minimum}.",
                               "Description de {length} caractères : il en faut au moins {minimum}.", "length"),
                 _("Décrivez ce que contiennent les données, qui les produit, comment elles sont recueillies et "
                   "leurs limites.")),
    "m1.pass": _("Titre et description complets."),
    "m2.missing": (_("Il manque : {missing}."),
                   _("Complétez les métadonnées : courriel de contact, au moins trois mots-clés et un thème.")),
    "m2.contact": _("courriel du contact"),
    "m2.keywords": _("mots-clés ({count} sur {minimum} au moins)"),
    "m2.theme": _("thème"),
    "m2.pass": _("Organisation, contact, mots-clés et thème indiqués."),
    "m3.open": _("Licence ouverte : {licence}."),
    "m3.not_open": (_("Licence non ouverte : {licence}."), _("Choisissez une licence ouverte (CC BY 4.0 par défaut).")),
    "m4.irregular": (_("Fréquence « irrégulière » : les utilisateurs ne savent pas quand attendre la prochaine mise "
                       "à jour."),
                     _("Déclarez la fréquence réelle de mise à jour, ou « archivé » si les données ne changeront "
                       "plus.")),
    "m4.declared": _("Fréquence de mise à jour déclarée."),
    "m4.late": (ngettext_lazy("Mise à jour en retard : dernière mise à jour des données le {date}, {late} jour "
                              "au-delà de la fréquence déclarée.",
                              "Mise à jour en retard : dernière mise à jour des données le {date}, {late} jours "
                              "au-delà de la fréquence déclarée.", "late"),
                _("Publiez les données à jour, ou corrigez la fréquence déclarée.")),
    "m4.on_time": _("Mises à jour faites selon la fréquence déclarée."),
    "m5.missing": Template(_("Couverture non indiquée : {gaps}."),
                           _("Indiquez la période couverte (début, et fin s'il y a lieu) et le territoire."),
                           sep=_(" et ")),
    "m5.temporal": _("temporelle"),
    "m5.geographic": _("géographique"),
    "m5.pass": _("Couvertures temporelle et géographique indiquées."),
    "m6.no_resource": (_("Aucune ressource : le jeu de données ne contient pas de données."),
                       _("Ajoutez au moins un fichier ou un lien vers les données.")),
    "m6.gaps": (_("Ressource « {resource} » : {gaps}."),
                _("Indiquez le format et la taille de la ressource (ou déposez le fichier : ils sont alors mesurés "
                  "automatiquement).")),
    "m6.no_format": _("format non indiqué"),
    "m6.no_size": _("taille inconnue"),
    "m6.file_missing": _("fichier introuvable dans le stockage"),
    "m6.unchecked_link": (_("Lien « {resource} » non vérifié automatiquement."),
                          _("Déposez le fichier sur la plateforme pour que sa disponibilité soit garantie.")),
    "m6.pass": _("Ressources accessibles, format et taille indiqués."),
    "f1.open_format": _("Format {format} : ouvert et lisible par machine."),
    "f1.zip": (_("Archive ZIP : le format des données qu'elle contient n'est pas déclaré."),
               _("Indiquez le format des données (SHP pour un shapefile compressé).")),
    "f1.document": (_("Format {format} : un document, pas des données lisibles par machine."),
                    _("Publiez les données dans un format ouvert (CSV, JSON, GeoJSON, XML…).")),
    "f3.not_loaded": (_("Fichier tabulaire pas (encore) chargé dans le magasin de données : son contenu n'a pas pu "
                        "être vérifié."),
                      _("Déposez le fichier sur la plateforme, ou consultez le rapport de chargement.")),
    "f4.compressed": (_("Fichier compressé (.{extension})."),
                      _("Publiez le fichier non compressé (seul un shapefile peut être livré en ZIP).")),
    "f4.pass_format": _("Fichier non compressé (ou shapefile zippé)."),
    "stars.not_open": _("Licence non ouverte."),
    "stars.no_resource": _("Aucune ressource en ligne."),
    "stars.4": _("Format ouvert avec des adresses (URI) : données liées, ou enregistrements interrogeables par l'API "
                 "du magasin de données et décrits en DCAT."),
    "stars.3": _("Données dans un format ouvert."),
    "stars.2": _("Données structurées dans un format propriétaire."),
    "stars.1": _("En ligne sous licence ouverte, mais pas dans un format lisible par machine."),
    "criterion.public": _("Publié et public"),
    "criterion.rules": _("Règles F1–F12 et M1–M6 respectées"),
    "criterion.identifier": _("Colonne identifiant déclarée, unique et jamais vide"),
    "criterion.checksum": _("Somme de contrôle publiée pour chaque fichier"),
    "criterion.availability": _("Disponibilité surveillée (fichiers servis par la plateforme)"),
    "criterion.schema": _("Schéma documenté (Table Schema du magasin de données) que les données respectent"),
    "criterion.steward": _("Responsable nommé (nom et courriel du contact)"),
    "reference.met": _("Tous les critères des données de référence sont remplis."),
    "reference.unmet": Template(_("Critères non remplis : {criteria}."), sep=_(" ; ")),
})


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
        out.append(finding("M1", "fail", "m1.short", where={"field": "notes"}, length=length,
                           minimum=MIN_DESCRIPTION))
    else:
        out.append(finding("M1", "pass", "m1.pass"))
    # M2
    missing: list[dict[str, Any]] = []
    fields = []
    if not dataset.contact_email:
        missing.append(message("m2.contact"))
        fields.append("contact_email")
    keywords = dataset.keywords.count()
    if keywords < MIN_KEYWORDS:
        missing.append(message("m2.keywords", count=keywords, minimum=MIN_KEYWORDS))
        fields.append("keywords")
    if not dataset.themes.exists():
        missing.append(message("m2.theme"))
        fields.append("themes")
    if missing:
        out.append(finding("M2", "fail", "m2.missing", where={"fields": fields}, missing=missing))
    else:
        out.append(finding("M2", "pass", "m2.pass"))
    # M3
    licence = bilingual(dataset.licence.title_fr, dataset.licence.title_en)
    if dataset.licence.is_open:
        out.append(finding("M3", "pass", "m3.open", licence=licence))
    else:
        out.append(finding("M3", "fail", "m3.not_open", where={"field": "licence"}, licence=licence))
    out.append(_check_frequency(dataset, resources, tables, now))
    # M5
    gaps: list[dict[str, Any]] = []
    if not (dataset.temporal_start or dataset.temporal_end):
        gaps.append(message("m5.temporal"))
    if not dataset.spatial.strip():
        gaps.append(message("m5.geographic"))
    if gaps:
        out.append(finding("M5", "fail", "m5.missing", where={"fields": ["temporal_start", "spatial"]}, gaps=gaps))
    else:
        out.append(finding("M5", "pass", "m5.pass"))
    out.extend(_check_resources_reachable(resources, tables))
    return out


def _check_frequency(dataset: Dataset, resources: list[Resource], tables: dict[str, list[Any]],
                     now: dt.datetime) -> dict[str, Any]:
    frequency = dataset.update_frequency
    if frequency == "irregular":
        return finding("M4", "warning", "m4.irregular", where={"field": "update_frequency"})
    days = FREQUENCY_DAYS.get(frequency)
    last = last_data_update(dataset, resources, tables)
    if days is None or last is None:
        return finding("M4", "pass", "m4.declared")
    late = (now - last).days - days
    if late > 0:
        return finding("M4", "fail", "m4.late", date=last.date().isoformat(), late=late,
                       where={"field": "update_frequency", "last_update": last.isoformat()})
    return finding("M4", "pass", "m4.on_time")


def _check_resources_reachable(resources: list[Resource], tables: dict[str, list[Any]]) -> list[dict[str, Any]]:
    if not resources:
        return [finding("M6", "fail", "m6.no_resource")]
    out = []
    for resource in resources:
        api_table = any(t.origin == "api" for t in tables.get(str(resource.pk), []))
        gaps: list[dict[str, Any]] = []
        if not resource.format:
            gaps.append(message("m6.no_format"))
        if resource.size is None and not api_table:
            gaps.append(message("m6.no_size"))
        if resource.file and not default_storage.exists(resource.file.name or ""):
            gaps.append(message("m6.file_missing"))
        if gaps:
            out.append(finding("M6", "fail", "m6.gaps", where=_where(resource), resource=resource.name, gaps=gaps))
        elif resource.url and not resource.file:
            out.append(finding("M6", "warning", "m6.unchecked_link", where=_where(resource), resource=resource.name))
    if not out:
        out.append(finding("M6", "pass", "m6.pass"))
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
        identifier = str(entry.get("type", "")).strip().lower() in ("identifiant", "identifier")
        if field.get("type") in ("int", "numeric") and not (field.get("unit") or entry.get("unit") or identifier):
            no_unit.append(field["id"])  # a number that measures something; an identifier has no unit
    if no_unit:
        out.append(finding("F10", "warning", "f10.no_unit", columns=no_unit[:20],
                           where=_where(resource, **sheet, columns=no_unit[:50])))
    else:
        out.append(finding("F10", "pass", "f10.pass", where=_where(resource, **sheet)))
    if undocumented:
        out.append(finding("F12", "fail", "f12.undocumented", count=len(undocumented),
                           where=_where(resource, **sheet, columns=undocumented[:50])))
    else:
        out.append(finding("F12", "pass", "f12.pass", where=_where(resource, **sheet)))
    return out


def check_format(resource: Resource) -> list[dict[str, Any]]:
    """F1 and F4 from the declared format and the file extension (resources not in the datastore)."""
    fmt = (resource.format or "").upper()
    ext = _extension(resource)
    where = _where(resource)
    out = []
    if fmt in OPEN_FORMATS:
        out.append(finding("F1", "pass", "f1.open_format", where=where, format=fmt))
    elif fmt in PROPRIETARY_FORMATS:
        out.append(finding("F1", "warning", "f1.proprietary", where=where, format=fmt))
    elif fmt == "ZIP":
        out.append(finding("F1", "warning", "f1.zip", where=where))
    else:
        out.append(finding("F1", "fail", "f1.document", where=where, format=fmt or "?"))
    if ext in COMPRESSED_EXTENSIONS and fmt != "SHP":
        out.append(finding("F4", "fail", "f4.compressed", where=where, extension=ext))
    else:
        out.append(finding("F4", "pass", "f4.pass_format", where=where))
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
        out.append(finding("F3", "warning", "f3.not_loaded", where=_where(resource)))
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


def openness_stars(dataset: Dataset, resources: list[Resource],
                   tables: dict[str, list[Any]]) -> tuple[int, dict[str, Any]]:
    """Tim Berners-Lee's scale as ckanext-qa applies it (see docs/catalog.md), with the reason (a message)."""
    if not dataset.licence.is_open:
        return 0, message("stars.not_open")
    if not resources:
        return 0, message("stars.no_resource")
    formats = {(r.format or "").upper() for r in resources}
    queryable_open = any(str(r.pk) in tables and (r.format or "").upper() not in PROPRIETARY_FORMATS
                         for r in resources)
    if formats & LINKED_FORMATS or queryable_open:
        return 4, message("stars.4")
    if formats & OPEN_FORMATS:
        return 3, message("stars.3")
    if formats & (PROPRIETARY_FORMATS | {"ZIP"}) or any(str(r.pk) in tables for r in resources):
        return 2, message("stars.2")
    return 1, message("stars.1")


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
        ("public", public),
        ("rules", conforms),
        ("identifier", bool(identifiers) and all(i["ok"] for i in identifiers)),
        ("checksum", bool(resources) and all(r.sha256 or str(r.pk) in tables and any(
            t.origin == "api" for t in tables[str(r.pk)]) for r in resources)),
        ("availability", bool(resources) and all(r.file or str(r.pk) in tables for r in resources)),
        ("schema", bool(tabular) and len(tabular) == len(resources)),
        ("steward", bool(dataset.contact_name.strip() and dataset.contact_email)),
    ]
    return {"eligible": all(ok for _key, ok in criteria),
            "criteria": [{"key": key, "ok": ok, "label": message(f"criterion.{key}")} for key, ok in criteria],
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
