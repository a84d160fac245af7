from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ouvert.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers Ouvert's checks
