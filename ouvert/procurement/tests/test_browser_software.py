"""The free-software catalogue and the market dashboard in Chromium: a maintainer imports a
publiccode.yml (an invalid one first: every error listed by key), a body declares it uses the
entry; every page checked with axe-core in French and English and at phone width."""

import pytest

from ouvert.procurement.models import Software

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from .test_browser import _login  # noqa: E402
from .test_software import publiccode  # noqa: E402


def test_import_declare_and_dashboard_fr_en_phone(page, axe_check, buyer, buyer_org, password):
    _login(page, buyer, password)
    page.goto("/fr/acquisitions/logiciels-libres/importer/")
    axe_check(page, context="software import form")
    page.select_option("#id_organization", label="Ministère de l'essai")
    page.fill("#id_publiccode", publiccode(licence="Propriétaire"))
    page.click("main button[type=submit]")
    summary = page.locator(".error-summary").inner_text()  # waits for the answer
    assert "legal.license" in summary and "SPDX" in summary
    axe_check(page, context="software import with errors")
    page.fill("#id_publiccode", publiccode())
    page.fill("#id_similar_products", "SharePoint")
    page.check("#id_accessible")
    page.click("main button[type=submit]")
    entry = Software.objects.get()
    page.wait_for_url(f"**/logiciels-libres/{entry.pk}/")
    assert "SharePoint" in page.content()
    page.select_option("#id_organization", label="Ministère de l'essai")
    page.select_option("#id_role", "referent")
    page.click("text=Déclarer l'utilisation")
    page.locator("text=Utilisation déclarée").wait_for()
    assert "référent" in page.locator("main").inner_text()
    axe_check(page, context="software detail")
    page.goto("/fr/acquisitions/accompagnement/")
    axe_check(page, context="accompaniment form")
    page.fill("#id_subject", "Adopter QGIS")
    page.fill("#id_description", "Former dix personnes à QGIS.")
    page.select_option("#id_organization", label="Ministère de l'essai")
    page.click("text=Envoyer la demande")
    page.locator("text=Demande reçue").wait_for()
    axe_check(page, context="accompaniment detail")
    accompaniment = page.url.removeprefix(page.url.split("/fr/")[0])
    paths = {"fr": ["/fr/acquisitions/logiciels-libres/", f"/fr/acquisitions/logiciels-libres/{entry.pk}/",
                    "/fr/acquisitions/tableau-de-bord/", "/fr/acquisitions/bonnes-pratiques/utiliser-du-logiciel-libre/",
                    "/fr/acquisitions/bonnes-pratiques/partager-son-code/", accompaniment],
             "en": ["/en/procurement/free-software/", f"/en/procurement/free-software/{entry.pk}/",
                    "/en/procurement/dashboard/", f"/en/procurement/free-software/{entry.pk}/import/",
                    "/en/procurement/best-practices/using-free-software/",
                    "/en/procurement/best-practices/sharing-your-code/", "/en/procurement/accompaniment/"]}
    for lang, urls in paths.items():
        for path in urls:
            page.goto(path)
            axe_check(page, context=f"{path} ({lang})")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in paths["fr"] + paths["en"]:
        page.goto(path)
        axe_check(page, context=f"{path} (phone)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} scrolls sideways on a phone"
