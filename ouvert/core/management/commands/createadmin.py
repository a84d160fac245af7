import getpass
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ouvert.core import actors
from ouvert.core.audit import audit_record
from ouvert.core.models import User


class Command(BaseCommand):
    help = "Crée un administrateur du site, ou donne ce rôle à un compte existant."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="adresse courriel de l'administrateur")
        parser.add_argument("--password-stdin", action="store_true",
                            help="lire le mot de passe sur l'entrée standard (une ligne), sans question")
        parser.add_argument("--name", default="", help="nom complet")

    def handle(self, *args, email: str, password_stdin: bool, name: str, **options):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Mot de passe : ")
            if getpass.getpass("Mot de passe (encore) : ") != password:
                raise CommandError("Les deux mots de passe diffèrent.")
        else:
            raise CommandError("Pas de terminal : passez --password-stdin et envoyez le mot de passe sur "
                               "l'entrée standard.")
        if not password:
            raise CommandError("Mot de passe vide.")
        email = User.objects.normalize_email(email).lower()
        user = User.objects.filter(email__iexact=email).first()
        try:
            password_validation.validate_password(password, user or User(email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        created = user is None
        if user is None:
            user = User.objects.create_superuser(email=email, password=password, full_name=name)
        else:
            user.is_superuser = user.is_staff = True
            user.set_password(password)
            user.save()
        audit_record(actor=actors.COMMAND, action="user.make_site_admin", obj=user,
                     changes={"is_superuser": [None if created else False, True]})
        verb = "créé" if created else "promu"
        self.stdout.write(self.style.SUCCESS(f"Administrateur du site {verb} : {email}"))
