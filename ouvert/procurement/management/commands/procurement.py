from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ouvert.procurement import services


class Command(BaseCommand):
    help = "Micro-acquisitions : ouvrir les soumissions dont la date limite est passée."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("open-due", help="ouvrir les soumissions des appels dont la date limite est passée")

    def handle(self, *args, action: str, **options):
        opened = services.calls_open_due()
        self.stdout.write(ngettext("%(n)s appel ouvert.", "%(n)s appels ouverts.", opened) % {"n": opened})
