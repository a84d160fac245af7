from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core import actors


class Command(BaseCommand):
    help = ("Plans d'action : « snapshot » relève la valeur calculée de chaque indicateur et met à jour les jeux "
            "de données du baromètre ; « remind » écrit aux répondants des organismes dont un jalon arrive à "
            "échéance ou l'a dépassée ; « daily » fait les deux (à lancer chaque jour par cron ; le relancer "
            "le même jour ne refait rien).")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        snap = sub.add_parser("snapshot", help="relever les indicateurs calculés")
        snap.add_argument("--date", help="date du relevé, AAAA-MM-JJ (par défaut : aujourd'hui)")
        remind = sub.add_parser("remind", help="rappels d'échéance aux répondants")
        remind.add_argument("--date", help="date de référence, AAAA-MM-JJ (par défaut : aujourd'hui)")
        daily = sub.add_parser("daily", help="snapshot puis remind (la ligne de cron quotidienne)")
        daily.add_argument("--date", help="date de référence, AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args: Any, action: str, date: str | None = None, **options: Any) -> None:
        from ouvert.plans import services

        on = None
        if date:
            try:
                on = dt.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date : « {date} » n'est pas une date AAAA-MM-JJ.") from error
        if action in ("snapshot", "daily"):
            from ouvert.plans.publishing import barometer_open_data_refresh

            stored = services.snapshot_take(on=on, by=actors.COMMAND)
            refreshed = barometer_open_data_refresh()
            values = ngettext("%(n)s valeur d'indicateur relevée", "%(n)s valeurs d'indicateur relevées",
                              stored) % {"n": stored}
            datasets = ngettext("%(n)s jeu de données du baromètre mis à jour",
                                "%(n)s jeux de données du baromètre mis à jour", refreshed) % {"n": refreshed}
            self.stdout.write(_("%(values)s ; %(datasets)s.") % {"values": values, "datasets": datasets})
        if action in ("remind", "daily"):
            sent = services.reminders_send(today=on, by=actors.COMMAND)
            self.stdout.write(ngettext("%(n)s rappel envoyé.", "%(n)s rappels envoyés.", sent) % {"n": sent})
