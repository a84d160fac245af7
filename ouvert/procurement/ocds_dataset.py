"""The OCDS output as an open dataset of the catalogue, kept up to date.

One dataset (stable name :data:`DATASET_NAME`) of the organization named by
``PROCUREMENT_OCDS_DATASET_ORGANIZATION``, with links to ``/ocds/releases.json``,
``/ocds/records.json`` and one bulk file per month with releases. It is written through
``ouvert.catalog.upsert.dataset_upsert``, so it has the catalogue's versions, DCAT metadata and
audit. The catalogue's services act for a person: the refresh acts as the publishing account
``PROCUREMENT_OCDS_DATASET_PUBLISHER`` (an editor of that organization), as a harvest acts as its
source's owner; the procurement side records the refresh as the ``system:ocds`` actor.

Every public change of a call (each OCDS release) schedules :func:`refresh_ocds_dataset` after
its transaction commits (:mod:`.tasks`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from ouvert.catalog.models import Dataset, DatasetState, UpdateFrequency
from ouvert.catalog.upsert import DatasetInput, ResourceInput, dataset_upsert
from ouvert.core.actors import SystemActor
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization, User

from .models import CallChange, CallState, Question

DATASET_NAME = "micro-acquisitions-ocds"
OCDS = SystemActor("ocds")


def release_months() -> list[str]:
    """The months (UTC, ``YYYY-MM``) that have at least one release of a public call."""
    public = ~Q(call__state=CallState.DRAFT)
    moments: list[dt.datetime | None] = list(CallChange.objects.filter(public).values_list("at", flat=True))
    moments += Question.objects.filter(public, answered_at__isnull=False).values_list("answered_at", flat=True)
    return sorted({m.astimezone(dt.UTC).strftime("%Y-%m") for m in moments if m is not None})


def ocds_dataset() -> Dataset | None:
    return Dataset.objects.filter(name=DATASET_NAME).exclude(state=DatasetState.DELETED).first()


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def ocds_dataset_refresh(*, organization: Organization, by: User) -> Dataset:
    """Create or refresh the dataset: its description and one link per OCDS file."""
    dataset = ocds_dataset()
    existing = {r.name: r.pk for r in dataset.resources.all()} if dataset is not None else {}
    links = [("releases.json", reverse("ocds_releases"),
              "Toutes les publications (releases) OCDS 1.1, paquet paginé (links.next)."),
             ("records.json", reverse("ocds_records"), "Un enregistrement (record) OCDS par appel, avec son état "
              "compilé.")]
    months = release_months()
    for month in months:
        year, number = month.split("-")
        links.append((f"releases-{month}.json", reverse("ocds_month", kwargs={"year": year, "month": number}),
                      f"Fichier mensuel : les publications OCDS datées de {month} (UTC)."))
    resources = tuple(ResourceInput(name=name, url=_url(path), description=description, format="JSON",
                                    id=existing.get(name)) for name, path, description in links)
    data = DatasetInput(
        name=DATASET_NAME, title="Micro-acquisitions : données de la commande publique (OCDS)", language="fr",
        notes=("Chaque changement d'état public d'un appel de micro-acquisition (publication, addenda, "
               "adjudication, contrat, livraison, paiement, annulation) publié selon l'Open Contracting Data "
               "Standard 1.1 : publications, enregistrements par appel et fichiers mensuels. Jamais un brouillon "
               "ni le contenu d'une soumission scellée."),
        title_en="Micro-procurement: public procurement data (OCDS)",
        notes_en=("Every public change of state of a micro-procurement call (publication, amendment, award, "
                  "contract, delivery, payment, cancellation) published under the Open Contracting Data Standard "
                  "1.1: releases, one record per call and monthly files. Never a draft, nor the content of a "
                  "sealed bid."),
        keywords_en=("ocds", "public procurement", "micro-procurement"),
        source_url=_url(reverse("procurement:index")), keywords=("ocds", "marches-publics", "micro-acquisitions"),
        update_frequency=UpdateFrequency.IRREGULAR, resources=resources, state=DatasetState.ACTIVE,
        # Who answers, what it is about, the months and the territory it covers (rules M2 and M5).
        contact_name="Équipe des données ouvertes", contact_email=settings.OPEN_DATA_CONTACT,
        themes=("gouvernement-finances",), spatial="Québec",
        temporal_start=dt.date.fromisoformat(f"{months[0]}-01") if months else None)
    dataset = dataset_upsert(data=data, organization=organization, by=by, dataset=dataset)
    audit_record(actor=OCDS, action="procurement.ocds_dataset.refresh", obj=dataset, organization=organization,
                 changes={"resources": len(resources)})
    return dataset


def configured_publisher() -> tuple[Organization, User] | None:
    """The organization and publishing account from the settings, or None when not set up."""
    slug = settings.PROCUREMENT_OCDS_DATASET_ORGANIZATION
    email = settings.PROCUREMENT_OCDS_DATASET_PUBLISHER
    if not slug or not email:
        return None
    organization = Organization.objects.filter(slug=slug).first()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if organization is None or user is None:
        return None
    return organization, user
