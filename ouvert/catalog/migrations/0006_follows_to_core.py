"""Follows and pending notices move to core (``core.Follow``, ``core.PendingNotice``): copy them,
keeping each follow's unsubscribe token, then drop the catalogue's tables."""

from django.db import migrations

LEGACY_EVENT = "dataset.updated"


def copy_to_core(apps, schema_editor):
    OldFollow = apps.get_model("catalog", "Follow")
    OldNotice = apps.get_model("catalog", "PendingNotice")
    Follow = apps.get_model("core", "Follow")
    PendingNotice = apps.get_model("core", "PendingNotice")
    new_ids = {}
    for old in OldFollow.objects.order_by("pk").iterator():
        follow, _created = Follow.objects.get_or_create(
            user_id=old.user_id, kind=old.kind, key=old.target[:500],
            defaults={"frequency": old.frequency, "token": old.token, "created_at": old.created_at})
        new_ids[old.pk] = follow.pk
    for notice in OldNotice.objects.order_by("pk").iterator():
        if notice.follow_id not in new_ids:
            continue
        # The old summary is text already written in French: kept as is (no parameters).
        PendingNotice.objects.create(follow_id=new_ids[notice.follow_id], kind="dataset", key=str(notice.dataset_id),
                                     event=LEGACY_EVENT, summary=notice.summary[:300], params={},
                                     created_at=notice.created_at)


def copy_back(apps, schema_editor):
    OldFollow = apps.get_model("catalog", "Follow")
    OldNotice = apps.get_model("catalog", "PendingNotice")
    Follow = apps.get_model("core", "Follow")
    PendingNotice = apps.get_model("core", "PendingNotice")
    kinds = ["dataset", "organization", "keyword", "search"]
    old_ids = {}
    for follow in Follow.objects.filter(kind__in=kinds).order_by("pk").iterator():
        old = OldFollow.objects.create(user_id=follow.user_id, kind=follow.kind, target=follow.key,
                                       frequency=follow.frequency, token=follow.token, created_at=follow.created_at)
        old_ids[follow.pk] = old.pk
    for notice in PendingNotice.objects.filter(kind="dataset", follow_id__in=list(old_ids)).iterator():
        OldNotice.objects.create(follow_id=old_ids[notice.follow_id], dataset_id=notice.key,
                                 summary=notice.summary[:300], created_at=notice.created_at)
    PendingNotice.objects.filter(follow__kind__in=kinds).delete()
    Follow.objects.filter(kind__in=kinds).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0005_resource_is_documentation"),
        ("core", "0003_follows_notices_webhooks"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.RemoveField(model_name="pendingnotice", name="follow"),
        migrations.RemoveField(model_name="pendingnotice", name="dataset"),
        migrations.DeleteModel(name="Follow"),
        migrations.DeleteModel(name="PendingNotice"),
    ]
