"""Demo entries of the free-software catalogue, imported through the real import service from
publiccode.yml texts written here (our wording), with the bodies that use them."""

from __future__ import annotations

import yaml

from ouvert.core.models import Organization, User

from .models import Software
from .software import SoftwareExtras, software_import, software_use_declare


def _publiccode(name: str, url: str, licence: str, category: str, short: str, long: str) -> str:
    data = {"publiccodeYmlVersion": "0.4", "name": name, "url": url, "platforms": ["web", "linux", "windows", "mac"],
            "categories": [category], "developmentStatus": "stable", "softwareType": "standalone/desktop",
            "description": {"fr": {"shortDescription": short, "longDescription": long, "features": [category]}},
            "legal": {"license": licence}, "maintenance": {"type": "community"},
            "localisation": {"localisationReady": True, "availableLanguages": ["fr", "en"]}}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


ENTRIES = [
    ("QGIS", "https://github.com/qgis/QGIS", "GPL-2.0-or-later", "geographic-information-systems",
     "Système d'information géographique de bureau.",
     "Un logiciel de bureau pour consulter, modifier et analyser des données géographiques, très employé par "
     "les municipalités et les ministères pour produire des cartes et préparer les couches publiées en "
     "données ouvertes.",
     SoftwareExtras(similar_products="ArcGIS Desktop, MapInfo", support_providers="Coopérative Code Boréal",
                    in_support_contract=True, accessible=False),
     [("montreal", "editeur.montreal@demo.ouvert.quebec", "referent"),
      ("sct", "membre.sct@demo.ouvert.quebec", "user")]),
    ("LibreOffice", "https://git.libreoffice.org/core", "MPL-2.0", "office",
     "Suite bureautique : texte, tableur, présentations.",
     "Une suite bureautique complète qui lit et écrit les formats ouverts OpenDocument ainsi que les formats "
     "les plus répandus, utilisée sur les postes de travail de plusieurs organismes pour rédiger, calculer "
     "et présenter.",
     SoftwareExtras(similar_products="Microsoft Office", support_providers="Logiciels Fleuve inc.",
                    in_support_contract=True, accessible=True),
     [("sct", "editeur.sct@demo.ouvert.quebec", "referent")]),
    ("Carte des chantiers", "https://depot.exemple.quebec/montreal/carte-chantiers", "LiLiQ-R-1.1", "maps",
     "Carte libre et accessible des chantiers routiers.",
     "Une carte interactive des chantiers routiers alimentée par les données ouvertes de la Ville, avec une "
     "liste textuelle équivalente pour les lecteurs d'écran, issue d'une micro-acquisition de la Ville de "
     "Montréal et publiée pour être réutilisée.",
     SoftwareExtras(from_quebec_body=True, accessible=True, support_providers="Logiciels Fleuve inc."),
     [("montreal", "admin.montreal@demo.ouvert.quebec", "referent")]),
]


def software_demo_load() -> int:
    """Import the entries not there yet; returns how many were added."""
    added = 0
    for name, url, licence, category, short, long, extras, uses in ENTRIES:
        if Software.objects.filter(name=name).exists():
            continue
        first = Organization.objects.filter(slug=uses[0][0]).first()
        maintainer = User.objects.filter(email=uses[0][1]).first()  # an editor or admin of the body
        if first is None or maintainer is None:
            continue
        result = software_import(text=_publiccode(name, url, licence, category, short, long), organization=first,
                                 extras=extras, by=maintainer)
        if result.software is None:
            raise ValueError(f"demo publiccode.yml of {name} is invalid: {result.errors}")
        for slug, email, role in uses:
            organization = Organization.objects.filter(slug=slug).first()
            person = User.objects.filter(email=email).first()
            if organization is not None and person is not None:
                software_use_declare(software=result.software, organization=organization, role=role, by=person)
        added += 1
    return added


def accompaniment_demo_load() -> int:
    """Two accompaniment requests, one being handled and one closed with its note."""
    from .accompaniment import accompaniment_move, accompaniment_request
    from .models import Accompaniment

    if Accompaniment.objects.exists():
        return 0
    sct = Organization.objects.filter(slug="sct").first()
    montreal = Organization.objects.filter(slug="montreal").first()
    asker = User.objects.filter(email="membre.sct@demo.ouvert.quebec").first()
    mtl = User.objects.filter(email="editeur.montreal@demo.ouvert.quebec").first()
    team = User.objects.filter(email="admin@demo.ouvert.quebec").first()
    if not (sct and montreal and asker and mtl and team):
        return 0
    first = accompaniment_request(organization=sct, by=asker, subject="Remplacer notre tableur par LibreOffice",
                                  description="Nous voulons migrer 40 postes et former les équipes ; quels "
                                              "organismes l'ont déjà fait ?")
    accompaniment_move(request=first, to="in_progress", note="", by=team)
    second = accompaniment_request(organization=montreal, by=mtl, subject="Publier la carte des chantiers",
                                   description="Comment choisir la licence et préparer le dépôt ?")
    accompaniment_move(request=second, to="closed", by=team, note=(
        "Rencontre tenue : licence LiLiQ-R retenue, publiccode.yml rédigé et importé dans le catalogue."))
    return 2
