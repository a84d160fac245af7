from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            self.stdout.write(ngettext("%(n)s résumé envoyé.", "%(n)s résumés envoyés.", sent) % {"n": sent})
            return
        sent = notices.digests_send(min_age=notices.DIGEST_AGE)
        attempted = webhooks.deliveries_due()
        digests = ngettext("%(n)s résumé envoyé", "%(n)s résumés envoyés", sent) % {"n": sent}
        deliveries = ngettext("%(n)s livraison de webhook tentée", "%(n)s livraisons de webhook tentées",
                              attempted) % {"n": attempted}
        self.stdout.write(_("%(digests)s, %(deliveries)s.") % {"digests": digests, "deliveries": deliveries})
