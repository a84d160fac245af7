"""Message codes of harvest reports: why a run failed (``HarvestRun.message``) and why one remote
dataset was not written (``HarvestRunItem.reason``). Stored as codes and parameters
(:mod:`ouvert.core.messages`) and rendered in the reader's language when a page or the API shows
them. Failures of the guarded fetcher (:mod:`ouvert.core.fetch`) keep its code, under ``fetch.``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Self, cast

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from ouvert.core import fetch as guarded
from ouvert.core.messages import Template, legacy, message, register, render


def _fetch_template(code: str) -> str:
    """The fetcher's own sentence for ``code`` (``%(name)s`` placeholders) in ``{name}`` form."""
    text = guarded._messages().get(code) or guarded._messages()["connection"]  # noqa: SLF001 — its one source
    return re.sub(r"%\((\w+)\)s", r"{\1}", text.replace("{", "{{").replace("}", "}}"))


register({
    "harvest.no_content_type": _("type non indiqué"),
    "harvest.no_catalog": _("Le catalogue n'est pas installé : les jeux de données ne peuvent pas être écrits."),
    "harvest.encoding_refused": _("Encodage {encoding} refusé : la réponse doit être en UTF-8."),
    "harvest.encoding_invalid": _("Encodage invalide : la réponse n'est pas en UTF-8 (octet {position})."),
    "harvest.json_invalid": _("JSON invalide reçu de {url} : {error}"),
    "harvest.json_position": _("{error}, ligne {line}, colonne {column}"),
    "harvest.map_missing_target": _("La correspondance envoie « {remote} » vers « {local} », qui n'existe pas."),
    "harvest.organization_create_failed": _("Impossible de créer l'organisation « {name} » : {error}"),
    "harvest.no_organization": _("Aucune organisation locale pour « {name} » : ajoutez une correspondance ou une "
                                 "organisation par défaut."),
    "harvest.no_organization_name": _("(sans organisation)"),
    "harvest.not_ckan": _("Réponse inattendue de {url} : ce n'est pas l'API Action de CKAN."),
    "harvest.source_error": _("La source signale une erreur ({url}) : {type}. Vérifiez l'adresse du portail et que "
                              "ses jeux de données sont publics."),
    "harvest.source_error_untyped": _("type non précisé"),
    "harvest.search_shape": _("Réponse de package_search sans « count » ni « results » ({url})."),
    "harvest.too_many": ngettext_lazy("La source annonce {count} jeu de données, au-delà de la limite de {max}.",
                                      "La source annonce {count} jeux de données, au-delà de la limite de {max}.",
                                      "count"),
    "harvest.no_identifier": _("Un jeu de données reçu n'a pas d'identifiant (page commençant à {start})."),
    "harvest.incomplete": ngettext_lazy("La source a annoncé {count} jeu mais n'en a fourni que {got} : moissonnage "
                                        "incomplet, rien n'est supprimé.",
                                        "La source a annoncé {count} jeux mais n'en a fourni que {got} : moissonnage "
                                        "incomplet, rien n'est supprimé.", "count"),
    "harvest.dcat_unreadable": Template(what=_("Document DCAT illisible : {errors}"), sep=" | "),
    "harvest.dcat_attempt": _("{format} : {error}"),
    "harvest.dcat_refused": "{error}",  # the refusal, written by ouvert/harvest/dcat.py
    "harvest.no_upload": _("Aucun fichier DCAT n'a été téléversé pour cette source."),
    "harvest.upload_too_big": ngettext_lazy("Fichier trop volumineux (plus de {max} octet).",
                                            "Fichier trop volumineux (plus de {max} octets).", "max"),
    "harvest.all_failed": ngettext_lazy("Le jeu de données reçu ({count}) n'a pas pu être écrit : la raison est "
                                        "dans le rapport ci-dessous.",
                                        "Aucun des {count} jeux de données n'a pu être écrit : les raisons sont dans "
                                        "le rapport ci-dessous.", "count"),
    "harvest.no_owner": _("La source n'a plus de responsable administrateur du site : moissonnage refusé."),
    "harvest.invalid": _("Jeu de données refusé par le catalogue : {detail}"),
    "harvest.refused": _("Écriture refusée : {detail}"),
})
register({f"fetch.{code}": Template(what=lazy(_fetch_template, str)(code)) for code in guarded._messages()})  # noqa: SLF001


def _braces(text: str) -> str:
    return re.sub(r"%\((\w+)\)s", r"{\1}", text.replace("{", "{{").replace("}", "}}"))


class _CountedFetchText:
    """A fetcher's message with a count, as a registry template: translated with the fetcher's own
    plural entry (``%(…)s`` form, in the core catalogue), its form chosen from the stored count."""

    def __init__(self, one: str, many: str, count: str) -> None:
        self.one, self.many, self.count = one, many, count

    def _text(self, n: int) -> str:
        return _braces(ngettext(self.one, self.many, n))

    def format(self, **values: Any) -> str:
        n = values.get(self.count)
        return self._text(int(n) if isinstance(n, int | float) else 2).format(**values)

    def __str__(self) -> str:
        return self._text(2)


register({f"fetch.{code}": Template(what=cast(Any, _CountedFetchText(one, many, count)))
          for code, (one, many, count) in guarded.PLURAL_MESSAGES.items()})


class StoredReason(Exception):
    """A failure whose reason is a stored message; ``str(exc)`` is it in the active language (logs)."""

    def __init__(self, stored: Mapping[str, Any] | str) -> None:
        self.stored: dict[str, Any] = dict(stored) if isinstance(stored, Mapping) else text_message(stored)
        super().__init__(render(self.stored))

    @classmethod
    def of(cls, code: str, **params: Any) -> Self:
        return cls(message(code, **params))


def text_message(text: str) -> dict[str, Any]:
    """A reason known only as text (in the language it was written in)."""
    return legacy({"fr": text, "en": text}) if text else {}


def fetch_message(exc: guarded.FetchError) -> dict[str, Any]:
    """A failure of the guarded fetcher as a stored message (its code, the address as shown)."""
    return message(f"fetch.{exc.code}", url=guarded.shown_url(exc.url), status=exc.status or "",
                   content_type=exc.content_type or message("harvest.no_content_type"), **{"reason": "", **exc.params})
