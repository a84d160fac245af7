"""Demo data of the open-access app: the three Fonds, the 2019 and 2022 policies, grants from
``demo_data/grants.csv`` (through the same import as the Fonds use), journals for the route
finder, and articles in every compliance state, one under embargo and one withdrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ouvert.core import actors
from ouvert.core.models import Organization, User

from .models import Funder, Journal, JournalKind, PolicyVersion, Publication
from .services import AuthorInput, PublicationInput, grants_import_csv, publication_declare, publication_delete

DATA = Path(__file__).resolve().parent / "demo_data"
BY = actors.DEMO

POLICIES = [
    {"code": "frq-2019", "title_fr": "Politique de diffusion en libre accès des FRQ (2019)",
     "title_en": "FRQ open access policy (2019)", "applies_from": dt.date(2019, 4, 1), "deadline_months": 12,
     "licences": ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0",
                  "LicenseRef-publisher"],
     "routes": ["journal", "repository", "deposit"], "versions": ["accepted", "published"],
     "url": "https://frq.gouv.qc.ca/science-ouverte/"},
    {"code": "frq-2022", "title_fr": "Politique de diffusion en libre accès des FRQ (2022, Plan S)",
     "title_en": "FRQ open access policy (2022, Plan S)", "applies_from": dt.date(2022, 7, 1), "deadline_months": 0,
     "licences": ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"],
     "routes": ["journal", "repository", "deposit"], "versions": ["accepted", "published"],
     "url": "https://frq.gouv.qc.ca/science-ouverte/"},
]

JOURNALS = [
    ("1932-6203", "PLOS ONE", JournalKind.FULL, "CC-BY-4.0", 0),
    ("2041-1723", "Nature Communications", JournalKind.FULL, "CC-BY-4.0", 0),
    ("0008-4212", "Revue canadienne de physiologie et pharmacologie", JournalKind.HYBRID, "", 12),
    ("0317-8471", "Journal canadien de sociologie (exemple)", JournalKind.SUBSCRIPTION, "", 24),
    ("2049-3630", "Open Library of Humanities", JournalKind.FULL, "CC-BY-NC-4.0", 0),
]


FAQ = [
    ("Quelle politique s'applique à mon article ?", "Which policy applies to my article?",
     "Celle en vigueur à la date de lancement du concours qui a financé la subvention : la politique de 2019 "
     "permettait un délai de 12 mois ; celle de 2022 exige le libre accès immédiat sous CC BY, CC BY-SA ou CC0.",
     "The one in force on the launch date of the competition that funded the grant: the 2019 policy allowed "
     "12 months; the 2022 policy requires immediate open access under CC BY, CC BY-SA or CC0."),
    ("L'éditeur impose un embargo. Que faire ?", "The publisher imposes an embargo. What should I do?",
     "Sous la politique de 2022, un embargo rend l'article non conforme. Invoquez la conservation de vos droits "
     "au moment de la soumission, ou choisissez une autre revue.",
     "Under the 2022 policy, an embargo makes the article non-compliant. Invoke your rights retention when you "
     "submit, or choose another journal."),
    ("Qui voit mon fichier déposé ?", "Who sees my deposited file?",
     "Personne avant la fin de l'embargo que vous indiquez ; la description de l'article, elle, est publique dès "
     "la déclaration.",
     "Nobody before the end of the embargo you give; the article's description is public from the declaration."),
    ("Comment les moissonneurs trouvent-ils les articles ?", "How do harvesters find the articles?",
     "Par le protocole OAI-PMH à l'adresse /oai (formats oai_dc et oai_openaire).",
     "Through the OAI-PMH protocol at /oai (oai_dc and oai_openaire formats)."),
]


def faq_ensure() -> bool:
    from .models import FaqEntry
    from .services import faq_save

    if FaqEntry.objects.exists():
        return False
    for position, (q_fr, q_en, a_fr, a_en) in enumerate(FAQ):
        faq_save(entry=FaqEntry(question_fr=q_fr, question_en=q_en, answer_fr=a_fr, answer_en=a_en,
                                position=position), by=BY)
    return True


def policies_ensure() -> bool:
    added = False
    for values in POLICIES:
        _policy, created = PolicyVersion.objects.get_or_create(code=values["code"], defaults=values)
        added = added or created
    return added


# Crossref Funder Registry identifiers of the three Fonds (what Crossref records cite)
FUNDER_DOIS = {"FRQNT": "10.13039/501100003151", "FRQS": "10.13039/501100000156", "FRQSC": "10.13039/501100003152"}


def funders_ensure() -> bool:
    added = False
    for code, funder_doi in FUNDER_DOIS.items():
        org = Organization.objects.filter(slug=code.lower()).first()
        if org is not None and not Funder.objects.filter(code=code).exists():
            Funder.objects.create(code=code, organization=org, funder_doi=funder_doi)
            added = True
    return added


def _articles(today: dt.date) -> list[tuple[PublicationInput, bytes | None, bool]]:
    year = dt.timedelta(days=365)
    return [
        (PublicationInput(title="Capteurs optiques à faible coût pour le suivi de la turbidité du Saint-Laurent",
                          authors=[AuthorInput("Marie-Ève Gagnon", "0000-0002-1825-0097"), AuthorInput("Luc Paré")],
                          journal="PLOS ONE", issn="1932-6203", doi="10.1371/journal.pone.0280001",
                          published_on=dt.date(2021, 5, 12), licence="CC-BY-4.0", version="published",
                          route="journal", grant_numbers=["FRQNT-284301"]), None, False),
        (PublicationInput(title="Dépistage du diabète de type 2 en première ligne : une étude de cohorte",
                          authors=[AuthorInput("Fatima Benali", "0000-0001-5109-3700")],
                          journal="Revue canadienne de physiologie et pharmacologie", issn="0008-4212",
                          doi="10.1139/cjpp-2021-0457", published_on=dt.date(2021, 2, 3), licence="CC-BY-4.0",
                          version="accepted", route="repository",
                          repository_url="https://papyrus.bib.umontreal.ca/xmlui/handle/1866/99999",
                          opened_on=dt.date(2022, 6, 20), grant_numbers=["FRQS-298877"]), None, False),
        (PublicationInput(title="Participation citoyenne et portails de données ouvertes municipaux",
                          authors=[AuthorInput("Nadia Ouellet")], journal="Journal canadien de sociologie (exemple)",
                          issn="0317-8471", doi="10.29173/cjs29999", published_on=dt.date(2022, 3, 1),
                          grant_numbers=["FRQSC-276470"]), None, False),
        (PublicationInput(title="Électrolytes solides recyclables pour batteries lithium-métal",
                          authors=[AuthorInput("Olivier Bérubé")], journal="Nature Communications",
                          issn="2041-1723", doi="10.1038/s41467-024-40001", published_on=today - dt.timedelta(days=90),
                          licence="CC-BY-4.0", version="published", route="journal",
                          grant_numbers=["FRQNT-317502"]), None, False),
        (PublicationInput(title="Vieillir en milieu rural : isolement et accès aux soins",
                          authors=[AuthorInput("Jean Tremblay")], journal="Revue canadienne de physiologie et "
                          "pharmacologie", issn="0008-4212", published_on=today - dt.timedelta(days=30),
                          licence="CC-BY-4.0", version="accepted", route="deposit",
                          embargo_until=today + year // 2, grant_numbers=["FRQS-330145"]),
         b"%PDF-1.4\n% manuscrit accepte (demo)\n", False),
        (PublicationInput(title="Littératie numérique des aînés : un état des lieux",
                          authors=[AuthorInput("Samuel Côté")], journal="Open Library of Humanities",
                          issn="2049-3630", published_on=today - dt.timedelta(days=60), licence="CC-BY-NC-4.0",
                          version="published", route="journal", grant_numbers=["FRQSC-339021"]), None, False),
        (PublicationInput(title="Données ouvertes et confiance du public : un manuscrit déposé",
                          authors=[AuthorInput("Samuel Côté")], journal="Journal canadien de sociologie (exemple)",
                          issn="0317-8471", published_on=today, licence="CC-BY-4.0",
                          version="accepted", route="deposit", grant_numbers=["FRQSC-339021"]),
         b"%PDF-1.4\n% manuscrit accepte, libre (demo)\n", False),
        (PublicationInput(title="Article retiré (doublon d'une déclaration)", authors=[AuthorInput("Luc Paré")],
                          published_on=dt.date(2021, 9, 1), grant_numbers=["FRQNT-284301"]), None, True),
    ]


@transaction.atomic
def demo_load(stdout=None) -> bool:
    added = funders_ensure()
    added = policies_ensure() or added
    added = faq_ensure() or added
    if not Funder.objects.exists():
        return added
    for issn, title, kind, licence, months in JOURNALS:
        _journal, created = Journal.objects.get_or_create(issn=issn, defaults={
            "title": title, "kind": kind, "licence": licence, "self_archiving_months": months})
        added = added or created
    if Publication.objects.exists():
        return added
    grants_import_csv(text=(DATA / "grants.csv").read_text(encoding="utf-8"), by=BY)
    for data, content, withdraw in _articles(timezone.localdate()):
        upload = ContentFile(content, name="manuscrit-accepte.pdf") if content else None
        publication = publication_declare(data=data, file=upload, by=BY)
        if withdraw:
            publication_delete(publication=publication, by=BY)
    staff = User.objects.filter(email="admin.frq@demo.ouvert.quebec").first()
    if staff is not None:
        _webinars(staff)
    if staff is not None:  # the ledger as an open dataset of the FRQS, published by its demo administrator
        from .publishing import ledger_publish

        ledger_publish(funder=Funder.objects.get(code="FRQS"), by=staff)
    if stdout is not None:
        stdout.write(f"openaccess: {Publication.objects.count()} articles\n")
    return True


def _webinars(staff: User) -> None:
    """Two webinars, as the meetings of a consultation of the FRQS (registration is the consultations')."""
    from ouvert.consultations import services as consultations

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    consultation = consultations.consultation_create(
        organization=Funder.objects.get(code="FRQS").organization, by=staff, title="Webinaires libre accès",
        summary="Deux webinaires pour les chercheuses et chercheurs financés par les Fonds : se conformer à la "
                "politique de libre accès de 2022, et déposer son manuscrit accepté.",
        body="Inscrivez-vous à l'une des rencontres en ligne ci-dessous ; vos questions orienteront la FAQ.",
        topic="education", target_public="Chercheuses et chercheurs financés par les FRQ et leurs établissements",
        region="all", contact_name="Science ouverte, FRQ", contact_email="libre-acces@demo.ouvert.quebec",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=60),
        results_expected_on=(now + dt.timedelta(days=90)).date(), purpose_stated=True, plain_language=True,
        feedback_planned=True)
    for days, title, description in (
            (14, "Se conformer à la politique de 2022",
             "Les voies conformes, les licences, la conservation des droits."),
            (35, "Déposer son manuscrit accepté", "Le dépôt pas à pas, l'embargo, le lien avec la subvention.")):
        consultations.event_create(consultation=consultation, by=staff, title=title, description=description,
                                   starts_at=now + dt.timedelta(days=days, hours=3),
                                   ends_at=now + dt.timedelta(days=days, hours=4), place="En ligne (Zoom)",
                                   accessibility="Sous-titrage en direct ; enregistrement transmis aux inscrits.",
                                   capacity=200)
    consultations.consultation_publish(consultation=consultation, by=staff, force=True)
