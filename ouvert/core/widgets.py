"""Drop-downs of organizations that say which names are French.

An organization without an English name is listed under its French name on English pages; its
option then carries ``lang="fr"`` so that a screen reader pronounces it as French. Every form
choosing an organization uses :class:`OrganizationChoiceField` (or the multiple one); a form whose
choices are slugs rather than organizations passes the French ones in ``french_values``."""

from __future__ import annotations

from typing import Any

from django import forms

from .dates import is_french
from .models import Organization


def _french_only(value: Any, french_values: frozenset[str]) -> bool:
    instance = getattr(value, "instance", None)  # a ModelChoiceIteratorValue
    if isinstance(instance, Organization):
        return not instance.name_en
    return value not in (None, "") and str(value) in french_values


class _MarksFrenchNames:
    french_values: frozenset[str] = frozenset()

    def create_option(self, name: str, value: Any, label: Any, selected: bool, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index,  # type: ignore[misc]
                                       subindex=subindex, attrs=attrs)
        if not is_french() and _french_only(value, self.french_values):
            option["attrs"] = {**option["attrs"], "lang": "fr"}
        return option


class OrganizationSelect(_MarksFrenchNames, forms.Select):
    pass


class OrganizationSelectMultiple(_MarksFrenchNames, forms.SelectMultiple):
    pass


class OrganizationCheckboxes(_MarksFrenchNames, forms.CheckboxSelectMultiple):
    pass


def french_slugs(organizations: Any) -> frozenset[str]:
    """The slugs of the organizations among ``organizations`` that have no English name."""
    return frozenset(o.slug for o in organizations if not o.name_en)


class OrganizationChoiceField(forms.ModelChoiceField):
    """An organization, listed by its name in the reader's language (French when it has no English one)."""

    widget = OrganizationSelect

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OrganizationMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = OrganizationSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)
