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
]

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
