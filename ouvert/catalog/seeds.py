"""The licence list (open or not) and the Québec themes every catalogue starts with.

Used by migration 0002 and by :func:`ensure_seeded` (which restores them when the tables were emptied,
for instance by a test database flush)."""

from __future__ import annotations

LICENCES = [
    ("cc-by-4.0", "Creative Commons Attribution 4.0 International (CC BY 4.0)",
     "Creative Commons Attribution 4.0 International (CC BY 4.0)",
     "https://creativecommons.org/licenses/by/4.0/deed.fr", True, True),
    ("cc-by-sa-4.0", "Creative Commons Attribution – Partage dans les mêmes conditions 4.0 (CC BY-SA 4.0)",
     "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
     "https://creativecommons.org/licenses/by-sa/4.0/deed.fr", True, False),
    ("cc0-1.0", "Creative Commons Zéro 1.0 — domaine public (CC0)", "Creative Commons Zero 1.0 — public domain (CC0)",
     "https://creativecommons.org/publicdomain/zero/1.0/deed.fr", True, False),
    ("odbl-1.0", "Open Database License 1.0 (ODbL)", "Open Database License 1.0 (ODbL)",
     "https://opendatacommons.org/licenses/odbl/1-0/", True, False),
    ("ogl-canada-2.0", "Licence du gouvernement ouvert – Canada 2.0", "Open Government Licence – Canada 2.0",
     "https://ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada", True, False),
    ("cc-by-nc-4.0", "Creative Commons Attribution – Pas d'utilisation commerciale 4.0 (CC BY-NC 4.0)",
     "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)",
     "https://creativecommons.org/licenses/by-nc/4.0/deed.fr", False, False),
    ("autre-non-ouverte", "Autre licence, non ouverte", "Other licence, not open", "", False, False),
    # Added with migration 0008, so that each of CKAN's default licence ids names a licence (see ALIASES).
    ("odc-by-1.0", "Open Data Commons Attribution 1.0 (ODC-By)", "Open Data Commons Attribution 1.0 (ODC-By)",
     "https://opendatacommons.org/licenses/by/1-0/", True, False),
    ("odc-pddl-1.0", "Open Data Commons — dédicace au domaine public 1.0 (PDDL)",
     "Open Data Commons Public Domain Dedication and License 1.0 (PDDL)",
     "https://opendatacommons.org/licenses/pddl/1-0/", True, False),
    ("gfdl-1.3", "Licence de documentation libre GNU 1.3 (GFDL)", "GNU Free Documentation License 1.3 (GFDL)",
     "https://www.gnu.org/licenses/fdl-1.3.html", True, False),
    ("ogl-uk-3.0", "Open Government Licence – Royaume-Uni 3.0", "Open Government Licence – United Kingdom 3.0",
     "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", True, False),
    ("autre-ouverte", "Autre licence ouverte", "Other open licence", "", True, False),
    ("autre-domaine-public", "Autre — domaine public", "Other — public domain", "", True, False),
    ("autre-attribution", "Autre licence ouverte avec attribution", "Other open licence with attribution", "",
     True, False),
    ("autre-non-commerciale", "Autre licence, pas d'utilisation commerciale", "Other licence, non-commercial", "",
     False, False),
    ("non-precisee", "Licence non précisée", "Licence not specified", "", False, False),
]

# Licence identifiers other catalogues use (CKAN's defaults, and those seen in Données Québec's and Open
# Canada's records) → the slug of the platform's licence they name. A dataset written with one of them
# keeps it (``Dataset.licence_alias``) so that CKAN clients read back the id they sent.
ALIASES = {
    "cc-by": "cc-by-4.0",
    "cc-by-sa": "cc-by-sa-4.0",
    "cc-zero": "cc0-1.0",
    "cc-nc": "cc-by-nc-4.0",
    "odc-odbl": "odbl-1.0",
    "odc-by": "odc-by-1.0",
    "odc-pddl": "odc-pddl-1.0",
    "gfdl": "gfdl-1.3",
    "uk-ogl": "ogl-uk-3.0",
    "other-open": "autre-ouverte",
    "other-pd": "autre-domaine-public",
    "other-at": "autre-attribution",
    "other-nc": "autre-non-commerciale",
    "other-closed": "autre-non-ouverte",
    "notspecified": "non-precisee",
    "ca-ogl-lgo": "ogl-canada-2.0",
    "ogl-canada": "ogl-canada-2.0",
}


def licence_slug(identifier: str) -> tuple[str, str]:
    """``(slug, alias)`` for a licence identifier as a client sent it: a platform slug in any case gives
    ``(slug, "")``; one of :data:`ALIASES` gives its slug and the identifier itself."""
    ident = identifier.strip()
    if ident in ALIASES:
        return ALIASES[ident], ident
    lowered = ident.lower()
    if lowered in ALIASES:
        return ALIASES[lowered], ident
    return lowered, ident if ident != lowered else ""

THEMES = [
    ("agriculture-alimentation", "Agriculture et alimentation", "Agriculture and food"),
    ("economie-entreprises", "Économie et entreprises", "Economy and business"),
    ("education-recherche", "Éducation et recherche", "Education and research"),
    ("energie-ressources", "Énergie et ressources naturelles", "Energy and natural resources"),
    ("environnement", "Environnement et changements climatiques", "Environment and climate change"),
    ("gouvernement-finances", "Gouvernement et finances", "Government and finance"),
    ("infrastructures", "Infrastructures", "Infrastructure"),
    ("justice-securite", "Justice et sécurité publique", "Justice and public safety"),
    ("loisirs-culture", "Loisirs, sports et culture", "Recreation, sports and culture"),
    ("politiques-sociales", "Politiques sociales", "Social policy"),
    ("sante", "Santé", "Health"),
    ("societe", "Société et démographie", "Society and demography"),
    ("territoire", "Territoire et cartographie", "Territory and mapping"),
    ("transport", "Transport", "Transportation"),
]


def ensure_seeded() -> None:
    from .models import Licence, Theme

    if not Licence.objects.exists():
        for position, (slug, fr, en, url, is_open, default) in enumerate(LICENCES):
            Licence.objects.create(slug=slug, title_fr=fr, title_en=en, url=url, is_open=is_open,
                                   is_default=default, position=position)
    if not Theme.objects.exists():
        for position, (slug, fr, en) in enumerate(THEMES):
            Theme.objects.create(slug=slug, title_fr=fr, title_en=en, position=position)
