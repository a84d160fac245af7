"""Quality reports written before message codes stored each text as ``{"fr": …, "en": …}``; they
become messages of the code ``legacy_text`` (``ouvert.core.messages.LEGACY``), which shows the
stored text of the reader's language. The next quality check rewrites them with real codes.

(Numbered 0007: 0006 is taken by another branch; the integrator chains it after that one.)
"""

from django.db import migrations

LEGACY = "legacy_text"


def _is_texts(value):
    return isinstance(value, dict) and "code" not in value and ("fr" in value or "en" in value)


def _legacy(what, fix=None):
    params = {"what": {"fr": str(what.get("fr", "")), "en": str(what.get("en", ""))}}
    if _is_texts(fix) and any(fix.values()):
        params["fix"] = {"fr": str(fix.get("fr", "")), "en": str(fix.get("en", ""))}
    return {"code": LEGACY, "params": params}


def convert_findings(findings):
    out = []
    for item in findings or []:
        if isinstance(item, dict) and _is_texts(item.get("message")):
            item = {k: v for k, v in item.items() if k != "fix"} | {"message": _legacy(item["message"],
                                                                                      item.get("fix"))}
        out.append(item)
    return out


def forwards(apps, schema_editor):
    Dataset = apps.get_model("catalog", "Dataset")
    for dataset in Dataset.objects.exclude(quality_report={}).only("pk", "quality_report").iterator():
        report = dict(dataset.quality_report or {})
        if not report:
            continue
        report["findings"] = convert_findings(report.get("findings"))
        if _is_texts(report.get("stars_reason")):
            report["stars_reason"] = _legacy(report["stars_reason"])
        reference = dict(report.get("reference") or {})
        if reference.get("criteria"):
            reference["criteria"] = [{**c, "label": _legacy(c["label"])} if _is_texts(c.get("label")) else c
                                     for c in reference["criteria"]]
            report["reference"] = reference
        Dataset.objects.filter(pk=dataset.pk).update(quality_report=report)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_follows_to_core")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
