from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvert.core.dates import date_display
from ouvert.core.models import Organization
from ouvert.core.widgets import OrganizationChoiceField, OrganizationMultipleChoiceField, OrganizationSelectMultiple

from .models import Challenge, Indicator, Level, OgpValue, PlanStatus, Sector

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
    organization = OrganizationChoiceField(label=_("Au nom de"), queryset=Organization.objects.none())
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


# Forms for those who run a plan (the coordinating body's editors, site administrators) -----------

def _date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


_OrgChoice = OrganizationChoiceField
_OrgsChoice = OrganizationMultipleChoiceField


def _organizations() -> Any:
    return Organization.objects.order_by("name_fr")


class PlanForm(forms.Form):
    organization = _OrgChoice(label=_("Organisation qui coordonne le plan"), queryset=Organization.objects.none())
    slug = forms.SlugField(label=_("Identifiant dans l'adresse"), max_length=80,
                           help_text=_("Lettres minuscules, chiffres et traits d'union, par exemple « 2024-2026 »."))
    title = forms.CharField(label=_("Titre"), max_length=250)
    summary = forms.CharField(label=_("Résumé"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=5000)
    period_start = _date_field(_("Début de la période"))
    period_end = _date_field(_("Fin de la période"))
    status = forms.ChoiceField(label=_("Statut"), choices=PlanStatus.choices)
    ogp_values = forms.MultipleChoiceField(label=_("Valeurs du PGO servies"), choices=OgpValue.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organizations: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the coordinating body and the address stay
            del self.fields["organization"]
            del self.fields["slug"]
        else:
            field = self.fields["organization"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
            field.queryset = organizations if organizations is not None else Organization.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de la période précède son début : choisissez une date "
                                           "postérieure au %(d)s.") % {"d": date_display(start)})
        return data


class ChallengeForm(forms.Form):
    number = forms.IntegerField(label=_("Numéro"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Titre"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=5000)


class CommitmentForm(forms.Form):
    external_id = forms.SlugField(label=_("Identifiant externe"), max_length=60,
                                  help_text=_("Identifiant stable utilisé par l'export et l'import CSV, par "
                                              "exemple « engagement-3 »."))
    number = forms.CharField(label=_("Numéro"), max_length=10)
    title = forms.CharField(label=_("Titre"), max_length=300)
    challenge = forms.ModelChoiceField(label=_("Défi"), queryset=Challenge.objects.none(), required=False,
                                       empty_label=_("Aucun défi"))
    lead_body = _OrgChoice(label=_("Organisme responsable"), queryset=Organization.objects.none())
    supporting_bodies = _OrgsChoice(label=_("Organismes partenaires"), queryset=Organization.objects.none(),
                                    required=False, widget=OrganizationSelectMultiple(attrs={"size": 6}))
    problem = forms.CharField(label=_("Problème à résoudre"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=5000)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=5000)
    why = forms.CharField(label=_("En quoi il sert le gouvernement ouvert"), required=False,
                          widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    start = _date_field(_("Début"), required=False)
    end = _date_field(_("Fin"), required=False)

    def __init__(self, *args: Any, plan: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_body", "supporting_bodies"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
            field.queryset = _organizations()
        field = self.fields["challenge"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = Challenge.objects.filter(plan=plan) if plan is not None else Challenge.objects.none()
        if editing:
            self.fields["external_id"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin précède le début : choisissez une date postérieure au %(d)s.")
                           % {"d": date_display(start)})
        return data


class MilestoneForm(forms.Form):
    external_id = forms.SlugField(label=_("Identifiant externe"), max_length=60,
                                  help_text=_("Identifiant stable utilisé par l'export et l'import CSV, par "
                                              "exemple « jalon-3-1 »."))
    number = forms.CharField(label=_("Numéro"), max_length=10)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    responsible_body = _OrgChoice(label=_("Organisme responsable"), queryset=Organization.objects.none())
    collaborators = _OrgsChoice(label=_("Collaborateurs"), queryset=Organization.objects.none(), required=False,
                                widget=OrganizationSelectMultiple(attrs={"size": 6}))
    start = _date_field(_("Début"), required=False)
    deadline = _date_field(_("Échéance"))
    deliverable = forms.CharField(label=_("Livrable attendu"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=5000)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("responsible_body", "collaborators"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
            field.queryset = _organizations()
        if editing:
            self.fields["external_id"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("start"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("L'échéance précède le début : choisissez une date postérieure au %(d)s.")
                           % {"d": date_display(start)})
        return data


class IndicatorForm(forms.Form):
    organization = _OrgChoice(label=_("Organisme responsable"), queryset=Organization.objects.none())
    key = forms.SlugField(label=_("Identifiant"), max_length=80,
                          help_text=_("Lettres minuscules, chiffres et traits d'union, par exemple "
                                      "« consultations-numeriques »."))
    title = forms.CharField(label=_("Titre"), max_length=250)
    unit = forms.CharField(label=_("Unité"), max_length=30, help_text=_("Par exemple « % » ou « consultations »."))
    baseline = forms.FloatField(label=_("Valeur de départ"), required=False)
    baseline_date = _date_field(_("Date de la valeur de départ"), required=False)
    target = forms.FloatField(label=_("Cible"))
    target_date = _date_field(_("Date cible"))
    definition = forms.CharField(label=_("Définition et méthode de calcul"), widget=forms.Textarea(attrs={"rows": 5}),
                                 max_length=5000)
    measure = forms.ChoiceField(label=_("Mesure calculée sur la plateforme"), required=False)
    source = forms.CharField(label=_("Source de la définition"), required=False, max_length=250)

    def __init__(self, *args: Any, organizations: Any = None, measures: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = organizations if organizations is not None else Organization.objects.none()
        choice = self.fields["measure"]
        assert isinstance(choice, forms.ChoiceField)  # noqa: S101 — declared above
        choice.choices = [("", _("Aucune : valeurs saisies à la main")), *(measures or [])]

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"])
        if Indicator.objects.filter(key=key).exists():
            raise forms.ValidationError(_("Un indicateur porte déjà l'identifiant « %(k)s » : choisissez-en un "
                                          "autre.") % {"k": key})
        return key


class MemberForm(forms.Form):
    organization = _OrgChoice(label=_("Organisation membre"), queryset=Organization.objects.none())
    sector = forms.ChoiceField(label=_("Collège"), choices=Sector.choices)
    representative = forms.CharField(label=_("Représentant ou représentante"), required=False, max_length=200)
    term_start = _date_field(_("Début du mandat"))
    term_end = _date_field(_("Fin du mandat"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — declared above
        field.queryset = _organizations()


class MeetingForm(forms.Form):
    held_on = _date_field(_("Date de la rencontre"))
    title = forms.CharField(label=_("Titre"), max_length=250)
    agenda = forms.CharField(label=_("Ordre du jour"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 10}), max_length=50000,
                              help_text=_("Publié tel quel pour tous; une correction ultérieure est consignée."))
