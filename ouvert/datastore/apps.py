import uuid

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reader_role_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Set up the read-only role for user SQL after each ``migrate`` (idempotent; PostgreSQL only)."""
    if using == DEFAULT_DB_ALIAS and connections[using].vendor == "postgresql":
        from .reader_role import reader_role_ensure

        reader_role_ensure()


class DatastoreConfig(AppConfig):
    name = "ouvert.datastore"
    label = "datastore"
    verbose_name = _("Magasin de données")

    def ready(self) -> None:
        from ouvert.core.metrics import register_collector

        from . import checks, quality, report  # noqa: F401 — registers checks and message codes
        from .metrics import ingestion_metrics

        register_collector(ingestion_metrics)

        post_migrate.connect(_reader_role_after_migrate, sender=self,
                             dispatch_uid="ouvert.datastore.reader_role")

    def catalog_datastore_active(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Hook of the catalogue's read model: which of these resources have a datastore table."""
        from .models import DatastoreTable

        return set(DatastoreTable.objects.filter(resource_id__in=resource_ids).values_list("resource_id", flat=True))
