"""Every catalogue page, in French and English, in Chromium with axe-core: no serious violation."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ouvert.catalog import learning, services
from ouvert.core import webhooks
from ouvert.core.follows import unsubscribe_token
from ouvert.core.models import WebhookDelivery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_every_catalogue_page_is_accessible(page, axe_check, live_server, make_user, make_org, make_member):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval", name_en="City of Laval")
    editor = make_user("editeur@laval.ca")
    admin = make_user("admin@exemple.qc.ca", site_admin=True)
    make_member(editor, org, "admin")
    dataset = services.dataset_create(by=editor, organization=org, title="Écoles primaires de Laval",
                                      notes="Liste des **écoles** primaires publiques.", keywords="écoles, éducation")
    upload = services.resource_create(dataset=dataset, by=editor, name="Liste",
                                      file=SimpleUploadedFile("ecoles.csv", b"nom\nSaint-Martin\n"),
                                      data_dictionary=[{"name": "nom", "type": "texte"}])
    services.resource_create(dataset=dataset, by=editor, url="https://exemple.qc.ca/carte.geojson")
    services.dataset_publish(dataset=dataset, by=editor)
    gone = services.dataset_create(by=editor, organization=org, title="Ancien jeu")
    services.dataset_delete(dataset=gone, by=editor)
    item = services.request_create(by=editor, title="Feux de circulation", organization=org,
                                   description="Pour mesurer l'attente des piétons aux intersections.")
    follow = services.follow_create(by=editor, kind="dataset", target=str(dataset.pk))
    hook = webhooks.subscription_create(by=editor, url="https://exemple.qc.ca/hook",
                                        events=["dataset.updated", "consultation.opened"])
    WebhookDelivery.objects.create(subscription=hook, event="dataset.updated", kind="dataset", key=str(dataset.pk),
                                   attempts=2, last_status=500, last_error="status",
                                   next_attempt_at=timezone.now())
    for tutorial in learning.tutorial_files():
        learning.tutorial_save(by=admin, **tutorial)
    event = learning.hackathon_create(by=admin, title="HackQC 2026", theme="Mobilité",
                                      starts_on=dt.date(2026, 10, 16), ends_on=dt.date(2026, 10, 18),
                                      description="Un **week-end** de création.", datasets=[dataset])
    reuse = learning.reuse_propose(by=editor, title="Carte des écoles", kind="visualization",
                                   url="https://exemple.qc.ca/carte", description="Une carte.", datasets=[dataset],
                                   hackathon=event)
    learning.reuse_moderate(reuse=reuse, by=admin, approve=True, is_winner=True)
    learning.reuse_propose(by=editor, title="En attente", kind="article", url="https://exemple.qc.ca/a",
                           description="Texte.", datasets=[dataset])
    name = dataset.name
    with translation.override("en"):
        english_org_url = reverse("core:organization_detail", args=["laval"])
    pages = {
        "fr": ["/fr/donnees/", "/fr/donnees/?q=ecole", f"/fr/donnees/jeux/{name}/",
               f"/fr/donnees/jeux/{name}/?apercu=1", f"/fr/donnees/jeux/{name}/ressources/{upload.pk}/",
               f"/fr/donnees/jeux/{name}/historique/?a=1&b=4", "/fr/donnees/demandes/",
               f"/fr/donnees/demandes/{item.pk}/", f"/fr/donnees/desabonnement/{follow.token}/",
               f"/fr/suivis/desabonnement/{unsubscribe_token(follow)}/",
               "/fr/organisations/laval/", "/fr/donnees/reutilisations/", "/fr/donnees/hackathons/hackqc-2026/",
               "/fr/donnees/apprendre/", "/fr/donnees/apprendre/office-csv-tableur/",
               "/fr/donnees/apprendre/dev-curl/", "/fr/donnees/qualite/", "/fr/donnees/qualite/?from=hier"],
        "en": ["/en/data/", "/en/data/?q=school", f"/en/data/datasets/{name}/",
               f"/en/data/datasets/{name}/resources/{upload.pk}/", f"/en/data/datasets/{name}/history/",
               "/en/data/requests/", f"/en/data/requests/{item.pk}/", english_org_url, "/en/data/reuses/",
               "/en/data/hackathons/hackqc-2026/", "/en/data/learn/", "/en/data/learn/dev-python/",
               "/en/data/quality/", f"/en/following/unsubscribe/{unsubscribe_token(follow)}/"],
    }
    signed_in = {
        "fr": ["/fr/donnees/jeux/nouveau/", f"/fr/donnees/jeux/{name}/modifier/",
               f"/fr/donnees/jeux/{name}/ressources/nouvelle/",
               f"/fr/donnees/jeux/{name}/ressources/{upload.pk}/modifier/",
               "/fr/donnees/corbeille/", "/fr/donnees/suivis/", "/fr/donnees/demandes/nouvelle/",
               f"/fr/donnees/jeux/{name}/", f"/fr/donnees/demandes/{item.pk}/", "/fr/donnees/",
               "/fr/donnees/reutilisations/proposer/", "/fr/compte/webhooks/", f"/fr/compte/webhooks/{hook.pk}/"],
        "en": ["/en/data/datasets/new/", f"/en/data/datasets/{name}/edit/", f"/en/data/datasets/{name}/resources/new/",
               "/en/data/trash/", "/en/data/following/", "/en/data/requests/new/", f"/en/data/datasets/{name}/",
               f"/en/data/requests/{item.pk}/", "/en/data/reuses/propose/", "/en/account/webhooks/",
               f"/en/account/webhooks/{hook.pk}/"],
    }
    for lang, urls in pages.items():
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            assert page.locator("html").get_attribute("lang") == lang
            assert page.locator("h1").count() == 1, url
            axe_check(page, context=url)
    _login(page, live_server, editor)
    for url in ["/fr/donnees/reutilisations/", "/en/data/reuses/"]:
        _login(page, live_server, admin)
        page.goto(url)
        assert page.get_by_text("En attente").count() >= 1
        axe_check(page, context=f"{url} (moderation)")
    _login(page, live_server, editor)
    for urls in signed_in.values():
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            axe_check(page, context=f"{url} (signed in)")
    # A form with errors is accessible too and keeps what was typed.
    page.goto("/fr/donnees/jeux/nouveau/")
    page.fill("#id_notes", "Texte gardé")
    page.click("main form.form button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert page.input_value("#id_notes") == "Texte gardé"
    axe_check(page, context="dataset form with errors")
