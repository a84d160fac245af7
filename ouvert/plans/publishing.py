"""Publishing a plan (its JSON, its CSV and its indicators' series) as an open dataset of the
catalogue, through ``ouvert.catalog.upsert.dataset_upsert`` (so it gets the catalogue's DCAT
metadata, history and quality report)."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ouvert.catalog.models import Dataset, DatasetState
from ouvert.catalog.upsert import DatasetInput, ResourceInput, dataset_upsert
from ouvert.core.audit import audit_record
from ouvert.core.models import User

from . import csvio, exports, permissions
from .models import IndicatorValue, Plan

SERIES_COLUMNS = ["indicator", "title", "version", "measure", "date", "value", "unit", "target", "target_date",
                  "computed", "source"]


def open_dataset_name(plan: Plan) -> str:
    return f"plan-action-{plan.slug}"[:100]


def plan_open_dataset(*, plan: Plan) -> Dataset | None:
    return Dataset.objects.filter(name=open_dataset_name(plan)).exclude(state=DatasetState.DELETED).first()


def series_csv(*, plan: Plan | None = None) -> str:
    """Every stored value of every series (of the plan's indicators, or of all), in the barometer's
    CSV columns."""
    rows = IndicatorValue.objects.select_related("series__indicator").order_by(
        "series__indicator__key", "series__version", "date")
    if plan is not None:
        rows = rows.filter(series__indicator__plan=plan)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SERIES_COLUMNS)
    for row in rows:
        indicator = row.series.indicator
        writer.writerow([indicator.key, indicator.title, row.series.version, row.series.measure, row.date.isoformat(),
                         row.value, indicator.unit, indicator.target, indicator.target_date.isoformat(),
                         "true" if row.computed else "false", row.source])
    return out.getvalue()


@transaction.atomic
def plan_open_data_publish(*, plan: Plan, by: User) -> Dataset:
    """Create (or refresh, under a stable name) the dataset holding the plan as JSON, its
    commitments and milestones as CSV and its indicators' series as CSV."""
    permissions.check_manage_plan(by, plan)
    if plan.published_at is None:  # a catalogue dataset is public: a draft plan's content must not reach it
        raise ValidationError(_("Publiez d'abord le plan : un brouillon ne devient pas un jeu de données ouvertes."))
    dataset = plan_open_dataset(plan=plan)
    existing = {r.name: r.pk for r in dataset.resources.all()} if dataset is not None else {}
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
