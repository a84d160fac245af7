from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class ProcurementConfig(AppConfig):
    name = "ouvert.procurement"
    label = "procurement"
    verbose_name = _("Micro-acquisitions")
    nav_url_name = "procurement:index"

    def ready(self) -> None:
        from . import access, follows

        access.register()
        follows.register()

    def home_section(self, section):
        from django.urls import reverse

        from .selectors import call_count_open

        section.url = reverse("procurement:index")
        section.count = call_count_open()
        section.count_label = ngettext("appel ouvert", "appels ouverts", section.count)
        return section

    def demo_load(self, stdout=None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
