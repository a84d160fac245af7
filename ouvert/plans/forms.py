from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization

from .models import Level

EVIDENCE_KINDS = [("", _("Aucun objet de la plateforme")), ("dataset", _("Jeu de données")),
                  ("consultation", _("Consultation"))]


class ProgressForm(forms.Form):
    level = forms.ChoiceField(label=_("Niveau d'avancement"), choices=Level.choices)
    text = forms.CharField(label=_("Où en est le jalon?"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    delayed = forms.BooleanField(label=_("Le jalon est en retard"), required=False)
    delay_reason = forms.CharField(label=_("Raison publique du retard ou de l'abandon"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                                   help_text=_("Obligatoire si le jalon est en retard ou abandonné."))
    evidence_kind = forms.ChoiceField(label=_("Preuve : type d'objet de la plateforme"), choices=EVIDENCE_KINDS,
                                      required=False)
    evidence_key = forms.CharField(label=_("Preuve : identifiant ou nom court de l'objet"), required=False,
                                   max_length=100,
                                   help_text=_("Par exemple le nom court d'un jeu de données publié "
                                               "(« debits-circulation ») ou le numéro d'une consultation."))
    evidence_file = forms.FileField(label=_("Ou un document (PDF, ODT, DOCX, CSV…)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("delay_reason", "evidence_key"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"


class RatingForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Au nom de"), queryset=Organization.objects.none())
    level = forms.ChoiceField(label=_("Niveau d'avancement constaté"), choices=Level.choices)
    text = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = organizations if organizations is not None else Organization.objects.none()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV (format de l'export)"))
    dry_run = forms.BooleanField(label=_("Essai seulement : vérifier sans rien enregistrer"), required=False,
                                 initial=True)


class ValueForm(forms.Form):
    date = forms.DateField(label=_("Date de la valeur"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.FloatField(label=_("Valeur"))
    source = forms.CharField(label=_("Source"), max_length=250,
                             help_text=_("D'où vient la valeur : document, rapport, enquête, avec sa date."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].widget.attrs["aria-describedby"] = "id_source_helptext"


class MethodologyForm(forms.Form):
    definition = forms.CharField(label=_("Définition et méthode de calcul"), widget=forms.Textarea(attrs={"rows": 5}),
                                 max_length=5000)
    measure = forms.ChoiceField(label=_("Mesure calculée sur la plateforme"), required=False)
    source = forms.CharField(label=_("Source de la définition"), required=False, max_length=250)

    def __init__(self, *args: Any, measures: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared above
        field.choices = [("", _("Aucune : valeurs saisies à la main")), *(measures or [])]
