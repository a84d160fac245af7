"""Message codes of the load report: why a file could not be loaded, and what a column expects
(``expected.<type>``, registered by :mod:`ouvert.datastore.infer`). Stored as codes and parameters
in ``IngestJob.report`` and rendered in the reader's language by :func:`job_messages`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.guidelines import render_finding, render_text
from ouvert.core.messages import register

register({
    "ingest.type_mismatch": ngettext_lazy("{count} valeur ne correspond pas au type de sa colonne.",
                                              "{count} valeurs ne correspondent pas au type de leur colonne.", "count"),
    "ingest.cancelled": _("Chargement annulé : la version précédente reste en ligne."),
    "ingest.cancelled_before_start": _("Annulé avant le début."),
    "ingest.db_error": _("Erreur pendant le chargement : {error}"),
    "source.compressed": _("Fichier compressé ({extension}) : publiez le fichier décompressé."),
    "source.document": _("« {name} » est un document, pas un tableau de données."),
    "source.binary": _("Fichier binaire non reconnu : ce n'est ni un CSV, ni un XLSX, ni un XLS, ni un JSON."),
    "source.missing": _("Fichier introuvable : {name}."),
    "source.empty": _("Le fichier est vide."),
    "source.encoding": _("Le fichier n'est pas en {encoding} (octet {position}) : indiquez le bon encodage."),
    "source.invalid_byte": _("Octet invalide pour l'encodage {encoding} à la position {position}."),
    "source.too_wide_declared": ngettext_lazy(
        "La feuille « {sheet} » déclare {columns} colonne ; au plus {max} sont acceptées. Supprimez les colonnes "
        "vides au-delà des données (ou la mise en forme appliquée à des colonnes entières), enregistrez puis "
        "republiez le fichier.",
        "La feuille « {sheet} » déclare {columns} colonnes ; au plus {max} sont acceptées. "
        "Supprimez les colonnes vides au-delà des données (ou la mise en forme appliquée à "
        "des colonnes entières), enregistrez puis republiez le fichier.", "columns"),
    "source.too_wide_sheet": ngettext_lazy(
        "La feuille « {sheet} » a une valeur dans la colonne {columns} ; au plus {max} colonne est acceptée. "
        "Supprimez les colonnes au-delà des données, puis republiez le fichier.",
        "La feuille « {sheet} » a une valeur dans la colonne {columns} ; au plus {max} "
        "colonnes sont acceptées. Supprimez les colonnes au-delà des données, puis republiez "
        "le fichier.", "max"),
    "source.too_wide_row": ngettext_lazy(
        "Une ligne du fichier a {columns} colonne ; au plus {max} sont acceptées. Vérifiez le séparateur (option "
        "« delimiter ») ou découpez le tableau.",
        "Une ligne du fichier a {columns} colonnes ; au plus {max} sont acceptées. Vérifiez le "
        "séparateur (option « delimiter ») ou découpez le tableau.", "columns"),
    "source.unknown_options": _("Options inconnues : {names}."),
    "source.unknown_encoding": _("Encodage inconnu : {encoding}."),
    "source.delimiter_length": _("Le séparateur doit être un seul caractère."),
    "source.json_not_array": _("Le JSON doit être un tableau d'objets."),
    "source.json_truncated": _("JSON tronqué : le tableau n'est pas fermé."),
    "source.json_invalid": _("JSON invalide : {error}."),
    "source.json_object_too_big": _("Objet JSON trop gros (plus de {mb} Mo) : publiez un tableau d'objets."),
    "source.json_invalid_line": _("JSON invalide, ligne {line} : {error}."),
    "source.json_no_table": _("Le JSON ne contient pas de tableau d'objets à charger."),
    "source.xlsx_unreadable": _("Classeur XLSX illisible : {error}."),
    "source.xlsx_too_big": _("Le classeur déclare {mb} Mo de textes et de styles une fois décompressé ; au plus {max} "
                             "Mo sont acceptés. Enregistrez-le en CSV, puis republiez-le."),
    "source.xls_unreadable": _("Classeur XLS illisible : {error}."),
    "source.unsupported_format": _("Format non pris en charge : {kind}."),
    "source.unknown_type": _("Type inconnu « {type} » pour la colonne « {column} » (permis : {types})."),
    "source.outside_uploads": _("Source refusée : « {source} » sort du dossier des fichiers déposés."),
})


def job_messages(report: Mapping[str, Any] | None, error: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a job's report says, in the active language: the reason it failed (``error``), the
    values refused (``errors``: row, column, value, what was expected, or a message) and each
    sheet's findings (``sheets``)."""
    report = report or {}
    rows = []
    for item in report.get("errors", []):
        rows.append({**item, "message": render_text(item.get("message")) if item.get("message") else "",
                     "expected": render_text(item.get("expected")) if item.get("expected") else ""})
    reason = error or report.get("error")
    sheets = [{**sheet, "quality": [render_finding(f) for f in sheet.get("quality") or []]}
              for sheet in report.get("sheets") or []]
    return {"error": render_text(reason) if reason else "", "errors": rows, "sheets": sheets}
