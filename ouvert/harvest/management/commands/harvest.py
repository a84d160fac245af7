from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from ouvert.core import actors
from ouvert.harvest import services
from ouvert.harvest.models import HarvestSource


class Command(BaseCommand):
    help = ("Moissonnage : « due » met en file les sources dont l'heure est venue (à lancer par cron, par "
            "exemple chaque heure) ; « run --source S » lance une source tout de suite.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("due", help="mettre en file les sources planifiées dont l'heure est venue")
        run = sub.add_parser("run", help="moissonner une source maintenant")
        run.add_argument("--source", required=True, help="identifiant de la source")

    def handle(self, *args, action: str, **options):
        if action == "due":
            runs = services.runs_due()
            self.stdout.write(ngettext("%(n)s moissonnage mis en file.", "%(n)s moissonnages mis en file.",
                                       len(runs)) % {"n": len(runs)})
            return
        source = HarvestSource.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"Aucune source « {options['source']} ».")
        run = services.run_request(source=source, by=actors.HARVEST, trigger="command")
        run.refresh_from_db()
        self.stdout.write(f"Moissonnage #{run.pk} : {run.get_status_display()}")
