"""Data dictionaries of the demo pack's tables (metadata about the columns, not data): for each
file of the pack (by its path in the pack), every column the datastore reads in it, with its type,
a French description and its unit. Imported by ``scripts/demo_pack.py``, which writes them into
``manifest.json``. The meanings come from the publishers' own documentation where there is one
(SAAQ accident reports, MTESS monthly statistics, MERN well records, Ville de Gatineau layers) and
from the files' contents."""

from __future__ import annotations

T, INT, N, D, TS, B = "texte", "entier", "décimal", "date", "date et heure", "booléen"


def _entries(columns: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "type": t, "description": d, "unit": u} for n, t, d, u in columns]


# Montréal: SAAQ accident reports with a cyclist (2013 and 2014 have up to 4 and 9 vehicles).
def _accidents(vehicles: int) -> list[dict[str, str]]:
    columns = [
        ("AN", INT, "Année de l'accident", "année"),
        ("DT_ACCDN", D, "Date de l'accident", ""),
        ("HR_ACCDN", T, "Tranche horaire de l'accident (par exemple 16:00:00-16:59:00)", ""),
        ("JR_SEMN_ACCDN", T, "Jour de la semaine de l'accident (abréviation : LU, MA, ME…)", ""),
        ("ID_GR", INT, "Numéro de l'accident dans le fichier", ""),
        ("NB_MORT_C", INT, "Personnes décédées dans l'accident", "personnes"),
        ("NB_BLESE_GRAVE_C", INT, "Personnes blessées gravement", "personnes"),
        ("NB_BLESE_LEGER_C", INT, "Personnes blessées légèrement", "personnes"),
        ("NB_VICTIMES", INT, "Victimes en tout (décès et blessures)", "personnes"),
        ("NB_VEH_ACCDN_C", INT, "Véhicules impliqués", "véhicules"),
        ("IN_ACCDN_CHMIN_PBL", T, "Accident sur un chemin public (O) ou non (N)", ""),
        ("CD_MUNCP", T, "Code géographique de la municipalité", ""),
        ("NO_ROUTE", T, "Numéro de la route numérotée, s'il y a lieu", ""),
        ("BORNE_KM_ACCDN", N, "Borne kilométrique la plus proche sur la route numérotée", "km"),
        ("CD_PNT_CDRNL_ROUTE", T, "Direction de la route numérotée (N, S, E, O)", ""),
        ("NO_CIVIQ_ACCDN", T, "Numéro civique le plus proche du lieu de l'accident", ""),
        ("SFX_NO_CIVIQ_ACCDN", T, "Suffixe du numéro civique (A, B…)", ""),
        ("RUE_ACCDN", T, "Rue où l'accident a eu lieu", ""),
        ("TP_REPRR_ACCDN", INT, "Type de repère : 1 intersection, 2 autre repère, 0 non précisé", ""),
        ("ACCDN_PRES_DE", T, "Repère (rue transversale ou lieu) près duquel l'accident a eu lieu", ""),
        ("CD_PNT_CDRNL_REPRR", T, "Direction du lieu de l'accident par rapport au repère (N, S, E, O)", ""),
        ("NB_METRE_DIST_ACCD", INT, "Distance entre le lieu de l'accident et le repère", "m"),
        ("CD_ASPCT_ROUTE", INT, "Aspect de la route (code SAAQ : droite, courbe…)", ""),
        ("CD_CATEG_ROUTE", INT, "Catégorie de route (code SAAQ : rue résidentielle, artère…)", ""),
        ("CD_CONFG_ROUTE", INT, "Configuration de la route (code SAAQ : sens unique, deux sens…)", ""),
        ("CD_ENVRN_ACCDN", INT, "Environnement du lieu (code SAAQ : résidentiel, commercial…)", ""),
        ("CD_LOCLN_ACCDN", INT, "Localisation longitudinale (code SAAQ : intersection, entre intersections…)", ""),
        ("VITSS_AUTOR", INT, "Vitesse autorisée sur la voie", "km/h"),
        ("CD_COND_METEO", INT, "Conditions météorologiques (code SAAQ : clair, pluie, neige…)", ""),
        ("CD_ECLRM", INT, "Éclairement (code SAAQ : jour, crépuscule, nuit éclairée…)", ""),
        ("CD_ETAT_CHASS", INT, "État de la chaussée (code SAAQ : travaux, ornières…)", ""),
        ("CD_ETAT_SURFC", INT, "État de la surface (code SAAQ : sèche, mouillée, enneigée, glacée…)", ""),
        ("CD_POSI_ACCDN", T, "Position de l'accident sur la chaussée (code SAAQ : voie cyclable, voie réservée…)", ""),
        ("CD_IMPAC_ACCDN", INT, "Genre d'impact (code SAAQ : collision avec un véhicule, un piéton…)", ""),
        ("CYC_MORT", INT, "Cyclistes décédés", "personnes"),
        ("CYC_GRAVE", INT, "Cyclistes blessés gravement", "personnes"),
        ("CYC_LEGER", INT, "Cyclistes blessés légèrement", "personnes"),
        ("CYC_TOTAL", INT, "Cyclistes victimes en tout", "personnes"),
    ]
    for kind, what in (("TYP_VEH", "Type du véhicule {n} (code SAAQ : automobile, camion, bicyclette…)"),
                       ("MOUV_VEH", "Manœuvre du véhicule {n} avant l'accident (code SAAQ : tout droit, virage…)"),
                       ("SIGN_VEH", "Signalisation devant le véhicule {n} (code SAAQ : feu, arrêt, aucune…)")):
        columns += [(f"{kind}_{n}", INT, what.format(n=n), "") for n in range(1, vehicles + 1)]
    return _entries(columns)


# Ville de Gatineau layers: the columns they share, then each layer's own.
_GATINEAU = [
    ("MUNID", INT, "Code géographique de la municipalité (81017 : Gatineau)", ""),
    ("CODEID", INT, "Numéro de l'objet dans la base géographique de la Ville", ""),
    ("ENTITEID", T, "Identifiant unique de l'objet (GUID)", ""),
    ("GEOM", T, "Géométrie de l'objet en WKT (well-known text)", ""),
]
_ADDRESS = [
    ("NO_CIVIQUE", T, "Numéro civique", ""),
    ("GENERIQUE", T, "Générique du nom de la voie (rue, boulevard, chemin…)", ""),
    ("LIAISON", T, "Particule de liaison du nom de la voie (de, du, des…)", ""),
    ("SPECIFIQUE", T, "Spécifique du nom de la voie", ""),
    ("DIRECTION", T, "Direction dans le nom de la voie (Est, Ouest…)", ""),
]
GATINEAU_HYDRANTS = _entries(_GATINEAU + _ADDRESS + [
    ("TYPE", T, "Type de borne d'incendie", ""),
    ("ETIQUETTE", T, "Étiquette de la borne sur le terrain", ""),
    ("PROPRIO", T, "Propriétaire de la borne (Ville ou privé)", ""),
])
GATINEAU_DISTRICTS = _entries(_GATINEAU + [
    ("NOM", T, "Nom du secteur", ""),
    ("TYPE", T, "Type de découpage (secteur, district…)", ""),
    ("ABREV", T, "Abréviation du nom du secteur", ""),
    ("AIRE", N, "Superficie du secteur", "m²"),
    ("PERIM", N, "Périmètre du secteur", "m"),
])
GATINEAU_PLACES = _entries(_GATINEAU + _ADDRESS + [
    ("TYPE", T, "Type de lieu public (parc, aréna, bibliothèque…)", ""),
    ("ADR_COMPLE", T, "Adresse complète du lieu", ""),
    ("NOM_TOPOGR", T, "Nom du lieu", ""),
    ("COTE", T, "Côté de la voie où se trouve le lieu", ""),
    ("SECTION", T, "Section ou secteur de la ville", ""),
])
GATINEAU_STREETS = _entries(_GATINEAU + [
    ("SEGMENT", T, "Identifiant du tronçon de voie", ""),
    ("TYPE", T, "Type de voie (rue, autoroute, bretelle…)", ""),
    ("GENERIQUE", T, "Générique du nom de la voie (rue, boulevard, chemin…)", ""),
    ("LIAISON", T, "Particule de liaison du nom de la voie (de, du, des…)", ""),
    ("SPECIFIQUE", T, "Spécifique du nom de la voie", ""),
    ("DIRECTION", T, "Direction dans le nom de la voie (Est, Ouest…)", ""),
    ("NOM_TOPO", T, "Nom complet de la voie", ""),
    ("COTE", T, "Côté de la voie décrit", ""),
    ("ORIENTATIO", T, "Orientation du tronçon", ""),
    ("DIREC_UNIQ", B, "Tronçon à sens unique (vrai) ou à double sens (faux)", ""),
    ("CIV_GAU_DE", INT, "Premier numéro civique du côté gauche du tronçon", ""),
    ("CIV_GAU_A", INT, "Dernier numéro civique du côté gauche du tronçon", ""),
    ("CIV_DRT_DE", INT, "Premier numéro civique du côté droit du tronçon", ""),
    ("CIV_DRT_A", INT, "Dernier numéro civique du côté droit du tronçon", ""),
    ("LIMITE_VIT", INT, "Limite de vitesse sur le tronçon", "km/h"),
    ("HIERARCHI", T, "Hiérarchie routière (artère, collectrice, locale…)", ""),
])


def _bike_counts(columns: list[tuple[str, str]], *, hour_column: bool = False) -> list[dict[str, str]]:
    """Daily counts, one column per counter (Montréal's automatic bicycle counters)."""
    out = [("Date", D, "Jour du comptage", "")]
    if hour_column:
        out.append(("colonne_2", T, "Heure du comptage (00:00 : le total du jour) ; colonne sans en-tête dans le "
                                    "fichier source", ""))
    for name, where in columns:
        if "données non disponibles" in name:
            out.append((name, T, f"Compteur {where} : aucune donnée publiée pour cette année (colonne vide)", ""))
        else:
            out.append((name, INT, f"Vélos comptés dans la journée au compteur {where}", "vélos"))
    return _entries(out)


_COUNTERS_2012 = [("Berri 1", "de la rue Berri"), ("Brébeuf (données non disponibles)", "de la rue Brébeuf"),
                  ("Côte-Sainte-Catherine", "du chemin de la Côte-Sainte-Catherine"),
                  ("Maisonneuve 1", "no 1 du boulevard De Maisonneuve"),
                  ("Maisonneuve 2", "no 2 du boulevard De Maisonneuve"), ("du Parc", "de l'avenue du Parc"),
                  ("Pierre-Dupuy", "de l'avenue Pierre-Dupuy"), ("Rachel1", "de la rue Rachel"),
                  ("St-Urbain (données non disponibles)", "de la rue Saint-Urbain")]

BIKES_2010 = _bike_counts([("Berri", "de la rue Berri"), ("Brébeuf", "de la rue Brébeuf"),
                           ("Côte-Sainte-Catherine", "du chemin de la Côte-Sainte-Catherine"),
                           ("Maisonneuve 1", "no 1 du boulevard De Maisonneuve"),
                           ("Maisonneuve 2", "no 2 du boulevard De Maisonneuve"), ("du Parc", "de l'avenue du Parc"),
                           ("Pierre-Dupuy", "de l'avenue Pierre-Dupuy"), ("Rachel", "de la rue Rachel"),
                           ("Saint-Urbain", "de la rue Saint-Urbain")])
BIKES_2012 = _bike_counts(_COUNTERS_2012)
BIKES_2013 = _bike_counts([("Berri1", "de la rue Berri"), ("CSC", "du chemin de la Côte-Sainte-Catherine"),
                           ("Mais1", "no 1 du boulevard De Maisonneuve"), ("Mais2", "no 2 du boulevard De Maisonneuve"),
                           ("Parc", "de l'avenue du Parc"), ("PierDup", "de l'avenue Pierre-Dupuy"),
                           ("Rachel1", "de la rue Rachel"), ("Totem_Laurier", "totem du boulevard Laurier")],
                          hour_column=True)
BIKES_2015 = _bike_counts([
    ("Berri1", "de la rue Berri"), ("Boyer", "de la rue Boyer"), ("Brébeuf", "de la rue Brébeuf"),
    ("CSC (Côte Sainte-Catherine)", "du chemin de la Côte-Sainte-Catherine"),
    ("Maisonneuve_1", "no 1 du boulevard De Maisonneuve"), ("Maisonneuve_2", "no 2 du boulevard De Maisonneuve"),
    ("Maisonneuve_3", "no 3 du boulevard De Maisonneuve"), ("Notre-Dame", "de la rue Notre-Dame"),
    ("Parc", "de l'avenue du Parc"), ("Parc U-Zelt Test", "d'essai U-Zelt de l'avenue du Parc"),
    ("PierDup", "de l'avenue Pierre-Dupuy"), ("Pont_Jacques_Cartier", "du pont Jacques-Cartier"),
    ("Rachel / Hôtel de Ville", "de la rue Rachel à l'avenue de l'Hôtel-de-Ville"),
    ("Rachel / Papineau", "de la rue Rachel à l'avenue Papineau"), ("René-Lévesque", "du boulevard René-Lévesque"),
    ("Saint-Antoine", "de la rue Saint-Antoine"),
    ("Saint-Laurent U-Zelt Test", "d'essai U-Zelt du boulevard Saint-Laurent"),
    ("Saint-Urbain", "de la rue Saint-Urbain"), ("Totem_Laurier", "totem du boulevard Laurier"),
    ("University", "de la rue University"), ("Viger", "de l'avenue Viger")], hour_column=True)

COUNTER_LOCATIONS = _entries([
    ("id", INT, "Numéro du compteur", ""),
    ("nom", T, "Nom du lieu du compteur", ""),
    ("nom_comptage", T, "Nom de la colonne du compteur dans les fichiers de comptage", ""),
    ("Etat", T, "État du compteur (actif, retiré…)", ""),
    ("Type", T, "Type de compteur (boucle de détection, totem…)", ""),
    ("Annee_implante", INT, "Année d'installation du compteur", "année"),
    ("coord_X", N, "Longitude du compteur (WGS 84)", "degrés"),
    ("coord_Y", N, "Latitude du compteur (WGS 84)", "degrés"),
])

_SEAO_COLUMNS = [
    "Numéro de l'avis et de la ligne de contrat", "Numéro de l'organisme public au SEAO",
    "Organisme public qui a conclu le contrat", "Titre du contrat",
    "Catégorie du contrat (code et libellé de la classification du SEAO)", "Précision sur la catégorie (souvent vide)",
    "Date de conclusion du contrat", "Fournisseur retenu", "Ville du fournisseur", "Province du fournisseur",
    "Pays du fournisseur", "Numéro d'entreprise du Québec (NEQ) ou identifiant du fournisseur",
    "Montant du contrat à sa conclusion", "Montant de la première modification", "Montant de la deuxième modification",
    "Montant de la troisième modification", "Montant des autres modifications", "Dépenses supplémentaires",
    "Montant total du contrat, modifications comprises",
]
SEAO_CONTRACTS = _entries(
    [(f"colonne_{n}", N if 13 <= n <= 19 else T, text, "dollars canadiens" if 13 <= n <= 19 else "")
     for n, text in enumerate(_SEAO_COLUMNS, start=1)]
    + [(f"colonne_{n}", N if n >= 23 else T, "Colonne vide dans cet extrait (le fichier, sans ligne d'en-tête, ne "
        "fournit que 19 valeurs par ligne)", "dollars canadiens" if n >= 23 else "") for n in range(20, 31)])

WELLS = _entries([
    ("Numéro du puits", T, "Numéro du puits au registre du ministère", ""),
    ("Nom du puits", T, "Nom donné au puits", ""),
    ("Année forage", INT, "Année du forage", "année"),
    ("Région géologique", T, "Région géologique (Basses-Terres du Saint-Laurent, Appalaches…)", ""),
    ("Lot", T, "Lot cadastral", ""),
    ("Rang", T, "Rang cadastral", ""),
    ("Canton", T, "Canton (division cadastrale) du puits", ""),
    ("Paroisse", T, "Paroisse (division cadastrale) du puits", ""),
    ("Localisation", T, "Précision sur l'emplacement", ""),
    ("Latitude (NAD83)", T, "Latitude en degrés, minutes et secondes (NAD83)", ""),
    ("Latitude (décimal)", N, "Latitude en degrés décimaux (NAD83)", "degrés"),
    ("Longitude (NAD83)", T, "Longitude en degrés, minutes et secondes (NAD83)", ""),
    ("Longitude (décimal)", N, "Longitude en degrés décimaux (NAD83)", "degrés"),
    ("No carte", T, "Numéro du feuillet cartographique (SNRC)", ""),
    ("No permis", T, "Numéro du permis de forage", ""),
    ("Profondeur", T, "Profondeur telle qu'inscrite au registre, avec son unité d'origine", ""),
    ("Profondeur (en m)", N, "Profondeur du puits", "m"),
    ("Elévation sol", T, "Élévation du sol telle qu'inscrite au registre, avec son unité d'origine", ""),
    ("Élévation (en m)", N, "Élévation du sol au-dessus du niveau de la mer", "m"),
    ("Élévation table rotation", T, "Élévation de la table de rotation telle qu'inscrite, avec son unité", ""),
    ("Élévation de la table de rotation (en m)", N, "Élévation de la table de rotation au-dessus de la mer", "m"),
    ("Dernière activité de puits", T, "Dernière activité inscrite (forage, abandon…)", ""),
    ("Dernière phase de puits", T, "Dernière phase du puits", ""),
    ("Statut puits", T, "Statut et indices relevés (gaz, pétrole…)", ""),
    ("État du puits", T, "État du puits (abandonné, fermé temporairement…)", ""),
    ("Contenu du puits", T, "Indices trouvés (gaz, pétrole, eau…)", ""),
    ("Type puits", T, "Type de puits (exploration, développement…)", ""),
    ("Détenteur", T, "Détenteur du permis", ""),
    ("Partenaires", T, "Partenaires du détenteur", ""),
    ("Opérateur", T, "Opérateur du forage", ""),
    ("Implanté sur", T, "Terrain où le puits est implanté (terre, plan d'eau…)", ""),
    ("Entreprise forage", T, "Entreprise qui a foré", ""),
    ("Type foreuse", T, "Type de foreuse", ""),
    ("Log composite", B, "Un log composite est disponible (vrai ou faux)", ""),
    ("Confidentiel jusqu'au", D, "Date de fin de la confidentialité des données du puits", ""),
    ("Municipalité", T, "Municipalité où se trouve le puits", ""),
    ("Région administrative", T, "Région administrative du Québec", ""),
    ("Localité", T, "Localité où se trouve le puits", ""),
])

ALERTS = _entries([
    ("date_observation", TS, "Date et heure de l'observation", ""),
    ("code_municipalite", T, "Code géographique de la municipalité", ""),
    ("nom", T, "Nom de l'alerte (inondation, feu de forêt, vent violent…)", ""),
    ("coordonnee_x", N, "Longitude du lieu de l'alerte (WGS 84)", "degrés"),
    ("coordonnee_y", N, "Latitude du lieu de l'alerte (WGS 84)", "degrés"),
    ("urgence", T, "Urgence (immédiate, prévue, future, passée, inconnue)", ""),
    ("certitude", T, "Certitude (observée, probable, possible, improbable, inconnue)", ""),
    ("type", T, "Type d'alerte", ""),
    ("severite", T, "Sévérité (extrême, sévère, modérée, mineure, inconnue)", ""),
    ("etat", T, "État de l'alerte (réel, exercice, test)", ""),
    ("imprecision", T, "Imprécision de la localisation", ""),
])

# MTESS monthly statistics: the columns the files share, then each programme's own.
_MONTHS = [f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13)][:21]
_MTESS = [
    ("Caracteristique", T, "Caractéristique décrite (situation familiale, groupe d'âge, région…)", ""),
    ("Valeur", T, "Valeur de la caractéristique", ""),
    ("Demandeurs_asile", INT, "Adultes prestataires demandeurs d'asile", "personnes"),
    ("NHC_moins_5ans", INT, "Adultes nés hors Canada, arrivés depuis moins de 5 ans", "personnes"),
    ("NHC_5ans_et_plus", INT, "Adultes nés hors Canada, arrivés depuis 5 ans ou plus", "personnes"),
    ("Femmes", INT, "Femmes prestataires", "personnes"),
    ("Hommes", INT, "Hommes prestataires", "personnes"),
    ("Moins_de_25ans", INT, "Adultes prestataires de moins de 25 ans", "personnes"),
    ("Durcon_moins_2ans", INT, "Adultes à l'aide depuis moins de 2 ans sans interruption", "personnes"),
    ("Age_moyen", N, "Âge moyen des adultes prestataires", "années"),
    ("Duree_cumul_moyenne", N, "Durée cumulative moyenne de présence à l'aide", "mois"),
    ("Total (H+F)", INT, "Adultes prestataires, femmes et hommes", "personnes"),
]
_LIMITATIONS = [
    ("Visuel", INT, "Adultes dont la contrainte sévère est visuelle", "personnes"),
    ("Auditif_et_parole", INT, "Adultes dont la contrainte sévère touche l'audition ou la parole", "personnes"),
    ("Intellect_apprentissage", INT, "Adultes dont la contrainte sévère est intellectuelle ou d'apprentissage",
     "personnes"),
    ("Sante_mentale", INT, "Adultes dont la contrainte sévère relève de la santé mentale", "personnes"),
    ("Physique", INT, "Adultes dont la contrainte sévère est physique", "personnes"),
    ("Autres", INT, "Adultes dont la contrainte relève d'un autre diagnostic ou motif", "personnes"),
    ("Total_NHC", INT, "Adultes nés hors Canada, toutes durées de séjour", "personnes"),
    ("Conjoints_sans_CSE", INT, "Conjoints sans contraintes sévères à l'emploi", "personnes"),
]
MTESS_ADULTS = _entries(_MTESS + _LIMITATIONS + [
    ("Sans_contraintes", INT, "Adultes sans contraintes à l'emploi", "personnes"),
    ("Etat_de_sante", INT, "Adultes avec contraintes temporaires pour raison de santé", "personnes"),
    ("Gross_enfant_charge", INT, "Adultes avec contraintes temporaires : grossesse ou enfant à charge", "personnes"),
    ("Enfant_handicape", INT, "Adultes avec contraintes temporaires : enfant handicapé à charge", "personnes"),
    ("Age", INT, "Adultes avec contraintes temporaires en raison de l'âge (58 ans et plus)", "personnes"),
])
MTESS_SHEETS = _entries(_MTESS + [
    ("Programme objectif emploi", T, "Titre de la feuille (texte de présentation)", ""),
    ("Situation", T, "Situation familiale des participants", ""),
    ("Sexe", T, "Sexe des participants", ""),
    ("Age", T, "Groupe d'âge des participants", ""),
    ("Scolarité", T, "Scolarité des participants", ""),
    ("Diplôme obtenu", T, "Diplôme le plus élevé obtenu", ""),
    ("Durée cumulative", T, "Tranche de durée cumulative à l'aide", ""),
    ("colonne_1", T, "Catégorie décrite (colonne sans en-tête dans la feuille)", ""),
    ("Région", T, "Région administrative des participants", ""),
] + [(month, INT, f"Participants au programme en {month} (mois AAAA-MM)", "personnes") for month in _MONTHS])
MTESS_DIAGNOSES = _entries([("Diagnostic", T, "Diagnostic de contrainte sévère à l'emploi", "")]
                           + [(month, T, f"Adultes prestataires du Programme de revenu de base en {month} (mois "
                                         "AAAA-MM) ; la dernière colonne contient des erreurs Excel (#REF!)",
                               "personnes") for month in _MONTHS])

DISTRICTS_SOCIO = _entries([
    ("id", INT, "Numéro du quartier", ""),
    ("Q_socio", T, "Nom du quartier sociologique", ""),
    ("Arrondissement", T, "Arrondissement ou ville liée", ""),
    ("Abrev", T, "Abréviation du nom du quartier", ""),
    ("nbr_RUI", INT, "Démarches de revitalisation urbaine intégrée (RUI) dans le quartier", "démarches"),
    ("Table", T, "Table de concertation de quartier", ""),
    ("geometry", T, "Contour du quartier (géométrie)", ""),
])
ROAD_SECTIONS = _entries([
    ("section", T, "Numéro de la section de route (MTMD)", ""),
    ("nom", T, "Nom de la route (autoroute 55, route 111…)", ""),
    ("type", T, "Type de chaussée (route, bretelle…)", ""),
    ("debut", T, "Début de la section (intersection ou repère)", ""),
    ("fin", T, "Fin de la section (intersection ou repère)", ""),
    ("dg", N, "Code de la direction générale territoriale du ministère", ""),
    ("dt", N, "Code de la direction territoriale", ""),
    ("cs", N, "Code du centre de services", ""),
    ("municipalite", T, "Municipalité où se trouve la section", ""),
])
ROAD_REGIONS = _entries([
    ("colonne_1", INT, "Numéro de ligne (index sans en-tête ajouté à l'export)", ""),
    ("num_sectn_", T, "Numéro de la section de route (MTMD)", ""),
    ("RES_NM_REG", T, "Région administrative de la section (« Intersection : A + B » quand elle en touche deux)", ""),
])

BY_FILE = {
    "tdhock-montreal-velos/PAC13_p02_Accidents_Cyclistes_2013.csv": _accidents(4),
    "tdhock-montreal-velos/PAC13_p02_Accidents_Cyclistes_2014.csv": _accidents(9),
    "gatineau-fire-hydrant/borne_fontaine.csv": GATINEAU_HYDRANTS,
    "gatineau-fire-hydrant/decoupage_administratif.csv": GATINEAU_DISTRICTS,
    "gatineau-fire-hydrant/lieu_publique.csv": GATINEAU_PLACES,
    "gatineau-fire-hydrant/voie_publique.csv": GATINEAU_STREETS,
    "tdhock-montreal-velos/2010.csv": BIKES_2010,
    "tdhock-montreal-velos/2012.csv": BIKES_2012,
    "tdhock-montreal-velos/2013.csv": BIKES_2013,
    "tdhock-montreal-velos/defivelomtl/Comptages-cyclistes-automatiques-par-boucles-de-detection/"
    "comptagesvelo2015.csv": BIKES_2015,
    "tdhock-montreal-velos/defivelomtl/Comptages-cyclistes-automatiques-par-boucles-de-detection/"
    "localisationcompteursvelo2015.csv": COUNTER_LOCATIONS,
    "pandas-cookbook/bikes.csv": BIKES_2012,
    "jhroy-seao/contrats-nb3.csv": SEAO_CONTRACTS,
    "jhroy-960forages/960forages.csv": WELLS,
    "hackqc2018/historique_alertes.csv": ALERTS,
    "montreal-geojson/quartiers-sociologiques.json": DISTRICTS_SOCIO,
    "opendataquebec-traffic/section_type.csv": ROAD_SECTIONS,
    "opendataquebec-traffic/section_and_region_administrative.csv": ROAD_REGIONS,
    "mtess-stats/Donnes-OE.xlsx": MTESS_SHEETS,
    "mtess-stats/Donnees-PRB.csv": MTESS_DIAGNOSES,
}
for _month in ("202506", "202507", "202508"):
    BY_FILE[f"mtess-stats/2025/PRB/prb-adultes-{_month}.csv"] = MTESS_ADULTS
for _month in range(1, 9):
    BY_FILE[f"mtess-stats/2025/Tous-programmes/afdr-adultes-2025{_month:02d}.csv"] = MTESS_ADULTS
for _path in ("mtess-stats/2025/PSS/ss-adultes-202508.csv", "mtess-stats/2025/Objectif-Emploi/oe-adultes-202508.csv",
              "mtess-stats/2025/PAS/as-adultes-202508.csv"):
    BY_FILE[_path] = MTESS_ADULTS

# Geographic files: the datastore reads their attributes, and the geometry as a column of its own.
_GEOMETRY = ("geometry", T, "Géométrie de l'objet (GeoJSON, WGS 84), affichée sur la carte", "")
MURALS = _entries([
    ("id", INT, "Numéro de la murale", ""),
    ("vignette", T, "Adresse de la vignette (petite image) de la murale", ""),
    ("fichier", T, "Nom du fichier de la photo", ""),
    ("artiste", T, "Artiste ou collectif qui a réalisé la murale", ""),
    ("organisation", T, "Organisme qui a porté le projet", ""),
    ("adresse", T, "Adresse de la murale", ""),
    ("annee", INT, "Année de réalisation", "année"),
    ("arrondissement", T, "Arrondissement où se trouve la murale", ""),
    ("programme_entente", T, "Programme ou entente qui a financé la murale", ""),
    ("latitude", N, "Latitude de la murale (WGS 84)", "degrés"),
    ("longitude", N, "Longitude de la murale (WGS 84)", "degrés"),
    ("image", T, "Adresse de la photo de la murale", ""),
    _GEOMETRY,
])
PEDESTRIAN_STREETS = _entries([
    ("ID_PROJET", T, "Identifiant du projet de rue piétonne", ""),
    ("TYPE_AXE", T, "Type de voie (avenue, rue, ruelle…)", ""),
    ("TOPONYME", T, "Nom de la voie", ""),
    ("NOM_PROJET", T, "Nom du projet", ""),
    ("DATE_OUVERTURE", T, "Date d'ouverture de la rue piétonne (AAAA-MM-JJ)", ""),
    ("ANNEE_IMPLANTATION_1", T, "Année de la première phase d'aménagement", ""),
    ("ANNEE_IMPLANTATION_2", T, "Année de la deuxième phase d'aménagement", ""),
    ("ARRONDISSEMENT", T, "Arrondissement", ""),
    ("HIERARCHIE_ROUTIERE", T, "Hiérarchie routière de la voie (locale, collectrice…)", ""),
    ("VOIE_CYCLABLE", T, "Voie cyclable sur la rue (Oui ou Non)", ""),
    ("VOIE_CYCLABLE_AXES_ADJACENTS", T, "Voie cyclable sur les rues voisines (Oui ou Non)", ""),
    ("PASSAGE_BUS", T, "Passage d'autobus sur la rue (Oui ou Non)", ""),
    ("PASSAGE_BUS_AXES_ADJACENTS", T, "Passage d'autobus sur les rues voisines (Oui ou Non)", ""),
    ("TYPE_SITE_INTERVENTION", T, "Type de site de l'intervention (rue près d'un parc, commerciale…)", ""),
    ("TYPE_REPARTAGE", T, "Type de partage de la rue (piétonnisation complète, partagée…)", ""),
    ("MODE_IMPLANTATION", T, "Mode d'aménagement (permanent, saisonnier, temporaire)", ""),
    ("PROGRAMME", T, "Projet issu du programme de rues piétonnes (Oui ou Non)", ""),
    ("LIMITES_1", T, "Première limite du tronçon (rue transversale)", ""),
    ("LIMITES_2", T, "Seconde limite du tronçon (rue transversale)", ""),
    ("LONGUEUR_TRONCON", N, "Longueur du tronçon", "m"),
    ("PHOTO", T, "Adresse d'une photo du lieu", ""),
    ("CREDIT_PHOTO", T, "Auteur ou détenteur des droits de la photo", ""),
    ("OBJECTIF_THEMATIQUE", T, "Usages visés par l'aménagement (pique-nique, jeu, lecture…)", ""),
    ("ATTRAIT", T, "Lieux d'intérêt voisins (parcs, places…)", ""),
    ("LATITUDE", N, "Latitude du point représentatif (WGS 84)", "degrés"),
    ("LONGITUDE", N, "Longitude du point représentatif (WGS 84)", "degrés"),
    ("X", N, "Coordonnée X du point en MTM zone 8 (NAD83)", "m"),
    ("Y", N, "Coordonnée Y du point en MTM zone 8 (NAD83)", "m"),
    _GEOMETRY,
])
BIKE_NETWORK = _entries([
    ("ID_TRC_GEO", N, "Identifiant du tronçon dans la géobase de Montréal", ""),
    ("TYPE_VOIE", INT, "Type de voie cyclable (code de la Ville : bande, piste, chaussée désignée…)", ""),
    ("TYPE_VOIE2", INT, "Second type de voie cyclable sur le tronçon (code ; 0 : aucun)", ""),
    ("LONGUEUR", INT, "Longueur du tronçon", "m"),
    ("NBR_VOIE", INT, "Nombre de voies cyclables (1 : un sens, 2 : deux sens)", "voies"),
    ("SEPARATEUR", T, "Type de séparateur (code de la Ville : M mail, D délinéateur, P peinture…)", ""),
    ("SAISONS4", T, "Voie ouverte en toutes saisons (OUI ou NON)", ""),
    ("PROTEGE_4S", T, "Voie protégée et déneigée en toutes saisons (OUI ou NON)", ""),
    ("Ville_MTL", T, "Tronçon sur le territoire de la Ville de Montréal (OUI ou NON)", ""),
    ("NOM_ARR_VI", T, "Arrondissement ou ville liée", ""),
    ("ID2020", N, "Identifiant du tronçon dans l'inventaire de 2020", ""),
    _GEOMETRY,
])
ELECTORAL_DISTRICTS = _entries([
    ("NM_ARON", T, "Nom de l'arrondissement", ""),
    ("NO_ARON", T, "Numéro de l'arrondissement", ""),
    ("NO_DIS", T, "Numéro du district électoral", ""),
    ("NM_DIS", T, "Nom du district électoral", ""),
    ("NMTRI_DIS", T, "Nom du district pour le tri alphabétique", ""),
    ("NMTRI_ARON", T, "Nom de l'arrondissement pour le tri alphabétique", ""),
    ("MODE_SUFRG", T, "Mode de scrutin du district", ""),
    ("CO_MUNCP", T, "Code géographique de la municipalité", ""),
    ("NM_MUNCP", T, "Nom de la municipalité", ""),
    ("CO_DESIGN", T, "Code de désignation de la municipalité (V : ville…)", ""),
    ("geometry", T, "Contour du district (reprojeté du Québec Lambert vers WGS 84)", ""),
])
BY_FILE.update({
    "montreal-geojson/murales.geojson": MURALS,
    "montreal-geojson/rue-pietonnes.geojson": PEDESTRIAN_STREETS,
    "montreal-geojson/reseau-cyclable.geojson": BIKE_NETWORK,
    "represent-canada-data/montreal-districts/merge.shp": ELECTORAL_DISTRICTS,
    "gatineau-fire-hydrant/decoupage_administratif.shp": _entries([
        ("geometry", T, "Géométrie du secteur (le .shp livré seul n'a pas d'attributs lisibles)", "")]),
})
