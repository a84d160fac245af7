from django.core.management import call_command
from django.core.management.base import BaseCommand

from ouvert.core.demo import DEMO_PASSWORD, demo_load

from .serve import serving_site_url


class Command(BaseCommand):
    help = ("Crée le schéma, charge les données de démonstration (une seule fois : relancer ne "
            "duplique rien), puis sert la plateforme.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port d'écoute (défaut 8000)")
        parser.add_argument("--no-serve", action="store_true", help="charger seulement, sans servir")
        parser.add_argument("--debug", action="store_true",
                            help="servir en mode débogage (sans cette option, DEBUG reste désactivé)")

    def handle(self, *args, host: str, port: int, no_serve: bool, debug: bool = False, **options):
        # E-mails and links name the address the demo serves on (the worker child inherits it).
        serving_site_url(host, port)
        call_command("migrate", interactive=False, verbosity=0)
        loaded = demo_load(stdout=self.stdout)
        if loaded:
            self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        else:
            self.stdout.write("Données de démonstration déjà présentes.")
        self.stdout.write(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
        self.stdout.write("  admin@demo.ouvert.quebec (administrateur du site)")
        self.stdout.write("  admin.sct@demo.ouvert.quebec (administrateur du SCT)")
        self.stdout.write("  editeur.sct@demo.ouvert.quebec (éditeur du SCT)")
        self.stdout.write("  citoyen@demo.ouvert.quebec (citoyen)")
        if not no_serve:
            call_command("serve", host=host, port=port, debug=debug)
