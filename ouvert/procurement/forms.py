from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import Organization
from ouvert.core.widgets import OrganizationChoiceField

from .models import AccompanimentState, Eligibility, Pricing, SoftwareRole, SupplierSize
from .services import CallInput


class CallForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisme acheteur"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé"), max_length=500)
    description = forms.CharField(label=_("Description du besoin"), widget=forms.Textarea(attrs={"rows": 6}))
    repository_url = forms.URLField(label=_("Billet ou dépôt de code visé"), required=False, assume_scheme="https")
    skills = forms.CharField(label=_("Compétences recherchées"), max_length=500, required=False)
    deliverables = forms.CharField(label=_("Livrables"), widget=forms.Textarea(attrs={"rows": 3}))
    acceptance = forms.CharField(label=_("Critères d'acceptation"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Un critère objectif et vérifiable par ligne."))
    evaluation = forms.CharField(label=_("Critères d'évaluation"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Un critère par ligne, sous la forme « nom : pondération » ; les "
                                             "pondérations totalisent 100."))
    pricing = forms.ChoiceField(label=_("Mode de prix"), choices=Pricing.choices)
    amount = forms.DecimalField(label=_("Montant (CAD)"), max_digits=12, decimal_places=2, min_value=Decimal("1"))
    questions_deadline = forms.DateTimeField(label=_("Date limite des questions"),
                                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    bid_deadline = forms.DateTimeField(label=_("Date limite des soumissions"),
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    delivery_date = forms.DateField(label=_("Date de livraison prévue"), widget=forms.DateInput(attrs={"type": "date"}))
    licence = forms.CharField(label=_("Licence du code livré (identifiant SPDX)"), initial="LiLiQ-R-1.1",
                              max_length=60)
    eligibility = forms.ChoiceField(label=_("Admissibilité"), choices=Eligibility.choices)

    def __init__(self, *args: Any, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = organizations if organizations is not None else Organization.objects.none()  # type: ignore[attr-defined]  # a ModelChoiceField

    def clean_acceptance(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["acceptance"].splitlines() if line.strip()]

    def clean_evaluation(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        for number, line in enumerate(self.cleaned_data["evaluation"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, weight = line.rpartition(":")
            if not sep or not name.strip() or not weight.strip().rstrip("%").strip().isdigit():
                raise forms.ValidationError(
                    _("Ligne %(line)s : écrivez « nom : pondération », par exemple « Qualité du code : 60 ».")
                    % {"line": number})
            rows.append((name.strip(), int(weight.strip().rstrip("%").strip())))
        return rows

    def to_input(self) -> CallInput:
        d = self.cleaned_data
        return CallInput(title=d["title"], summary=d["summary"], description=d["description"],
                         deliverables=d["deliverables"], pricing=d["pricing"], amount=d["amount"],
                         questions_deadline=d["questions_deadline"], bid_deadline=d["bid_deadline"],
                         delivery_date=d["delivery_date"], repository_url=d["repository_url"], skills=d["skills"],
                         licence=d["licence"], eligibility=d["eligibility"], acceptance_criteria=d["acceptance"],
                         evaluation_criteria=d["evaluation"])


def call_initial(call: Any) -> dict[str, Any]:
    """A saved call as the form's initial values (for editing a draft)."""
    return {"organization": call.organization_id, "title": call.title, "summary": call.summary,
            "description": call.description, "repository_url": call.repository_url, "skills": call.skills,
            "deliverables": call.deliverables,
            "acceptance": "\n".join(c.text for c in call.acceptance_criteria.all()),
            "evaluation": "\n".join(f"{c.name} : {c.weight}" for c in call.evaluation_criteria.all()),
            "pricing": call.pricing, "amount": call.amount,
            "questions_deadline": timezone.localtime(call.questions_deadline).strftime("%Y-%m-%dT%H:%M"),
            "bid_deadline": timezone.localtime(call.bid_deadline).strftime("%Y-%m-%dT%H:%M"),
            "delivery_date": call.delivery_date.isoformat(), "licence": call.licence, "eligibility": call.eligibility}


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Titre du document"), max_length=200, required=False,
                            help_text=_("Par défaut, le nom du fichier."))
    file = forms.FileField(label=_("Fichier (PDF, ODT, DOCX, XLSX, CSV, images, ZIP ; 20 Mo au plus)"))


class PublishForm(forms.Form):
    reuse_comparison = forms.CharField(
        label=_("Comparaison avec les solutions existantes"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Pourquoi les solutions et livraisons ci-dessus ne suffisent pas, "
                    "ou comment l'appel les réutilise."))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Raison de l'annulation (publiée)"), widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Votre question (publique)"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Réponse (publiée comme addenda)"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))


class BidForm(forms.Form):
    supplier = forms.TypedChoiceField(label=_("Fournisseur"), coerce=int)
    price = forms.DecimalField(label=_("Prix (CAD)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    proposal = forms.CharField(label=_("Proposition"), widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("Scellée jusqu'à la date limite : personne, pas même l'acheteur ni les "
                                           "administrateurs, ne peut la lire avant. Gardez-en une copie."))

    def __init__(self, *args: Any, suppliers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        field.choices = [(s.pk, s.name) for s in suppliers]  # type: ignore[attr-defined]  # a ChoiceField


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'entreprise"), max_length=200)
    neq = forms.CharField(label=_("NEQ"), max_length=14,
                          help_text=_("Numéro d'entreprise du Québec : 10 chiffres."))
    size = forms.ChoiceField(label=_("Taille"), choices=SupplierSize.choices)
    region = forms.CharField(label=_("Région"), max_length=100)
    contact_email = forms.EmailField(label=_("Courriel de contact"))
    skills = forms.CharField(label=_("Compétences"), max_length=500, required=False)


class SoftwareImportForm(forms.Form):
    """A publiccode.yml (pasted or uploaded) and the catalogue's own fields of a free software."""

    organization = OrganizationChoiceField(label=_("Organisme qui tient la fiche"),
                                           queryset=Organization.objects.none())
    publiccode = forms.CharField(label=_("publiccode.yml"), required=False, widget=forms.Textarea(attrs={"rows": 14}),
                                 help_text=_("Collez le fichier, ou téléversez-le ci-dessous."))
    upload = forms.FileField(label=_("ou téléversez le fichier publiccode.yml"), required=False)
    similar_products = forms.CharField(label=_("Produits propriétaires semblables"), max_length=2000, required=False,
                                       help_text=_("Séparés par des virgules."))
    support_providers = forms.CharField(label=_("Prestataires de soutien"), max_length=2000, required=False,
                                        help_text=_("Séparés par des virgules."))
    in_support_contract = forms.BooleanField(label=_("Couvert par un contrat de soutien"), required=False)
    from_quebec_body = forms.BooleanField(label=_("Issu d'un organisme public québécois"), required=False)
    accessible = forms.BooleanField(label=_("Accessible (WCAG 2.1 AA)"), required=False)

    def __init__(self, *args: Any, organizations: list[Organization], fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
            pk__in=[o.pk for o in organizations]).order_by("name_fr")
        if fixed:
            del self.fields["organization"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            if upload.size > 256 * 1024:
                raise forms.ValidationError(_("Le fichier dépasse 256 Kio ; un publiccode.yml est bien plus court."))
            data["publiccode"] = upload.read().decode("utf-8", errors="replace")
        if not (data.get("publiccode") or "").strip():
            self.add_error("publiccode", _("Collez le contenu du publiccode.yml ou téléversez le fichier."))
        return data


class SoftwareUseForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Votre organisme"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Votre rôle"), choices=SoftwareRole.choices)

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
            pk__in=[o.pk for o in organizations]).order_by("name_fr")


class AccompanimentForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisme qui demande"), queryset=Organization.objects.none())
    subject = forms.CharField(label=_("Objet"), max_length=200)
    description = forms.CharField(label=_("Votre besoin"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Le logiciel ou le projet, ce que vous avez essayé, l'aide souhaitée."))

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(  # type: ignore[attr-defined]  # a ModelChoiceField
            pk__in=[o.pk for o in organizations]).order_by("name_fr")


class AccompanimentMoveForm(forms.Form):
    state = forms.ChoiceField(label=_("Nouvel état"), choices=AccompanimentState.choices)
    note = forms.CharField(label=_("Note de suivi"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Obligatoire pour fermer ; transmise à l'organisme qui a demandé."))
