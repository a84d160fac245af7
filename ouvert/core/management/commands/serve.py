from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ouvert.core import worker_wake


def serving_site_url(host: str, port: int) -> str:
    """When ``OUVERT_SITE_URL`` is not set, the address this process serves on becomes the site URL
    (in e-mails, feeds, webhooks), in this process and in the worker it starts; returns it."""
    if "OUVERT_SITE_URL" not in os.environ:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        shown = f"[{shown}]" if ":" in shown else shown
        os.environ["OUVERT_SITE_URL"] = settings.SITE_URL = f"http://{shown}:{port}"
    return str(settings.SITE_URL)


def pending_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = ("Sert la plateforme : avec waitress (un processus, des fils) dans le profil intégré, avec gunicorn "
            "(plusieurs processus, un par cœur par défaut) dans le profil de production. Sur SQLite, applique "
            "les migrations en attente et démarre un travailleur de tâches dans un processus enfant.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port d'écoute (défaut 8000)")
        parser.add_argument("--threads", type=int, default=8, help="fils de traitement (par processus ; défaut 8)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                            help="gunicorn : processus de service (défaut : un par cœur)")
        parser.add_argument("--server", choices=["auto", "waitress", "gunicorn"], default="auto",
                            help="auto (défaut) : gunicorn dans le profil de production, sinon waitress")
        parser.add_argument("--access-log", action="store_true",
                            help="gunicorn : une ligne par requête sur la sortie (avec le pid du processus)")
        parser.add_argument("--worker-interval", type=float, default=1.0,
                            help="secondes entre deux consultations de la file par le travailleur intégré, qui est "
                                 "aussi réveillé dès qu'une tâche est mise en file (défaut 1)")
        parser.add_argument("--no-worker", action="store_true",
                            help="ne pas démarrer le travailleur intégré")
        parser.add_argument("--debug", action="store_true",
                            help="mode débogage (pages d'erreur détaillées) : jamais sur un serveur accessible "
                                 "à d'autres ; sans cette option, DEBUG reste désactivé sauf DEBUG=true")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, debug: bool = False,
               workers: int = 1, server: str = "auto", access_log: bool = False, worker_interval: float = 1.0,
               **options):
        serving_site_url(host, port)
        if settings.IS_SQLITE and pending_migrations():
            self.stdout.write("Migrations en attente : application…")
            call_command("migrate", interactive=False, verbosity=0)
        worker = None
        if settings.EMBEDDED_WORKER and not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "ouvert", "worker", "--verbosity", "0",  # noqa: S603
                                       "--interval", str(worker_interval), "--wake-on-signal"],
                                      preexec_fn=worker_wake.ignore_until_installed)  # noqa: PLW1509 — no threads yet
            if not settings.TASK_BROKER_URL:  # the database queue: woken as soon as a task queued here commits
                worker_wake.watch(worker.pid)
            atexit.register(worker.terminate)
            self.stdout.write(f"Travailleur de tâches intégré démarré (pid {worker.pid}).")

        def _stop(signum, frame):
            if worker is not None:
                worker.terminate()
            sys.exit(0)

        signal.signal(signal.SIGTERM, _stop)
        if settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "Mode débogage actif (DEBUG) : les pages d'erreur montrent le code et les réglages. "
                "Ne l'exposez pas ; relancez sans --debug ni DEBUG=true pour le désactiver."))
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"Ouvert sert sur http://{shown}:{port}/ (Ctrl+C pour arrêter)"))
        sys.stdout.flush()
        if server == "gunicorn" or (server == "auto" and settings.PRODUCTION):
            self._gunicorn(host=host, port=port, workers=max(1, workers), threads=threads, access_log=access_log,
                           worker=worker)
            return
        from waitress import serve

        from ouvert.wsgi import application

        try:
            serve(application, host=host, port=port, threads=threads, ident="Ouvert", _quiet=True)
        finally:
            if worker is not None:
                worker.terminate()

    def _gunicorn(self, *, host: str, port: int, workers: int, threads: int, access_log: bool,
                  worker: subprocess.Popen | None) -> None:
        """gunicorn in a child process: its master forks ``workers`` processes of ``threads`` threads,
        each importing ``ouvert.wsgi`` on its own (no ``--preload``: nothing started in a master is
        shared across a fork); they share Prometheus figures through ``PROMETHEUS_MULTIPROC_DIR`` (an
        emptied folder of ours unless the operator set one), set before the application is imported."""
        env = dict(os.environ)
        if not env.get("PROMETHEUS_MULTIPROC_DIR"):
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ouvert-metrics-")
        for stale in Path(env["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
            stale.unlink()
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
                   "--threads", str(threads), "--worker-class", "gthread", "--timeout", "120",
                   "--graceful-timeout", "30", "--no-control-socket", "--config", "python:ouvert.core.gunicorn_conf"]
        if access_log:
            command += ["--access-logfile", "-",
                        "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(L)ss pid=%(p)s']
        self.stdout.write(f"gunicorn : {workers} processus de {threads} fils.")
        sys.stdout.flush()
        process = subprocess.Popen([*command, "ouvert.wsgi:application"], env=env)  # noqa: S603

        def _stop(signum, frame):
            process.send_signal(signal.SIGTERM)  # gunicorn finishes the requests under way

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            process.wait()
        finally:
            if worker is not None:
                worker.terminate()
