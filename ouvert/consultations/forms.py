"""HTML forms. The survey itself is rendered from questions (see survey.py and survey_page.html)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization
from ouvert.core.widgets import OrganizationChoiceField, OrganizationSelect, french_slugs

from .models import (
    AgeBand,
    Consultation,
    Gender,
    Phase,
    ProposalStatus,
    Question,
    QuestionKind,
    Region,
    Topic,
)

STATUS_CHOICES = [("", _("Tous les statuts")), ("open", _("Ouvertes")), ("upcoming", _("À venir")),
                  ("closed", _("Terminées"))]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=STATUS_CHOICES, required=False)
    organization = forms.ChoiceField(label=_("Organisation"), required=False, widget=OrganizationSelect)
    topic = forms.ChoiceField(label=_("Thème"), choices=[("", _("Tous les thèmes")), *Topic.choices],
                              required=False)
    region = forms.ChoiceField(label=_("Région"), choices=[("", _("Toutes les régions")), *Region.choices],
                               required=False)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        organizations = list(organizations)
        field = cast(forms.ChoiceField, self.fields["organization"])
        field.choices = [("", _("Toutes les organisations"))] + [(o.slug, o.name) for o in organizations]
        cast(OrganizationSelect, field.widget).french_values = french_slugs(organizations)


class ConsultationForm(forms.ModelForm):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())

    class Meta:
        model = Consultation
        fields = ["organization", "title", "summary", "body", "topic", "keywords", "target_public", "region",
                  "contact_name", "contact_email", "opens_at", "closes_at", "results_expected_on", "has_survey",
                  "has_proposals", "has_discussion", "has_briefs", "allow_anonymous", "ask_demographics",
                  "consent_text", "purpose_stated", "plain_language", "documents_accessible", "feedback_planned"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME,
                   "results_expected_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "summary": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 10}),
                   "consent_text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "body": _("Markdown : **gras**, listes, liens. Le HTML est nettoyé."),
            "summary": _("En langage clair : pourquoi consulter, sur quoi porte la décision, qui décide."),
            "allow_anonymous": _("Sinon, il faut un compte pour répondre au questionnaire. Les propositions, "
                                 "commentaires, mémoires et inscriptions demandent toujours un compte."),
            "ask_demographics": _("Âge, région, genre : facultatif pour le participant, conservé à part des "
                                  "réponses, jamais exporté avec les réponses libres."),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            organizations = Organization.objects.all()
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        if self.instance.pk:
            del self.fields["organization"]


# Which optional fields each kind of question uses (the others are left out of its form).
KIND_FIELDS: dict[str, set[str]] = {
    **{kind: {"choices_text"} for kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)},
    QuestionKind.MATRIX: {"choices_text", "rows_text"},
    QuestionKind.SCALE: {"scale_min", "scale_max", "scale_min_label", "scale_max_label"},
}
OPTIONAL_FIELDS = {"choices_text", "rows_text", "scale_min", "scale_max", "scale_min_label", "scale_max_label"}
CONDITION_SEP = "|"


class QuestionKindForm(forms.Form):
    """First step of a new question: its type decides which fields the second step shows."""

    kind = forms.ChoiceField(label=_("Type de question"), choices=QuestionKind.choices)


def condition_choices(questions) -> list:
    """One option per possible answer of each earlier question, grouped by question: the condition's
    question and value are chosen together from the answers that question offers."""
    options: list = [("", _("Toujours afficher cette question"))]
    for question in questions:
        if question.kind == QuestionKind.MATRIX or not (question.choices or question.kind == QuestionKind.SCALE):
            continue
        values = (question.choices if question.choices
                  else [str(n) for n in range(question.scale_min, question.scale_max + 1)])
        options.append((question.label, [(f"{question.pk}{CONDITION_SEP}{value}", value) for value in values]))
    return options


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(label=_("Choix (un par ligne)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("Pour les choix unique ou multiples, le classement et les colonnes "
                                               "d'une grille."))
    rows_text = forms.CharField(label=_("Lignes de la grille (une par ligne)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    condition = forms.ChoiceField(label=_("Afficher seulement si la réponse à une question précédente est"),
                                  required=False,
                                  help_text=_("Les réponses possibles de chaque question à choix ou échelle."))

    class Meta:
        model = Question
        fields = ["kind", "label", "help_text", "required", "page", "position", "scale_min", "scale_max",
                  "scale_min_label", "scale_max_label"]
        widgets = {"kind": forms.HiddenInput}

    def __init__(self, *args, consultation=None, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        qs = consultation.questions.exclude(kind__in=[QuestionKind.FILE]) if consultation else Question.objects.none()
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)
            self.fields["rows_text"].initial = "\n".join(self.instance.rows)
            if self.instance.condition_question_id:
                self.fields["condition"].initial = (f"{self.instance.condition_question_id}{CONDITION_SEP}"
                                                    f"{self.instance.condition_value}")
        self.questions = {q.pk: q for q in qs.order_by("page", "position", "pk")}
        cast(forms.ChoiceField, self.fields["condition"]).choices = condition_choices(self.questions.values())
        self.fields["position"].required = False
        self.kind = (self.data.get(self.add_prefix("kind")) if self.is_bound else "") or kind or self.instance.kind
        if self.kind not in QuestionKind.values:
            self.kind = QuestionKind.SHORT_TEXT
        self.initial["kind"] = self.kind
        for name in OPTIONAL_FIELDS - KIND_FIELDS.get(self.kind, set()):
            del self.fields[name]

    @property
    def kind_label(self) -> str:
        return str(QuestionKind(self.kind).label)

    def clean_condition(self) -> tuple[Question | None, str]:
        value = self.cleaned_data.get("condition") or ""
        if not value:
            return None, ""
        pk, _sep, answer = value.partition(CONDITION_SEP)
        question = self.questions.get(int(pk)) if pk.isdigit() else None
        if question is None:
            raise forms.ValidationError(_("Choisissez une réponse d'une question de la liste."))
        return question, answer

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = [c for c in data.pop("choices_text", "").splitlines() if c.strip()]
        data["rows"] = [r for r in data.pop("rows_text", "").splitlines() if r.strip()]
        data["condition_question"], data["condition_value"] = data.pop("condition", (None, ""))
        if data.get("position") is None:
            data.pop("position", None)
        return data


class PhaseForm(forms.Form):
    """One row of the calendar editor (a formset: existing rows, plus empty ones to add)."""

    kind = forms.ChoiceField(label=_("Étape"), choices=[("", "—"), *[c for c in Phase.choices if c[0] != Phase.DRAFT]],
                             required=False)
    title = forms.CharField(label=_("Titre affiché (facultatif)"), max_length=120, required=False)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATETIME, required=False)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATETIME, required=False,
                                  help_text=_("Vide : sans fin prévue (dernière étape seulement)."))
    description = forms.CharField(label=_("Ce qui se passe"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean() or {}
        if data.get("DELETE") or not (data.get("kind") or data.get("starts_at")):
            return data
        if not data.get("kind"):
            self.add_error("kind", _("Choisissez l'étape."))
        if not data.get("starts_at"):
            self.add_error("starts_at", _("Indiquez le début de l'étape."))
        return data

    @property
    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("kind") and data.get("starts_at") and not data.get("DELETE"))


PhaseFormSet = forms.formset_factory(PhaseForm, extra=2, can_delete=True, max_num=12, absolute_max=12)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Titre de la proposition"), max_length=150)
    body = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BriefForm(forms.Form):
    title = forms.CharField(label=_("Titre du mémoire"), max_length=200)
    organization_name = forms.CharField(label=_("Au nom de (facultatif)"), max_length=200, required=False)
    summary = forms.CharField(label=_("Résumé"), max_length=1500, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Fichier"), help_text=_("PDF, DOCX, ODT ou TXT, 10 Mo au plus."))


class EventForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATETIME)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=300, required=False)
    accessibility = forms.CharField(label=_("Accessibilité"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Accès sans marche, interprétation LSQ, sous-titrage, "
                                                "transport adapté…"))
    capacity = forms.IntegerField(label=_("Capacité"), min_value=1, initial=50)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre du document"), max_length=200)
    file = forms.FileField(label=_("Fichier"), required=False)
    url = forms.URLField(label=_("ou adresse web"), required=False, assume_scheme="https")
    accessible = forms.BooleanField(label=_("Format accessible"), required=False, initial=True)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi signalez-vous ce contenu?"), max_length=300,
                             help_text=_("Propos haineux, attaque personnelle, renseignements personnels, "
                                         "publicité, hors sujet…"))


class ModerateForm(forms.Form):
    hide = forms.BooleanField(label=_("Masquer ce contenu"), required=False)
    reason = forms.CharField(label=_("Motif donné à l'auteur"), max_length=300, required=False)


class ProposalAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ProposalStatus.choices)
    answer = forms.CharField(label=_("Réponse officielle"), widget=forms.Textarea(attrs={"rows": 4}))


class ResultsReportForm(forms.Form):
    what_we_heard = forms.CharField(label=_("Ce que nous avons entendu"), widget=forms.Textarea(attrs={"rows": 6}),
                                    help_text=_("Markdown. Résumez les grandes tendances, y compris les avis "
                                                "minoritaires."))
    what_we_did = forms.CharField(label=_("Ce que nous en avons fait"), widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Markdown. Décisions prises, changements apportés, et pourquoi "
                                              "certaines idées n'ont pas été retenues."))


class DemographicsForm(forms.Form):
    age_band = forms.ChoiceField(label=_("Groupe d'âge"), required=False,
                                 choices=[("", _("Je préfère ne pas répondre")), *AgeBand.choices])
    region = forms.ChoiceField(label=_("Région"), required=False,
                               choices=[("", _("Je préfère ne pas répondre")), *Region.choices[1:]])
    gender = forms.ChoiceField(label=_("Genre"), required=False,
                               choices=[("", _("Je préfère ne pas répondre")), *Gender.choices])


RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SatisfactionForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label=_("Dans l'ensemble, êtes-vous satisfait de votre participation? "
                                                  "(1 : pas du tout, 5 : tout à fait)"), coerce=int,
                                          choices=RATING_CHOICES, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment pourrions-nous améliorer cette consultation? (facultatif)"),
                              required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ServiceForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Nom du service"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ServiceFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Votre appréciation du service (1 : très insatisfait, 5 : très "
                                            "satisfait)"), coerce=int, choices=RATING_CHOICES,
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Commentaire (facultatif)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("N'écrivez pas de renseignements personnels : les adresses courriel et "
                                          "numéros de téléphone sont masqués."))
    website = forms.CharField(label=_("Ne pas remplir"), required=False)


class InPersonForm(forms.Form):
    channel = forms.ChoiceField(label=_("Canal"), choices=[("in_person", _("En personne")),
                                                           ("mail", _("Par la poste"))])


PHASES = Phase
