from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class ConsultationsConfig(AppConfig):
    name = "ouvert.consultations"
    label = "consultations"
    verbose_name = _("Consultations publiques")
    nav_url_name = "consultations:index"

    def ready(self) -> None:
        from . import access, follows

        access.register()
        follows.register()

    def home_section(self, section):
        from django.urls import reverse

        from .selectors import consultation_count_open

        section.url = reverse("consultations:index")
        section.count = consultation_count_open()
        section.count_label = ngettext("consultation ouverte", "consultations ouvertes", section.count)
        return section

    def account_activity(self, user):
        """The person's part of "Mon compte" and of their data export (``ouvert.core.account``)."""
        from .account import account_activity

        return account_activity(user)

    def demo_load(self, stdout=None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
