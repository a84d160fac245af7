"""A phone and a keyboard, in French and in English: the menu button, the skip link to the results and
the filters disclosure of the catalogue (one journey, axe-core clean at each step)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
TEXT = {
    "fr": {"search": "/fr/donnees/", "skip": "Aller aux résultats", "menu": "Menu", "filters": "Filtres",
           "nav": "Organisations"},
    "en": {"search": "/en/data/", "skip": "Skip to results", "menu": "Menu", "filters": "Filters",
           "nav": "Organizations"},
}


def focused(page, script="document.activeElement.textContent.trim()"):
    return page.evaluate(script)


def test_phone_and_keyboard_reach_the_results(page, axe_check, make_org, make_user, make_member, screenshots_dir):
    from ouvert.catalog import services

    org = make_org("laval", kind="municipality", name_fr="Ville de Laval", name_en="City of Laval")
    editor = make_user("editeur@laval.ca")
    make_member(editor, org, "editor")
    for title in ("Écoles primaires", "Pistes cyclables"):
        dataset = services.dataset_create(by=editor, organization=org, title=title, notes="Données de Laval.")
        services.dataset_publish(dataset=dataset, by=editor)

    for lang, text in TEXT.items():
        page.set_viewport_size(PHONE)
        page.goto(text["search"])
        header = page.locator("header.site-header")
        button = page.locator("[data-menu-button]")
        assert header.bounding_box()["height"] < 100  # was 316 px before the menu button
        assert page.get_by_role("link", name=text["nav"], exact=True).is_hidden()
        assert button.get_attribute("aria-expanded") == "false"
        # Keyboard: the skip links come first, then the brand, then the menu button.
        page.keyboard.press("Tab")
        assert focused(page) == text["skip"]
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert focused(page) == text["menu"]
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert page.get_by_role("link", name=text["nav"], exact=True).is_visible()
        axe_check(page, context=f"{lang} phone, menu open")
        page.screenshot(path=str(screenshots_dir / f"phone-menu-open-{lang}.png"))
        page.keyboard.press("Tab")  # into the menu, then Escape closes it and gives focus back to the button
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and focused(page) == text["menu"]
        assert page.get_by_role("link", name=text["nav"], exact=True).is_hidden()

        # The filters wait behind a closed disclosure; the skip link reaches the first result in a few Tabs.
        disclosure = page.locator("details[data-fold-on-phone]")
        assert disclosure.evaluate("d => d.open") is False
        page.goto(text["search"])
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        first = page.locator(".dataset-list h3 a").first.get_attribute("href")
        tabs = 0
        while tabs < 10 and focused(page, "document.activeElement.getAttribute('href')") != first:
            page.keyboard.press("Tab")
            tabs += 1
        assert tabs <= 6, tabs  # 86 Tabs before
        summary = page.locator("details[data-fold-on-phone] > summary")
        summary.focus()
        assert focused(page) == text["filters"]
        page.keyboard.press("Enter")
        assert disclosure.evaluate("d => d.open") is True
        axe_check(page, context=f"{lang} phone, filters open")
        page.screenshot(path=str(screenshots_dir / f"phone-search-{lang}.png"), full_page=True)

        # Desktop: no menu button, menus and filters open, the disclosure's summary out of the way.
        page.set_viewport_size(DESKTOP)
        page.goto(text["search"])
        assert button.is_hidden() and page.get_by_role("link", name=text["nav"], exact=True).is_visible()
        assert disclosure.evaluate("d => d.open") is True and summary.is_hidden()
        axe_check(page, context=f"{lang} desktop")
        page.screenshot(path=str(screenshots_dir / f"desktop-search-{lang}.png"))
