"""Ten more demo consultations, so the public list looks like a platform in use: several bodies
(ministries, public bodies, municipalities, civil society), every phase (upcoming, open, in analysis,
closed with results), each with a short questionnaire and, once opened, answers. Our own wording,
on subjects these bodies consult on. Idempotent: each consultation is added once, by title."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ouvert.core.models import Organization, User

from . import services
from .models import Answer, Consultation, Participation, QuestionKind


@dataclass(frozen=True)
class Planned:
    org: str
    by: str  # e-mail of a demo editor or administrator of ``org``
    title: str
    summary: str
    topic: str
    region: str
    opens: int  # days from today
    closes: int
    question: str
    choices: tuple[str, ...]
    answers: int = 0  # how many people answered (once opened)
    heard: str = ""  # results, for a closed consultation
    did: str = ""


PLANNED = [
    Planned("gatineau", "editeur.gatineau@demo.ouvert.quebec", "Plan de mobilité durable 2040",
            "La Ville de Gatineau prépare son plan de mobilité pour les vingt prochaines années : transport "
            "collectif, marche, vélo et circulation. Les séances d'information commencent bientôt.",
            "transport", "07", 7, 50, "Comment vous déplacez-vous le plus souvent?",
            ("Autobus", "Voiture", "Vélo", "À pied")),
    Planned("montreal", "editeur.montreal@demo.ouvert.quebec", "Déneigement des trottoirs : vos priorités",
            "Quels trottoirs déneiger en premier? Aidez la Ville à fixer l'ordre des opérations, près des écoles, "
            "des hôpitaux et des arrêts d'autobus.",
            "urban", "06", 14, 60, "Quel lieu doit passer en premier?",
            ("Écoles", "Hôpitaux et cliniques", "Arrêts d'autobus", "Rues commerçantes")),
    Planned("banq", "repondant.banq@demo.ouvert.quebec", "Numériser le patrimoine : quelles collections d'abord?",
            "Bibliothèque et Archives nationales du Québec numérise ses collections. Dites-nous lesquelles ouvrir "
            "en priorité : journaux anciens, cartes, photographies ou archives sonores.",
            "culture", "all", -5, 25, "Quelle collection voulez-vous consulter en ligne d'abord?",
            ("Journaux anciens", "Cartes et plans", "Photographies", "Archives sonores"), answers=34),
    Planned("frqs", "admin.frq@demo.ouvert.quebec", "Données de recherche en santé : les ouvrir sans risque",
            "Le Fonds de recherche du Québec — Santé consulte chercheurs, patients et citoyens sur le partage des "
            "données de recherche : ce qui peut être ouvert, comment protéger la vie privée.",
            "health", "all", -12, 18, "Faut-il ouvrir les données anonymisées des projets financés?",
            ("Oui, toujours", "Oui, sur demande motivée", "Non"), answers=27),
    Planned("montreal", "admin.montreal@demo.ouvert.quebec", "Parcs et îlots de fraîcheur",
            "Où manque-t-il d'ombre et de fraîcheur l'été? Indiquez-nous les rues et les parcs à verdir en "
            "premier dans votre quartier.",
            "environment", "06", -3, 40, "Qu'est-ce qui vous aiderait le plus pendant une canicule?",
            ("Plus d'arbres", "Fontaines et jeux d'eau", "Piscines ouvertes plus tard", "Haltes climatisées"),
            answers=18),
    Planned("itq", "admin.itq@demo.ouvert.quebec", "Micro-acquisitions : simplifier le dépôt des soumissions",
            "Infrastructures technologiques Québec revoit le formulaire de soumission des micro-acquisitions. La "
            "participation est terminée; l'équipe analyse les réponses des PME.",
            "digital", "all", -60, -5, "Combien de temps vous a pris votre dernière soumission?",
            ("Moins d'une heure", "Une demi-journée", "Une journée ou plus"), answers=22),
    Planned("sct", "editeur.sct@demo.ouvert.quebec", "Langage clair dans les communications de l'État",
            "Lettres, formulaires, sites web : le Secrétariat du Conseil du trésor veut savoir ce qui vous empêche "
            "de comprendre les communications gouvernementales. Analyse en cours.",
            "governance", "all", -45, -2, "Avez-vous déjà dû demander de l'aide pour comprendre une lettre?",
            ("Oui, souvent", "Oui, parfois", "Non"), answers=41),
    Planned("oqi", "oqi@demo.ouvert.quebec", "Mesurer les inégalités de revenu par région",
            "L'Observatoire québécois des inégalités a demandé quels indicateurs régionaux publier chaque année.",
            "social", "all", -120, -60, "Quel indicateur vous serait le plus utile?",
            ("Revenu médian", "Écart entre les plus riches et les plus pauvres", "Part des ménages à faible revenu"),
            answers=36,
            heard="Le **revenu médian** et la **part des ménages à faible revenu** reviennent le plus; plusieurs "
                  "réponses demandent des données par MRC, pas seulement par région.",
            did="L'Observatoire publiera ces deux indicateurs chaque printemps, par région et par MRC, en données "
                "ouvertes."),
    Planned("gatineau", "editeur.gatineau@demo.ouvert.quebec", "Budget participatif 2026",
            "Les Gatinois ont proposé et choisi des projets de quartier financés par le budget participatif.",
            "urban", "07", -150, -90, "Quel type de projet soutenez-vous?",
            ("Parcs et jeux", "Sécurité des rues", "Culture", "Environnement"), answers=48,
            heard="Près de la moitié des votes vont aux **parcs et jeux**; la sécurité aux abords des écoles suit.",
            did="Huit projets sont retenus, dont trois parcs réaménagés et deux traverses piétonnes près des écoles; "
                "les travaux commencent au printemps."),
    Planned("frqsc", "admin.frq@demo.ouvert.quebec", "Politique de libre accès : révision",
            "Le Fonds de recherche du Québec — Société et culture a révisé sa politique de diffusion en libre "
            "accès après avoir consulté les chercheurs et les éditeurs.",
            "education", "all", -200, -140, "Quel délai d'embargo est acceptable pour un article?",
            ("Aucun", "6 mois", "12 mois"), answers=30,
            heard="Une majorité de chercheurs accepte la diffusion **sans embargo** si les frais de publication sont "
                  "couverts; les éditeurs demandent 12 mois.",
            did="La politique révisée exige la diffusion immédiate, avec un fonds pour les frais de publication et "
                "une période de transition d'un an."),
]


def _add(plan: Planned, now: dt.datetime, rng: random.Random) -> bool:
    organization = Organization.objects.filter(slug=plan.org).first()
    by = User.objects.filter(email=plan.by).first()
    if organization is None or by is None or Consultation.objects.filter(title=plan.title).exists():
        return False
    opens, closes = now + dt.timedelta(days=plan.opens), now + dt.timedelta(days=plan.closes)
    consultation = services.consultation_create(
        organization=organization, by=by, title=plan.title, summary=plan.summary, body=plan.summary,
        topic=plan.topic, region=plan.region, target_public="Toute la population",
        contact_name=f"Équipe de la consultation — {organization.acronym or organization.name_fr}",
        contact_email=f"consultation@{plan.org}.demo.ouvert.quebec", opens_at=opens, closes_at=closes,
        results_expected_on=(closes + dt.timedelta(days=45)).date(), has_survey=True, allow_anonymous=True,
        consent_text="Réponses anonymes, publiées sous forme agrégée.", purpose_stated=True,
        plain_language=True, feedback_planned=True)
    question = services.question_create(consultation=consultation, by=by, kind=QuestionKind.SINGLE,
                                        label=plan.question, required=True, choices=list(plan.choices))
    services.consultation_publish(consultation=consultation, by=by)
    Consultation.objects.filter(pk=consultation.pk).update(published_at=min(now, opens) - dt.timedelta(days=10))
    if plan.answers:
        last = min(now, closes)
        participations = Participation.objects.bulk_create([
            Participation(consultation=consultation, resume_token=f"demo-{rng.getrandbits(64):x}", consent_given=True,
                          submitted_at=opens + (last - opens) * rng.random())
            for _ in range(plan.answers)])
        Answer.objects.bulk_create([Answer(participation=p, question=question, value=rng.choice(plan.choices))
                                    for p in participations])
    if plan.heard:
        consultation.refresh_from_db()
        services.consultation_publish_results(consultation=consultation, by=by, what_we_heard=plan.heard,
                                              what_we_did=plan.did)
    return True


@transaction.atomic
def demo_load_more() -> int:
    """Add the consultations of :data:`PLANNED` not there yet; how many were added."""
    now = timezone.now()
    rng = random.Random(2026)  # noqa: S311 — demo answers, not security
    return sum(_add(plan, now, rng) for plan in PLANNED)
