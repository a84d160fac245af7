"""The five parts of the platform, as the home page presents them.

Each domain app registers its part by defining the ``home_section`` hook on its AppConfig
(:mod:`ouvert.core.hooks`), returning a :class:`Section` whose ``count`` is computed live, and
``nav_url_name`` to appear in the navigation. Parts whose app is not installed are presented with
their mission only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .hooks import app_hooks


@dataclass
class HomeItem:
    title: str
    url: str
    meta: str = ""  # one short line under the title (publisher, date)
    # The English title and meta, when the content has one: empty means the text shown is French
    # user content, marked lang="fr" on English pages ({% content_lang %}).
    title_en: str = ""
    meta_en: str = ""


@dataclass
class HomeList:
    key: str  # for ids: "recent", "popular"
    title: Promise | str
    items: list[HomeItem] = field(default_factory=list)
    more_url: str = ""  # the whole list
    more_label: Promise | str = ""


@dataclass
class Section:
    key: str
    title: Promise | str
    mission: Promise | str
    url: str | None = None
    count: int | None = None
    count_label: Promise | str = ""
    # The part's page takes a ``q`` query: the home page offers a search box sending to ``url``.
    search: bool = False
    search_label: Promise | str = ""
    # Short lists shown below the parts (recent and popular datasets, for instance).
    lists: list[HomeList] = field(default_factory=list)


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
    fillers = app_hooks("home_section")
    sections = []
    for key, title, mission in MISSIONS:
        section = Section(key=key, title=title, mission=mission)
        if key in fillers:
            section = fillers[key](section)
        sections.append(section)
    return sections


def nav_sections() -> list[Section]:
    """Parts that have pages, for the main navigation (no counts: this runs on every page)."""
    from django.urls import reverse

    url_names = app_hooks("nav_url_name")
    return [Section(key=key, title=title, mission=mission, url=reverse(url_names[key]))
            for key, title, mission in MISSIONS if url_names.get(key)]
