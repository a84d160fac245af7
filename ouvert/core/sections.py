"""The five parts of the platform, as the home page presents them.

Each domain app registers its part by defining ``home_section()`` on its AppConfig, returning a
:class:`Section` whose ``count`` is computed live. Parts whose app is not installed are presented
with their mission only."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class Section:
    key: str
    title: Promise | str
    mission: Promise | str
    url: str | None = None
    count: int | None = None
    count_label: Promise | str = ""


MISSIONS = [
    ("catalog", _("Données ouvertes"),
     _("Trouver, prévisualiser, télécharger et réutiliser les données publiées par les ministères, "
       "organismes, municipalités et la société civile.")),
    ("consultations", _("Consultations publiques"),
     _("Prendre part aux consultations des organismes publics, en ligne ou en personne, et voir ce "
       "qui en est ressorti.")),
    ("procurement", _("Micro-acquisitions"),
     _("Appels d'offres simplifiés de moins de 90 000 $ pour des travaux en technologies de "
       "l'information, ouverts aux PME, et catalogue du code livré.")),
    ("openaccess", _("Libre accès à la recherche"),
     _("Articles issus de recherches financées par les Fonds de recherche du Québec, en accès "
       "libre immédiat.")),
    ("plans", _("Plans d'action et baromètre"),
     _("Suivre les engagements des plans d'action pour un gouvernement ouvert, leurs jalons et "
       "les indicateurs calculés en direct.")),
]


def home_sections() -> list[Section]:
    sections = []
    for key, title, mission in MISSIONS:
        section = Section(key=key, title=title, mission=mission)
        try:
            config = apps.get_app_config(key)
        except LookupError:
            config = None
        if config is not None and hasattr(config, "home_section"):
            section = config.home_section(section)
        sections.append(section)
    return sections


def nav_sections() -> list[Section]:
    """Parts that have pages, for the main navigation (no counts: this runs on every page)."""
    from django.urls import reverse

    sections = []
    for key, title, mission in MISSIONS:
        try:
            config = apps.get_app_config(key)
        except LookupError:
            continue
        url_name = getattr(config, "nav_url_name", None)
        if url_name:
            sections.append(Section(key=key, title=title, mission=mission, url=reverse(url_name)))
    return sections
