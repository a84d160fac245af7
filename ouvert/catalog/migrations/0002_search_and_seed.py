"""Search structures per database vendor, and the seeded licences and themes."""

from django.db import migrations

LICENCES = [
    ("cc-by-4.0", "Creative Commons Attribution 4.0 International (CC BY 4.0)",
     "Creative Commons Attribution 4.0 International (CC BY 4.0)",
     "https://creativecommons.org/licenses/by/4.0/deed.fr", True, True),
    ("cc-by-sa-4.0", "Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA 4.0)",
     "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
     "https://creativecommons.org/licenses/by-sa/4.0/deed.fr", True, False),
    ("cc0-1.0", "Creative Commons Zéro 1.0 — domaine public (CC0)", "Creative Commons Zero 1.0 — public domain (CC0)",
     "https://creativecommons.org/publicdomain/zero/1.0/deed.fr", True, False),
    ("odbl-1.0", "Open Database License 1.0 (ODbL)", "Open Database License 1.0 (ODbL)",
     "https://opendatacommons.org/licenses/odbl/1-0/", True, False),
    ("ogl-canada-2.0", "Licence du gouvernement ouvert – Canada 2.0", "Open Government Licence – Canada 2.0",
     "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada", True, False),
    ("cc-by-nc-4.0", "Creative Commons Attribution – Pas d'utilisation commerciale 4.0 (CC BY-NC 4.0)",
     "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)",
     "https://creativecommons.org/licenses/by-nc/4.0/deed.fr", False, False),
    ("autre-non-ouverte", "Autre licence, non ouverte", "Other licence, not open", "", False, False),
]

THEMES = [
    ("agriculture-alimentation", "Agriculture et alimentation", "Agriculture and food"),
    ("economie-entreprises", "Économie et entreprises", "Economy and business"),
    ("education-recherche", "Éducation et recherche", "Education and research"),
    ("energie-ressources", "Énergie et ressources naturelles", "Energy and natural resources"),
    ("environnement", "Environnement et changements climatiques", "Environment and climate change"),
    ("gouvernement-finances", "Gouvernement et finances", "Government and finance"),
    ("infrastructures", "Infrastructures", "Infrastructure"),
    ("justice-securite", "Justice et sécurité publique", "Justice and public safety"),
    ("loisirs-culture", "Loisirs, sports et culture", "Recreation, sports and culture"),
    ("politiques-sociales", "Politiques sociales", "Social policy"),
    ("sante", "Santé", "Health"),
    ("societe", "Société et démographie", "Society and demography"),
    ("territoire", "Territoire et cartographie", "Territory and mapping"),
    ("transport", "Transport", "Transportation"),
]


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
