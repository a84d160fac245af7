"""Publishing a consultation's anonymized results as an open dataset in the catalogue."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouvert.catalog import services as catalog_services
from ouvert.catalog.models import Dataset, DatasetState, Theme
from ouvert.core.audit import audit_record
from ouvert.core.models import User

from . import permissions
from .exports import consultation_open_data_export
from .models import Consultation, Topic

# The catalogue theme (see ouvert/catalog/seeds.py) a consultation's topic files its results under.
TOPIC_THEMES: dict[str, str] = {
    Topic.GOVERNANCE: "gouvernement-finances", Topic.TRANSPORT: "transport", Topic.ENVIRONMENT: "environnement",
    Topic.HEALTH: "sante", Topic.EDUCATION: "education-recherche", Topic.CULTURE: "loisirs-culture",
    Topic.ECONOMY: "economie-entreprises", Topic.DIGITAL: "infrastructures", Topic.URBAN: "territoire",
    Topic.SOCIAL: "politiques-sociales",
}


def open_dataset_name(consultation: Consultation) -> str:
    return slugify(f"consultation-{consultation.slug}-resultats")[:100]


def consultation_open_dataset(*, consultation: Consultation) -> Dataset | None:
    """The catalogue dataset holding this consultation's results, if it was published."""
    return Dataset.objects.filter(name=open_dataset_name(consultation)).exclude(state=DatasetState.DELETED).first()


@transaction.atomic
def consultation_open_data_publish(*, consultation: Consultation, by: User) -> Dataset:
    """Publish (or refresh) the anonymized results as a dataset of the consultation's organization.

    The dataset is created once, under a stable name; publishing again replaces its CSV with the
    current results, so the catalogue's history keeps each version."""
    permissions.check_organize(by, consultation)
    with translation.override("fr"):  # the dataset's metadata is in French, like its title
        package = consultation_open_data_export(consultation=consultation)
    meta = package["metadata"]
    if not meta["rows"]:
        raise ValidationError(_("Aucun participant n'a encore envoyé de réponse : il n'y a rien à publier. "
                                "Publiez les résultats quand au moins une personne aura répondu."))
    themes = list(Theme.objects.filter(slug=TOPIC_THEMES.get(consultation.topic, "")))
    exported = package["files"][0]
    dataset = consultation_open_dataset(consultation=consultation)
    fields = {
        "notes": meta["description"],
        "language": "fr",
        "source_url": meta["landing_page"],
        "temporal_start": dt.date.fromisoformat(meta["temporal"]["start"]),
        "temporal_end": dt.date.fromisoformat(meta["temporal"]["end"]),
        "contact_name": consultation.contact_name,
        "contact_email": consultation.contact_email,
        "spatial": meta["spatial"],
    }
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    if dataset is None:
        dataset = catalog_services.dataset_create(
            by=by, organization=consultation.organization, title=meta["title"][:250],
            name=open_dataset_name(consultation), keywords=meta["keywords"], themes=themes, **fields)
    else:
        dataset = catalog_services.dataset_update(dataset=dataset, by=by, title=meta["title"][:250],
                                                  keywords=meta["keywords"], themes=themes, **fields)
        for old in list(dataset.resources.all()):
            catalog_services.resource_delete(resource=old, by=by)
    dictionary = meta["columns"]
    catalog_services.resource_create(
        dataset=dataset, by=by, name=exported["name"],
        description=f"{meta['rows']} participants; SHA-256 {meta['checksum_sha256']}",
        file=SimpleUploadedFile(exported["name"], exported["content"], content_type=exported["media_type"]),
        format="CSV", encoding="utf-8", data_dictionary=dictionary)
    if dataset.state != DatasetState.ACTIVE:
        dataset = catalog_services.dataset_publish(dataset=dataset, by=by)
    audit_record(actor=by, action="consultation.open_data_publish", obj=consultation,
                 organization=consultation.organization, changes={"dataset": [None, dataset.name]})
    return dataset
