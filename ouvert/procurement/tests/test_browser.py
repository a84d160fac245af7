"""The done-when journey in Chromium: a buyer publishes a call, a supplier asks a question and bids,
the bid stays sealed, then opens at the deadline; every page checked with axe-core, FR and EN, and
at phone width."""

import datetime as dt

import pytest
from django.utils import timezone

from ouvert.procurement.models import Bid, Call, CallState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user, password, lang="fr"):
    page.context.clear_cookies()
    page.goto("/fr/compte/connexion/" if lang == "fr" else "/en/account/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_buyer_publishes_supplier_asks_and_bids_sealed_until_the_deadline(page, axe_check, buyer, make_supplier,
                                                                          password, clock):
    _login(page, buyer, password)
    page.goto("/fr/acquisitions/appels/nouveau/")
    axe_check(page, context="call form")
    now = timezone.localtime()
    page.select_option("#id_organization", label="Ministère de l'essai")
    page.fill("#id_title", "Gabarit libre de formulaires accessibles")
    page.fill("#id_summary", "Un gabarit de formulaires accessibles pour les ministères.")
    page.fill("#id_description", "Développer un gabarit réutilisable.")
    page.fill("#id_deliverables", "Code et documentation")
    page.fill("#id_acceptance", "Les tests passent\nConforme WCAG 2.1 AA")
    page.fill("#id_evaluation", "Qualité : 70\nPrix : 30")
    page.fill("#id_amount", "95000")
    page.fill("#id_questions_deadline", (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_bid_deadline", (now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_delivery_date", (now + dt.timedelta(days=90)).strftime("%Y-%m-%d"))
    page.click("main button[type=submit]")
    assert "90 000 $ CAD" in page.locator(".error-summary").inner_text()  # the ceiling, named
    axe_check(page, context="call form with errors")
    page.fill("#id_amount", "45000")
    page.click("main button[type=submit]")
    page.wait_for_url("**/publier/")
    draft = Call.objects.get()
    page.goto(f"/fr/acquisitions/appels/{draft.pk}/modifier/")  # the draft, changed and given a document
    page.fill("#id_title", "Gabarit libre de formulaires accessibles (v2)")
    page.click("text=Enregistrer le brouillon")
    page.wait_for_url(f"**/acquisitions/appels/{draft.pk}/")
    page.goto(f"/fr/acquisitions/appels/{draft.pk}/modifier/")
    page.fill("#id_doc-title", "Maquettes")
    page.set_input_files("#id_doc-file", files=[{"name": "maquettes.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.7 maquettes"}])
    page.click("text=Ajouter la pièce jointe")
    page.wait_for_url("**/modifier/#pieces-jointes")
    assert page.locator("#pieces-jointes a", has_text="Maquettes").count() == 1
    axe_check(page, context="draft edit page with an attachment")
    page.goto(f"/fr/acquisitions/appels/{draft.pk}/publier/")
    axe_check(page, context="publish form")
    page.fill("#id_reuse_comparison", "Le gabarit existant ne couvre pas les formulaires à plusieurs pages.")
    page.click("main button[type=submit]")
    call = Call.objects.get()
    page.wait_for_url(f"**/acquisitions/appels/{call.pk}/")
    assert Call.objects.get().state == CallState.PUBLISHED

    supplier, supplier_user = make_supplier()
    _login(page, supplier_user, password)
    page.goto(call.get_absolute_url())
    axe_check(page, context="call page (supplier)")
    page.fill("#id_text", "Faut-il prendre en charge Internet Explorer ?")
    page.click("text=Poser la question")
    assert "Faut-il prendre en charge" in page.content()
    page.click("text=Déposer ou remplacer une soumission")
    axe_check(page, context="bid form")
    page.fill("#id_price", "41000")
    page.fill("#id_proposal", "Proposition confidentielle ZQXBROWSER")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/acquisitions/appels/{call.pk}/")
    assert "soumission scellée déposée" in page.content()
    assert Bid.objects.get().proposal == ""  # sealed in the database

    _login(page, buyer, password)
    page.goto(call.get_absolute_url())
    assert "ZQXBROWSER" not in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    axe_check(page, context="call page (buyer, phone)")
    page.goto(call.get_absolute_url().replace("/fr/acquisitions/appels/", "/en/procurement/calls/"))
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, context="call page en (phone)")
    page.goto("/en/procurement/")
    axe_check(page, context="index en (phone)")

    clock.jump_past(call.bid_deadline)
    page.context.clear_cookies()
    page.goto(call.get_absolute_url())  # the first access after the deadline opens the bids
    assert "1 soumission ouverte" in page.content() and "ZQXBROWSER" not in page.content()
    _login(page, buyer, password)  # (the session has expired during the month the clock jumped)
    page.goto(call.get_absolute_url())
    assert "ZQXBROWSER" in page.content()
    axe_check(page, context="opened bids")
    page.goto(f"/fr/acquisitions/appels/{call.pk}/evaluation/")
    axe_check(page, context="evaluation page")


def test_supplier_registration_and_index(page, axe_check, make_user, password):
    person = make_user("nouvelle@exemple.qc.ca")
    _login(page, person, password)
    page.goto("/fr/acquisitions/")
    axe_check(page, context="index")
    page.click("text=Inscrire mon entreprise (fournisseurs)")
    axe_check(page, context="supplier form")
    page.fill("#id_name", "Atelier Libre")
    page.fill("#id_neq", "12AB")
    page.fill("#id_region", "Estrie")
    page.fill("#id_contact_email", "atelier@exemple.qc.ca")
    page.click("main button[type=submit]")
    assert "10 chiffres" in page.locator(".error-summary").inner_text()
    page.fill("#id_neq", "1171 555 555")
    page.click("main button[type=submit]")
    page.wait_for_url("**/fournisseurs/*/")
    axe_check(page, context="supplier page")


def test_demo_pages_in_french_and_english(page, axe_check):
    from ouvert.core.demo import DEMO_PASSWORD
    from ouvert.core.demo import demo_load as core_demo_load
    from ouvert.core.models import User
    from ouvert.procurement.models import Solution

    core_demo_load()
    paid = Call.objects.get(state=CallState.PAID)
    solution = Solution.objects.get()
    _login(page, User.objects.get(email="editeur.montreal@demo.ouvert.quebec"), DEMO_PASSWORD)
    for path in ("/fr/acquisitions/", paid.get_absolute_url(), f"/fr/acquisitions/appels/{paid.pk}/evaluation/",
                 f"/fr/acquisitions/appels/{paid.pk}/livraison/", "/fr/acquisitions/solutions/",
                 solution.get_absolute_url(), "/en/procurement/solutions/",
                 f"/en/procurement/calls/{paid.pk}/delivery/"):
        assert page.goto(path).status == 200, path
        axe_check(page, context=path)
    page.goto(solution.get_absolute_url())
    assert "Ville de Montréal" in page.content()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (f"/fr/acquisitions/appels/{paid.pk}/evaluation/", paid.get_absolute_url(),
                 solution.get_absolute_url()):
        page.goto(path)
        axe_check(page, context=f"{path} (phone)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} scrolls sideways on a phone"
