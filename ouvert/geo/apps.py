from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "ouvert.geo"
    label = "geo"
    verbose_name = _("Données géospatiales")

    def demo_load(self, stdout=None) -> bool:
        from .demo import geo_demo_load

        return geo_demo_load(stdout)
