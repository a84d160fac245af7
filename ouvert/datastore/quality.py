"""Checks of the publication guidelines (../shared/GUIDELINES.md, rules F1–F12) on what ingestion
learned, plus SQL checks on loaded tables. Run in the ingestion task, never in a request.

Each finding is stored in both languages, since reports are kept and read in either:
``{"rule", "status": pass|warning|fail|not_applicable, "message": {fr, en}, "where": {...}, "fix": {fr, en}}``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from .backends import get_backend, quote

OPEN_FORMATS = {"csv", "json", "geojson", "xml", "kml", "gpkg", "parquet", "shp"}
FILE_RULES = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"]


def _finding(rule: str, status: str, fr: str, en: str, *, where: dict | None = None, fix_fr: str = "",
             fix_en: str = "") -> dict[str, Any]:
    return {"rule": rule, "status": status, "message": {"fr": fr, "en": en}, "where": where or {},
            "fix": {"fr": fix_fr, "en": fix_en}}


def check_sheet(*, detected: dict[str, Any], columns: list[dict[str, Any]], width_issues: dict[str, Any],
                sheet_name: str = "") -> list[dict[str, Any]]:
    """Findings for one loaded table from its detection report and data dictionary."""
    out: list[dict[str, Any]] = []
    base = {"sheet": sheet_name} if sheet_name else {}
    fmt = detected.get("format", "csv")
    if fmt in ("xlsx", "xls"):
        out.append(_finding("F1", "warning", f"Format {fmt.upper()} : lisible par machine mais pas ouvert.",
                            f"{fmt.upper()} format: machine-readable but not open.", where=base,
                            fix_fr="Publiez aussi chaque feuille en CSV UTF-8.",
                            fix_en="Also publish each sheet as UTF-8 CSV."))
    else:
        out.append(_finding("F1", "pass", "Format ouvert et lisible par machine.", "Open, machine-readable format."))
    encoding = detected.get("encoding", "utf-8")
    if encoding not in ("utf-8", "ascii"):
        out.append(_finding("F2", "fail", f"Texte encodé en {encoding}, pas en UTF-8.",
                            f"Text encoded in {encoding}, not UTF-8.", where=base,
                            fix_fr="Enregistrez le fichier en « CSV UTF-8 » (Excel : Enregistrer sous > CSV UTF-8).",
                            fix_en="Save the file as \"CSV UTF-8\" (Excel: Save as > CSV UTF-8)."))
    elif detected.get("bom"):
        out.append(_finding("F2", "warning", "UTF-8 avec BOM (marque d'ordre des octets) : toléré.",
                            "UTF-8 with a byte-order mark (BOM): tolerated.", where=base,
                            fix_fr="Enregistrez en UTF-8 sans BOM.", fix_en="Save as UTF-8 without BOM."))
    else:
        out.append(_finding("F2", "pass", "Texte en UTF-8.", "Text in UTF-8."))
    if fmt == "csv":
        problems_fr, problems_en = [], []
        if detected.get("delimiter") != ",":
            sep = {"\t": "tabulation"}.get(detected.get("delimiter", ""), detected.get("delimiter", ""))
            problems_fr.append(f"séparateur « {sep} » au lieu de la virgule")
            problems_en.append(f"delimiter \"{sep}\" instead of a comma")
        if not detected.get("has_header"):
            problems_fr.append("pas de ligne d'en-tête")
            problems_en.append("no header row")
        where = dict(base)
        if width_issues.get("short_rows") or width_issues.get("long_rows"):
            rows = width_issues.get("short_row_examples", []) + width_issues.get("long_row_examples", [])
            where["rows"] = rows[:10]
            problems_fr.append(f"{width_issues.get('short_rows', 0) + width_issues.get('long_rows', 0)} ligne(s) "
                               "n'ont pas le même nombre de champs que l'en-tête")
            problems_en.append(f"{width_issues.get('short_rows', 0) + width_issues.get('long_rows', 0)} line(s) "
                               "do not have as many fields as the header")
        if problems_fr:
            out.append(_finding("F3", "fail", "CSV : " + " ; ".join(problems_fr) + ".",
                                "CSV: " + "; ".join(problems_en) + ".", where=where,
                                fix_fr="Utilisez la virgule comme séparateur, une seule ligne d'en-tête et le même "
                                       "nombre de champs sur chaque ligne.",
                                fix_en="Use a comma delimiter, one header row and the same number of fields on "
                                       "every line."))
        else:
            out.append(_finding("F3", "pass", "CSV bien formé.", "Well-formed CSV."))
    else:
        out.append(_finding("F3", "not_applicable", "Pas un CSV.", "Not a CSV."))
    out.append(_finding("F4", "pass", "Fichier non compressé.", "File not compressed."))
    labels = [c.get("label") or "" for c in columns]
    blank = [i + 1 for i, label in enumerate(labels) if not label.strip()]
    seen: dict[str, int] = {}
    dupes = []
    for label in labels:
        key = label.strip().lower()
        if key:
            seen[key] = seen.get(key, 0) + 1
    dupes = sorted({label for label in labels if label.strip() and seen[label.strip().lower()] > 1})
    if (blank or dupes) and detected.get("has_header", True):
        fr = []
        en = []
        if blank:
            fr.append(f"colonne(s) sans nom en position {', '.join(map(str, blank))}")
            en.append(f"unnamed column(s) at position {', '.join(map(str, blank))}")
        if dupes:
            fr.append(f"noms en double : {', '.join(dupes)}")
            en.append(f"duplicate names: {', '.join(dupes)}")
        out.append(_finding("F5", "fail", "En-têtes : " + " ; ".join(fr) + ".", "Headers: " + "; ".join(en) + ".",
                            where={**base, "columns": [columns[i - 1]["id"] for i in blank] + dupes},
                            fix_fr="Donnez à chaque colonne un nom unique et non vide.",
                            fix_en="Give every column a unique, non-empty name."))
    else:
        out.append(_finding("F5", "pass", "Noms de colonnes uniques et non vides.", "Unique, non-empty column names."))
    if width_issues.get("total_rows") or width_issues.get("blank_rows"):
        rows = (width_issues.get("total_rows", []) + width_issues.get("blank_rows", []))[:10]
        out.append(_finding("F5", "fail", "Lignes de total ou lignes vides au milieu des données.",
                            "Total rows or blank rows inside the data.", where={**base, "rows": rows},
                            fix_fr="Retirez les totaux, titres, notes et lignes vides : une ligne par "
                                   "enregistrement, un tableau par fichier.",
                            fix_en="Remove totals, titles, notes and blank rows: one line per record, one "
                                   "table per file."))
    markers = [(c, c["detected"].get("empty_markers")) for c in columns if c.get("detected", {}).get("empty_markers")]
    if markers:
        for column, found in markers:
            sample = ", ".join(f"« {k} » ×{v}" for k, v in list(found.items())[:5])
            sample_en = ", ".join(f"\"{k}\" ×{v}" for k, v in list(found.items())[:5])
            out.append(_finding("F6", "fail", f"Colonne « {column['id']} » : valeurs inconnues notées {sample}.",
                                f"Column \"{column['id']}\": unknown values written as {sample_en}.",
                                where={**base, "column": column["id"],
                                       "rows": column["detected"].get("empty_marker_rows", [])[:10]},
                                fix_fr="Laissez la cellule vide quand la valeur est inconnue ; corrigez les "
                                       "erreurs de formule (#REF!).",
                                fix_en="Leave the cell empty when the value is unknown; fix formula errors (#REF!)."))
    else:
        out.append(_finding("F6", "pass", "Valeurs inconnues laissées vides.", "Unknown values left empty."))
    commas = [c["id"] for c in columns if c.get("detected", {}).get("decimal_mark") == ","
              or c.get("detected", {}).get("thousands_separator")]
    if commas:
        out.append(_finding("F7", "fail",
                            "Virgule décimale ou séparateur de milliers dans : " + ", ".join(commas) + ".",
                            "Decimal comma or thousands separator in: " + ", ".join(commas) + ".",
                            where={**base, "columns": commas},
                            fix_fr="Écrivez les nombres avec un point décimal et sans espace (1234.56).",
                            fix_en="Write numbers with a decimal point and no spaces (1234.56)."))
    else:
        out.append(_finding("F7", "pass", "Nombres au format international.", "Numbers in international format."))
    non_iso = [c["id"] for c in columns if c["type"] in ("date", "timestamp")
               and any(f != "iso" for f in c.get("detected", {}).get("date_formats", []))]
    if non_iso:
        out.append(_finding("F8", "fail", "Dates hors ISO 8601 dans : " + ", ".join(non_iso) + ".",
                            "Dates not in ISO 8601 in: " + ", ".join(non_iso) + ".",
                            where={**base, "columns": non_iso},
                            fix_fr="Écrivez les dates AAAA-MM-JJ (et AAAA-MM-JJThh:mm:ss±hh:mm avec l'heure).",
                            fix_en="Write dates as YYYY-MM-DD (and YYYY-MM-DDThh:mm:ss±hh:mm with a time)."))
    else:
        out.append(_finding("F8", "pass", "Dates en ISO 8601.", "Dates in ISO 8601."))
    words = [c["id"] for c in columns if c["type"] == "bool"
             and set(c.get("detected", {}).get("bool_words", [])) - {"true", "false"}]
    if words:
        out.append(_finding("F9", "fail", "Booléens écrits en texte libre dans : " + ", ".join(words) + ".",
                            "Booleans written as free text in: " + ", ".join(words) + ".",
                            where={**base, "columns": words},
                            fix_fr="Écrivez true/false (ou 1/0).", fix_en="Write true/false (or 1/0)."))
    else:
        out.append(_finding("F9", "pass", "Booléens conformes.", "Booleans conform."))
    no_unit = [c["id"] for c in columns if c["type"] in ("int", "numeric") and not c.get("unit")]
    if no_unit:
        out.append(_finding("F10", "warning", "Unité non précisée pour les colonnes numériques : "
                            + ", ".join(no_unit[:20]) + ".",
                            "No unit given for numeric columns: " + ", ".join(no_unit[:20]) + ".",
                            where={**base, "columns": no_unit},
                            fix_fr="Indiquez l'unité (dollars canadiens, unités SI) dans le dictionnaire de données.",
                            fix_en="State the unit (Canadian dollars, SI units) in the data dictionary."))
    else:
        out.append(_finding("F10", "pass", "Unités déclarées.", "Units declared."))
    out.append(_finding("F11", "not_applicable", "Pas de géométrie à vérifier dans ce tableau.",
                        "No geometry to check in this table."))
    undocumented = [c["id"] for c in columns if not (c.get("description") or "").strip()]
    if undocumented:
        out.append(_finding("F12", "fail", f"{len(undocumented)} colonne(s) sans description dans le dictionnaire "
                            "de données.", f"{len(undocumented)} column(s) without a description in the data "
                            "dictionary.", where={**base, "columns": undocumented[:50]},
                            fix_fr="Décrivez chaque colonne (nom, type, description, unité) dans le dictionnaire.",
                            fix_en="Describe every column (name, type, description, unit) in the dictionary."))
    else:
        out.append(_finding("F12", "pass", "Dictionnaire de données complet.", "Complete data dictionary."))
    return out


def score_inputs(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """What the catalogue's 0–100 quality score needs from the datastore, per resource."""
    by_rule: dict[str, str] = {}
    order = {"fail": 3, "warning": 2, "pass": 1, "not_applicable": 0}
    for finding in findings:
        current = by_rule.get(finding["rule"])
        if current is None or order[finding["status"]] > order[current]:
            by_rule[finding["rule"]] = finding["status"]
    applicable = [r for r, s in by_rule.items() if s != "not_applicable"]
    passed = [r for r in applicable if by_rule[r] == "pass"]
    warned = [r for r in applicable if by_rule[r] == "warning"]
    score = round(100 * (len(passed) + 0.5 * len(warned)) / len(applicable)) if applicable else 0
    return {"rules": by_rule, "passed": sorted(passed), "warnings": sorted(warned),
            "failed": sorted(r for r in applicable if by_rule[r] == "fail"), "score": score,
            "queryable": True}


def identifier_check(table_name: str, column: str) -> dict[str, Any]:
    """Reference-data criterion: the declared identifier column is unique and never empty (in SQL)."""
    backend = get_backend()
    sql = (f"SELECT COUNT(*), COUNT({quote(column)}), COUNT(DISTINCT {quote(column)}) "  # noqa: S608 — quoted identifiers, bound values
           f"FROM {backend.table_sql(table_name)}")
    with connection.cursor() as cur:
        cur.execute(sql)
        total, non_null, distinct = cur.fetchone()
    return {"column": column, "rows": total, "empty": total - non_null, "duplicates": non_null - distinct,
            "ok": total > 0 and total == non_null == distinct}


def reference_criteria(*, findings: list[dict[str, Any]], identifier: dict[str, Any] | None) -> dict[str, Any]:
    """The datastore's share of the reference-data badge: F1–F12 met and a valid identifier column.
    The catalogue adds M1–M6, checksums, link checks, schema and steward."""
    inputs = score_inputs(findings)
    files_ok = not inputs["failed"]
    return {"files_rules_met": files_ok, "failed_rules": inputs["failed"],
            "identifier_ok": bool(identifier and identifier.get("ok")), "identifier": identifier,
            "eligible": files_ok and bool(identifier and identifier.get("ok"))}
