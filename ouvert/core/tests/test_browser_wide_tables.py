"""Tables on a phone: the pages whose tables were wider than a 390 px screen in the demo (catalogue
quality by organization, the consultation calendar and its organizer list, an organization's members,
a dataset's history) scroll inside their own region or stack, in French and in English."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Chaire de leadership en enseignement des sciences sociales numériques (Université Laval)"


def test_wide_tables_fit_a_phone(page, live_server, look, make_org, make_user, make_member):
    from ouvert.catalog import services as catalog
    from ouvert.consultations import services as consultations

    org = make_org("chaire", kind="public_body", name_fr=LONG_NAME, name_en="")
    admin = make_user("administratrice.principale@chaire-sciences-sociales.ulaval.ca")
    make_member(admin, org, "admin")
    make_member(make_user("membre.de.l.equipe@chaire-sciences-sociales.ulaval.ca"), org, "editor")
    with translation.override("fr"):
        dataset = catalog.dataset_create(by=admin, organization=org, title="Inscriptions aux cours de méthodes",
                                         notes="Nombre d'inscriptions par cours et par session, depuis 2015.")
        catalog.resource_create(dataset=dataset, by=admin, name="Inscriptions", url="https://exemple.qc.ca/i.csv",
                                format="CSV")
        catalog.dataset_publish(dataset=dataset, by=admin)
        now = timezone.now()
        consultation = consultations.consultation_create(
            organization=org, by=admin, title="Enseignement des méthodes numériques : vos besoins de formation",
            summary="Dites-nous quelles méthodes apprendre.", body="Nous voulons vos idées.", topic="education",
            region="03", contact_name="Équipe", contact_email="chaire@exemple.qc.ca",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
            feedback_planned=True)
        consultations.consultation_publish(consultation=consultation, by=admin, force=True)
    client = Client()
    client.force_login(admin)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    pages = {"fr": ["/fr/donnees/qualite/", "/fr/consultations/calendrier/", "/fr/consultations/organiser/",
                    "/fr/organisations/chaire/", f"/fr/donnees/jeux/{dataset.name}/historique/"],
             "en": ["/en/data/quality/", "/en/consultations/calendar/", "/en/consultations/organize/",
                    "/en/organizations/chaire/", f"/en/data/datasets/{dataset.name}/history/"]}
    for lang, paths in pages.items():
        for n, path in enumerate(paths):
            look(page, path, f"wide-table-{lang}-{n}", size=PHONE, lang=lang)
