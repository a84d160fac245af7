from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class OpenAccessConfig(AppConfig):
    name = "ouvert.openaccess"
    label = "openaccess"
    verbose_name = _("Libre accès à la recherche")
    nav_url_name = "openaccess:index"

    def ready(self) -> None:
        from . import access, follows
        from . import messages as _messages  # noqa: F401 — registers the message codes

        access.register()
        follows.register()

    def home_section(self, section):
        from django.urls import reverse

        from .selectors import publications_live

        section.url = reverse("openaccess:index")
        section.count = publications_live().count()
        section.count_label = ngettext("article déclaré", "articles déclarés", section.count)
        return section

    def demo_load(self, stdout=None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
