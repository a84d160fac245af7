"""Consultation follows move to core (``core.Follow`` of kind ``consultation``, key the consultation's
id, immediate notices): copy them, then drop the consultations' table."""

import uuid

from django.db import migrations


def copy_to_core(apps, schema_editor):
    OldFollow = apps.get_model("consultations", "Follow")
    Follow = apps.get_model("core", "Follow")
    for old in OldFollow.objects.order_by("pk").iterator():
        Follow.objects.get_or_create(user_id=old.user_id, kind="consultation", key=str(old.consultation_id),
                                     defaults={"frequency": "immediate", "token": uuid.uuid4(),
                                               "created_at": old.created_at})


def copy_back(apps, schema_editor):
    OldFollow = apps.get_model("consultations", "Follow")
    Follow = apps.get_model("core", "Follow")
    Consultation = apps.get_model("consultations", "Consultation")
    existing = set(Consultation.objects.values_list("pk", flat=True))
    for follow in Follow.objects.filter(kind="consultation").iterator():
        if follow.key.isdigit() and int(follow.key) in existing:
            OldFollow.objects.get_or_create(user_id=follow.user_id, consultation_id=int(follow.key))
    Follow.objects.filter(kind="consultation").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0002_participant_audit_without_organization"),
        ("core", "0003_follows_notices_webhooks"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="Follow"),
    ]
