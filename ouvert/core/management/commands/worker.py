from __future__ import annotations

import os

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = ("Exécute les tâches de fond. Sans OUVERT_TASK_BROKER_URL : la file de la base de données "
            "(lancez-en autant que voulu, sur toutes machines qui partagent la base). Avec : un travailleur "
            "Celery sur RabbitMQ, qui n'acquitte une tâche qu'une fois finie (--concurrency, --pool).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2,
                            help="RabbitMQ : processus (ou fils) de tâches (défaut : un par cœur)")
        parser.add_argument("--wake-on-signal", action="store_true",
                            help="file de la base : se réveiller dès un signal SIGUSR1 (ouvert serve l'envoie à son "
                                 "travailleur intégré quand une tâche est mise en file)")
        parser.add_argument("--pool", choices=["prefork", "threads", "solo"], default="prefork",
                            help="RabbitMQ : processus enfants (prefork, défaut), fils ou un seul (solo)")

    def handle(self, *args, **options):
        if settings.TASK_BROKER_URL:
            from ouvert.core.task_celery import run_worker

            level = {0: "WARNING", 1: "INFO"}.get(options["verbosity"], "DEBUG")
            run_worker(concurrency=max(1, options["concurrency"]), pool=options["pool"], loglevel=level)
            return
        options.pop("concurrency", None)
        options.pop("pool", None)
        if options.pop("wake_on_signal", False):
            from ouvert.core import worker_wake

            worker_wake.install_in_worker()
        super().handle(*args, **options)
