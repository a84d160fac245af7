"""Build the demo data pack (ouvert/catalog/demo_data/) from ../shared/realdata/quebec.

    .venv/bin/python scripts/demo_pack.py

The selection below is the whole pack: which real files, under which organization and dataset,
from which repository and publisher, under which licence. Files are copied byte for byte; a big
table is trimmed to its first rows (header kept, cut at a line end, encoding and line endings
untouched), and the notice says so. The script writes the files, ``manifest.json`` (read by
``ouvert demo``) and ``NOTICE.md``. Run it again after changing the selection and commit the result.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import unicodedata
from pathlib import Path

from demo_dictionaries import BY_FILE  # the other tables' dictionaries (scripts/demo_dictionaries.py)

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "realdata" / "quebec"
PACK = ROOT / "ouvert" / "catalog" / "demo_data"
CC_BY = {"slug": "cc-by-4.0", "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
         "url": "https://creativecommons.org/licenses/by/4.0/deed.fr"}

REPOS = {  # directory under realdata/quebec: (repository, commit, folder in the repository)
    "gatineau-fire-hydrant": ("metsworks/fire_hydrant_gatineau", "d84bd55", "data/raw/"),
    "hackqc2018": ("NormandDesmarais/HackQc2018", "d04ab4a", "Backend/Acclimate/src/main/resources/"),
    "jhroy-960forages": ("jhroy/960forages", "2eb0923", ""),
    "jhroy-seao": ("jhroy/seao", "649825e", ""),
    "montreal-geojson": ("anselbrandt/montreal-data", "fc80f9e", ""),
    "mtess-stats": ("sragot/stats-mtess", "5e84a17", ""),
    "opendataquebec-traffic": ("tarcisiocsn/OpenDataQuebec", "8c7008f", ""),
    "pandas-cookbook": ("jvns/pandas-cookbook", "69d3389", "cookbook/data/"),
    "represent-canada-data": ("opennorth/represent-canada-data", "4c7449e", ""),
    "tdhock-montreal-velos": ("tdhock/montreal-velos", "2e48782", ""),
}

GATINEAU = "Ville de Gatineau (données ouvertes)"
MONTREAL = "Ville de Montréal (portail de données ouvertes)"
MTESS = "Ministère du Travail, de l'Emploi et de la Solidarité sociale (Données Québec)"

# key, organization, title, keywords, themes, frequency, spatial, publisher, description,
# [(source path under realdata/quebec, rows to keep or None for the whole file)], note (optional)
DATASETS = [
    ("bornes-dincendie", "gatineau", "Bornes d'incendie", "bornes fontaines, incendie, sécurité, eau",
     ["justice-securite", "infrastructures"], "monthly", "Ville de Gatineau", GATINEAU,
     "Emplacement et caractéristiques des bornes d'incendie (bornes-fontaines) du réseau d'aqueduc de la Ville de "
     "Gatineau : type, adresse, état et géométrie en WKT (points).",
     [("gatineau-fire-hydrant/borne_fontaine.csv", 3000)], ""),
    ("decoupage-administratif", "gatineau", "Découpage administratif", "districts, secteurs, limites administratives",
     ["territoire"], "yearly", "Ville de Gatineau", GATINEAU,
     "Limites des secteurs administratifs de la Ville de Gatineau (polygones en WKT). Le fichier .shp livré seul, "
     "sans ses fichiers .shx, .dbf et .prj, ne peut pas être lu : son rapport de lecture l'explique.",
     [("gatineau-fire-hydrant/decoupage_administratif.csv", None),
      ("gatineau-fire-hydrant/decoupage_administratif.shp", None)], ""),
    ("lieux-publics", "gatineau", "Lieux publics", "parcs, bâtiments municipaux, loisirs",
     ["loisirs-culture"], "quarterly", "Ville de Gatineau", GATINEAU,
     "Lieux publics de la ville (parcs, arénas, bibliothèques, centres communautaires) avec leur adresse et leur "
     "position (points en WKT).",
     [("gatineau-fire-hydrant/lieu_publique.csv", None)], ""),
    ("voies-publiques", "gatineau", "Voies publiques", "rues, réseau routier, limites de vitesse",
     ["transport", "infrastructures"], "monthly", "Ville de Gatineau", GATINEAU,
     "Segments de rue de la Ville de Gatineau : nom, hiérarchie, sens unique, limite de vitesse, plages "
     "d'adresses et tracé (lignes en WKT).",
     [("gatineau-fire-hydrant/voie_publique.csv", 1500)], ""),
    ("historique-des-alertes-de-securite-civile", "msp", "Historique des alertes de sécurité civile",
     "alertes, sécurité civile, inondations, urgences", ["justice-securite", "environnement"], "daily",
     "Québec (province)", "Ministère de la Sécurité publique (Données Québec)",
     "Historique des alertes publiques de sécurité civile : date et heure d'observation, municipalité, "
     "coordonnées, urgence, certitude, type d'aléa, sévérité et état.",
     [("hackqc2018/historique_alertes.csv", 3000)], ""),
    ("debits-de-circulation-du-reseau-routier", "mtmd", "Débits de circulation du réseau routier",
     "circulation, routes, débits, transport", ["transport", "infrastructures"], "yearly", "Québec (province)",
     "Ministère des Transports et de la Mobilité durable (débits de circulation), table dérivée par le dépôt source",
     "Débits journaliers moyens annuels (DJMA), estivaux (DJME) et hivernaux (DJMH) par section de route et par "
     "année, tirés des comptages du ministère.",
     [("opendataquebec-traffic/histo_merged_direction.csv", None)], ""),
    ("sections-de-route-et-types-de-chaussee", "mtmd", "Sections de route", "routes, chaussée, sections",
     ["transport"], "yearly", "Québec (province)",
     "Ministère des Transports et de la Mobilité durable, table dérivée par le dépôt source",
     "Référentiel des sections de route du réseau supérieur : nom, type, début et fin, municipalité. Sert de clé "
     "de jointure pour les débits de circulation.",
     [("opendataquebec-traffic/section_type.csv", None)], ""),
    ("sections-de-route-par-region", "mtmd", "Sections de route par région administrative",
     "routes, régions administratives, sections", ["transport", "territoire"], "yearly", "Québec (province)",
     "Ministère des Transports et de la Mobilité durable, table dérivée par le dépôt source",
     "Correspondance entre les numéros de section de route et les régions administratives du Québec. La première "
     "colonne de l'en-tête est vide, comme dans le fichier d'origine.",
     [("opendataquebec-traffic/section_and_region_administrative.csv", None)], ""),
    ("murales", "montreal", "Murales", "art public, murales, culture", ["loisirs-culture"], "yearly",
     "Ville de Montréal", MONTREAL,
     "Murales subventionnées par la Ville de Montréal : artiste, année, arrondissement, adresse et position "
     "(GeoJSON, points).",
     [("montreal-geojson/murales.geojson", None)], ""),
    ("reseau-cyclable", "montreal", "Réseau cyclable", "vélo, pistes cyclables, réseau, mobilité", ["transport"],
     "yearly", "Ville de Montréal", MONTREAL,
     "Tracé du réseau cyclable de l'île de Montréal : type de voie, saisons d'ouverture, longueur (GeoJSON, lignes).",
     [("montreal-geojson/reseau-cyclable.geojson", None)], ""),
    ("rues-pietonnes", "montreal", "Rues piétonnes et partagées", "rues piétonnes, aménagement, mobilité active",
     ["transport", "territoire"], "yearly", "Ville de Montréal", MONTREAL,
     "Projets de rues piétonnes et partagées : type d'axe, toponyme, date d'ouverture et tracé (GeoJSON).",
     [("montreal-geojson/rue-pietonnes.geojson", None)], ""),
    ("quartiers-sociologiques", "montreal", "Quartiers sociologiques", "quartiers, territoire, société",
     ["territoire", "societe"], "irregular", "Ville de Montréal", MONTREAL,
     "Limites des quartiers sociologiques de Montréal (polygones). Le fichier GeoJSON est encodé en Windows-1252, "
     "tel que publié à l'origine ; la plateforme le lit quand même.",
     [("montreal-geojson/quartiers-sociologiques.json", None)], ""),
    ("comptages-de-velos-sur-les-pistes-cyclables", "montreal", "Comptages de vélos sur les pistes cyclables",
     "vélo, pistes cyclables, comptages, mobilité", ["transport"], "daily", "Ville de Montréal", MONTREAL,
     "Nombre quotidien de passages de vélos enregistrés par les compteurs automatiques des principales pistes "
     "cyclables, une colonne par compteur et une ligne par jour. Le fichier de 2010 est en Windows-1252 et séparé "
     "par des points-virgules, comme à l'origine.",
     [("tdhock-montreal-velos/2010.csv", None), ("tdhock-montreal-velos/2012.csv", None),
      ("tdhock-montreal-velos/2013.csv", None)], ""),
    ("comptages-cyclistes-2015", "montreal", "Comptages cyclistes automatiques 2015",
     "vélo, boucles de détection, comptages", ["transport"], "daily", "Ville de Montréal", MONTREAL,
     "Passages quotidiens de vélos en 2015 aux boucles de détection, une colonne par compteur.",
     [("tdhock-montreal-velos/defivelomtl/Comptages cyclistes automatiques par boucles de détection/"
       "comptagesvelo2015.csv", None)], ""),
    ("emplacements-des-compteurs-velo", "montreal", "Emplacements des compteurs de vélos",
     "vélo, compteurs, emplacements", ["transport"], "yearly", "Ville de Montréal", MONTREAL,
     "Les compteurs de vélos de Montréal : nom, état, type, année d'implantation et coordonnées (fichier en "
     "Windows-1252).",
     [("tdhock-montreal-velos/defivelomtl/Comptages cyclistes automatiques par boucles de détection/"
       "localisationcompteursvelo2015.csv", None)], ""),
    ("accidents-impliquant-des-cyclistes", "montreal", "Accidents impliquant des cyclistes",
     "accidents, sécurité routière, vélo", ["transport", "justice-securite"], "yearly", "Ville de Montréal",
     "Société de l'assurance automobile du Québec (rapports d'accident), diffusé par la Ville de Montréal",
     "Accidents de la route impliquant des cyclistes sur l'île de Montréal : date, heure, gravité, nombre de "
     "victimes, lieu et conditions.",
     [("tdhock-montreal-velos/PAC13_p02_Accidents_Cyclistes_2013.csv", None),
      ("tdhock-montreal-velos/PAC13_p02_Accidents_Cyclistes_2014.csv", None)], ""),
    ("districts-electoraux-de-montreal", "votepour", "Districts électoraux de Montréal",
     "élections, districts électoraux, municipal", ["territoire", "gouvernement-finances"], "irregular",
     "Ville de Montréal", "Directeur général des élections du Québec, compilé par Open North (Represent)",
     "Les districts électoraux municipaux de Montréal en shapefile (polygones en projection Québec Lambert du MTQ, "
     "table attributaire en Windows-1252), republiés par Votepour.ca pour ses outils électoraux.",
     [("represent-canada-data/montreal-districts/merge.shp", None),
      ("represent-canada-data/montreal-districts/merge.shx", None),
      ("represent-canada-data/montreal-districts/merge.dbf", None),
      ("represent-canada-data/montreal-districts/merge.prj", None),
      ("represent-canada-data/montreal-districts/LICENSE.txt", None)],
     "Reproduit selon les conditions d'utilisation du site d'Élections Québec ; droit d'auteur : gouvernement du "
     "Québec (voir LICENSE.txt)."),
    ("contrats-publics-octroyes", "seao", "Contrats publics octroyés", "contrats, appels d'offres, marchés publics",
     ["gouvernement-finances", "economie-entreprises"], "weekly", "Québec (province)",
     "Système électronique d'appel d'offres (SEAO, Données Québec), extrait par le dépôt source",
     "Contrats octroyés par les organismes publics et publiés au SEAO : numéro d'avis, organisme, fournisseur, "
     "montant et date. Le fichier n'a pas de ligne d'en-tête : son rapport de qualité le signale.",
     [("jhroy-seao/contrats-nb3.csv", 3000)], ""),
    ("decompte-des-numeros-seao", "seao", "Décompte des numéros d'avis SEAO", "SEAO, avis, contrats",
     ["gouvernement-finances"], "weekly", "Québec (province)",
     "Système électronique d'appel d'offres (SEAO, Données Québec), compté par le dépôt source",
     "Nombre de contrats publiés par numéro d'avis du SEAO.",
     [("jhroy-seao/decompte-des-numeros-seao.csv", 5000)], ""),
    ("forages-petroliers-et-gaziers", "frqnt", "Forages pétroliers et gaziers", "forages, puits, géologie, recherche",
     ["energie-ressources"], "irregular", "Québec (province)",
     "Ministère des Ressources naturelles (SIGPEG), compilé par le dépôt source",
     "Les 979 puits de pétrole et de gaz forés au Québec : nom, année, région géologique, coordonnées (NAD83 en "
     "degrés-minutes-secondes et en décimal), profondeur, élévation et statut. Compilation utilisée en recherche.",
     [("jhroy-960forages/960forages.csv", None)],
     "Le dépôt source n'indique pas de licence ; données publiques du MERN, publiées sous CC BY 4.0 sur Données "
     "Québec."),
    ("prestataires-du-programme-de-revenu-de-base", "mtess", "Programme de revenu de base : clientèles",
     "revenu de base, prestataires, solidarité", ["politiques-sociales"], "monthly", "Québec (province)", MTESS,
     "Nombre d'adultes, d'enfants et de prestataires du Programme de revenu de base et prestations versées, par "
     "caractéristique (situation familiale, âge, région), août 2025.",
     [("mtess-stats/2025/PRB/prb-clienteles-202508.csv", None)], ""),
    ("adultes-du-programme-de-revenu-de-base", "mtess", "Programme de revenu de base : adultes",
     "revenu de base, adultes, statistiques", ["politiques-sociales"], "monthly", "Québec (province)", MTESS,
     "Adultes prestataires du Programme de revenu de base selon leurs caractéristiques, de juin à août 2025.",
     [("mtess-stats/2025/PRB/prb-adultes-202506.csv", None), ("mtess-stats/2025/PRB/prb-adultes-202507.csv", None),
      ("mtess-stats/2025/PRB/prb-adultes-202508.csv", None)], ""),
    ("prestataires-de-laide-financiere-de-dernier-recours", "mtess",
     "Prestataires de l'aide financière de dernier recours", "aide sociale, prestataires, solidarité",
     ["politiques-sociales"], "monthly", "Québec (province)", MTESS,
     "Adultes prestataires de l'ensemble des programmes d'aide financière de dernier recours : demandeurs d'asile, "
     "femmes, hommes, âge moyen et durée cumulée moyenne, par caractéristique, de janvier à août 2025.",
     [(f"mtess-stats/2025/Tous programmes/afdr-adultes-2025{m:02d}.csv", None) for m in range(1, 9)], ""),
    ("programme-de-solidarite-sociale", "mtess", "Programme de solidarité sociale : adultes",
     "solidarité sociale, contraintes à l'emploi, prestataires", ["politiques-sociales"], "monthly",
     "Québec (province)", MTESS,
     "Adultes prestataires du Programme de solidarité sociale par caractéristique, août 2025.",
     [("mtess-stats/2025/PSS/ss-adultes-202508.csv", None)], ""),
    ("programme-objectif-emploi", "mtess", "Programme objectif emploi : adultes", "objectif emploi, emploi, aide",
     ["politiques-sociales", "economie-entreprises"], "monthly", "Québec (province)", MTESS,
     "Adultes participant au Programme objectif emploi par caractéristique, août 2025, et la série mensuelle "
     "2023-2025 en classeur Excel.",
     [("mtess-stats/2025/Objectif Emploi/oe-adultes-202508.csv", None), ("mtess-stats/Donnes-OE.xlsx", None)], ""),
    ("programme-daide-sociale", "mtess", "Programme d'aide sociale : adultes", "aide sociale, adultes, prestataires",
     ["politiques-sociales"], "monthly", "Québec (province)", MTESS,
     "Adultes prestataires du Programme d'aide sociale par caractéristique, août 2025.",
     [("mtess-stats/2025/PAS/as-adultes-202508.csv", None)], ""),
    ("revenu-de-base-par-diagnostic", "mtess", "Revenu de base : prestataires par diagnostic",
     "revenu de base, diagnostic, contraintes sévères", ["politiques-sociales", "sante"], "monthly",
     "Québec (province)", MTESS,
     "Prestataires du Programme de revenu de base par type de diagnostic, mois par mois de 2023 à 2024. Fichier "
     "en Windows-1252 séparé par des points-virgules, avec des erreurs de tableur (#REF!) laissées telles quelles.",
     [("mtess-stats/Données-PRB.csv", None)], ""),
    ("comptages-de-velos-2012-exercice", "ulaval-chaire-ssn", "Comptages de vélos à Montréal, 2012 (jeu d'exercice)",
     "vélo, enseignement, exercice, données", ["transport", "education-recherche"], "irregular", "Ville de Montréal",
     MONTREAL + ", copie d'enseignement du dépôt pandas-cookbook",
     "Copie des comptages quotidiens de vélos de Montréal en 2012 utilisée dans des cours d'analyse de données : "
     "Windows-1252, points-virgules, fins de ligne CRLF, dates jj/mm/aaaa et colonnes vides.",
     [("pandas-cookbook/bikes.csv", None)],
     "Le dépôt source est sous CC BY-SA 4.0 ; les données sont celles de la Ville de Montréal (CC BY 4.0)."),
]

# Data dictionaries written for the demo (metadata about the columns, not data), by source path.
DICTIONARIES = {
    "jhroy-seao/decompte-des-numeros-seao.csv": [
        {"name": "numSeao", "type": "identifiant", "description": "Numéro de l'avis au SEAO", "unit": ""},
        {"name": "nb", "type": "entier", "description": "Nombre de lignes de contrat publiées sous ce numéro",
         "unit": "lignes"},
    ],
    "opendataquebec-traffic/histo_merged_direction.csv": [
        {"name": "SECTN", "type": "texte", "description": "Numéro de la section de route", "unit": ""},
        {"name": "ANNEE", "type": "entier", "description": "Année du comptage", "unit": "année"},
        {"name": "DJMA_total", "type": "décimal", "description": "Débit journalier moyen annuel, deux directions",
         "unit": "véhicules par jour"},
        {"name": "DJME_total", "type": "décimal", "description": "Débit journalier moyen estival, deux directions",
         "unit": "véhicules par jour"},
        {"name": "DJMH_total", "type": "décimal", "description": "Débit journalier moyen hivernal, deux directions",
         "unit": "véhicules par jour"},
    ],
    "mtess-stats/2025/PRB/prb-clienteles-202508.csv": [
        {"name": "Caracteristique", "type": "texte", "description": "Caractéristique décrite (situation familiale, "
         "groupe d'âge, région…)", "unit": ""},
        {"name": "Valeur", "type": "texte", "description": "Valeur de la caractéristique", "unit": ""},
        {"name": "Nb_adultes", "type": "entier", "description": "Adultes prestataires", "unit": "personnes"},
        {"name": "Nb_enfants", "type": "entier", "description": "Enfants à charge", "unit": "personnes"},
        {"name": "Nb_prestataires", "type": "entier", "description": "Prestataires (adultes et enfants)",
         "unit": "personnes"},
        {"name": "Prestation_totale_versee", "type": "décimal", "description": "Prestations versées dans le mois",
         "unit": "dollars canadiens"},
    ],
}


def head(data: bytes, rows: int) -> tuple[bytes, int]:
    """The header line and the first ``rows`` lines, cut at a line end; (bytes, total data rows)."""
    lines = data.splitlines(keepends=True)
    return b"".join(lines[: rows + 1]), len(lines) - 1


def _pack_name(relative: str) -> str:
    """The path in the pack: ASCII, no spaces (the resource keeps the file's own name)."""
    plain = unicodedata.normalize("NFKD", relative).encode("ascii", "ignore").decode()
    return plain.replace(" ", "-")


def build() -> dict:
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} is absent: the pack is built from ../shared/realdata/quebec")
    for old in PACK.iterdir() if PACK.exists() else []:
        if old.is_dir():
            shutil.rmtree(old)
        elif old.name != "__init__.py":
            old.unlink()
    datasets = []
    for key, org, title, keywords, themes, frequency, spatial, publisher, description, files, note in DATASETS:
        entries = []
        for relative, rows in files:
            data = (SOURCE / relative).read_bytes()
            total = None
            if rows is not None:
                data, total = head(data, rows)
            top = relative.split("/", 1)[0]
            repo, commit, folder = REPOS[top]
            target = PACK / _pack_name(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            entries.append({
                "file": _pack_name(relative), "name": Path(relative).name, "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "source": {"repository": f"https://github.com/{repo}", "commit": commit,
                           "path": folder + relative.split("/", 1)[1]},
                "rows_kept": rows if rows is not None else None, "rows_total": total,
                "data_dictionary": DICTIONARIES.get(relative) or BY_FILE.get(_pack_name(relative), []),
            })
        datasets.append({"key": key, "organization": org, "title": title, "keywords": keywords, "themes": themes,
                         "frequency": frequency, "spatial": spatial, "publisher": publisher,
                         "licence": CC_BY, "licence_note": note, "description": description, "files": entries})
    manifest = {"version": 1, "about": "Ouvert demo data pack: real Québec open data; see NOTICE.md.",
                "datasets": datasets}
    (PACK / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (PACK / "NOTICE.md").write_text(notice(manifest), encoding="utf-8")
    return manifest


def notice(manifest: dict) -> str:
    out = ["# Données de démonstration — avis de provenance", "",
           "Ces fichiers sont des données ouvertes réelles du Québec, chargées par `ouvert demo`. Ils sont copiés",
           "octet pour octet depuis les dépôts publics indiqués (dépôt @ commit, chemin), sans réencodage : un",
           "fichier en Windows-1252 le reste. Un gros tableau est réduit à ses premières lignes (l'en-tête est",
           "gardé) ; la colonne « Extrait » le dit. Les données des ministères, organismes et municipalités du",
           "Québec sont diffusées sous licence Creative Commons Attribution 4.0 (CC BY 4.0) ; les exceptions et",
           "précisions sont notées. `manifest.json` donne la même chose pour les machines (avec la somme SHA-256",
           "de chaque fichier) ; `scripts/demo_pack.py` reconstruit le lot depuis `../shared/realdata`. Les",
           "dictionnaires de données de quelques fichiers (description des colonnes) ont été rédigés pour la",
           "démonstration ; ils décrivent les colonnes et ne changent rien aux données.", "",
           "*Demo data notice: real Québec open data, copied byte for byte from the public repositories listed;",
           "large tables trimmed to their first rows (see « Extrait »); licence CC BY 4.0 unless noted.*", ""]
    for item in manifest["datasets"]:
        out += [f"## {item['title']}", "",
                f"- Organisation dans la démo : `{item['organization']}` ; jeu `{item['key']}`",
                f"- Éditeur des données : {item['publisher']}",
                f"- Licence : {item['licence']['title']} — {item['licence']['url']}"]
        if item["licence_note"]:
            out.append(f"- Précision : {item['licence_note']}")
        out += ["", "| fichier | source (dépôt @ commit : chemin) | octets | extrait |", "|---|---|---|---|"]
        for entry in item["files"]:
            src = entry["source"]
            kept = (f"{entry['rows_kept']} premières lignes sur {entry['rows_total']}"
                    if entry["rows_kept"] is not None else "fichier entier")
            out.append(f"| `{entry['file']}` | {src['repository']} @ {src['commit']} : `{src['path']}` | "
                       f"{entry['bytes']} | {kept} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    manifest = build()
    size = sum(e["bytes"] for d in manifest["datasets"] for e in d["files"])
    print(f"{len(manifest['datasets'])} datasets, {size / 1e6:.1f} MB in {PACK}")
