"""Datastore findings written before message codes stored each text as ``{"fr": …, "en": …}``;
they become messages of the code ``legacy_text`` (``ouvert.core.messages.LEGACY``), which shows the
stored text of the reader's language. The next load rewrites them with real codes. (Load reports'
older plain-text reasons are shown as they were written.)"""

from django.db import migrations

LEGACY = "legacy_text"


def _is_texts(value):
    return isinstance(value, dict) and "code" not in value and ("fr" in value or "en" in value)


def _legacy(what, fix=None):
    params = {"what": {"fr": str(what.get("fr", "")), "en": str(what.get("en", ""))}}
    if _is_texts(fix) and any(fix.values()):
        params["fix"] = {"fr": str(fix.get("fr", "")), "en": str(fix.get("en", ""))}
    return {"code": LEGACY, "params": params}


def forwards(apps, schema_editor):
    DatastoreTable = apps.get_model("datastore", "DatastoreTable")
    for table in DatastoreTable.objects.exclude(quality={}).only("pk", "quality").iterator():
        quality = dict(table.quality or {})
        findings = []
        changed = False
        for item in quality.get("findings") or []:
            if isinstance(item, dict) and _is_texts(item.get("message")):
                item = {k: v for k, v in item.items() if k != "fix"} | {
                    "message": _legacy(item["message"], item.get("fix"))}
                changed = True
            findings.append(item)
        if changed:
            DatastoreTable.objects.filter(pk=table.pk).update(quality={**quality, "findings": findings})


class Migration(migrations.Migration):
    dependencies = [("datastore", "0003_table_visibility_from_access_model")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
