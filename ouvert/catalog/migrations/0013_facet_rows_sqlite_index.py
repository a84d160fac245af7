"""The facet rows' ``(dataset, facet, value)`` uniqueness on SQLite.

0012 made that constraint a covering one (``INCLUDE (public)``); SQLite has no covering indexes, so
Django creates nothing there, silently: the rows had no index by dataset and no uniqueness, and each
write of one dataset's rows (read, delete, rewrite) scanned the whole table. This creates the plain
unique index on SQLite only; PostgreSQL keeps 0012's covering constraint.
"""

from django.db import migrations

NAME = "one_facet_value_sqlite"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{NAME}" '
                              'ON "catalog_datasetfacet" ("dataset_id", "facet", "value")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0012_facet_rows_covering'),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
