"""Exports of results (CSV, XLSX, JSON) and the anonymized open-data export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Consultation, Question, QuestionKind
from .selectors import consultation_results_rows, consultation_results_table, open_data_min_group


def _csv(header: list[str], rows: list[list[Any]], *, bom: bool = True) -> bytes:
    """``bom``: the organizers' export opens correctly in spreadsheet software with it; the open-data file
    is plain UTF-8, as the publication guidelines ask (rule F2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


YES_NO = ({"oui", "non"}, {"yes", "no"})


def _is_yes_no(question: Question | None) -> bool:
    """A single choice between yes and no, published as a boolean (true/false, rule F9)."""
    return (question is not None and question.kind == QuestionKind.SINGLE
            and {str(c).strip().lower() for c in question.choices or []} in YES_NO)


def _open_data_column(name: str, position: int, question: Question | None) -> dict[str, str]:
    """One column of the open-data dictionary: its type, unit and what it holds."""
    if question is None:
        fixed = {0: ("identifiant", _("Numéro de la ligne, attribué après un tri qui ne dit rien de l'ordre des "
                                      "réponses")),
                 1: ("texte", _("Canal de participation (en ligne, en personne, par la poste…)")),
                 2: ("date", _("Jour d'envoi des réponses (AAAA-MM-JJ)"))}
        kind, description = fixed.get(position, ("texte", _("Groupe sociodémographique déclaré (%(name)s), masqué "
                                                            "pour les petits groupes") % {"name": name}))
        return {"name": name, "type": kind, "description": description, "unit": ""}
    if _is_yes_no(question):
        return {"name": name, "type": "booléen", "description": _("%(question)s (true : oui, false : non)") % {
            "question": question.label}, "unit": ""}
    if question.kind == QuestionKind.SCALE:
        return {"name": name, "type": "entier", "description": question.label,
                "unit": _("échelon de %(low)s à %(high)s") % {"low": question.scale_min, "high": question.scale_max}}
    if question.kind == QuestionKind.NUMBER:
        return {"name": name, "type": "texte", "description": _("%(question)s (en tranches)") % {
            "question": question.label}, "unit": ""}
    if question.kind == QuestionKind.DATE:
        return {"name": name, "type": "entier", "description": _("%(question)s (l'année seulement)") % {
            "question": question.label}, "unit": _("année")}
    return {"name": name, "type": "texte", "description": question.label, "unit": ""}


def results_csv(*, consultation: Consultation) -> bytes:
    return _csv(*consultation_results_rows(consultation=consultation))


def results_json(*, consultation: Consultation) -> bytes:
    header, rows = consultation_results_rows(consultation=consultation)
    payload = {"consultation": consultation.slug, "title": consultation.title, "columns": header,
               "participants": [dict(zip(header, row, strict=True)) for row in rows]}
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()


def results_xlsx(*, consultation: Consultation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = consultation_results_rows(consultation=consultation)
    workbook = Workbook(write_only=False)
    sheet = workbook.worksheets[0]  # a new workbook has one worksheet
    sheet.title = "Réponses"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def consultation_open_data_export(*, consultation: Consultation) -> dict[str, Any]:
    """The anonymized results as an open dataset: closed questions and socio-demographic groups only
    (no free text, no files, no account, no name or e-mail), the day each answer was sent, numbers as
    ranges and dates as years, small groups masked (see ``consultation_results_rows(anonymize=True)``),
    plus DCAT-style metadata. The catalogue app publishes it.

    Returns ``{"files": [{"name", "media_type", "content"}], "metadata": {...}}``."""
    header, sources, rows = consultation_results_table(consultation=consultation, anonymize=True,
                                                       include_demographics=consultation.ask_demographics)
    booleans = [i for i, question in enumerate(sources) if _is_yes_no(question)]
    for row in rows:
        for i in booleans:
            answer = str(row[i]).strip().lower()
            if answer in ("oui", "yes", "non", "no"):
                row[i] = "true" if answer in ("oui", "yes") else "false"
    content = _csv(header, rows, bom=False)
    name = f"{consultation.slug}-resultats-anonymises.csv"
    dictionary = [_open_data_column(column, i, question)
                  for i, (column, question) in enumerate(zip(header, sources, strict=True))]
    metadata = {
        "title": f"Résultats anonymisés — {consultation.title}",
        "description": (f"Réponses anonymisées au questionnaire de la consultation « {consultation.title} » "
                        f"({consultation.organization.name_fr}). Une ligne par participant, une colonne par "
                        "question fermée. Les réponses libres et les fichiers sont exclus; les dates d'envoi "
                        "sont au jour, les nombres en tranches et les dates en années; les groupes "
                        f"sociodémographiques de moins de {open_data_min_group()} personnes sont masqués; "
                        "« s.o. » indique une question non affichée au participant."),
        "organization": consultation.organization.slug,
        "license": "CC-BY-4.0",
        "language": "fr",
        "keywords": list(dict.fromkeys(["consultation publique", "participation citoyenne",
                                        str(consultation.get_topic_display()), *consultation.keyword_list])),
        "theme": consultation.topic,
        "spatial": "Québec" if consultation.region == "all" else str(consultation.get_region_display()),
        "temporal": {"start": timezone.localtime(consultation.opens_at).date().isoformat(),
                     "end": timezone.localtime(consultation.closes_at).date().isoformat()},
        "issued": timezone.now().isoformat(),
        "landing_page": settings.SITE_URL + consultation.get_absolute_url(),
        "rows": len(rows),
        "columns": dictionary,
        "checksum_sha256": hashlib.sha256(content).hexdigest(),
    }
    return {"files": [{"name": name, "media_type": "text/csv", "content": content}], "metadata": metadata}
