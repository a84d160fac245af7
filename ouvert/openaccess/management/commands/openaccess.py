from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouvert.core import actors
from ouvert.core.messages import Message, render


class Command(BaseCommand):
    help = ("Libre accès : « remind » envoie les rappels aux auteurs des articles pas encore ouverts dont la date "
            "limite approche (par cron, une fois par jour) ; « grants FICHIER » charge des subventions (CSV) ; "
            "« import FICHIER --format csv|crossref » importe des articles ; « policies » enregistre les "
            "politiques FRQ 2019 et 2022.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="rappels avant la date limite")
        remind.add_argument("--days", type=int, default=14, help="jours avant la date limite (défaut : 14)")
        grants = sub.add_parser("grants", help="charger des subventions depuis un CSV")
        grants.add_argument("file")
        grants.add_argument("--dry-run", action="store_true")
        works = sub.add_parser("import", help="importer des articles (CSV ou JSON de style Crossref)")
        works.add_argument("file")
        works.add_argument("--format", choices=["csv", "crossref"], default="csv")
        works.add_argument("--dry-run", action="store_true")
        sub.add_parser("policies", help="enregistrer les politiques FRQ 2019 et 2022 (si absentes)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        from ouvert.openaccess import demo, imports, services

        if action == "remind":
            sent = services.reminders_send(today=timezone.localdate(), days=options["days"], by=actors.SCHEDULE)
            self.stdout.write(ngettext("%(n)s rappel envoyé.", "%(n)s rappels envoyés.", sent) % {"n": sent})
            return
        if action == "policies":
            self.stdout.write("politiques ajoutées." if demo.policies_ensure() else "politiques déjà présentes.")
            return
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} : {exc}") from exc
        if action == "grants":
            report = services.grants_import_csv(text=text, dry_run=options["dry_run"], by=actors.COMMAND)
        else:
            report = imports.publications_import(text=text, kind=options["format"], dry_run=options["dry_run"],
                                                 by=actors.COMMAND)
        for error in report.errors:
            self.stderr.write(render(Message.from_dict(error)))
        for row in report.rows:
            text_messages = " ".join(render(Message.from_dict(m)) for m in row.messages)
            self.stdout.write(f"ligne {row.line} [{'ok' if row.ok else 'erreur'}] {row.key} {text_messages}")
        counts = {"valid": ngettext("%(n)s ligne valide", "%(n)s lignes valides", report.ok_count)
                  % {"n": report.ok_count},
                  "errors": ngettext("%(n)s erreur", "%(n)s erreurs", report.error_count) % {"n": report.error_count}}
        self.stdout.write((_("%(valid)s, %(errors)s (essai : rien n'est enregistré).") if report.dry_run
                           else _("%(valid)s, %(errors)s.")) % counts)
        if report.error_count:
            raise CommandError("des lignes ont des erreurs (voir ci-dessus)")
