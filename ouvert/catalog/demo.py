"""Demo catalogue: realistic Québec datasets across the demo organizations, a few resources copied
from ``../shared/realdata/quebec`` when that folder exists (nothing is committed), requests and votes.
Idempotent: does nothing once a demo dataset exists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ouvert.core.models import Organization, User

from . import learning, services
from .models import Dataset, DatasetRequest, Theme

REALDATA = settings.PROJECT_DIR.parent / "shared" / "realdata" / "quebec"

# org slug, title, keywords, themes, frequency, spatial, description, real files (relative to REALDATA)
DATASETS = [
    (
        "gatineau",
        "Bornes d'incendie",
        "bornes fontaines, incendie, sécurité, eau",
        ["justice-securite", "infrastructures"],
        "monthly",
        "Ville de Gatineau",
        "Emplacement et caractéristiques des bornes d'incendie (bornes-fontaines) du réseau d'aqueduc de la Ville "
        "de Gatineau : identifiant, type, état et coordonnées géographiques. Mise à jour par le Service des "
        "travaux publics à partir du système de gestion des actifs.",
        ["gatineau-fire-hydrant/borne_fontaine.csv"],
    ),
    (
        "gatineau",
        "Découpage administratif",
        "districts, quartiers, limites administratives",
        ["territoire"],
        "yearly",
        "Ville de Gatineau",
        "Limites des districts électoraux et des secteurs administratifs de la Ville de Gatineau, en format "
        "tabulaire et géographique. Produites par le Service de la géomatique; les limites suivent la dernière "
        "révision de la carte électorale.",
        ["gatineau-fire-hydrant/decoupage_administratif.csv"],
    ),
    (
        "gatineau",
        "Lieux publics",
        "parcs, bâtiments municipaux, loisirs",
        ["loisirs-culture"],
        "quarterly",
        "Ville de Gatineau",
        "Liste des lieux publics de la ville (parcs, arénas, bibliothèques, centres communautaires) avec leur "
        "adresse et leurs coordonnées. Les données proviennent du répertoire des installations municipales.",
        ["gatineau-fire-hydrant/lieu_publique.csv"],
    ),
    (
        "msp",
        "Historique des alertes de sécurité civile",
        "alertes, sécurité civile, inondations, urgences",
        ["justice-securite", "environnement"],
        "daily",
        "Québec (province)",
        "Historique des alertes publiques diffusées par le ministère de la Sécurité publique : type d'aléa "
        "(inondation, feu de forêt, vents violents), municipalité touchée, dates de début et de fin et niveau de "
        "sévérité. Les alertes antérieures à 2016 sont incomplètes.",
        ["hackqc2018/historique_alertes.csv"],
    ),
    (
        "mtmd",
        "Débits de circulation du réseau routier",
        "circulation, routes, débits, transport",
        ["transport", "infrastructures"],
        "yearly",
        "Québec (province)",
        "Débits journaliers moyens annuels (DJMA) par section de route du réseau supérieur, par direction, issus "
        "des compteurs permanents et des comptages temporaires du ministère des Transports et de la Mobilité "
        "durable.",
        [
            "opendataquebec-traffic/histo_merged_direction.csv",
            "opendataquebec-traffic/section_and_region_administrative.csv",
        ],
    ),
    (
        "mtmd",
        "Sections de route et types de chaussée",
        "routes, chaussée, sections",
        ["transport"],
        "yearly",
        "Québec (province)",
        "Référentiel des sections de route du réseau sous la responsabilité du ministère avec leur type de "
        "chaussée et leur région administrative. Sert de clé de jointure pour les débits de circulation.",
        ["opendataquebec-traffic/section_type.csv"],
    ),
    (
        "montreal",
        "Murales",
        "art public, murales, culture",
        ["loisirs-culture"],
        "yearly",
        "Ville de Montréal",
        "Localisation des murales réalisées dans le cadre du programme d'art mural de la Ville de Montréal : "
        "artiste, année de réalisation, arrondissement et adresse. Les murales privées ne sont pas incluses.",
        ["montreal-geojson/murales.geojson"],
    ),
    (
        "montreal",
        "Installations récréatives, sportives et culturelles",
        "piscines, arénas, loisirs, sport",
        ["loisirs-culture"],
        "quarterly",
        "Ville de Montréal",
        "Inventaire des installations récréatives, sportives et culturelles municipales (piscines, arénas, "
        "gymnases, maisons de la culture) avec leur arrondissement et leur localisation.",
        ["montreal-geojson/installations-recreo-sport-cult.json"],
    ),
    (
        "montreal",
        "Parcours riverains",
        "berges, pistes, plein air",
        ["loisirs-culture", "environnement"],
        "yearly",
        "Ville de Montréal",
        "Tracés des parcours riverains aménagés le long des berges de l'île de Montréal, avec leur longueur et les "
        "usages permis (marche, vélo). Données géographiques en WGS 84.",
        ["montreal-geojson/parcours-riverains.geojson"],
    ),
    (
        "montreal",
        "Comptages de vélos sur les pistes cyclables",
        "vélo, pistes cyclables, comptages, mobilité",
        ["transport"],
        "daily",
        "Ville de Montréal",
        "Nombre quotidien de passages de vélos enregistrés par les compteurs automatiques installés sur les "
        "principales pistes cyclables. Une colonne par compteur, une ligne par jour.",
        ["tdhock-montreal-velos/2012.csv", "tdhock-montreal-velos/2013.csv"],
    ),
    (
        "montreal",
        "Quartiers de référence en habitation",
        "habitation, quartiers, logement",
        ["territoire", "societe"],
        "irregular",
        "Ville de Montréal",
        "Découpage de Montréal en quartiers de référence utilisés pour les analyses en habitation et en "
        "développement social.",
        ["montreal-geojson/quartierreferencehabitation.geojson"],
    ),
    (
        "seao",
        "Contrats publics octroyés",
        "contrats, appels d'offres, marchés publics, dépenses",
        ["gouvernement-finances", "economie-entreprises"],
        "weekly",
        "Québec (province)",
        "Contrats octroyés par les organismes publics et publiés au Système électronique d'appel d'offres : "
        "organisme, fournisseur, montant, date et nature du contrat.",
        ["jhroy-seao/contrats-nb3.csv"],
    ),
    (
        "frqnt",
        "Forages géoscientifiques",
        "forages, géologie, mines, recherche",
        ["energie-ressources"],
        "irregular",
        "Québec (province)",
        "Localisation et description de forages géoscientifiques réalisés au Québec, compilés à des fins de "
        "recherche : profondeur, année, type de forage et coordonnées.",
        ["jhroy-960forages/960forages.csv"],
    ),
]

# Further datasets without files: (org, title, keywords, themes, frequency, description)
MORE = [
    (
        "sct",
        "Effectifs de la fonction publique",
        "effectifs, fonction publique, emplois",
        ["gouvernement-finances"],
        "yearly",
        "Nombre d'employés de la fonction publique québécoise par ministère, catégorie d'emploi, sexe et région.",
    ),
    (
        "sct",
        "Dépenses de programmes par portefeuille",
        "budget, dépenses, finances publiques",
        ["gouvernement-finances"],
        "yearly",
        "Dépenses de programmes du gouvernement du Québec par portefeuille ministériel et par exercice.",
    ),
    (
        "sct",
        "Plans d'action en gouvernement ouvert : engagements",
        "gouvernement ouvert, engagements, transparence",
        ["gouvernement-finances"],
        "half_yearly",
        "Engagements des plans d'action et leur état d'avancement.",
    ),
    (
        "sct",
        "Contrats de 25 000 $ et plus des ministères",
        "contrats, dépenses, transparence",
        ["gouvernement-finances"],
        "quarterly",
        "Liste trimestrielle des contrats de 25 000 $ et plus conclus.",
    ),
    (
        "mtess",
        "Prestataires de l'aide financière de dernier recours",
        "aide sociale, prestataires, solidarité",
        ["politiques-sociales"],
        "monthly",
        "Nombre mensuel de prestataires par programme et par région.",
    ),
    (
        "mtess",
        "Postes vacants par région",
        "emploi, marché du travail, postes vacants",
        ["economie-entreprises"],
        "quarterly",
        "Estimation trimestrielle des postes vacants par région économique et par secteur.",
    ),
    (
        "mtess",
        "Fréquentation des bureaux de Services Québec",
        "services québec, fréquentation",
        ["gouvernement-finances"],
        "monthly",
        "Visites mensuelles dans les bureaux de Services Québec.",
    ),
    (
        "mtmd",
        "Chantiers routiers en cours",
        "chantiers, travaux routiers, entraves",
        ["transport"],
        "real_time",
        "Chantiers et entraves sur le réseau routier, mis à jour en temps réel.",
    ),
    (
        "mtmd",
        "Ponts et ouvrages d'art : état",
        "ponts, structures, inspection",
        ["infrastructures", "transport"],
        "yearly",
        "Inventaire des structures et indice d'état issu des inspections.",
    ),
    (
        "mtmd",
        "Collisions routières",
        "accidents, sécurité routière, collisions",
        ["transport", "justice-securite"],
        "yearly",
        "Rapports de collisions routières déclarés par les services de police.",
    ),
    (
        "msp",
        "Zones inondables cartographiées",
        "inondations, zones inondables, cartographie",
        ["environnement", "territoire"],
        "irregular",
        "Cartographie des zones inondables 0-20 ans et 20-100 ans.",
    ),
    (
        "msp",
        "Incendies déclarés",
        "incendies, sécurité incendie, pompiers",
        ["justice-securite"],
        "yearly",
        "Incendies déclarés par les services de sécurité incendie municipaux.",
    ),
    (
        "banq",
        "Notices du catalogue Iris",
        "bibliothèque, catalogue, notices",
        ["loisirs-culture", "education-recherche"],
        "weekly",
        "Notices bibliographiques du catalogue de Bibliothèque et Archives nationales du Québec.",
    ),
    (
        "banq",
        "Fonds d'archives : descriptions",
        "archives, fonds, patrimoine",
        ["loisirs-culture"],
        "monthly",
        "Descriptions des fonds et collections d'archives conservés par BAnQ.",
    ),
    (
        "banq",
        "Fréquentation de la Grande Bibliothèque",
        "bibliothèque, fréquentation, culture",
        ["loisirs-culture"],
        "monthly",
        "Entrées mensuelles à la Grande Bibliothèque et prêts de documents.",
    ),
    (
        "frqs",
        "Subventions et bourses octroyées en santé",
        "bourses, subventions, recherche en santé",
        ["sante", "education-recherche"],
        "yearly",
        "Octrois du FRQS par programme, établissement et année.",
    ),
    (
        "frqsc",
        "Subventions en société et culture",
        "bourses, subventions, sciences sociales",
        ["education-recherche"],
        "yearly",
        "Octrois du FRQSC par programme, établissement et année.",
    ),
    (
        "frqnt",
        "Bourses d'excellence en nature et technologies",
        "bourses, étudiants, génie",
        ["education-recherche"],
        "yearly",
        "Bourses de maîtrise et de doctorat octroyées par le FRQNT.",
    ),
    (
        "laval",
        "Collectes des matières résiduelles",
        "collectes, déchets, recyclage, compost",
        ["environnement"],
        "yearly",
        "Calendrier et secteurs de collecte des ordures, du recyclage et des résidus alimentaires.",
    ),
    (
        "laval",
        "Arbres publics",
        "arbres, canopée, forêt urbaine",
        ["environnement"],
        "yearly",
        "Inventaire des arbres sur le domaine public : essence, diamètre et emplacement.",
    ),
    (
        "laval",
        "Permis de construction délivrés",
        "permis, construction, habitation",
        ["economie-entreprises", "territoire"],
        "monthly",
        "Permis de construction et de rénovation délivrés par la Ville de Laval.",
    ),
    (
        "laval",
        "Écoles primaires et secondaires du territoire",
        "écoles, éducation, établissements scolaires",
        ["education-recherche"],
        "yearly",
        "Emplacement des écoles primaires et secondaires situées à Laval.",
    ),
    (
        "quebec",
        "Stationnements publics",
        "stationnement, tarifs, mobilité",
        ["transport"],
        "quarterly",
        "Stationnements municipaux, leur capacité et leurs tarifs.",
    ),
    (
        "quebec",
        "Patinoires extérieures",
        "patinoires, hiver, loisirs",
        ["loisirs-culture"],
        "daily",
        "Patinoires extérieures et leur état d'ouverture pendant la saison hivernale.",
    ),
    (
        "quebec",
        "Qualité de l'eau potable",
        "eau potable, analyses, qualité",
        ["environnement", "sante"],
        "monthly",
        "Résultats des analyses de la qualité de l'eau potable distribuée par la Ville de Québec.",
    ),
    (
        "quebec",
        "Déneigement : état des opérations",
        "déneigement, hiver, rues",
        ["infrastructures"],
        "real_time",
        "État en temps réel des opérations de déneigement par secteur.",
    ),
    (
        "sherbrooke",
        "Réseau cyclable",
        "vélo, pistes cyclables, réseau",
        ["transport"],
        "yearly",
        "Tracé du réseau cyclable de Sherbrooke et type de voie.",
    ),
    (
        "sherbrooke",
        "Évaluation foncière",
        "rôle d'évaluation, propriétés, fiscalité",
        ["gouvernement-finances"],
        "triennial",
        "Rôle d'évaluation foncière : valeur des immeubles par unité d'évaluation.",
    ),
    (
        "sherbrooke",
        "Plans d'eau et qualité des baignades",
        "baignade, lacs, qualité de l'eau",
        ["environnement"],
        "weekly",
        "Résultats hebdomadaires des analyses bactériologiques aux plages municipales.",
    ),
    (
        "montreal",
        "Arbres publics sur le territoire de la ville",
        "arbres, canopée, forêt urbaine",
        ["environnement"],
        "monthly",
        "Arbres publics gérés par les arrondissements : essence, diamètre, date de plantation.",
    ),
    (
        "montreal",
        "Actes criminels",
        "criminalité, police, sécurité",
        ["justice-securite"],
        "daily",
        "Actes criminels enregistrés par le Service de police de la Ville de Montréal, par catégorie et quartier.",
    ),
    (
        "montreal",
        "Requêtes 311",
        "311, requêtes, services aux citoyens",
        ["gouvernement-finances"],
        "daily",
        "Demandes et plaintes des citoyens reçues par le 311.",
    ),
    (
        "montreal",
        "Inspections des aliments : contrevenants",
        "restaurants, salubrité, inspections",
        ["sante", "agriculture-alimentation"],
        "weekly",
        "Établissements alimentaires condamnés pour infractions.",
    ),
    (
        "montreal",
        "Bâtiments patrimoniaux",
        "patrimoine, bâtiments, culture",
        ["loisirs-culture", "territoire"],
        "irregular",
        "Bâtiments cités ou classés et leur statut de protection.",
    ),
    (
        "gatineau",
        "Horaires du transport en commun (GTFS)",
        "autobus, horaires, gtfs, transport en commun",
        ["transport"],
        "monthly",
        "Horaires planifiés de la Société de transport de l'Outaouais au format GTFS.",
    ),
    (
        "gatineau",
        "Écocentres et points de dépôt",
        "écocentres, recyclage, déchets",
        ["environnement"],
        "yearly",
        "Adresses et heures d'ouverture des écocentres.",
    ),
    (
        "itq",
        "Inventaire des logiciels libres utilisés",
        "logiciel libre, code source, numérique",
        ["gouvernement-finances"],
        "half_yearly",
        "Logiciels libres utilisés et réutilisables dans l'administration.",
    ),
    (
        "mcn",
        "Incidents de cybersécurité déclarés",
        "cybersécurité, incidents, numérique",
        ["justice-securite"],
        "quarterly",
        "Nombre d'incidents de cybersécurité déclarés par les organismes publics, par catégorie.",
    ),
    (
        "mcn",
        "Services publics en ligne",
        "services en ligne, numérique, prestation",
        ["gouvernement-finances"],
        "half_yearly",
        "Inventaire des services gouvernementaux offerts en ligne et leur taux d'utilisation.",
    ),
    (
        "mce",
        "Nominations par le Conseil des ministres",
        "nominations, emplois supérieurs",
        ["gouvernement-finances"],
        "weekly",
        "Nominations aux emplois supérieurs décidées par le Conseil des ministres.",
    ),
    (
        "oqi",
        "Indicateurs d'inégalités de revenu",
        "inégalités, revenu, pauvreté",
        ["politiques-sociales", "societe"],
        "yearly",
        "Coefficient de Gini, ratios interdéciles et taux de faible revenu au Québec.",
    ),
    (
        "oqi",
        "Revenu médian des ménages par région",
        "revenu, ménages, régions",
        ["societe"],
        "yearly",
        "Revenu médian après impôt des ménages par région administrative.",
    ),
    (
        "cyberjustice",
        "Décisions des tribunaux administratifs : métadonnées",
        "justice, décisions, tribunaux",
        ["justice-securite"],
        "monthly",
        "Métadonnées des décisions publiées par les tribunaux administratifs.",
    ),
    (
        "udes-bvp",
        "Projets de recherche en partenariat",
        "recherche, partenariats, innovation",
        ["education-recherche"],
        "yearly",
        "Projets de recherche menés avec des partenaires publics et privés.",
    ),
    (
        "quebec-numerique",
        "Lieux d'accès public à Internet",
        "internet, inclusion numérique, wifi",
        ["societe"],
        "yearly",
        "Lieux offrant un accès public et gratuit à Internet au Québec.",
    ),
    (
        "reed",
        "Registre des systèmes de décision automatisée",
        "algorithmes, intelligence artificielle, éthique",
        ["gouvernement-finances"],
        "irregular",
        "Systèmes de décision automatisée utilisés par des organismes publics.",
    ),
    (
        "sct",
        "Bilan de la diffusion des données ouvertes",
        "données ouvertes, bilan, indicateurs",
        ["gouvernement-finances"],
        "yearly",
        "Nombre de jeux publiés par organisme et respect des lignes directrices.",
    ),
    (
        "msp",
        "Municipalités en état d'urgence",
        "urgence, municipalités, sinistres",
        ["justice-securite"],
        "irregular",
        "Déclarations d'état d'urgence local et leur durée.",
    ),
    (
        "frqs",
        "Chercheurs boursiers en santé",
        "chercheurs, carrière, santé",
        ["sante", "education-recherche"],
        "yearly",
        "Chercheurs et chercheuses boursiers du FRQS par établissement et domaine.",
    ),
    (
        "banq",
        "Journaux québécois numérisés",
        "journaux, patrimoine, numérisation",
        ["loisirs-culture"],
        "monthly",
        "Titres de journaux et revues numérisés disponibles dans BAnQ numérique.",
    ),
    (
        "laval",
        "Budget participatif : projets soumis",
        "budget participatif, projets, citoyens",
        ["gouvernement-finances", "societe"],
        "yearly",
        "Projets proposés et retenus au budget participatif.",
    ),
]

REQUESTS = [
    (
        "montreal",
        "transport",
        "Données des feux de circulation synchronisés",
        "Pour étudier la priorité aux autobus et la sécurité des piétons aux intersections de Montréal.",
        14,
    ),
    (
        "mtmd",
        "transport",
        "Temps de parcours sur les autoroutes en temps réel",
        "Pour bâtir une application de planification de trajets qui évite la congestion.",
        9,
    ),
    (
        "banq",
        "loisirs-culture",
        "Statistiques de prêts par titre",
        "Pour mieux connaître les lectures des Québécois et orienter les achats des bibliothèques.",
        7,
    ),
    (
        "quebec",
        "environnement",
        "Mesures de la qualité de l'air par quartier",
        "Les citoyens veulent comparer la qualité de l'air près des écoles et des garderies.",
        11,
    ),
    (
        "sct",
        "gouvernement-finances",
        "Salaires moyens par catégorie d'emploi",
        "Pour comparer la rémunération publique et privée avec des données officielles.",
        3,
    ),
]


def _spread(index: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=7 * index + 1)


@transaction.atomic
def demo_load(stdout=None) -> bool:
    if Dataset.objects.filter(name="bornes-dincendie").exists():
        return False
    editors: dict[str, User] = {}
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    themes = {t.slug: t for t in Theme.objects.all()}
    organizations = {o.slug: o for o in Organization.objects.all()}
    copied = 0
    specs = [(*d[:7], d[7]) for d in DATASETS] + [(o, t, k, th, f, "", desc, []) for o, t, k, th, f, desc in MORE]
    for index, (slug, title, keywords, theme_slugs, frequency, spatial, notes, files) in enumerate(specs):
        organization = organizations.get(slug)
        if organization is None or admin is None:
            continue
        by = editors.setdefault(slug, admin)
        description = (
            notes
            if len(notes) >= 100
            else (
                notes + " Les données sont produites par " + organization.name_fr + " et publiées sous licence "
                "CC BY 4.0; consultez le dictionnaire de données pour le sens de chaque colonne."
            )
        )
        dataset = services.dataset_create(
            by=by,
            organization=organization,
            title=title,
            keywords=keywords,
            themes=[themes[s] for s in theme_slugs if s in themes],
            notes=description,
            update_frequency=frequency,
            spatial=spatial or organization.name_fr,
            contact_name=f"Équipe des données ouvertes — {organization.acronym or organization.name_fr}",
            contact_email=f"donnees.ouvertes@{slug}.demo.ouvert.quebec",
            temporal_start=dt.date(2015 + index % 8, 1, 1),
        )
        for relative in files:
            path = REALDATA / relative
            if path.exists():
                with path.open("rb") as handle:
                    services.resource_create(
                        dataset=dataset, by=by, file=File(handle, name=Path(relative).name), name=Path(relative).name
                    )
                copied += 1
        services.resource_create(
            dataset=dataset,
            by=by,
            url=f"https://www.donneesquebec.ca/recherche/dataset/{dataset.name}",
            name="Page d'origine sur Données Québec",
            format="HTML",
        )
        services.dataset_publish(dataset=dataset, by=by)
        # Spread the dates so that sorts, the calendar and "late" flags mean something.
        when = _spread(index)
        Dataset.objects.filter(pk=dataset.pk).update(
            first_published_at=when,
            updated_at=when,
            data_modified_at=when,
            view_count=(index * 37) % 500,
            download_count=(index * 13) % 120,
        )
    citizens = list(User.objects.filter(is_superuser=False, memberships__isnull=True)) or [admin]
    voters = list(User.objects.all()[:20])
    for slug, theme, title, why, votes in REQUESTS:
        if slug not in organizations:
            continue
        item = services.request_create(
            by=citizens[0], title=title, description=why, organization=organizations[slug], theme=themes.get(theme)
        )
        for voter in voters[: min(votes, len(voters))]:
            services.request_vote(request=item, by=voter)
    planned = DatasetRequest.objects.filter(title__startswith="Temps de parcours").first()
    if planned and admin:
        services.request_answer(
            request=planned,
            by=admin,
            status="planned",
            answer="Publication prévue avec le nouveau système de capteurs.",
            target_date=timezone.localdate() + dt.timedelta(days=120),
        )
    _learning_demo(admin)
    if stdout is not None:
        stdout.write(f"catalogue : {len(specs)} jeux de données, {copied} fichiers réels copiés\n")
    return True


def _learning_demo(admin: User | None) -> None:
    """Tutorials, reuses and a hackathon (HackQC-like)."""
    if admin is None:
        return
    for tutorial in learning.tutorial_files():
        learning.tutorial_save(by=admin, **tutorial)
    by_name = {d.name: d for d in Dataset.objects.filter(name__in=[
        "historique-des-alertes-de-securite-civile", "murales", "comptages-de-velos-sur-les-pistes-cyclables",
        "bornes-dincendie", "debits-de-circulation-du-reseau-routier", "contrats-publics-octroyes"])}
    event = learning.hackathon_create(
        by=admin, title="HackQC 2026", theme="Mobilité, sécurité civile et culture",
        starts_on=dt.date(2026, 10, 16), ends_on=dt.date(2026, 10, 18), location="Québec (Cégep de Sainte-Foy)",
        description="Un week-end pour créer des services utiles à partir des **données ouvertes** des "
                    "municipalités et du gouvernement du Québec.",
        datasets=list(by_name.values()))
    reuses = [
        ("Alerte voisinage", "application", "https://exemple.quebec/alerte-voisinage",
         "Application mobile qui avertit quand une alerte de sécurité civile touche votre municipalité.",
         ["historique-des-alertes-de-securite-civile"], event, True),
        ("Balade des murales", "visualization", "https://exemple.quebec/murales",
         "Carte interactive et parcours à pied des murales de Montréal.", ["murales"], event, False),
        ("Où roule-t-on à vélo?", "article", "https://exemple.quebec/velo-montreal",
         "Analyse de dix ans de comptages de vélos : effets de la météo et des nouvelles pistes.",
         ["comptages-de-velos-sur-les-pistes-cyclables"], None, False),
        ("Qui obtient les contrats publics?", "visualization", "https://exemple.quebec/contrats",
         "Tableau de bord des contrats octroyés par fournisseur et par organisme.", ["contrats-publics-octroyes"],
         None, False),
    ]
    for title, kind, url, description, names, hackathon, winner in reuses:
        datasets = [by_name[n] for n in names if n in by_name]
        if not datasets:
            continue
        reuse = learning.reuse_propose(by=admin, title=title, kind=kind, url=url, description=description,
                                       datasets=datasets, hackathon=hackathon)
        learning.reuse_moderate(reuse=reuse, by=admin, approve=True, is_winner=winner)
