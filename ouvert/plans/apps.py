from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ouvert.core.sections import Section


class PlansConfig(AppConfig):
    name = "ouvert.plans"
    label = "plans"
    verbose_name = _("Plans d'action et baromètre")
    nav_url_name = "plans:index"

    def ready(self) -> None:
        from . import access, follows, measures

        access.register()
        follows.register()
        measures.register_builtin()

    def home_section(self, section: Section) -> Section:
        from django.urls import reverse

        from .selectors import plan_count_public

        section.url = reverse("plans:index")
        section.count = plan_count_public()
        section.count_label = _("plans d'action publiés")
        return section

    def demo_load(self, stdout: TextIO | None = None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
