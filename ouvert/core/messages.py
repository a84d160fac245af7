"""Stored messages: a code plus parameters, translated when shown.

A report written by a background task (ingestion, quality check, map reading) is read later, by
anyone, in French or English. So it never stores sentences: it stores a :class:`Message` (``code``
and JSON ``params``), and the sentence is produced by :func:`render` in the language active when
the page or API response is built. Each app registers the templates of its codes with
:func:`register` (one ``gettext_lazy`` text for what happened, and optionally one for how to fix it),
so the French text and its English translation live in that app's ``locale`` like any other string.

Parameters are filled with ``str.format``. A text with a count is ``ngettext_lazy(one, many, "count")``
(the name of its number parameter): the form follows the stored number, or the length of the list
parameter named by the template's ``count_of`` (so that "column at position 3" / "columns at
positions 2, 5" needs no stored count, and reports stored before the plural existed render too). A
parameter may itself be
a message (a dict with a ``code``, rendered in turn) or a list (each item rendered, joined by the
template's separator), so "Missing: contact e-mail, theme." is stored as codes all the way down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

Text = str | Promise

# Code of a message kept from before codes existed: its text in each language, in ``params``.
LEGACY = "legacy_text"


@dataclass(frozen=True)
class Template:
    what: Text
    fix: Text = ""
    sep: Text = ", "  # joins the items of a list parameter
    count_of: str = ""  # a list parameter whose length is the plural's ``count`` when none is stored


@dataclass(frozen=True)
class Message:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": _jsonable(dict(self.params))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(code=str(data.get("code", "")), params=dict(data.get("params") or {}))

    def __str__(self) -> str:
        return render(self)


REGISTRY: dict[str, Template] = {}
DEFAULT_SEP = _(", ")


def register(templates: Mapping[str, Template | Text | tuple[Text, Text]]) -> None:
    """Add codes and their templates (a text, a (what, fix) pair, or a :class:`Template`). A code
    is registered once: two apps giving the same code two meanings is a programming error."""
    for code, value in templates.items():
        if isinstance(value, Template):
            template = value
        elif isinstance(value, tuple):
            template = Template(what=value[0], fix=value[1])
        else:
            template = Template(what=value)
        if code in REGISTRY and REGISTRY[code] != template:
            raise ValueError(f"message code {code!r} is already registered with another text")
        REGISTRY[code] = template


def message(code: str, **params: Any) -> dict[str, Any]:
    """The stored form (``{"code", "params"}``) of a message; raises on a code nobody registered."""
    if code not in REGISTRY:
        raise KeyError(f"unregistered message code {code!r}")
    return Message(code, params).as_dict()


def is_message(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("code"), str) and set(value) <= {"code", "params"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _value(value: Any, sep: Text) -> str:
    if isinstance(value, Message) or is_message(value):
        return render(value)
    if isinstance(value, (list, tuple)):
        return str(sep).join(_value(v, DEFAULT_SEP) for v in value)
    return str(value)


def _data(value: Message | Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    if isinstance(value, Message):
        return value.code, value.params
    return str(value.get("code", "")), value.get("params") or {}


def _legacy(params: Mapping[str, Any], key: str = "") -> str:
    texts = params.get(key) if key else params
    if not isinstance(texts, Mapping):
        return ""
    lang = "en" if (get_language() or "fr").startswith("en") else "fr"
    return str(texts.get(lang) or texts.get("fr") or "")


def _counted(template: Template, params: Mapping[str, Any]) -> Mapping[str, Any]:
    items = params.get(template.count_of) if template.count_of else None
    if "count" in params or not isinstance(items, (list, tuple)):
        return params
    return {**params, "count": len(items)}


def _fill(text: Text, params: Mapping[str, Any], sep: Text) -> str:
    # Numbers stay numbers, so that a plural template (``ngettext_lazy(one, many, "count")``) picks
    # its form from ``params["count"]``: "1 ligne n'a pas…", "3 lignes n'ont pas…".
    values = {k: v if isinstance(v, (int, float)) and not isinstance(v, bool) else _value(v, sep)
              for k, v in params.items()}
    try:
        # A lazy text formats itself (a plural one first picks its form); cast: the stubs' Promise has no format.
        return str(cast("str", text).format(**values))
    except (KeyError, IndexError, ValueError, TypeError):
        return str(text)


def render(value: Message | Mapping[str, Any] | None) -> str:
    """What happened, in the active language ("" for nothing; the code itself if it is unknown)."""
    if not value:
        return ""
    code, params = _data(value)
    if code == LEGACY:
        return _legacy(params, "what")
    template = REGISTRY.get(code)
    if template is None:
        return code
    return _fill(template.what, _counted(template, params), template.sep)


def render_fix(value: Message | Mapping[str, Any] | None) -> str:
    """How to fix it, in the active language ("" when the code has no advice)."""
    if not value:
        return ""
    code, params = _data(value)
    if code == LEGACY:
        return _legacy(params, "fix")
    template = REGISTRY.get(code)
    if template is None or not template.fix:
        return ""
    return _fill(template.fix, _counted(template, params), template.sep)


def legacy(what: Mapping[str, str] | None, fix: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A message stored before codes existed (``{"fr": …, "en": …}`` texts), kept as it was written;
    used by the data migrations that convert old reports."""
    params: dict[str, Any] = {"what": dict(what or {})}
    if fix and any(fix.values()):
        params["fix"] = dict(fix)
    return {"code": LEGACY, "params": params}
