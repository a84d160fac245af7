from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ouvert.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Sauvegarde la plateforme dans une archive .tar : la base entière (instantané cohérent, "
            "écritures en cours comprises), les fichiers stockés, la clé secrète, et un manifeste que "
            "« restore --verify » vérifie.")

    def add_arguments(self, parser):
        parser.add_argument("output", help="chemin de l'archive à écrire (ex. /srv/sauvegardes/ouvert-2026-12-03.tar)")

    def handle(self, *args, output: str, **options):
        try:
            manifest = backup_create(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest.tables.values())
        self.stdout.write(f"Sauvegarde écrite : {output} — {len(manifest.tables)} tables, {rows} lignes, "
                          f"{len(manifest.files)} fichiers ({manifest.vendor}).")
