from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ouvert.core import services
from ouvert.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Jetons d'API : create (affiche le nouveau jeton, une seule fois), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="créer un jeton et l'afficher")
        create.add_argument("--user", required=True, help="adresse courriel du titulaire")
        create.add_argument("--name", required=True, help="nom du jeton (à quoi il sert)")
        listing = sub.add_parser("list", help="lister les jetons d'un compte")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="révoquer un jeton par son préfixe")
        revoke.add_argument("--prefix", required=True)

    def _user(self, email: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Aucun compte n'utilise l'adresse {email}.")
        return user

    def handle(self, *args, action: str, **options):
        if action == "create":
            user = self._user(options["user"])
            _token, secret = services.token_create(user=user, by=user, name=options["name"])
            self.stdout.write(secret)
        elif action == "list":
            for token in self._user(options["user"]).api_tokens.all():
                state = "révoqué" if token.revoked_at else "actif"
                used = token.last_used_at.isoformat() if token.last_used_at else "jamais"
                self.stdout.write(f"{token.prefix}\t{token.name}\t{state}\t{token.created_at:%Y-%m-%d}\t{used}")
        else:
            revoked = ApiToken.objects.filter(prefix=options["prefix"]).select_related("user").first()
            if revoked is None:
                raise CommandError(f"Aucun jeton avec le préfixe {options['prefix']}.")
            services.token_revoke(token=revoked, by=revoked.user)
            self.stdout.write(f"Révoqué le {timezone.localtime():%Y-%m-%d %H:%M} : {revoked.name}")
