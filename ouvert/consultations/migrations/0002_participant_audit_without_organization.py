"""Participants' audit entries leave their organization: its administrators must not be able to tie
a person to their answers (see services._audit_participant). Site administrators keep them."""

from django.db import migrations

PARTICIPANT_ACTIONS = [
    "consultation.participation_submit", "consultation.participation_delete", "consultation.proposal_create",
    "consultation.proposal_support", "consultation.comment_create", "consultation.brief_submit",
    "consultation.report", "consultation.event_register", "consultation.event_unregister",
]


def detach(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(action__in=PARTICIPANT_ACTIONS).update(organization=None)


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(detach, migrations.RunPython.noop)]
