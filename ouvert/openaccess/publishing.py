"""Publishing the compliance ledger as an open dataset of the catalogue, through the catalogue's
own services (the dataset belongs to the Fonds whose staff publishes it; publishing again
replaces its CSV, so the catalogue's history keeps each version)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ouvert.catalog import services as catalog_services
from ouvert.catalog.models import Dataset, DatasetState, Theme
from ouvert.core.audit import audit_record
from ouvert.core.models import User

from .models import Funder, Publication
from .permissions import can_manage_funder, check
from .selectors import LEDGER_FIELDS, ledger_rows

DATASET_NAME = "registre-conformite-libre-acces-frq"
DICTIONARY = {
    "id": "identifiant de l'article sur la plateforme", "title": "titre", "journal": "revue", "issn": "ISSN",
    "doi": "DOI", "published_on": "date de publication (AAAA-MM-JJ)", "funders": "Fonds (séparés par ;)",
    "programmes": "programmes (séparés par ;)", "grants": "numéros de subvention (séparés par ;)",
    "route": "voie : journal, repository, deposit ou none", "licence": "licence (SPDX)",
    "version": "version : accepted ou published", "opened_on": "ouvert depuis le", "embargo_until": "fin de l'embargo",
    "policy": "code de la politique appliquée", "deadline": "date limite", "status":
    "compliant, late, non_compliant ou unknown", "reasons": "codes d'explication (séparés par ;)",
}


def ledger_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LEDGER_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in ledger_rows(today=timezone.localdate()):
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def ledger_dataset() -> Dataset | None:
    return Dataset.objects.filter(name=DATASET_NAME).exclude(state=DatasetState.DELETED).first()


NOTES_EN = ("Compliance of the articles from research funded by the Fonds de recherche du Québec with their "
            "open access policy: for each declared article, the policy applied, the deadline, the status "
            "(compliant, late, non-compliant, undetermined) and the codes that explain it. No personal data. "
            "Updated at each publication of the ledger.")


@transaction.atomic
def ledger_publish(*, funder: Funder, by: User) -> Dataset:
    check(can_manage_funder(by, funder))
    content = ledger_csv()
    dataset = ledger_dataset()
    notes = ("Registre de conformité des articles issus de recherches financées par les Fonds de recherche du "
             "Québec à leur politique de libre accès : pour chaque article déclaré, la politique appliquée, la "
             "date limite, le statut (conforme, en retard, non conforme, indéterminé) et les codes qui "
             "l'expliquent. Aucune donnée personnelle. Mis à jour à chaque publication du registre.")
    first = Publication.objects.filter(published_on__isnull=False).order_by("published_on").values_list(
        "published_on", flat=True).first()
    # Who answers, what it is about, the years and the territory it covers (rules M2 and M5).
    described: dict[str, Any] = {
        "contact_name": "Équipe des données ouvertes", "contact_email": settings.OPEN_DATA_CONTACT,
        "spatial": "Québec", "temporal_start": first or timezone.localdate(), "update_frequency": "irregular"}
    themes = list(Theme.objects.filter(slug="education-recherche"))
    if dataset is None:
        dataset = catalog_services.dataset_create(
            by=by, organization=funder.organization, title="Registre de conformité au libre accès des FRQ",
            name=DATASET_NAME, keywords=["libre accès", "recherche", "science ouverte"], notes=notes, language="fr",
            title_en="Open access compliance ledger of the FRQ", notes_en=NOTES_EN,
            keywords_en=["open access", "research", "open science"], themes=themes, **described)
    else:
        dataset = catalog_services.dataset_update(dataset=dataset, by=by, themes=themes, **described)
        for old in list(dataset.resources.all()):
            catalog_services.resource_delete(resource=old, by=by)
    catalog_services.resource_create(
        dataset=dataset, by=by, name="registre-libre-acces.csv", description=notes[:200],
        file=SimpleUploadedFile("registre-libre-acces.csv", content, content_type="text/csv"),
        format="CSV", encoding="utf-8",
        data_dictionary=[{"name": k, "type": "text", "description": v, "unit": ""} for k, v in DICTIONARY.items()])
    if dataset.state != DatasetState.ACTIVE:
        dataset = catalog_services.dataset_publish(dataset=dataset, by=by)
    audit_record(actor=by, action="openaccess.ledger_publish", obj=funder, organization=funder.organization,
                 changes={"dataset": [None, dataset.name]})
    return dataset
