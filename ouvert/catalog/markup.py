"""Markdown to safe HTML for dataset descriptions and tutorials."""

from __future__ import annotations

import html

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=["fenced_code", "tables"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"scope"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")
    return mark_safe(clean)  # noqa: S308 — sanitized by nh3 just above


def plain_text(text: str) -> str:
    """A description as a list shows it: its Markdown rendered, then reduced to its words (no ``**`` nor
    tags), blocks joined by a space. The template escapes the result like any text."""
    return " ".join(html.unescape(nh3.clean(render_markdown(text), tags=set())).split())
