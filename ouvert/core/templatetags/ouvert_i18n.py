"""Template built-ins (``TEMPLATES`` ``builtins``: every template has them without ``{% load %}``).

``date``
    Replaces Django's filter: the same formats, plus the French "1er" for the first day of a month
    (:mod:`ouvert.core.dates`). Templates write ``{{ d|date:"j F Y" }}`` as usual.
``{% content_lang %}`` / ``{% content_lang english_value %}``
    Content that people wrote in French (titles, summaries, descriptions) stays French on English
    pages; screen readers must read it as French. The tag writes `` lang="fr"`` on pages in another
    language, unless the English value given is not empty (then that value is what is shown):
    ``<h3{% content_lang %}>{{ consultation.title }}</h3>``,
    ``<li{% content_lang organization.name_en %}>{{ organization.name }}</li>``.
``french``
    French content inside a translated sentence (``{% blocktranslate with t=commitment.title|french %}
    Commitment {{ n }}: {{ t }}``): ``<span lang="fr">…</span>`` on pages in another language, the
    value as it is on French pages. ``title|french:title_en`` shows the English value instead when there
    is one. Element content only, never an attribute.
``{% organization_name organization %}``
    An organization's name in the page's language; on English pages, a body without an English name of
    its own (or whose English name is its French one, "Université Laval") is wrapped in
    ``<span lang="fr">`` (not for ``<option>`` text, which takes no markup: use ``content_lang`` there).
``percent`` / ``percent:1``
    A share as each language writes it, localized and rounded to the decimals given: "12,5 %" in
    French, "12.5%" in English (``{{ rate|percent:1 }}``); "—" when there is none.
``money``
    An amount in dollars as each language writes it: "20 000,00 $" in French, "$20,000.00" in English
    (``{{ call.amount|money }}``); "—" when there is none.
``{% colon %}``
    The colon between a label and its value, spaced as each language does: " :" in French, ":" in
    English (``<strong>{{ label }}</strong>{% colon %} {{ value }}``).
``plural_count``
    A measured number (rate, average, seconds) as the integer ``{% blocktranslate count %}`` needs:
    ``{% blocktranslate count n=job.rate_rows|plural_count %}``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ouvert.core.dates import french_format, is_french
from ouvert.core.dates import plural_count as _plural_count

register = template.Library()

_NO_VALUE = object()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if is_french() and getattr(value, "day", None) == 1:
        arg = french_format(str(formats.get_format(arg or "DATE_FORMAT")), value)
    return django_date(value, arg)


@register.simple_tag
def content_lang(english: Any = _NO_VALUE) -> SafeString:
    if is_french() or (english is not _NO_VALUE and english not in (None, "")):
        return mark_safe("")  # noqa: S308 — a constant
    return mark_safe(' lang="fr"')  # noqa: S308 — a constant


@register.filter(is_safe=True)
def french(value: Any, english: Any = None) -> SafeString:
    if is_french() or value in (None, ""):
        return conditional_escape("" if value is None else value)
    if english not in (None, ""):
        return conditional_escape(english)
    return format_html('<span lang="fr">{}</span>', value)


@register.simple_tag
def organization_name(organization: Any) -> SafeString:
    if organization is None:
        return mark_safe("")  # noqa: S308 — a constant
    name = str(organization.name)
    if is_french() or getattr(organization, "english_name", None):
        return conditional_escape(name)
    return format_html('<span lang="fr">{}</span>', name)


@register.filter
def plural_count(value: Any) -> int:
    return _plural_count(value)


@register.filter(is_safe=False)
def percent(value: Any, decimals: int | None = None) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    shown = formats.number_format(round(number, decimals) if decimals is not None else value, decimal_pos=decimals)
    return f"{shown} %" if is_french() else f"{shown}%"


@register.filter(is_safe=False)
def money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    shown = formats.number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{shown}\u00a0$" if is_french() else f"${shown}"


@register.simple_tag
def colon() -> str:
    return " :" if is_french() else ":"
