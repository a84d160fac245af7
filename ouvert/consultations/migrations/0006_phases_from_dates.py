"""Existing consultations get their calendar as rows, derived from the three dates they had."""

import datetime as dt

from django.db import migrations


def phases_from_dates(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    ConsultationPhase = apps.get_model("consultations", "ConsultationPhase")
    rows = []
    for c in Consultation.objects.filter(phases__isnull=True).iterator():
        information_from = min(c.published_at or c.created_at, c.opens_at)
        if information_from < c.opens_at:
            rows.append(ConsultationPhase(consultation=c, kind="information", starts_at=information_from,
                                          ends_at=c.opens_at))
        rows.append(ConsultationPhase(consultation=c, kind="participation", starts_at=c.opens_at, ends_at=c.closes_at))
        results_on = None
        if c.results_published_at is not None:
            results_on = c.results_published_at
        elif c.results_expected_on is not None:
            results_on = dt.datetime.combine(c.results_expected_on, dt.time(12), tzinfo=dt.UTC)
        if results_on is not None and results_on <= c.closes_at:
            results_on = None
        rows.append(ConsultationPhase(consultation=c, kind="analysis", starts_at=c.closes_at, ends_at=results_on))
        if results_on is not None:
            rows.append(ConsultationPhase(consultation=c, kind="results", starts_at=results_on))
    ConsultationPhase.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_consultation_phases")]

    operations = [migrations.RunPython(phases_from_dates, migrations.RunPython.noop)]
