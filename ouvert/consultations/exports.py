"""Exports of results (CSV, XLSX, JSON) and the anonymized open-data export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import Consultation
from .selectors import consultation_results_rows, open_data_min_group


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: opens correctly in spreadsheet software


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
    header, rows = consultation_results_rows(consultation=consultation, anonymize=True,
                                             include_demographics=consultation.ask_demographics)
    content = _csv(header, rows)
    name = f"{consultation.slug}-resultats-anonymises.csv"
    dictionary = [{"colonne": column, "description": column} for column in header]
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
        "keywords": list(dict.fromkeys(["consultation publique", str(consultation.get_topic_display()),
                                        *consultation.keyword_list])),
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
