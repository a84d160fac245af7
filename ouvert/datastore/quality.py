"""Checks of the publication guidelines (../shared/GUIDELINES.md, rules F1–F12) on what ingestion
learned, plus SQL checks on loaded tables. Run in the ingestion task, never in a request.

Each finding is stored as a message code and its parameters (:func:`ouvert.core.guidelines.finding`),
and rendered in the reader's language when shown:
``{"rule", "status": pass|warning|fail|not_applicable, "message": {"code", "params"}, "where": {...}}``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.guidelines import FILE_RULES, PROPRIETARY_FORMATS, STATUS_ORDER, finding
from ouvert.core.messages import Template, message, register

from .backends import get_backend, quote

__all__ = ["FILE_RULES", "check_sheet", "identifier_check", "reference_criteria", "score_inputs"]

register({
    "f1.open_table": _("Format ouvert et lisible par machine."),
    "f2.not_utf8": (_("Texte encodé en {encoding}, pas en UTF-8."),
                    _("Enregistrez le fichier en « CSV UTF-8 » (Excel : Enregistrer sous > CSV UTF-8).")),
    "f2.bom": (_("UTF-8 avec BOM (marque d'ordre des octets) : toléré."), _("Enregistrez en UTF-8 sans BOM.")),
    "f2.pass": _("Texte en UTF-8."),
    "f3.problems": Template(_("CSV : {problems}."),
                            _("Utilisez la virgule comme séparateur, une seule ligne d'en-tête et le même nombre "
                              "de champs sur chaque ligne."), sep=_(" ; ")),
    "f3.delimiter": _("séparateur « {delimiter} » au lieu de la virgule"),
    "f3.tab": _("tabulation"),
    "f3.no_header": _("pas de ligne d'en-tête"),
    "f3.width": ngettext_lazy("{count} ligne n'a pas le même nombre de champs que l'en-tête",
                              "{count} lignes n'ont pas le même nombre de champs que l'en-tête", "count"),
    "f3.pass": _("CSV bien formé."),
    "f3.not_csv": _("Pas un CSV."),
    "f4.pass_table": _("Fichier non compressé."),
    "f5.headers": Template(_("En-têtes : {problems}."), _("Donnez à chaque colonne un nom unique et non vide."),
                           sep=_(" ; ")),
    "f5.blank": Template(ngettext_lazy("colonne sans nom en position {positions}",
                                       "colonnes sans nom aux positions {positions}", "count"), count_of="positions"),
    "f5.duplicates": _("noms en double : {names}"),
    "f5.pass": _("Noms de colonnes uniques et non vides."),
    "f5.decorative_rows": (_("Lignes de total ou lignes vides au milieu des données."),
                           _("Retirez les totaux, titres, notes et lignes vides : une ligne par enregistrement, un "
                             "tableau par fichier.")),
    "f6.markers": (_("Colonne « {column} » : valeurs inconnues notées {markers}."),
                   _("Laissez la cellule vide quand la valeur est inconnue ; corrigez les erreurs de formule "
                     "(#REF!).")),
    "f6.marker": _("« {value} » ×{count}"),
    "f6.pass": _("Valeurs inconnues laissées vides."),
    "f7.commas": (_("Virgule décimale ou séparateur de milliers dans : {columns}."),
                  _("Écrivez les nombres avec un point décimal et sans espace (1234.56).")),
    "f7.pass": _("Nombres au format international."),
    "f8.non_iso": (_("Dates hors ISO 8601 dans : {columns}."),
                   _("Écrivez les dates AAAA-MM-JJ (et AAAA-MM-JJThh:mm:ss±hh:mm avec l'heure).")),
    "f8.pass": _("Dates en ISO 8601."),
    "f9.words": (_("Booléens écrits en texte libre dans : {columns}."), _("Écrivez true/false (ou 1/0).")),
    "f9.pass": _("Booléens conformes."),
    "f11.no_geometry": _("Pas de géométrie à vérifier dans ce tableau."),
})


def check_sheet(*, detected: dict[str, Any], columns: list[dict[str, Any]], width_issues: dict[str, Any],
                sheet_name: str = "") -> list[dict[str, Any]]:
    """Findings for one loaded table from its detection report and data dictionary."""
    out: list[dict[str, Any]] = []
    base = {"sheet": sheet_name} if sheet_name else {}
    fmt = detected.get("format", "csv")
    if fmt.upper() in PROPRIETARY_FORMATS:
        out.append(finding("F1", "warning", "f1.proprietary", where=base, format=fmt.upper()))
    else:
        out.append(finding("F1", "pass", "f1.open_table"))
    encoding = detected.get("encoding", "utf-8")
    if encoding not in ("utf-8", "ascii"):
        out.append(finding("F2", "fail", "f2.not_utf8", where=base, encoding=encoding))
    elif detected.get("bom"):
        out.append(finding("F2", "warning", "f2.bom", where=base))
    else:
        out.append(finding("F2", "pass", "f2.pass"))
    if fmt == "csv":
        problems: list[dict[str, Any]] = []
        if detected.get("delimiter") != ",":
            delimiter = detected.get("delimiter", "")
            problems.append(message("f3.delimiter",
                                    delimiter=message("f3.tab") if delimiter == "\t" else delimiter))
        if not detected.get("has_header"):
            problems.append(message("f3.no_header"))
        where = dict(base)
        if width_issues.get("short_rows") or width_issues.get("long_rows"):
            rows = width_issues.get("short_row_examples", []) + width_issues.get("long_row_examples", [])
            where["rows"] = rows[:10]
            problems.append(message("f3.width",
                                    count=width_issues.get("short_rows", 0) + width_issues.get("long_rows", 0)))
        if problems:
            out.append(finding("F3", "fail", "f3.problems", where=where, problems=problems))
        else:
            out.append(finding("F3", "pass", "f3.pass"))
    else:
        out.append(finding("F3", "not_applicable", "f3.not_csv"))
    out.append(finding("F4", "pass", "f4.pass_table"))
    labels = [c.get("label") or "" for c in columns]
    blank = [i + 1 for i, label in enumerate(labels) if not label.strip()]
    seen: dict[str, int] = {}
    for label in labels:
        key = label.strip().lower()
        if key:
            seen[key] = seen.get(key, 0) + 1
    dupes = sorted({label for label in labels if label.strip() and seen[label.strip().lower()] > 1})
    if (blank or dupes) and detected.get("has_header", True):
        parts = []
        if blank:
            parts.append(message("f5.blank", positions=blank))
        if dupes:
            parts.append(message("f5.duplicates", names=dupes))
        out.append(finding("F5", "fail", "f5.headers", problems=parts,
                           where={**base, "columns": [columns[i - 1]["id"] for i in blank] + dupes}))
    else:
        out.append(finding("F5", "pass", "f5.pass"))
    if width_issues.get("total_rows") or width_issues.get("blank_rows"):
        rows = (width_issues.get("total_rows", []) + width_issues.get("blank_rows", []))[:10]
        out.append(finding("F5", "fail", "f5.decorative_rows", where={**base, "rows": rows}))
    markers = [(c, c["detected"].get("empty_markers")) for c in columns if c.get("detected", {}).get("empty_markers")]
    if markers:
        for column, found in markers:
            out.append(finding("F6", "fail", "f6.markers", column=column["id"],
                               markers=[message("f6.marker", value=k, count=v) for k, v in list(found.items())[:5]],
                               where={**base, "column": column["id"],
                                      "rows": column["detected"].get("empty_marker_rows", [])[:10]}))
    else:
        out.append(finding("F6", "pass", "f6.pass"))
    commas = [c["id"] for c in columns if c.get("detected", {}).get("decimal_mark") == ","
              or c.get("detected", {}).get("thousands_separator")]
    if commas:
        out.append(finding("F7", "fail", "f7.commas", columns=commas, where={**base, "columns": commas}))
    else:
        out.append(finding("F7", "pass", "f7.pass"))
    non_iso = [c["id"] for c in columns if c["type"] in ("date", "timestamp")
               and any(f != "iso" for f in c.get("detected", {}).get("date_formats", []))]
    if non_iso:
        out.append(finding("F8", "fail", "f8.non_iso", columns=non_iso, where={**base, "columns": non_iso}))
    else:
        out.append(finding("F8", "pass", "f8.pass"))
    words = [c["id"] for c in columns if c["type"] == "bool"
             and set(c.get("detected", {}).get("bool_words", [])) - {"true", "false"}]
    if words:
        out.append(finding("F9", "fail", "f9.words", columns=words, where={**base, "columns": words}))
    else:
        out.append(finding("F9", "pass", "f9.pass"))
    no_unit = [c["id"] for c in columns if c["type"] in ("int", "numeric") and not c.get("unit")]
    if no_unit:
        out.append(finding("F10", "warning", "f10.no_unit", columns=no_unit[:20], where={**base, "columns": no_unit}))
    else:
        out.append(finding("F10", "pass", "f10.pass"))
    out.append(finding("F11", "not_applicable", "f11.no_geometry"))
    undocumented = [c["id"] for c in columns if not (c.get("description") or "").strip()]
    if undocumented:
        out.append(finding("F12", "fail", "f12.undocumented", count=len(undocumented),
                           where={**base, "columns": undocumented[:50]}))
    else:
        out.append(finding("F12", "pass", "f12.pass"))
    return out


def score_inputs(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """What the catalogue's 0–100 quality score needs from the datastore, per resource."""
    by_rule: dict[str, str] = {}
    for item in findings:
        current = by_rule.get(item["rule"])
        if current is None or STATUS_ORDER[item["status"]] > STATUS_ORDER[current]:
            by_rule[item["rule"]] = item["status"]
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
