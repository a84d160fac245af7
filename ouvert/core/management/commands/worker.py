from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = ("Exécute les tâches de fond de la file (base de données). Lancez-en autant que voulu, sur "
            "n'importe quelles machines qui partagent la base.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
