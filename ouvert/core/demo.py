"""Demo data drawn from Québec's open-government action plans (see ../shared/seeds).

``demo_load`` is idempotent: each part loads only what is missing. Domain apps extend the demo by
defining ``demo_load(stdout)`` on their AppConfig; it runs after the organizations exist."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from . import actors
from .audit import audit_record
from .hooks import app_hooks
from .models import Membership, Organization, OrganizationKind, Role, User

DEMO_PASSWORD = "demo-ouvert-2026"  # noqa: S105 — published demo accounts only

M, P, MU, C = (OrganizationKind.MINISTRY, OrganizationKind.PUBLIC_BODY, OrganizationKind.MUNICIPALITY,
               OrganizationKind.CIVIL_SOCIETY)

# slug, kind, acronym, French name, English name, website, French description
ORGANIZATIONS = [
    ("sct", M, "SCT", "Secrétariat du Conseil du trésor", "Treasury Board Secretariat",
     "https://www.quebec.ca/gouvernement/ministeres-organismes/secretariat-conseil-tresor",
     "Coordonne la démarche de gouvernement ouvert et les plans d'action de l'État québécois."),
    ("mce", M, "MCE", "Ministère du Conseil exécutif", "Ministère du Conseil exécutif",
     "https://www.quebec.ca/gouvernement/ministeres-organismes/conseil-executif",
     "Membre du Comité en gouvernement ouvert pour les organismes publics."),
    ("mcn", M, "MCN", "Ministère de la Cybersécurité et du Numérique",
     "Ministère de la Cybersécurité et du Numérique", "https://www.quebec.ca/gouvernement/ministeres-organismes/cybersecurite-numerique",
     "Responsable de la transformation numérique gouvernementale."),
    ("mtess", M, "MTESS", "Ministère du Travail, de l'Emploi et de la Solidarité sociale",
     "Ministry of Labour, Employment and Social Solidarity", "https://www.quebec.ca/gouvernement/ministeres-organismes/travail-emploi-solidarite-sociale",
     "Publie les statistiques mensuelles de l'aide financière de dernier recours."),
    ("mtmd", M, "MTMD", "Ministère des Transports et de la Mobilité durable",
     "Ministry of Transport and Sustainable Mobility", "https://www.quebec.ca/gouvernement/ministeres-organismes/transports-mobilite-durable",
     "Publie notamment les débits de circulation du réseau routier."),
    ("msp", M, "MSP", "Ministère de la Sécurité publique", "Ministry of Public Security",
     "https://www.quebec.ca/gouvernement/ministeres-organismes/securite-publique",
     "Publie l'historique des alertes et des événements de sécurité civile."),
    ("banq", P, "BAnQ", "Bibliothèque et Archives nationales du Québec",
     "Bibliothèque et Archives nationales du Québec", "https://www.banq.qc.ca",
     "Membre du Comité en gouvernement ouvert; pilote de la priorisation des données culturelles à ouvrir."),
    ("frqnt", P, "FRQNT", "Fonds de recherche du Québec — Nature et technologies",
     "Fonds de recherche du Québec — Nature and Technology", "https://frq.gouv.qc.ca",
     "Finance la recherche en sciences naturelles, mathématiques et génie."),
    ("frqs", P, "FRQS", "Fonds de recherche du Québec — Santé", "Fonds de recherche du Québec — Health",
     "https://frq.gouv.qc.ca", "Finance la recherche en santé."),
    ("frqsc", P, "FRQSC", "Fonds de recherche du Québec — Société et culture",
     "Fonds de recherche du Québec — Society and Culture", "https://frq.gouv.qc.ca",
     "Finance la recherche en sciences sociales et humaines, arts et lettres."),
    ("itq", P, "ITQ", "Infrastructures technologiques Québec", "Infrastructures technologiques Québec",
     "https://www.quebec.ca", "Partenaire du SCT pour le processus simplifié de micro-acquisitions."),
    ("seao", P, "SEAO", "Système électronique d'appel d'offres", "Electronic Tendering System",
     "https://seao.gouv.qc.ca", "Publie les avis d'appels d'offres et de contrats des organismes publics."),
    ("gatineau", MU, "", "Ville de Gatineau", "City of Gatineau", "https://www.gatineau.ca",
     "Partenaire fondateur du portail Données Québec."),
    ("laval", MU, "", "Ville de Laval", "City of Laval", "https://www.laval.ca",
     "Partenaire fondateur du portail Données Québec."),
    ("montreal", MU, "", "Ville de Montréal", "City of Montréal", "https://montreal.ca",
     "Partenaire fondateur du portail Données Québec."),
    ("quebec", MU, "", "Ville de Québec", "Québec City", "https://www.ville.quebec.qc.ca",
     "Partenaire fondateur du portail Données Québec."),
    ("sherbrooke", MU, "", "Ville de Sherbrooke", "City of Sherbrooke", "https://www.sherbrooke.ca",
     "Partenaire fondateur du portail Données Québec."),
    ("udes-bvp", C, "", "Bureau de la valorisation et des partenariats de l'Université de Sherbrooke",
     "Université de Sherbrooke — Office of Partnerships", "https://www.usherbrooke.ca",
     "Membre du Comité en gouvernement ouvert (société civile)."),
    ("ulaval-chaire-ssn", C, "", "Chaire de leadership en enseignement des sciences sociales numériques "
     "(Université Laval)", "Leadership Chair in Digital Social Sciences Teaching (Université Laval)",
     "https://www.ulaval.ca", "Membre du Comité en gouvernement ouvert (société civile)."),
    ("enap-chaire", C, "", "Chaire de recherche en exploitation des ressources informationnelles (ENAP)",
     "Research Chair in Information Resources (ENAP)", "https://enap.ca",
     "Membre du Comité en gouvernement ouvert (société civile)."),
    ("cyberjustice", C, "", "Laboratoire de cyberjustice (Université de Montréal)",
     "Cyberjustice Laboratory (Université de Montréal)", "https://www.cyberjustice.ca",
     "Membre du Comité en gouvernement ouvert (société civile)."),
    ("oqi", C, "OQI", "Observatoire québécois des inégalités", "Québec Observatory on Inequalities",
     "https://www.observatoiredesinegalites.com", "Membre du Comité en gouvernement ouvert (société civile)."),
    ("quebec-numerique", C, "", "Québec numérique", "Québec numérique", "https://quebecnumerique.com",
     "Membre du Comité en gouvernement ouvert (société civile)."),
    ("reed", C, "", "Réseau d'expertise en éthique des données", "Data Ethics Expertise Network",
     "https://www.quebec.ca", "Membre du Comité en gouvernement ouvert (société civile)."),
    ("votepour", C, "", "Votepour.ca", "Votepour.ca", "https://votepour.ca",
     "Membre du Comité en gouvernement ouvert (société civile)."),
]

# e-mail, full name, site admin?, [(organization slug, role, open-government contact?)]
USERS = [
    ("admin@demo.ouvert.quebec", "Administratrice du site", True, []),
    ("admin.sct@demo.ouvert.quebec", "Hélène Tremblay", False, [("sct", Role.ADMIN, True)]),
    ("editeur.sct@demo.ouvert.quebec", "Marc Gagnon", False, [("sct", Role.EDITOR, False)]),
    ("membre.sct@demo.ouvert.quebec", "Sophie Roy", False, [("sct", Role.MEMBER, False)]),
    ("repondant.banq@demo.ouvert.quebec", "Julie Côté", False, [("banq", Role.ADMIN, True)]),
    ("editeur.montreal@demo.ouvert.quebec", "Karim Haddad", False, [("montreal", Role.EDITOR, False)]),
    ("admin.montreal@demo.ouvert.quebec", "Nathalie Bouchard", False, [("montreal", Role.ADMIN, True)]),
    ("editeur.gatineau@demo.ouvert.quebec", "Pierre Lavoie", False, [("gatineau", Role.EDITOR, False)]),
    ("admin.frq@demo.ouvert.quebec", "Amélie Fortin", False,
     [("frqnt", Role.ADMIN, True), ("frqs", Role.ADMIN, True), ("frqsc", Role.ADMIN, True)]),
    ("admin.itq@demo.ouvert.quebec", "Louis Pelletier", False, [("itq", Role.ADMIN, True)]),
    ("oqi@demo.ouvert.quebec", "Mathieu Bélanger", False, [("oqi", Role.ADMIN, False)]),
    ("citoyen@demo.ouvert.quebec", "Camille Morin", False, []),
]


@transaction.atomic
def _core_load() -> bool:
    if Organization.objects.filter(slug="sct").exists():
        return False
    for slug, kind, acronym, name_fr, name_en, website, description in ORGANIZATIONS:
        org = Organization.objects.create(slug=slug, kind=kind, acronym=acronym, name_fr=name_fr,
                                          name_en=name_en, website=website, description_fr=description)
        audit_record(actor=actors.DEMO, action="organization.create", obj=org, organization=org,
                     changes={"name_fr": [None, name_fr]})
    for email, name, site_admin, memberships in USERS:
        if User.objects.filter(email=email).exists():
            continue
        if site_admin:
            user = User.objects.create_superuser(email=email, password=DEMO_PASSWORD, full_name=name)
        else:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        for slug, role, contact in memberships:
            Membership.objects.create(user=user, organization=Organization.objects.get(slug=slug),
                                      role=role, is_open_gov_contact=contact)
    return True


def demo_load(stdout=None, *, only: Collection[str] | None = None) -> bool:
    """The whole demo, or with ``only`` (app labels), the organizations and accounts and those apps'
    parts alone: a test of one app's demo need not load every other app's files and tables."""
    loaded = _core_load()
    hooks = app_hooks("demo_load")
    unknown = set(only or ()) - set(hooks)
    if unknown:
        raise KeyError(f"no demo for {', '.join(sorted(unknown))}; known: {', '.join(hooks)}")
    for label, loader in hooks.items():
        if label != "core" and (only is None or label in only):
            loaded = bool(loader(stdout=stdout)) or loaded
    return loaded
