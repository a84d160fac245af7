"""Search structures per database vendor, and the seeded licences and themes."""

from django.db import migrations

from ouvert.catalog.seeds import LICENCES, THEMES


def seed(apps, schema_editor):
    Licence = apps.get_model("catalog", "Licence")
    Theme = apps.get_model("catalog", "Theme")
    for position, (slug, fr, en, url, is_open, default) in enumerate(LICENCES):
        Licence.objects.update_or_create(slug=slug, defaults={
            "title_fr": fr, "title_en": en, "url": url, "is_open": is_open, "is_default": default,
            "position": position})
    for position, (slug, fr, en) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"title_fr": fr, "title_en": en, "position": position})


def search_structures(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute("ALTER TABLE catalog_searchdocument ADD COLUMN vector tsvector")
        schema_editor.execute(
            "CREATE INDEX catalog_searchdocument_vector ON catalog_searchdocument USING GIN (vector)")
    elif connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalog_dataset_fts USING fts5("
            "dataset_id UNINDEXED, title, keywords, body, tokenize = 'unicode61 remove_diacritics 2')")


def drop_search_structures(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalog_searchdocument_vector")
        schema_editor.execute("ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS vector")
    elif connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_dataset_fts")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(search_structures, drop_search_structures),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
