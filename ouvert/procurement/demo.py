"""Demo micro-acquisitions: calls in each state the pages cover, suppliers, questions and answers,
sealed bids, an evaluated, debriefed and awarded call. Wording is ours; organizations and people
come from :mod:`ouvert.core.demo` (suppliers' people are added here).

Calls whose deadline is already past are written as history: the call is published as of a past
date, its bids are sealed to that past deadline's key with the real sealing code, then opened by
the real opening service, so the demo exercises the same cryptography as the site."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ouvert.core.actors import DEMO
from ouvert.core.demo import DEMO_PASSWORD
from ouvert.core.models import Organization, User

from . import custodian, delivery, evaluation, sealing, services
from .models import Bid, Call, CallState, Supplier

PUBLICCODE = """publiccodeYmlVersion: "0.4"
name: Carte des chantiers
url: https://depot.exemple.quebec/montreal/carte-chantiers
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
description:
  fr:
    shortDescription: Carte libre et accessible des chantiers routiers.
    longDescription: >
      Une carte interactive des chantiers routiers alimentée par les données ouvertes de la Ville,
      avec une liste textuelle équivalente pour les lecteurs d'écran, des filtres par arrondissement
      et un export des chantiers en cours, publiée sous licence libre pour être réutilisée.
    features: [carte des chantiers, liste accessible, export CSV]
legal:
  license: LiLiQ-R-1.1
maintenance:
  type: contract
localisation:
  localisationReady: true
  availableLanguages: [fr, en]
fundedBy:
  - name: Ville de Montréal
"""

DEMO_ATTACHMENT = """# Prise de rendez-vous : besoins détaillés

1. La personne choisit un bureau régional, un motif et une plage horaire libre.
2. Elle reçoit une confirmation par courriel, avec un lien pour annuler ou déplacer le rendez-vous.
3. Le personnel du bureau voit la journée, bloque des plages et exporte la liste en CSV.
4. Tout se fait au clavier et au lecteur d'écran, en français et en anglais.
"""

FIRST_TITLE = "Module libre de prise de rendez-vous pour les bureaux régionaux"

SUPPLIERS = [
    ("fournisseur.coop@demo.ouvert.quebec", "Émilie Gauthier", "Coopérative Code Boréal", "1171000011", "micro",
     "Saguenay–Lac-Saint-Jean", "Python, Django, accessibilité"),
    ("fournisseur.pme@demo.ouvert.quebec", "Olivier Nadeau", "Logiciels Fleuve inc.", "1171000029", "small",
     "Capitale-Nationale", "Java, cartographie, PostgreSQL"),
    ("fournisseur.grande@demo.ouvert.quebec", "Isabelle Caron", "Services numériques Laurentides ltée",
     "1171000037", "large", "Montréal", "intégration, infonuagique"),
]


def _person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)


def _input(title: str, summary: str, *, deadline: dt.datetime, amount: str, pricing: str = "maximum",
           skills: str = "", eligibility: str = "any") -> services.CallInput:
    return services.CallInput(
        title=title, summary=summary, description=summary + "\n\nLe code livré est publié sous licence libre dans "
        "le dépôt public de l'organisme, avec un fichier publiccode.yml.",
        deliverables="Code source, tests automatisés, documentation en français et en anglais, fichier publiccode.yml",
        pricing=pricing, amount=Decimal(amount), questions_deadline=deadline - dt.timedelta(days=5),
        bid_deadline=deadline, delivery_date=(deadline + dt.timedelta(days=75)).date(), skills=skills,
        eligibility=eligibility,
        acceptance_criteria=["Les tests automatisés passent", "Conforme aux WCAG 2.1 AA (vérifié avec axe)",
                             "Documentation d'installation en français"],
        evaluation_criteria=[("Compréhension du besoin", 30), ("Qualité technique de l'approche", 40),
                             ("Prix", 30)])


def _history(call: Call, *, published: dt.datetime, bids: list[tuple[Supplier, str, str]]) -> None:
    """Publish as of a past date and seal the bids to that (past) deadline's key, then open them."""
    key = custodian.call_public_key(call_id=call.pk, deadline=call.bid_deadline)
    Call.objects.filter(pk=call.pk).update(state=CallState.PUBLISHED, published_at=published, public_key=key,
                                           reuse_comparison="Aucune livraison passée ne couvre ce besoin ; le module "
                                           "réutilise la bibliothèque de formulaires du gabarit gouvernemental.")
    for supplier, price, proposal in bids:
        envelope = sealing.seal(content=sealing.BidContent(price=Decimal(price), proposal=proposal),
                                public_key=key, call_id=call.pk, supplier_id=supplier.pk)
        Bid.objects.create(call=call, supplier=supplier, sealed=envelope,
                           submitted_at=call.bid_deadline - dt.timedelta(days=2))
    call.refresh_from_db()
    services.call_open_bids(call=call, by=DEMO)
    call.refresh_from_db()


def _evaluate(call: Call, panel: list[User], buyer: User, *, award: bool) -> None:
    for person in panel:
        evaluation.evaluator_add(call=call, user=person, by=buyer)
        evaluation.evaluator_declare(call=call, conflict=False, by=person)
    criteria = list(call.evaluation_criteria.all())
    bids = list(call.bids.select_related("supplier").order_by("price"))
    for n, bid in enumerate(bids):
        for criterion in criteria:
            for person in panel:
                evaluation.score_record(bid=bid, criterion=criterion, score=8 - n, by=person,
                                        justification="Approche claire, appuyée sur des réalisations semblables.")
    if award:
        for n, bid in enumerate(bids):
            for criterion in criteria:
                evaluation.consensus_record(bid=bid, criterion=criterion, score=8 - n, by=buyer,
                                            justification="Le comité retient la note commune après discussion.")
        ranking = evaluation.call_rank(call=call, by=buyer)
        for bid in ranking[1:]:
            evaluation.bid_debrief(bid=bid, by=buyer)
        evaluation.call_award(call=call, by=buyer)


@transaction.atomic
def demo_load(stdout=None) -> bool:
    from .demo_software import accompaniment_demo_load, software_demo_load

    added = software_demo_load() + accompaniment_demo_load()
    if stdout is not None and added:
        stdout.write(f"logiciels libres et accompagnement : {added} fiches et demandes")
    if Call.objects.filter(title=FIRST_TITLE).exists():
        return bool(added)
    sct = Organization.objects.filter(slug="sct").first()
    montreal = Organization.objects.filter(slug="montreal").first()
    buyer = User.objects.filter(email="editeur.sct@demo.ouvert.quebec").first()
    mtl_buyer = User.objects.filter(email="editeur.montreal@demo.ouvert.quebec").first()
    panel = [User.objects.filter(email=e).first() for e in ("admin.sct@demo.ouvert.quebec",
                                                            "membre.sct@demo.ouvert.quebec")]
    if not (sct and montreal and buyer and mtl_buyer and all(panel)):
        return False
    members = [p for p in panel if p is not None]
    suppliers = []
    for email, name, company, neq, size, region, skills in SUPPLIERS:
        person = _person(email, name)
        suppliers.append(services.supplier_register(name=company, neq=neq, size=size, region=region,
                                                    contact_email=email, skills=skills, by=person))
    coop, pme, grande = suppliers
    now = timezone.now()

    # Open for bids now, with a question answered as an addendum and one sealed bid.
    open_call = services.call_create(organization=sct, by=buyer, data=_input(
        FIRST_TITLE, "Ajouter la prise de rendez-vous en ligne aux bureaux régionaux, en logiciel libre.",
        deadline=now + dt.timedelta(days=28), amount="60000", skills="Python Django accessibilité"))
    services.attachment_add(call=open_call, by=buyer, title="Besoins détaillés et parcours d'un citoyen",
                            upload=SimpleUploadedFile("besoins-detailles.md", DEMO_ATTACHMENT.encode()))
    services.call_publish(call=open_call, by=buyer, reuse_comparison=(
        "Le module de rendez-vous de la Ville de Montréal ne gère pas plusieurs bureaux ; nous réutiliserons "
        "sa bibliothèque de calendrier et publierons nos ajouts dans son dépôt."))
    question = services.question_ask(call=open_call, by=coop.members.get(),
                                     text="Le module doit-il s'intégrer à l'authentification gouvernementale ?")
    services.question_answer(question=question, by=buyer, answer="Non : une adresse courriel suffit pour "
                             "cette première version. L'intégration viendra dans un appel distinct.")
    services.question_ask(call=open_call, by=pme.members.get(),
                          text="Quel est le volume de rendez-vous attendu par jour ?")
    services.bid_submit(call=open_call, supplier=coop, price=Decimal("52000"), by=coop.members.get(),
                        proposal="Nous livrons en trois itérations de quatre semaines, avec une démonstration "
                                 "à la fin de chacune.")

    # A draft.
    services.call_create(organization=sct, by=buyer, data=_input(
        "Tableau de bord libre des délais de réponse aux demandes d'accès",
        "Un tableau de bord public des délais.",
        deadline=now + dt.timedelta(days=40), amount="35000", pricing="fixed"))

    # Awarded: evaluated, debriefed, awarded.
    awarded = services.call_create(organization=montreal, by=mtl_buyer, data=_input(
        "Carte interactive des chantiers en logiciel libre", "Publier une carte libre des chantiers routiers.",
        deadline=now - dt.timedelta(days=40), amount="75000", skills="cartographie PostgreSQL"))
    _history(awarded, published=now - dt.timedelta(days=70), bids=[
        (pme, "68000", "Carte MapLibre alimentée par les données ouvertes des chantiers, mise à jour horaire."),
        (coop, "71000", "Carte accessible avec liste textuelle équivalente, tests axe en intégration continue."),
        (grande, "74500", "Intégration à notre plateforme infonuagique, avec tableau de bord."),
    ])
    mtl_panel = [mtl_buyer, User.objects.get(email="admin.montreal@demo.ouvert.quebec")]
    _evaluate(awarded, mtl_panel, mtl_buyer, award=True)
    awarded.refresh_from_db()
    delivery.delivery_submit(call=awarded, repository_url="https://depot.exemple.quebec/montreal/carte-chantiers",
                             publiccode_text=PUBLICCODE, by=pme.members.get())
    for criterion in awarded.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=mtl_buyer)
    delivery.delivery_accept(call=awarded, by=mtl_buyer)
    delivery.call_pay(call=awarded, paid_on=timezone.localdate(), by=mtl_buyer)

    # Closed, evaluation under way (individual scores, no consensus yet).
    closed = services.call_create(organization=sct, by=buyer, data=_input(
        "Validateur en ligne des fichiers publiccode.yml", "Un validateur libre des fichiers publiccode.yml.",
        deadline=now - dt.timedelta(days=3), amount="25000", eligibility="small"))
    _history(closed, published=now - dt.timedelta(days=30), bids=[
        (coop, "22000", "Validateur en Python réutilisant le schéma officiel, avec messages en français."),
        (pme, "24000", "Validateur web et en ligne de commande, intégré au catalogue."),
    ])
    _evaluate(closed, members, buyer, award=False)

    # Cancelled, and unsuccessful.
    cancelled = services.call_create(organization=montreal, by=mtl_buyer, data=_input(
        "Formulaire libre de signalement des nids-de-poule", "Un formulaire de signalement.",
        deadline=now + dt.timedelta(days=30), amount="20000"))
    services.call_publish(call=cancelled, by=mtl_buyer, reuse_comparison=(
        "Le formulaire existant de la Ville de Québec semble convenir ; nous vérifions s'il peut être réutilisé."))
    services.call_cancel(call=cancelled, by=mtl_buyer, reason="Nous réutilisons la solution de la Ville de Québec.")
    unsuccessful = services.call_create(organization=sct, by=buyer, data=_input(
        "Traduction automatique des métadonnées du catalogue", "Traduire les métadonnées du catalogue.",
        deadline=now - dt.timedelta(days=10), amount="15000"))
    _history(unsuccessful, published=now - dt.timedelta(days=35), bids=[])
    evaluation.call_declare_unsuccessful(call=unsuccessful, by=buyer, reason="Aucune soumission reçue.")
    from .ocds_dataset import ocds_dataset_refresh

    ocds_dataset_refresh(organization=sct, by=buyer)  # the OCDS files as a catalogue dataset
    if stdout is not None:
        stdout.write(f"micro-acquisitions : {Call.objects.count()} appels, {Supplier.objects.count()} fournisseurs")
    return True
