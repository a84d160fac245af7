"""The ``ouvert`` command. Each sub-command is a Django management command; ``ouvert --help``
lists ours first, and any Django command (``ouvert shell``, ``ouvert dbshell``…) also works."""

from __future__ import annotations

import os
import sys

COMMANDS = [
    ("demo", "charger les données de démonstration (une fois), puis servir la plateforme"),
    ("serve", "servir la plateforme (et, sur SQLite, un travailleur de tâches intégré)"),
    ("worker", "exécuter les tâches de fond (autant de processus que voulu en production)"),
    ("migrate", "créer ou mettre à jour le schéma de la base de données"),
    ("createadmin", "créer un administrateur du site (--email E [--password-stdin])"),
    ("token", "créer, lister ou révoquer des jetons d'API (token create --user E --name N)"),
    ("check", "vérifications de déploiement de Django et d'Ouvert"),
    ("backup", "sauvegarder base, fichiers et clé dans une archive (backup FICHIER.tar)"),
    ("restore", "restaurer une sauvegarde sur une base neuve (restore FICHIER.tar --verify)"),
    ("synthetic-check", "publier un jeu de test, attendre que sa table réponde, le supprimer (code, durées)"),
    ("notices", "« notices due » (par cron) : résumés quotidiens dus et relances des webhooks"),
    ("quality_refresh", "recalculer la qualité, les étoiles et le badge de référence de chaque jeu"),
    ("openaccess", "libre accès : remind (cron quotidien), grants CSV, import CSV|crossref, policies"),
    ("plans", "plans d'action : daily (cron quotidien) = snapshot des indicateurs et remind des jalons"),
]


def _usage() -> str:
    lines = ["usage: ouvert <commande> [options]   (ouvert <commande> --help pour le détail)", "",
             "Commandes d'Ouvert :"]
    lines += [f"  {name:<15} {text}" for name, text in COMMANDS]
    lines += ["", "Toute commande de gestion Django est aussi disponible (ouvert help --commands).",
              "Données : OUVERT_DATA_DIR (fichier SQLite, fichiers téléversés) ; base : DATABASE_URL."]
    return "\n".join(lines)


def debug_requested(argv: list[str]) -> bool:
    """``ouvert serve --debug`` / ``ouvert demo --debug``: DEBUG must be known before the settings load,
    so the flag is read here and passed on as ``DEBUG=true``; without it (or ``DEBUG=true`` in the
    environment) the platform serves with DEBUG off."""
    return len(argv) > 1 and argv[1] in {"serve", "demo"} and "--debug" in argv[2:]


def prepare_data_dir() -> None:
    """Create what the embedded profile keeps in ``OUVERT_DATA_DIR``: the folder of the SQLite file,
    the static folder and the generated secret key (unless ``SECRET_KEY`` is set). Importing the
    settings writes nothing; the ``ouvert`` command and ``ouvert.wsgi`` call this first."""
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) not in ("", ":memory:") \
            and not str(database["NAME"]).startswith("file:"):
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    str(settings.SECRET_KEY)  # the kept key is generated at its first use


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvert.settings.dev")
    if debug_requested(argv):
        os.environ["DEBUG"] = "true"
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(_usage())
        return 0
    if argv[1] == "check" and "--no-deploy" not in argv:
        argv.append("--deploy")
    elif argv[1] == "check":
        argv.remove("--no-deploy")
    from django.core.management import execute_from_command_line

    prepare_data_dir()
    execute_from_command_line(["ouvert", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
