from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ouvert.catalog.read_model import HarvestOrigin


class HarvestConfig(AppConfig):
    name = "ouvert.harvest"
    label = "harvest"
    verbose_name = _("Moissonnage")

    def catalog_harvest_origins(self, *, dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, HarvestOrigin]:
        """Hook of the catalogue's read model: where these datasets were harvested from."""
        from ouvert.catalog.read_model import HarvestOrigin

        from .models import HarvestedObject

        found: dict[uuid.UUID, HarvestOrigin] = {}
        rows = (HarvestedObject.objects.filter(local_id__in=[str(pk) for pk in dataset_ids])
                .select_related("source").order_by("pk"))
        for row in rows:
            try:
                key = uuid.UUID(row.local_id)
            except ValueError:
                continue
            found.setdefault(key, HarvestOrigin(source_name=row.source.name, source_url=row.source.url,
                                                remote_id=row.remote_id, remote_url=row.remote_url))
        return found
