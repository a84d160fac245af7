from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext


class CatalogConfig(AppConfig):
    name = "ouvert.catalog"
    label = "catalog"
    verbose_name = _("Catalogue de données")
    nav_url_name = "catalog:search"

    def ready(self) -> None:
        from . import access, notifications, quality  # noqa: F401 — quality registers its message codes

        access.register()
        notifications.register()

    def home_section(self, section):
        from django.urls import reverse

        from .selectors import public_datasets

        section.url = reverse("catalog:search")
        section.count = public_datasets().count()
        section.count_label = npgettext("accueil", "jeu de données publié", "jeux de données publiés", section.count)
        return section

    def organization_section(self, request, organization) -> str:
        """HTML shown on the organization's page (datasets, requests, calendar)."""
        from .views import organization_section

        return organization_section(request, organization)

    def datastore_table_changed(self, *, resource_id) -> None:
        """Hook called by the datastore after a table of a resource is loaded or changed."""
        from .tasks import resource_quality_schedule

        resource_quality_schedule(resource_id=resource_id)

    def demo_load(self, stdout=None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
