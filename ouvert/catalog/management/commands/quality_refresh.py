"""``ouvert quality_refresh``: recompute every dataset's quality report and reference badge."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.catalog.models import Dataset, DatasetState
from ouvert.catalog.services import dataset_quality_refresh
from ouvert.catalog.tasks import dataset_quality_task


class Command(BaseCommand):
    help = "Recalcule le rapport de qualité, les étoiles et le badge « données de référence » de chaque jeu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="seulement les jeux de cette organisation (slug)")
        parser.add_argument("--enqueue", action="store_true",
                            help="mettre les calculs en file pour les travailleurs au lieu de les faire ici")

    def handle(self, *args, organization: str | None = None, enqueue: bool = False, **options) -> None:
        qs = Dataset.objects.exclude(state=DatasetState.DELETED).select_related("organization", "licence")
        if organization:
            qs = qs.filter(organization__slug=organization)
        done = conforming = reference = 0
        for dataset in qs.order_by("pk").iterator(chunk_size=200):
            if enqueue:
                dataset_quality_task.enqueue(dataset_id=str(dataset.pk))
            else:
                dataset = dataset_quality_refresh(dataset=dataset)
                conforming += dataset.conforms
                reference += dataset.is_reference
            done += 1
        if enqueue:
            self.stdout.write(ngettext("%(n)s jeu de données mis en file.", "%(n)s jeux de données mis en file.",
                                       done) % {"n": done} + "\n")
        else:
            checked = ngettext("%(n)s jeu de données vérifié", "%(n)s jeux de données vérifiés", done) % {"n": done}
            conform = ngettext("%(n)s conforme", "%(n)s conformes", conforming) % {"n": conforming}
            ref = ngettext("%(n)s de référence", "%(n)s de référence", reference) % {"n": reference}
            self.stdout.write(_("%(checked)s : %(conforming)s, %(reference)s.")
                              % {"checked": checked, "conforming": conform, "reference": ref} + "\n")
