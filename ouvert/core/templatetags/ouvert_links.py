"""``{% linked_sections kind key %}``: what other apps link to an object (the ``linked_section``
AppConfig hook of :mod:`ouvert.core.hooks`), so that an app shows what refers to its objects
without importing the apps that do."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from ouvert.core.hooks import app_hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def linked_sections(context: dict[str, Any], kind: str, key: object) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")  # noqa: S308 — empty
    parts = [hook(request, kind, key) for hook in app_hooks("linked_section").values()]
    # each part is a rendered template (already escaped), as organization_section's
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))  # noqa: S308
