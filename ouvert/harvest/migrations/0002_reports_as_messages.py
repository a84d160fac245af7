"""Run failures (``HarvestRun.message``) and item reasons (``HarvestRunItem.reason``) become stored
messages (code + parameters, ``ouvert.core.messages``) rendered in the reader's language. Text
written before keeps its words as a ``legacy_text`` message (the same text in both languages)."""

from django.db import migrations, models

LEGACY = "legacy_text"


def _legacy(text):
    return {"code": LEGACY, "params": {"what": {"fr": text, "en": text}}} if text else {}


def forwards(apps, schema_editor):
    HarvestRun = apps.get_model("harvest", "HarvestRun")
    HarvestRunItem = apps.get_model("harvest", "HarvestRunItem")
    for run in HarvestRun.objects.exclude(message_text="").only("pk", "message_text").iterator():
        HarvestRun.objects.filter(pk=run.pk).update(message=_legacy(run.message_text))
    for item in HarvestRunItem.objects.exclude(reason_text="").only("pk", "reason_text").iterator():
        HarvestRunItem.objects.filter(pk=item.pk).update(reason=_legacy(item.reason_text))


def _text(stored):
    if not isinstance(stored, dict) or not stored:
        return ""
    params = stored.get("params") or {}
    what = params.get("what") if stored.get("code") == LEGACY else None
    return str(what.get("fr", "")) if isinstance(what, dict) else str(stored.get("code", ""))


def backwards(apps, schema_editor):
    HarvestRun = apps.get_model("harvest", "HarvestRun")
    HarvestRunItem = apps.get_model("harvest", "HarvestRunItem")
    for run in HarvestRun.objects.exclude(message={}).only("pk", "message").iterator():
        HarvestRun.objects.filter(pk=run.pk).update(message_text=_text(run.message))
    for item in HarvestRunItem.objects.exclude(reason={}).only("pk", "reason").iterator():
        HarvestRunItem.objects.filter(pk=item.pk).update(reason_text=_text(item.reason))


class Migration(migrations.Migration):
    dependencies = [("harvest", "0001_initial")]

    operations = [
        migrations.RenameField("harvestrun", "message", "message_text"),
        migrations.AddField("harvestrun", "message", models.JSONField(blank=True, default=dict,
                                                                      verbose_name="message")),
        migrations.RenameField("harvestrunitem", "reason", "reason_text"),
        migrations.AddField("harvestrunitem", "reason", models.JSONField(blank=True, default=dict,
                                                                         verbose_name="raison")),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("harvestrun", "message_text"),
        migrations.RemoveField("harvestrunitem", "reason_text"),
    ]
