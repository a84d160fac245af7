"""The citizen's journey in Chromium (issue 14): home search → results → dataset → table and chart →
"Use the API", in French and in English, each on a phone and on a desktop, with axe-core on every step and
a screenshot of each (``var/screenshots/citizen-*.png``)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.catalog import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "station,passages,jour\n" + "".join(
    f"{s},{10 + i * 3},2026-05-{1 + i % 28:02d}\n"
    for i, s in enumerate(["Berri", "Rachel", "Brébeuf", "Saint-Urbain"] * 6))


def _no_page_overflow(page) -> None:
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    culprits = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(-4).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))")
    assert wide <= 1, f"the page is {wide} px wider than the screen on {page.url}: {culprits}"


def test_citizen_search_dataset_chart_and_api(page, axe_check, screenshots_dir, make_user, make_org, make_member):
    org = make_org("montreal", kind="municipality", name_fr="Ville de Montréal", name_en="City of Montréal")
    editor = make_user("editeur@montreal.ca")
    make_member(editor, org, "editor")
    counts = services.dataset_create(by=editor, organization=org, title="Comptages de vélos",
                                     title_en="Bicycle counts", notes_en="Daily bicycle counts at each station.",
                                     notes="Passages quotidiens de vélos aux compteurs du réseau cyclable, par station.",
                                     keywords="vélo, mobilité, comptage",  # a long address: it wraps on a phone
                                     source_url="https://www.donneesquebec.ca/recherche/dataset/comptages-velos-pistes")
    table = services.resource_create(dataset=counts, by=editor, name="comptages.csv",
                                     file=SimpleUploadedFile("comptages.csv", CSV.encode()))
    services.dataset_publish(dataset=counts, by=editor)
    network = services.dataset_create(by=editor, organization=org, title="Réseau cyclable", keywords="vélo",
                                      notes="Tracé des pistes et bandes cyclables de la ville, mis à jour chaque année.")
    services.dataset_publish(dataset=network, by=editor)

    phone, desktop = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
    journeys = [("fr", "telephone", phone, "vélos", "Comptages de vélos", "Chercher"),
                ("en", "bureau", desktop, "bicycles", "Bicycle counts", "Search"),
                ("fr", "bureau", desktop, "vélos", "Comptages de vélos", "Chercher"),
                ("en", "telephone", phone, "bicycles", "Bicycle counts", "Search")]
    for lang, device, size, query, title, search_label in journeys:
        page.set_viewport_size(size)
        shot = f"citizen-{lang}-{device}"
        # Home: a search box first.
        page.goto(f"/{lang}/")
        page.locator("#home-q-catalog").fill(query)
        page.locator("form.home-search").get_by_role("button", name=search_label).click()
        page.wait_for_selector(".dataset-list")
        results = page.locator(".dataset-list h3 a").all_inner_texts()
        assert title in results, results
        if lang == "fr":  # singular and plural alike: "vélos" finds the dataset keyworded "vélo" too
            assert "Réseau cyclable" in results
        axe_check(page, context=f"{shot} search")
        _no_page_overflow(page)
        page.screenshot(path=str(screenshots_dir / f"{shot}-1-recherche.png"), full_page=True)
        # The dataset: a one-line quality summary, details on demand.
        page.locator(".dataset-list h3 a", has_text=title).click()
        page.wait_for_selector("#qualite")
        assert page.locator("#qualite .quality-details, #qualite p").count() >= 1
        axe_check(page, context=f"{shot} dataset")
        _no_page_overflow(page)
        page.screenshot(path=str(screenshots_dir / f"{shot}-2-jeu.png"), full_page=True)
        # The resource: table, chart with labelled axes, then a pie with its legend, settings in the URL.
        page.locator("#ressources a", has_text="comptages.csv").first.click()
        page.wait_for_selector("[data-ds-body] tr")
        page.select_option("#ds-group-0", "station")
        page.select_option("#ds-kind-0", "bar")
        page.locator("[data-ds-chart-form] button[type=submit]").click()
        page.wait_for_selector("[data-ds-figure] svg rect")
        assert page.locator("[data-ds-figure] .ds-axis-x").text_content() == "station"
        assert page.locator("[data-ds-figure] .ds-axis-y").text_content() != ""
        page.select_option("#ds-kind-0", "pie")
        page.locator("[data-ds-chart-form] button[type=submit]").click()
        page.wait_for_selector("[data-ds-figure] svg .ds-legend rect")
        assert page.locator("[data-ds-figure] svg .ds-legend rect").count() == 4
        page.locator("button[data-sort=passages]").click()
        page.wait_for_function("() => location.search.includes('sort=passages')")
        shared = page.url
        assert re.search(r"chart=pie", shared) and "group=station" in shared
        page.goto(shared)  # the shared view comes back as it was
        page.wait_for_selector("[data-ds-figure] svg .ds-legend rect")
        assert page.locator("th[aria-sort=ascending] [data-sort=passages]").count() == 1
        # "Use the API": the real id in ready-to-copy snippets.
        panel = page.locator("#api")
        assert str(table.pk) in panel.inner_text() and "datastore_search" in panel.inner_text()
        axe_check(page, context=f"{shot} resource")
        _no_page_overflow(page)
        page.screenshot(path=str(screenshots_dir / f"{shot}-3-ressource.png"), full_page=True)
