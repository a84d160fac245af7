"""``IngestJob.error`` becomes a stored message (code + parameters, ``ouvert.core.messages``) rendered
in the reader's language. A reason written as text before keeps its words as a ``legacy_text``
message (the same text in both languages)."""

from django.db import migrations, models

LEGACY = "legacy_text"


def forwards(apps, schema_editor):
    IngestJob = apps.get_model("datastore", "IngestJob")
    for job in IngestJob.objects.exclude(error_text="").only("pk", "error_text", "report").iterator():
        stored = (job.report or {}).get("error")
        if not (isinstance(stored, dict) and isinstance(stored.get("code"), str)):  # the report's code wins
            stored = {"code": LEGACY, "params": {"what": {"fr": job.error_text, "en": job.error_text}}}
        IngestJob.objects.filter(pk=job.pk).update(error=stored)


def backwards(apps, schema_editor):
    IngestJob = apps.get_model("datastore", "IngestJob")
    for job in IngestJob.objects.exclude(error={}).only("pk", "error").iterator():
        stored = job.error if isinstance(job.error, dict) else {}
        what = (stored.get("params") or {}).get("what") if stored.get("code") == LEGACY else None
        text = str(what.get("fr", "")) if isinstance(what, dict) else str(stored.get("code", ""))
        IngestJob.objects.filter(pk=job.pk).update(error_text=text)


class Migration(migrations.Migration):
    dependencies = [("datastore", "0004_quality_messages_as_codes")]

    operations = [
        migrations.RenameField("ingestjob", "error", "error_text"),
        migrations.AddField("ingestjob", "error", models.JSONField(blank=True, default=dict, verbose_name="erreur")),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("ingestjob", "error_text"),
    ]
