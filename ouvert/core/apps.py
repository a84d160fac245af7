from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ouvert.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self) -> None:
        from . import access, checks  # noqa: F401 — checks registers Ouvert's checks

        # Organization logos are as public as organizations are.
        access.register_files("logos/", lambda name: access.PUBLIC)
