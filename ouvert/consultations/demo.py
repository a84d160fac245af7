"""Demo consultations by demo organizations (facts from ../shared/seeds; our own wording)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ouvert.core.models import Organization, User

from . import services
from .models import Consultation, Event, Participation, Proposal, ProposalStatus, QuestionKind

SCT_BODY = """Le Québec a adhéré au Partenariat pour un gouvernement ouvert en octobre 2020. Le prochain
plan d'action doit s'appuyer sur les quatre volets de l'approche : **transparence**, **participation**,
**collaboration** et **innovation**.

Le plan d'action 2021-2023 comptait cinq engagements, dont la diffusion de données ouvertes, la
simplification des micro-acquisitions en technologies de l'information, l'accès libre aux publications
de la recherche financée par les Fonds de recherche du Québec et une plateforme de consultation publique
commune aux ministères et organismes.

Nous voulons savoir quelles priorités retenir pour le prochain plan, et comment vous souhaitez être
associés à son suivi."""

MTL_BODY = """La Ville de Montréal prépare la prochaine phase de son réseau cyclable. Nous souhaitons
connaître vos déplacements, les obstacles que vous rencontrez et les liens qui manquent, été comme hiver.

Les propositions qui recueillent le plus d'appuis seront étudiées par l'équipe de la mobilité, qui
répondra à chacune publiquement."""


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def demo_load(stdout=None) -> bool:
    """The two detailed consultations, then the ten of :mod:`.demo_more` (each part adds only what is missing)."""
    from .demo_more import demo_load_more

    loaded = _load_detailed(stdout)
    added = demo_load_more()
    if added and stdout:
        stdout.write(f"Consultations de démonstration : {added} de plus, à toutes les étapes.")
    return loaded or bool(added)


@transaction.atomic
def _load_detailed(stdout=None) -> bool:
    if Consultation.objects.filter(title="Plan d'action pour un gouvernement ouvert : vos priorités").exists():
        return False
    sct = Organization.objects.filter(slug="sct").first()
    montreal = Organization.objects.filter(slug="montreal").first()
    editor, mtl_editor = _user("editeur.sct@demo.ouvert.quebec"), _user("editeur.montreal@demo.ouvert.quebec")
    citizen = _user("citoyen@demo.ouvert.quebec")
    if not (sct and montreal and editor and mtl_editor):
        return False
    now = timezone.now()
    rng = random.Random(2021)  # noqa: S311 — demo answers, not security

    plan = services.consultation_create(
        organization=sct, by=editor, title="Plan d'action pour un gouvernement ouvert : vos priorités",
        summary="Aidez le Secrétariat du Conseil du trésor à choisir les engagements du prochain plan d'action "
                "pour un gouvernement ouvert, et à définir comment la population suivra sa mise en œuvre.",
        body=SCT_BODY, topic="governance", target_public="Toute la population, organismes de la société civile",
        region="all", contact_name="Direction du gouvernement ouvert",
        contact_email="gouvernement.ouvert@demo.ouvert.quebec",
        opens_at=now - dt.timedelta(days=10), closes_at=now + dt.timedelta(days=35),
        results_expected_on=(now + dt.timedelta(days=90)).date(), has_survey=True, has_proposals=True,
        has_discussion=True, has_briefs=True, allow_anonymous=True, ask_demographics=True,
        consent_text="Vos réponses servent uniquement à préparer le plan d'action. Elles sont publiées sous forme "
                     "agrégée et anonymisée; vous pouvez demander leur suppression.",
        purpose_stated=True, plain_language=True, documents_accessible=True, feedback_planned=True)
    q_values = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.RANKING,
        label="Classez ces volets selon leur importance pour vous",
        required=True, choices=["Transparence", "Participation", "Collaboration", "Innovation"])
    q_data = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.SCALE,
        label="Les données ouvertes de l'État vous sont-elles utiles?",
        required=True, scale_min=1, scale_max=5, scale_min_label="Pas du tout", scale_max_label="Tout à fait")
    q_used = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.SINGLE,
        label="Avez-vous déjà participé à une consultation publique en ligne?",
        required=True, choices=["Oui", "Non"])
    q_how = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.MULTIPLE, label="Comment y avez-vous participé?",
        choices=["Questionnaire", "Proposition", "Commentaire", "Mémoire", "Rencontre en personne"],
        condition_question=q_used, condition_value="Oui")
    q_themes = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.MATRIX, page=2,
        label="Quelle priorité donner à ces engagements possibles?", required=True,
        rows=["Publier plus de données ouvertes", "Simplifier les micro-acquisitions en TI",
              "Accès libre aux publications de recherche"],
        choices=["Faible", "Moyenne", "Élevée"])
    q_idea = services.question_create(
        consultation=plan, by=editor, kind=QuestionKind.LONG_TEXT, page=2,
        label="Quel engagement aimeriez-vous voir dans le prochain plan?")
    services.event_create(
        consultation=plan, by=editor, title="Atelier citoyen — Québec",
        description="Atelier en petits groupes sur les priorités du plan.",
        starts_at=now + dt.timedelta(days=12, hours=2), ends_at=now + dt.timedelta(days=12, hours=5),
        place="Salle communautaire", address="875, Grande Allée Est, Québec",
        accessibility="Accès sans marche, toilettes adaptées, interprétation en LSQ sur demande 5 jours avant.",
        capacity=40)
    services.consultation_publish(consultation=plan, by=editor)
    ideas = ["Publier les données de dépenses chaque mois, en format ouvert",
             "Un tableau de bord public du suivi des engagements, mis à jour chaque trimestre",
             "Former les fonctionnaires au langage clair et aux données ouvertes",
             "Des données ouvertes sur les délais d'attente des services publics",
             "Associer la société civile au suivi du plan par un comité public"]
    for i in range(60):
        order = ["Transparence", "Participation", "Collaboration", "Innovation"]
        rng.shuffle(order)
        used = rng.choice(["Oui", "Non"])
        answers = {q_values.field_name: order, q_data.field_name: rng.randint(2, 5), q_used.field_name: used,
                   q_themes.field_name: {r: rng.choice(["Moyenne", "Élevée", "Élevée",
                       "Faible"]) for r in q_themes.rows}}
        if used == "Oui":
            answers[q_how.field_name] = rng.sample(q_how.choices, rng.randint(1, 2))
        if i % 3 == 0:
            answers[q_idea.field_name] = rng.choice(ideas)
        participation = services.participation_submit_all(
            consultation=plan, user=None, answers=answers,
            channel="online" if i < 50 else "in_person", by=editor if i >= 50 else None, consent=True,
            demographics={"age_band": rng.choice(["18-34", "35-54", "55-74"]), "region": rng.choice(["03", "06", "05"]),
                          "gender": rng.choice(["woman", "man"])})
        if i % 4 == 0:
            services.participation_rate(participation=participation, satisfaction=rng.randint(3, 5))
    if citizen:
        proposal = services.proposal_create(
            consultation=plan, by=citizen, title="Un baromètre public des engagements",
            body="Afficher en continu l'avancement de chaque jalon, avec les indicateurs.")
        services.proposal_support(proposal=proposal, by=citizen)
        services.comment_create(consultation=plan, by=citizen, body="Merci de consulter aussi hors des grands centres.")
        services.consultation_follow(consultation=plan, by=citizen)

    bikes = services.consultation_create(
        organization=montreal, by=mtl_editor, title="Réseau cyclable : les liens qui manquent",
        summary="Dites-nous où le réseau cyclable montréalais doit s'étendre et ce qui vous empêche de vous "
                "déplacer à vélo en toute saison.",
        body=MTL_BODY, topic="transport", target_public="Cyclistes, piétons, automobilistes, commerçants",
        region="06", contact_name="Service de l'urbanisme et de la mobilité", contact_email="velo@demo.ouvert.quebec",
        opens_at=now - dt.timedelta(days=70), closes_at=now - dt.timedelta(days=20),
        results_expected_on=(now - dt.timedelta(days=5)).date(), has_survey=True, has_proposals=True,
        allow_anonymous=True, consent_text="Réponses anonymes, publiées sous forme agrégée.",
        purpose_stated=True, plain_language=True, feedback_planned=True)
    q_freq = services.question_create(
        consultation=bikes, by=mtl_editor, kind=QuestionKind.SINGLE,
        label="À quelle fréquence vous déplacez-vous à vélo?",
        required=True, choices=["Tous les jours", "Chaque semaine", "Rarement", "Jamais"])
    q_winter = services.question_create(
        consultation=bikes, by=mtl_editor, kind=QuestionKind.SINGLE, label="Roulez-vous l'hiver?",
        choices=["Oui", "Non"])
    q_km = services.question_create(
        consultation=bikes, by=mtl_editor, kind=QuestionKind.NUMBER, label="Distance de votre trajet habituel (km)")
    q_obstacle = services.question_create(
        consultation=bikes, by=mtl_editor, kind=QuestionKind.SHORT_TEXT, label="Quel est le principal obstacle?")
    Consultation.objects.filter(pk=bikes.pk).update(opens_at=now - dt.timedelta(days=70))
    bikes.published_at = now - dt.timedelta(days=75)
    bikes.save(update_fields=["published_at"])
    obstacles = ["Pistes interrompues aux intersections", "Déneigement des pistes en hiver",
                 "Manque de stationnements pour vélos", "Vitesse des voitures sur les rues locales",
                 "Pistes non déneigées et intersections dangereuses"]
    for _i in range(80):
        participation = Participation.objects.create(consultation=bikes, resume_token=f"demo-{rng.getrandbits(64):x}",
                                                     consent_given=True, submitted_at=now - dt.timedelta(days=30))
        from .models import Answer

        Answer.objects.bulk_create([
            Answer(participation=participation, question=q_freq, value=rng.choice(q_freq.choices)),
            Answer(participation=participation, question=q_winter, value=rng.choice(["Oui", "Non", "Non"])),
            Answer(participation=participation, question=q_km, value=round(rng.uniform(1, 15), 1)),
            Answer(participation=participation, question=q_obstacle, value=(t := rng.choice(obstacles)), text=t),
        ])
    if citizen:
        link = Proposal.objects.create(consultation=bikes, author=citizen,
        title="Relier le REV Saint-Denis au parc Jarry",
                                       body="Un lien protégé de 800 m manque entre les deux axes.")
        services.proposal_answer(proposal=link, by=mtl_editor, status=ProposalStatus.ACCEPTED,
                                 answer="Ce lien sera aménagé l'an prochain; les travaux seront annoncés au printemps.")
    Event.objects.create(consultation=bikes, title="Soirée d'information — Rosemont",
    starts_at=now - dt.timedelta(days=40),
                         ends_at=now - dt.timedelta(days=40, hours=-2), place="Maison de la culture", capacity=120,
                         attendance=85, accessibility="Salle accessible en fauteuil roulant.")
    services.consultation_publish_results(
        consultation=bikes, by=mtl_editor,
        what_we_heard="Les **intersections** et le **déneigement** reviennent dans plus de la moitié des réponses. "
                      "Les personnes qui roulent l'hiver demandent un réseau quatre saisons continu.",
        what_we_did="Trois intersections seront réaménagées en priorité et le déneigement de l'axe Saint-Denis passera "
                    "au niveau de priorité des artères. Le lien vers le parc Jarry est retenu.")
    from .publishing import consultation_open_data_publish

    consultation_open_data_publish(consultation=bikes, by=mtl_editor)
    services.service_create(organization=sct, by=editor, name="Portail Données Québec",
                            description="Recherche et téléchargement de données ouvertes.")
    if stdout:
        stdout.write("Consultations de démonstration chargées.")
    return True
