"""``ouvert synthetic-check``: the end-to-end probe of :mod:`ouvert.core.synthetic`; exit code 0 when
the platform published, ingested, answered and cleaned up, 1 otherwise."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Vérification synthétique : publie un jeu de test avec un fichier CSV, attend que sa table réponde "
            "à datastore_search, puis le supprime. Code de sortie 0 si tout a réussi ; durées de chaque étape.")

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=120.0,
                            help="secondes d'attente de l'ingestion (défaut 120 ; il faut un travailleur)")
        parser.add_argument("--json", action="store_true", help="une ligne JSON (pour une sonde de supervision)")

    def handle(self, *args, timeout: float, json: bool = False, **options):
        from ouvert.core.synthetic import synthetic_check

        if timeout <= 0:
            raise CommandError("--timeout doit être positif (en secondes), par exemple --timeout 60.")
        report = synthetic_check(timeout=timeout)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            for step, ms in report.steps.items():
                self.stdout.write(f"{step:<8} {ms:9.1f} ms")
            self.stdout.write(f"{'total':<8} {sum(report.steps.values()):9.1f} ms")
        if not report.ok:
            raise CommandError(f"Vérification synthétique en échec — {report.error}")
        if not json:
            self.stdout.write(self.style.SUCCESS(f"Vérification synthétique réussie ({report.rows} lignes)."))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
