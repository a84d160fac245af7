from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django.http import HttpRequest

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
        section.count_label = ngettext("plan d'action publié", "plans d'action publiés", section.count)
        return section

    def linked_section(self, request: HttpRequest, kind: str, key: object) -> str:
        """The commitments that cite ``kind:key`` as evidence or came from it, on that object's page."""
        from django.template.loader import render_to_string

        from ouvert.core.typing import signed_in_user

        from .selectors import commitments_linked_to

        links = commitments_linked_to(kind=kind, key=key, user=signed_in_user(request))
        if not links:
            return ""
        return render_to_string("plans/includes/linked.html", {"links": links}, request=request)

    def demo_load(self, stdout: TextIO | None = None) -> bool:
        from .demo import demo_load

        return demo_load(stdout=stdout)
