import logging
import uuid

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "ouvert.geo"
    label = "geo"
    verbose_name = _("Données géospatiales")

    def catalog_map_layers(self, *, resource_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Hook of the catalogue's read model: which of these resources have a map layer."""
        from .models import GeoLayer

        return set(GeoLayer.objects.filter(resource_id__in=resource_ids).values_list("resource_id", flat=True))

    def datastore_table_changed(self, *, resource_id: uuid.UUID) -> None:
        """Hook of the datastore: a table loaded from a CSV with coordinates gets its map layer. Runs
        right after the datastore's swap commits: a failure here is logged, never the datastore's."""
        from .tasks import layer_after_table_change

        try:
            layer_after_table_change(resource_id=resource_id)
        except Exception:
            logging.getLogger(__name__).exception("geo: map layer not queued for resource %s", resource_id)

    def demo_load(self, stdout=None) -> bool:
        from .demo import geo_demo_load

        return geo_demo_load(stdout)
