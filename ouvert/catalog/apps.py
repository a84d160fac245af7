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

        from ouvert.core.sections import HomeList

        from .selectors import home_lists, public_datasets

        section.url = reverse("catalog:search")
        section.count = public_datasets().count()
        section.count_label = npgettext("accueil", "jeu de données publié", "jeux de données publiés", section.count)
        section.search = True
        section.search_label = _("Chercher un jeu de données")
        more = {"recent": ("newest", _("Tous les jeux de données, du plus récent")),
                "popular": ("popular", _("Tous les jeux de données, du plus consulté"))}
        section.lists = [HomeList(key=key, title=title, items=items, more_url=f"{section.url}?sort={more[key][0]}",
                                  more_label=more[key][1]) for key, title, items in home_lists()]
        return section

    def organization_section(self, request, organization) -> str:
        """HTML shown on the organization's page (datasets, requests, calendar)."""
        from .views import organization_section

        return organization_section(request, organization)

    def account_links(self, request) -> list[tuple[str, str]]:
        """"Mes jeux de données et brouillons" for a member of an organization."""
        from django.urls import reverse

        from ouvert.core.access import member_organization_ids

        if not member_organization_ids(request.user):
            return []
        return [(str(_("Mes jeux de données et brouillons")), reverse("catalog:my_datasets"))]

    def account_activity(self, user):
        """The person's part of "Mon compte" and of their data export (``ouvert.core.account``)."""
        from .account import account_activity

        return account_activity(user)

    def datastore_table_changed(self, *, resource_id) -> None:
        """Hook called by the datastore after a table of a resource is loaded or changed."""
        from .dictionary import resource_dictionary_sync
        from .tasks import resource_quality_schedule

        resource_dictionary_sync(resource_id=resource_id)  # one dictionary: the catalogue's follows the table
        resource_quality_schedule(resource_id=resource_id)

    def demo_load(self, stdout=None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
