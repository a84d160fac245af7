from django.db import migrations, models
from django.db.models import F


def existing_accounts_are_confirmed(apps, schema_editor):
    """Accounts made before confirmation existed keep signing in: their address counts as confirmed
    since they joined."""
    User = apps.get_model("core", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="adresse confirmée le"),
        ),
        migrations.RunPython(existing_accounts_are_confirmed, migrations.RunPython.noop),
    ]
