"""The open-access app's stored messages: compliance explanations and import errors, as codes
plus parameters translated when shown (:mod:`ouvert.core.messages`)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ouvert.core.dates import date_display
from ouvert.core.messages import Message, Template, register, render, render_fix

register({
    # compliance ledger
    "oa.compliant": (_("Conforme à « {policy} » : ouvert le {opened} sous {licence} (délai : {deadline})."), ""),
    "oa.no_grant": (_("Aucune subvention des Fonds n'est liée à cet article."),
                    _("Liez l'article à la subvention qui l'a financé (numéro FRQ).")),
    "oa.no_policy": (_("Aucune politique de libre accès ne s'appliquait au concours du {launched}."), ""),
    "oa.pending": (_("Pas encore ouvert ; la politique « {policy} » demande qu'il le soit au plus tard le {deadline}."),
                   _("Publiez-le dans une revue en libre accès, ou déposez le manuscrit accepté sous CC BY.")),
    "oa.not_open": (_("Toujours pas en libre accès ; il devait l'être au plus tard le {deadline}."),
                    _("Déposez le manuscrit accepté sous CC BY dans un dépôt ou ici, sans embargo.")),
    "oa.late": (ngettext_lazy("Ouvert le {opened}, {days} jour après la date limite du {deadline}.",
                               "Ouvert le {opened}, {days} jours après la date limite du {deadline}.", "days"), ""),
    "oa.embargo": (_("Embargo jusqu'au {until}, après la date limite du {deadline}."),
                   _("Déposez le manuscrit accepté sans embargo en invoquant la conservation de vos droits.")),
    "oa.embargo_ok": (_("Sous embargo jusqu'au {until}, avant la date limite du {deadline} : sera conforme."), ""),
    "oa.licence": Template(_("La licence {licence} n'est pas acceptée ; licences acceptées : {accepted}."),
                           _("Diffusez l'article sous l'une des licences acceptées (CC BY de préférence).")),
    "oa.licence_missing": (_("La licence n'est pas indiquée."),
                           _("Indiquez la licence sous laquelle l'article est diffusé.")),
    "oa.version": (_("La version « {version} » n'est pas acceptée par « {policy} »."),
                   _("Déposez le manuscrit accepté ou la version publiée.")),
    "oa.version_missing": (_("La version déposée n'est pas indiquée."),
                           _("Indiquez s'il s'agit du manuscrit accepté ou de la version publiée.")),
    "oa.route": (_("La voie « {route} » n'est pas acceptée par « {policy} »."), ""),
    "oa.open_date_missing": (_("La date d'ouverture n'est pas connue."),
                             _("Indiquez depuis quand l'article est en libre accès.")),
    # identifiers and imports
    "oa.orcid_format": (_("« {value} » n'est pas un ORCID iD (16 caractères : 0000-0002-1825-0097)."),
                        _("Copiez l'identifiant depuis votre profil ORCID.")),
    "oa.orcid_check": (_("Le caractère de contrôle de l'ORCID iD « {value} » est faux (ISO 7064 11-2)."),
                       _("Vérifiez chaque chiffre : une faute de frappe s'est glissée.")),
    "oa.issn_format": (_("« {value} » n'est pas un ISSN (8 caractères : 1234-5679)."), ""),
    "oa.issn_check": (_("Le caractère de contrôle de l'ISSN « {value} » est faux."),
                      _("Vérifiez l'ISSN sur le site de la revue.")),
    "oa.doi_format": (_("« {value} » n'est pas un DOI (10.xxxx/…)."), ""),
    "oa.grant_empty": (_("Le numéro de subvention est vide."), ""),
    "oa.grant_format": (_("« {value} » n'est pas un numéro de subvention des Fonds (FRQSC-276470 ou 276470)."), ""),
    "oa.grant_funder_mismatch": (_("Le numéro « {value} » n'est pas un numéro du Fonds {funder}."), ""),
    "oa.grant_no_funder": (_("Le numéro « {value} » ne dit pas de quel Fonds il relève."),
                           _("Remplissez la colonne « fonds » (FRQNT, FRQS ou FRQSC).")),
    "oa.funder_unknown": Template(_("Fonds inconnu « {value} » ; Fonds connus : {known}."), ""),
    "oa.grant_unknown": (_("Aucune subvention n'a le numéro {value}."),
                         _("Vérifiez le numéro ou faites d'abord charger la subvention par le Fonds.")),
    "oa.column_missing": Template(_("Colonnes obligatoires absentes : {columns}."),
                                  _("Ajoutez ces colonnes à la première ligne du fichier.")),
    "oa.field_missing": (_("La colonne « {column} » est vide."), ""),
    "oa.date_format": (_("« {value} » (colonne « {column} ») n'est pas une date AAAA-MM-JJ."), ""),
    "oa.programme_unknown": (_("Programme inconnu « {value} » pour ce Fonds."), ""),
    "oa.competition_unknown": (_("Concours inconnu « {value} » pour ce programme."), ""),
    "oa.json_invalid": (_("Le fichier n'est pas un JSON valide : {error}."), ""),
    "oa.csv_invalid": (_("Le fichier n'est pas un CSV UTF-8 lisible : {error}."), ""),
    "oa.title_missing": (_("L'article n'a pas de titre."), ""),
    "oa.match_doi": (_("Même DOI qu'un article déjà déclaré (« {title} »)."), ""),
    "oa.match_title": (_("Même titre et même année qu'un article déjà déclaré (« {title} ») : à vérifier."), ""),
    "oa.grant_from_number": (_("Subvention {number} citée par son numéro."), ""),
    "oa.grant_from_text": (_("Subvention {number} trouvée dans les remerciements : à vérifier."), ""),
    "oa.grant_from_funder": (_("Financement du Fonds {funder} sans numéro : à vérifier."), ""),
    "oa.created": (_("Article ajouté."), ""),
    "oa.field_invalid": (_("{field} : {text}"), ""),
    "oa.updated": (_("Article existant mis à jour."), ""),
    "oa.would_create": (_("Article à ajouter (essai : rien n'est enregistré)."), ""),
    "oa.would_update": (_("Article existant à mettre à jour (essai : rien n'est enregistré)."), ""),
})

register({
    "oa.route_journal_ok": (_("La revue est en libre accès sous {licence} : publier dans cette revue suffit."), ""),
    "oa.route_journal_licence": (_("La revue est en libre accès, mais sous {licence}, une licence que la politique "
                                   "n'accepte pas."),
                                 _("Demandez une licence CC BY à l'éditeur, ou déposez le manuscrit accepté.")),
    "oa.route_hybrid": (_("Revue hybride : payer l'ouverture de l'article sous {licence} est possible, mais les "
                          "Fonds ne paient pas ces frais."), ""),
    "oa.route_green_ok": (_("Déposez le manuscrit accepté sous {licence} dès la publication (l'éditeur permet "
                            "un embargo de {months} mois, compatible)."), ""),
    "oa.route_green_retention": (_("Déposez le manuscrit accepté sous {licence} dès la publication en invoquant "
                                   "la conservation de vos droits (embargo de l'éditeur : {months} mois)."),
                                 _("Joignez à votre soumission la déclaration ci-dessous.")),
})


# Parameters of the compliance explanations that hold a date (stored as ISO 8601, shown per language).
DATE_PARAMS = frozenset({"opened", "deadline", "until", "launched"})


def _localized(params: Mapping[str, Any]) -> dict[str, Any]:
    shown = dict(params)
    for name in DATE_PARAMS & set(shown):
        with contextlib.suppress(ValueError):  # not a date: shown as stored
            shown[name] = date_display(dt.date.fromisoformat(str(shown[name])))
    return shown


def reason_texts(reasons: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Each stored explanation as ``{code, text, fix}`` in the active language, its dates written
    the way that language writes them ("1 mars 2024", "March 1, 2024"), never in ISO form."""
    out = []
    for reason in reasons:
        shown = Message(code=str(reason.get("code", "")), params=_localized(reason.get("params") or {}))
        out.append({"code": shown.code, "text": render(shown), "fix": render_fix(shown)})
    return out
