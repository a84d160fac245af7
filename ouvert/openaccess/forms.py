from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .compliance import Status
from .models import LICENCES, Route, Version

MAX_FILE_BYTES = 50 * 1024 * 1024


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Conformité"), required=False,
                               choices=[("", _("Toutes"))] + list(Status.choices))
    funder = forms.ChoiceField(label=_("Fonds"), required=False,
                               choices=[("", _("Tous")), ("FRQNT", "FRQNT"), ("FRQS", "FRQS"), ("FRQSC", "FRQSC")])


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Titre de l'article"), max_length=500)
    authors = forms.CharField(
        label=_("Auteurs"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("Un auteur par ligne : Nom ; ORCID iD (facultatif), p. ex. « Marie Curie ; 0000-0002-1825-0097 »."))
    journal = forms.CharField(label=_("Revue"), max_length=300, required=False)
    issn = forms.CharField(label=_("ISSN de la revue"), max_length=20, required=False,
                           help_text=_("8 caractères, p. ex. 1234-5679."))
    doi = forms.CharField(label=_("DOI"), max_length=300, required=False, help_text=_("p. ex. 10.1234/abcd"))
    published_on = forms.DateField(label=_("Date de publication"), widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("AAAA-MM-JJ"))
    grant_numbers = forms.CharField(label=_("Numéros de subvention FRQ"), max_length=500, required=False,
                                    help_text=_("Séparés par des virgules, p. ex. FRQSC-276470."))
    route = forms.ChoiceField(label=_("Où l'article est-il ouvert ?"), choices=Route.choices, initial=Route.NONE)
    repository_url = forms.URLField(label=_("Adresse dans le dépôt"), required=False, max_length=500,
                                    assume_scheme="https")
    version = forms.ChoiceField(label=_("Version"), required=False, choices=[("", "—")] + list(Version.choices))
    licence = forms.ChoiceField(label=_("Licence"), required=False, choices=[("", "—")] + LICENCES)
    opened_on = forms.DateField(label=_("En libre accès depuis le"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Déposer le fichier (PDF)"), required=False,
                           help_text=_("Le fichier est servi sous la licence indiquée, "
                                       "à partir de la fin de l'embargo."))
    embargo_until = forms.DateField(label=_("Fin de l'embargo"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text=_("Vide : pas d'embargo. Avant cette date, "
                                                "personne ne peut lire le fichier."))

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 50 Mo."))
        if file and not file.name.lower().endswith((".pdf", ".txt", ".odt", ".docx", ".epub")):
            raise forms.ValidationError(_("Déposez un PDF (ou TXT, ODT, DOCX, EPUB)."))
        return file


class GrantImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV des subventions"),
                           help_text=_("UTF-8, une ligne d'en-tête : numero, fonds, titulaire, puis programme, "
                                       "programme_nom, concours, lancement, orcid, etablissement, debut, fin, titre."))
    dry_run = forms.BooleanField(label=_("Essai seulement (ne rien enregistrer)"), required=False, initial=True)


class RouteForm(forms.Form):
    issn = forms.CharField(label=_("ISSN de la revue"), max_length=20, help_text=_("p. ex. 1234-5679"))


class PublicationImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier des articles"),
                           help_text=_("CSV (UTF-8 : titre, date_publication, puis auteurs « Nom <ORCID>; … », revue, "
                                       "issn, doi, licence, version, voie, adresse_depot, subventions, fonds, "
                                       "remerciements) ou JSON de style Crossref."))
    kind = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("crossref", "Crossref JSON")])
    dry_run = forms.BooleanField(label=_("Essai seulement (ne rien enregistrer)"), required=False, initial=True)
