"""``ouvert search_reindex``: rebuild the full-text index of every dataset (after a change to what
is indexed, such as the organizations' English names, or an organization renamed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import ngettext

from ouvert.catalog import search
from ouvert.catalog.models import Dataset


class Command(BaseCommand):
    help = "Reconstruit l'index plein texte de chaque jeu de données."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="seulement les jeux de cette organisation (slug)")

    def handle(self, *args, organization: str | None = None, **options) -> None:
        qs = Dataset.objects.select_related("organization").prefetch_related("keywords", "themes", "resources")
        if organization:
            qs = qs.filter(organization__slug=organization)
        done = 0
        with transaction.atomic():
            for dataset in qs.order_by("pk").iterator(chunk_size=500):
                search.index_dataset(dataset)
                done += 1
        self.stdout.write(ngettext("%(n)s jeu de données réindexé.", "%(n)s jeux de données réindexés.", done)
                          % {"n": done} + "\n")
