"""Publishing a plan (its JSON, its CSV and its indicators' series) as an open dataset of the
catalogue, through ``ouvert.catalog.upsert.dataset_upsert`` (so it gets the catalogue's DCAT
metadata, history and quality report)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ouvert.catalog import services as catalog_services
from ouvert.catalog.models import Dataset, DatasetState, UpdateFrequency
from ouvert.catalog.upsert import DatasetInput, ResourceInput, dataset_upsert
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization, User
from ouvert.core.permissions import check_edit_in_organization

from . import csvio, exports, permissions
from .models import Indicator, IndicatorValue, MethodologyVersion, Plan

SERIES_COLUMNS = ["indicator", "title", "version", "measure", "date", "value", "unit", "target", "target_date",
                  "computed", "source"]


def open_dataset_name(plan: Plan) -> str:
    return f"plan-action-{plan.slug}"[:100]


def plan_open_dataset(*, plan: Plan) -> Dataset | None:
    return Dataset.objects.filter(name=open_dataset_name(plan)).exclude(state=DatasetState.DELETED).first()


def series_csv(*, plan: Plan | None = None, indicators: QuerySet[Indicator] | None = None) -> str:
    """Every stored value of every series (of the plan's indicators, of ``indicators``, or of all),
    in the barometer's CSV columns."""
    rows = IndicatorValue.objects.select_related("series__indicator").order_by(
        "series__indicator__key", "series__version", "date")
    if plan is not None:
        rows = rows.filter(series__indicator__plan=plan)
    if indicators is not None:
        rows = rows.filter(series__indicator__in=indicators)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SERIES_COLUMNS)
    for row in rows:
        indicator = row.series.indicator
        writer.writerow([indicator.key, indicator.title, row.series.version, row.series.measure, row.date.isoformat(),
                         row.value, indicator.unit, indicator.target, indicator.target_date.isoformat(),
                         "true" if row.computed else "false", row.source])
    return out.getvalue()


def _files_released(dataset: Dataset | None, names: tuple[str, ...], *, by: User) -> dict[str, Any]:
    """The ids of the dataset's file resources named ``names``, removed so that the upsert puts
    the new files back under the same ids, in the same transaction (the catalogue's way of replacing a
    file: the upsert itself changes a resource's fields, never its file)."""
    if dataset is None:
        return {}
    ids: dict[str, Any] = {}
    for resource in dataset.resources.filter(name__in=names):
        ids[resource.name] = resource.pk
        catalog_services.resource_delete(resource=resource, by=by)
    return ids


@transaction.atomic
def plan_open_data_publish(*, plan: Plan, by: User) -> Dataset:
    """Create (or refresh, under a stable name) the dataset holding the plan as JSON, its
    commitments and milestones as CSV and its indicators' series as CSV."""
    permissions.check_manage_plan(by, plan)
    if plan.published_at is None:  # a catalogue dataset is public: a draft plan's content must not reach it
        raise ValidationError(_("Publiez d'abord le plan : un brouillon ne devient pas un jeu de données ouvertes."))
    dataset = plan_open_dataset(plan=plan)
    existing = _files_released(dataset, ("plan.json", "engagements-jalons.csv", "indicateurs.csv"), by=by)
    files = [
        ("plan.json", json.dumps(exports.plan_json(plan), ensure_ascii=False, indent=1).encode(), "JSON",
         "application/json", "Le plan, ses engagements, ses jalons et leur avancement (schéma : plan.schema.json)."),
        ("engagements-jalons.csv", csvio.export_csv(plan).encode(), "CSV", "text/csv",
         "Une ligne par jalon, dans le format de l'import et de l'export du suivi."),
        ("indicateurs.csv", series_csv(plan=plan).encode(), "CSV", "text/csv",
         "Les séries des indicateurs du plan (une version de fiche méthodologique = une série)."),
    ]
    resources = tuple(ResourceInput(name=name, description=description, format=fmt, encoding="utf-8",
                                    file=SimpleUploadedFile(name, content, content_type=media),
                                    id=existing.get(name))
                      for name, content, fmt, media, description in files)
    data = DatasetInput(
        name=open_dataset_name(plan), title=plan.title[:250], language="fr",
        notes=(plan.summary or plan.title) + "\n\nSuivi public : engagements, jalons, mises à jour datées et "
        "appuyées de preuves, évaluations indépendantes et indicateurs.",
        source_url=settings.SITE_URL + plan.get_absolute_url(), temporal_start=plan.period_start,
        temporal_end=plan.period_end, keywords=("gouvernement-ouvert", "plan-d-action"),
        resources=resources, state=DatasetState.ACTIVE)
    dataset = dataset_upsert(data=data, organization=plan.organization, by=by, dataset=dataset)
    audit_record(actor=by, action="plan.open_data_publish", obj=plan, organization=plan.organization,
                 changes={"dataset": [None, dataset.name]})
    return dataset


# The barometer's indicators outside any plan, per responsible body ----------------------------------

METHODOLOGY_COLUMNS = ["indicator", "title", "version", "measure", "definition", "source", "published", "unit",
                       "baseline", "baseline_date", "target", "target_date"]


def barometer_dataset_name(organization: Organization) -> str:
    return f"barometre-{organization.slug}"[:100]


def barometer_indicators(organization: Organization) -> QuerySet[Indicator]:
    """The body's indicators not tied to a plan (a plan's are in the plan's own dataset)."""
    return Indicator.objects.filter(organization=organization, plan__isnull=True).order_by("key")


def barometer_open_dataset(*, organization: Organization) -> Dataset | None:
    return (Dataset.objects.filter(name=barometer_dataset_name(organization), organization=organization)
            .exclude(state=DatasetState.DELETED).first())


def methodology_csv(*, indicators: QuerySet[Indicator]) -> str:
    """Every version of every methodology sheet of ``indicators`` (a version = a series)."""
    rows = MethodologyVersion.objects.filter(indicator__in=indicators).select_related("indicator").order_by(
        "indicator__key", "version")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(METHODOLOGY_COLUMNS)
    for row in rows:
        ind = row.indicator
        writer.writerow([ind.key, ind.title, row.version, row.measure, row.definition, row.source,
                         timezone.localtime(row.created_at).date().isoformat(), ind.unit,
                         "" if ind.baseline is None else ind.baseline,
                         ind.baseline_date.isoformat() if ind.baseline_date else "", ind.target,
                         ind.target_date.isoformat()])
    return out.getvalue()


@transaction.atomic
def barometer_open_data_publish(*, organization: Organization, by: User) -> Dataset:
    """Create (or refresh, under the stable name ``barometre-<body>``) the dataset of a body's
    indicators outside any plan: every series of values and every methodology sheet, as CSV."""
    check_edit_in_organization(by, organization)
    indicators = barometer_indicators(organization)
    if not indicators.exists():
        raise ValidationError(_("« %(org)s » n'a aucun indicateur hors plan au baromètre : rien à publier (les "
                                "indicateurs d'un plan sont publiés avec le plan).") % {"org": organization.name})
    dataset = barometer_open_dataset(organization=organization)
    existing = _files_released(dataset, ("indicateurs.csv", "fiches-methodologiques.csv"), by=by)
    files = [
        ("indicateurs.csv", series_csv(indicators=indicators).encode(),
         "Les valeurs relevées de chaque indicateur, série par série (une version de fiche méthodologique = une "
         "série), calculées à partir de la plateforme ou saisies avec leur source."),
        ("fiches-methodologiques.csv", methodology_csv(indicators=indicators).encode(),
         "Chaque version de la fiche méthodologique de chaque indicateur : définition, mesure calculée, source, "
         "valeur de départ et cible."),
    ]
    resources = tuple(ResourceInput(name=name, description=description, format="CSV", encoding="utf-8",
                                    file=SimpleUploadedFile(name, content, content_type="text/csv"),
                                    id=existing.get(name))
                      for name, content, description in files)
    titles = ", ".join(indicators.values_list("title", flat=True)[:5])
    data = DatasetInput(
        name=barometer_dataset_name(organization),
        title=f"Baromètre du gouvernement ouvert : indicateurs de {organization.name_fr}"[:250], language="fr",
        notes=("Les indicateurs du baromètre dont l'organisme est responsable, hors plans d'action : leurs séries "
               f"de valeurs et leurs fiches méthodologiques versionnées ({titles})."),
        source_url=settings.SITE_URL + reverse("plans:barometer"),
        keywords=("gouvernement-ouvert", "barometre", "indicateurs"), update_frequency=UpdateFrequency.DAILY,
        resources=resources, state=DatasetState.ACTIVE)
    dataset = dataset_upsert(data=data, organization=organization, by=by, dataset=dataset)
    audit_record(actor=by, action="plan.barometer_open_data_publish", obj=dataset, organization=organization,
                 changes={"indicators": indicators.count()})
    return dataset


def barometer_open_data_refresh() -> int:
    """Refresh every barometer dataset already published (after the daily snapshot), each acting as
    the person who last published it, while they remain an editor of the body (the catalogue's
    services act for a person, as a harvest acts as its source's owner); returns how many."""
    from ouvert.core.models import AuditEntry
    from ouvert.core.permissions import can_edit_in_organization

    refreshed = 0
    for dataset in Dataset.objects.filter(name__startswith="barometre-").exclude(state=DatasetState.DELETED) \
            .select_related("organization"):
        organization = dataset.organization
        if dataset.name != barometer_dataset_name(organization):
            continue
        entry = (AuditEntry.objects.filter(action="plan.barometer_open_data_publish", object_id=str(dataset.pk),
                                           actor__isnull=False).select_related("actor").order_by("-created_at")
                 .first())
        person = entry.actor if entry is not None else None
        if person is None or not can_edit_in_organization(person, organization) \
                or not barometer_indicators(organization).exists():
            continue
        barometer_open_data_publish(organization=organization, by=person)
        refreshed += 1
    return refreshed
