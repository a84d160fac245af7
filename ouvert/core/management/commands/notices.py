from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from ouvert.core import notices, webhooks


class Command(BaseCommand):
    help = ("Avis et webhooks : « due » envoie les résumés quotidiens dus et relance les livraisons de "
            "webhooks dont l'heure est venue (à lancer par cron, par exemple toutes les 5 minutes) ; "
            "« digest » envoie tout de suite tous les résumés en attente.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("due", help="résumés quotidiens dus et relances de webhooks dues")
        sub.add_parser("digest", help="envoyer maintenant tous les résumés en attente")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "digest":
            sent = notices.digests_send()
            self.stdout.write(f"{sent} résumé(s) envoyé(s).")
            return
        sent = notices.digests_send(min_age=notices.DIGEST_AGE)
        attempted = webhooks.deliveries_due()
        self.stdout.write(f"{sent} résumé(s) envoyé(s), {attempted} livraison(s) de webhook tentée(s).")
