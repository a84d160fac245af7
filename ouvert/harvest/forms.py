from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HarvestSource

MAP_FIELDS = ("organization_map", "licence_map", "format_map")


class HarvestSourceForm(forms.ModelForm):
    """Plain (non-model-bound) validation: the service does the writing."""

    class Meta:
        model = HarvestSource
        fields = ["name", "slug", "kind", "url", "upload", "default_organization", "create_organizations",
                  "organization_map", "licence_map", "format_map", "schedule", "enabled"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in MAP_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Laissez vide pour le déduire du nom.")
        for name in MAP_FIELDS:
            self.fields[name] = forms.CharField(label=self.fields[name].label, required=False,
                                                help_text=self.fields[name].help_text,
                                                widget=forms.Textarea(attrs={"rows": 3}))
            if self.instance.pk:
                self.initial[name] = json.dumps(getattr(self.instance, name), ensure_ascii=False)

    def _clean_map(self, name: str) -> dict:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("JSON invalide : écrivez par exemple {\"distant\": \"local\"}.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Un objet JSON est attendu : {\"distant\": \"local\"}."))
        return value

    def clean_organization_map(self):
        return self._clean_map("organization_map")

    def clean_licence_map(self):
        return self._clean_map("licence_map")

    def clean_format_map(self):
        return self._clean_map("format_map")
