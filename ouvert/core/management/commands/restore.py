from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from ouvert.core.backup import BackupError, backup_restore, backup_verify, pending_migrations, read_manifest


class Command(BaseCommand):
    help = ("Restaure une sauvegarde (ouvert backup) sur la base et le stockage configurés, qui doivent "
            "être vides ; --verify compare ensuite chaque table (lignes, somme de contrôle) et chaque fichier "
            "au manifeste. --verify-only vérifie sans restaurer.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="l'archive .tar écrite par « ouvert backup »")
        parser.add_argument("--verify", action="store_true", help="vérifier après la restauration")
        parser.add_argument("--verify-only", action="store_true", help="vérifier seulement (rien n'est écrit)")
        parser.add_argument("--force", action="store_true", help="remplacer une base qui contient déjà des données")

    def handle(self, *args, archive: str, verify: bool, verify_only: bool, force: bool, **options):
        path = Path(archive)
        try:
            manifest = read_manifest(path) if verify_only else backup_restore(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not verify_only:
            self.stdout.write(f"Restauré : {len(manifest.tables)} tables et {len(manifest.files)} fichiers de la "
                              f"sauvegarde du {manifest.created_at} (Ouvert {manifest.version}).")
        if verify or verify_only:
            report = backup_verify(manifest)
            if not report.ok:
                for problem in report.problems:
                    self.stderr.write(f"  ✗ {problem}")
                raise CommandError(ngettext("Vérification échouée : %(n)s écart avec la sauvegarde.",
                                            "Vérification échouée : %(n)s écarts avec la sauvegarde.",
                                            len(report.problems)) % {"n": len(report.problems)})
            self.stdout.write(f"Vérifié : {report.tables} tables ({report.rows} lignes) et {report.files} fichiers "
                              "identiques à la sauvegarde.")
        pending = 0 if verify_only else pending_migrations()
        if pending:
            self.stdout.write(f"La sauvegarde vient d'une version antérieure ; migrations de cette version à "
                              f"appliquer : {pending}. Vérifiez d'abord (--verify-only), puis lancez "
                              "« ouvert migrate ».")
