"""Forms for publishers and citizens. Services do the checks that matter; forms shape input."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization
from ouvert.core.widgets import OrganizationSelect

from .dictionary import DAY_MONTH_CHOICES, DECIMAL_CHOICES, EDITABLE, TYPE_CHOICES, Column
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
        widgets = {"organization": OrganizationSelect, "temporal_start": DateInput(), "temporal_end": DateInput(),
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
        help_text=_("Une colonne par ligne : nom | type | description | unité. Types acceptés : texte, entier, "
                    "nombre, booléen, date, date et heure, identifiant. Pour un fichier tabulaire déposé, "
                    "les colonnes détectées se décrivent ensuite dans le tableau du dictionnaire."))
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
            row = dict(zip(["name", "type", "description", "unit"], parts[:4], strict=True))
            if row["type"]:
                accepted = accepted_types()
                kind = accepted.get(row["type"].lower())
                if kind is None:
                    raise forms.ValidationError(
                        _("Ligne %(n)s : type « %(t)s » inconnu. Types acceptés : %(types)s.")
                        % {"n": number, "t": row["type"], "types": ", ".join(sorted(set(accepted.values())))})
                row["type"] = kind
            rows.append(row)
        return rows

    def clean(self):
        data = super().clean() or {}
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError(_("Déposez un fichier ou donnez un lien."))
        if data.get("file") and data.get("url"):
            raise forms.ValidationError(_("Déposez un fichier ou donnez un lien, pas les deux."))
        return data


def accepted_types() -> dict[str, str]:
    """A type as a publisher may type it (the datastore's name or its label in either language) →
    the datastore's name; ``identifiant`` marks the identifier column of reference data."""
    from django.utils import translation

    out = {key: key for key, _label in TYPE_CHOICES}
    for language in ("fr", "en"):
        with translation.override(language):
            out.update({str(label).lower(): key for key, label in TYPE_CHOICES})
    out.update({"nombre": "numeric", "number": "numeric", "décimal": "numeric", "decimal": "numeric",
                "booléen": "bool", "boolean": "bool", "identifiant": "identifiant", "identifier": "identifiant"})
    return out


def dictionary_text(rows: list[dict]) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in ["name", "type", "description", "unit"]) for r in rows)


class ResourceEditForm(ResourceForm):
    def clean(self):
        return forms.Form.clean(self)


class DictionaryForm(forms.Form):
    """The editable data dictionary of a loaded resource: one row per detected column (label, type
    from the accepted list, description, unit, how dates and decimals are read)."""

    def __init__(self, *args: Any, columns: list[Column], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "dico")
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, column in enumerate(columns):
            name = column.id
            self.fields[f"{index}-label"] = forms.CharField(
                label=_("Libellé de la colonne %(c)s") % {"c": name}, required=False, max_length=200,
                initial=column.label)
            if column.type_editable:
                self.fields[f"{index}-type"] = forms.ChoiceField(
                    label=_("Type de la colonne %(c)s") % {"c": name}, choices=TYPE_CHOICES, initial=column.type)
            self.fields[f"{index}-description"] = forms.CharField(
                label=_("Description de la colonne %(c)s") % {"c": name}, required=False, max_length=2000,
                initial=column.description, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{index}-unit"] = forms.CharField(
                label=_("Unité de la colonne %(c)s") % {"c": name}, required=False, max_length=50,
                initial=column.unit)
            if column.type_editable:
                self.fields[f"{index}-day_month_order"] = forms.ChoiceField(
                    label=_("Ordre jour/mois de la colonne %(c)s") % {"c": name}, choices=DAY_MONTH_CHOICES,
                    required=False, initial=column.day_month_order)
                self.fields[f"{index}-decimal_mark"] = forms.ChoiceField(
                    label=_("Séparateur décimal de la colonne %(c)s") % {"c": name}, choices=DECIMAL_CHOICES,
                    required=False, initial=column.decimal_mark)

    def rows(self) -> list[tuple[Column, dict[str, forms.BoundField]]]:
        """Each column with its bound fields by key, for the template's table."""
        out = []
        for index, column in enumerate(self.columns):
            out.append((column, {key: self[f"{index}-{key}"] for key in EDITABLE
                                 if f"{index}-{key}" in self.fields}))
        return out

    def changes(self, sheet: int) -> dict[str, dict[str, str]]:
        """Column id → the values that differ from the table's, for the columns of ``sheet``."""
        out: dict[str, dict[str, str]] = {}
        for index, column in enumerate(self.columns):
            if column.sheet != sheet:
                continue
            changed = {}
            for key in EDITABLE:
                field = f"{index}-{key}"
                if field not in self.fields:
                    continue
                value = str(self.cleaned_data.get(field) or "").strip()
                if value != column.value(key) and (value or key not in ("day_month_order", "decimal_mark")):
                    changed[key] = value
            if changed:
                out[column.id] = changed
        return out

    def field_of(self, column_id: str, sheet: int) -> str | None:
        """The form field that takes a datastore error about ``column_id`` (its type, else its label)."""
        for index, column in enumerate(self.columns):
            if column.id == column_id and column.sheet == sheet:
                return f"{index}-type" if f"{index}-type" in self.fields else f"{index}-label"
        return None


class RequestForm(forms.ModelForm):
    class Meta:
        model = DatasetRequest
        fields = ["title", "organization", "theme", "description"]
        widgets = {"organization": OrganizationSelect, "description": forms.Textarea(attrs={"rows": 5})}


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
    image = forms.FileField(label=_("Illustration"), required=False,
                            help_text=_("Facultative : une image PNG, JPEG, GIF ou WebP (une capture d'écran, "
                                        "un aperçu)."))

    def clean_datasets(self) -> list[Dataset]:
        names = [n.strip() for n in self.cleaned_data["datasets"].split(",") if n.strip()]
        found = list(Dataset.objects.filter(name__in=names, state="active", private=False))
        missing = sorted(set(names) - {d.name for d in found})
        if missing:
            raise forms.ValidationError(_("Jeux de données introuvables : %(names)s.") % {"names": ", ".join(missing)})
        return found
