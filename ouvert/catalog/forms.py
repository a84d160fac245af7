"""Forms for publishers and citizens. Services do the checks that matter; forms shape input."""

from __future__ import annotations

import json
from typing import cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization

from .models import Dataset, DatasetRequest, DeclineReason, Licence, RequestStatus, Reuse, Theme


class DateInput(forms.DateInput):
    input_type = "date"


class DatasetForm(forms.ModelForm):
    keywords_text = forms.CharField(
        label=_("Mots-clés"), required=False, max_length=1000,
        help_text=_("Séparés par des virgules, au moins trois (ex. : écoles, élèves, effectifs)."))
    source_url = forms.URLField(label=_("Adresse de la source"), required=False, max_length=500,
                                assume_scheme="https")
    themes = forms.ModelMultipleChoiceField(label=_("Thèmes"), queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    keywords_en = forms.CharField(
        label=_("Mots-clés en anglais (facultatif)"), required=False, max_length=1000,
        help_text=_("Séparés par des virgules (ex. : schools, students)."))

    class Meta:
        model = Dataset
        fields = ["organization", "title", "name", "notes", "licence", "contact_name", "contact_email",
                  "update_frequency", "spatial", "temporal_start", "temporal_end", "source_url", "language",
                  "version_notes", "private", "title_en", "notes_en"]
        widgets = {"temporal_start": DateInput(), "temporal_end": DateInput(),
                   "notes": forms.Textarea(attrs={"rows": 8}), "version_notes": forms.Textarea(attrs={"rows": 3}),
                   "title_en": forms.TextInput(attrs={"lang": "en"}),
                   "notes_en": forms.Textarea(attrs={"rows": 4, "lang": "en"})}
        help_texts = {
            "name": _("Sert dans l'adresse de la page; laissé vide, il est tiré du titre."),
            "notes": _("En Markdown : ce que contiennent les données, qui les produit, comment elles sont "
                       "recueillies et leurs limites (au moins 100 caractères)."),
            "private": _("Visible seulement par les membres de l'organisation."),
            "spatial": _("Ex. : Québec (province), Ville de Laval, région de la Capitale-Nationale."),
            "title_en": _("Facultatif : les recherches en anglais le trouvent, et les pages en anglais l'affichent."),
            "notes_en": _("Facultatif : la description en anglais, en Markdown."),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if organizations is None:
            organizations = Organization.objects.all()
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        licence = cast(forms.ModelChoiceField, self.fields["licence"])
        licence.queryset = Licence.objects.all()
        licence.empty_label = None
        if not self.instance._state.adding:
            self.fields["organization"].disabled = True
            self.initial.setdefault("keywords_text", ", ".join(k.name for k in self.instance.keywords.all()))
            self.initial.setdefault("keywords_en", ", ".join(self.instance.keywords_en or []))
        else:
            default = Licence.objects.filter(is_default=True).first()
            if default:
                self.initial.setdefault("licence", default.pk)

    def clean_keywords_en(self) -> list[str]:
        return [k.strip() for k in self.cleaned_data.get("keywords_en", "").split(",") if k.strip()]

    def keyword_list(self) -> list[str]:
        return [k for k in self.cleaned_data.get("keywords_text", "").split(",") if k.strip()]


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=250, required=False,
                           help_text=_("Laissé vide, le nom du fichier ou du lien est utilisé."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Fichier à déposer"), required=False)
    url = forms.URLField(label=_("Ou lien vers le fichier"), required=False, max_length=1000,
                         assume_scheme="https")
    format = forms.CharField(label=_("Format"), max_length=30, required=False,
                             help_text=_("Détecté d'après l'extension; précisez-le pour le corriger."))
    encoding = forms.CharField(label=_("Encodage"), max_length=40, required=False,
                               help_text=_("Détecté pour les fichiers déposés (ex. : utf-8)."))
    data_dictionary = forms.CharField(
        label=_("Dictionnaire de données"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une colonne par ligne : nom | type | description | unité."))
    is_documentation = forms.BooleanField(
        label=_("Documentation (pas des données)"), required=False,
        help_text=_("Cochez pour une page ou un document qui décrit les données : les règles de qualité des "
                    "fichiers ne s'y appliquent pas."))
    name_en = forms.CharField(label=_("Nom en anglais (facultatif)"), max_length=250, required=False)
    description_en = forms.CharField(label=_("Description en anglais (facultatif)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Taille maximale : %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_data_dictionary(self) -> list[dict]:
        text = self.cleaned_data.get("data_dictionary", "").strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as error:
                raise forms.ValidationError(_("Le JSON du dictionnaire est invalide.")) from error
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                raise forms.ValidationError(_("Ligne %(n)s : le nom de la colonne manque.") % {"n": number})
            parts += [""] * (4 - len(parts))
            rows.append(dict(zip(["name", "type", "description", "unit"], parts[:4], strict=True)))
        return rows

    def clean(self):
        data = super().clean() or {}
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError(_("Déposez un fichier ou donnez un lien."))
        if data.get("file") and data.get("url"):
            raise forms.ValidationError(_("Déposez un fichier ou donnez un lien, pas les deux."))
        return data


def dictionary_text(rows: list[dict]) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in ["name", "type", "description", "unit"]) for r in rows)


class ResourceEditForm(ResourceForm):
    def clean(self):
        return forms.Form.clean(self)


class RequestForm(forms.ModelForm):
    class Meta:
        model = DatasetRequest
        fields = ["title", "organization", "theme", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=[c for c in RequestStatus.choices if c[0] != "open"])
    answer = forms.CharField(label=_("Réponse publique"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_date = forms.DateField(label=_("Date prévue (si planifiée)"), required=False, widget=DateInput())
    decline_reason = forms.ChoiceField(label=_("Motif du refus (si refusée)"), required=False,
                                       choices=[("", "—"), *DeclineReason.choices])
    dataset = forms.CharField(label=_("Identifiant du jeu publié (si publiée)"), required=False, max_length=100)


class ReuseForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=250)
    kind = forms.ChoiceField(label=_("Type"), choices=Reuse.Kind.choices)
    url = forms.URLField(label=_("Adresse (URL)"), max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    datasets = forms.CharField(label=_("Jeux de données utilisés"), max_length=2000,
                               help_text=_("Identifiants des jeux, séparés par des virgules "
                                           "(ex. : bornes-dincendie, murales)."))

    def clean_datasets(self) -> list[Dataset]:
        names = [n.strip() for n in self.cleaned_data["datasets"].split(",") if n.strip()]
        found = list(Dataset.objects.filter(name__in=names, state="active", private=False))
        missing = sorted(set(names) - {d.name for d in found})
        if missing:
            raise forms.ValidationError(_("Jeux de données introuvables : %(names)s.") % {"names": ", ".join(missing)})
        return found
