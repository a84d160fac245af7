"""Headless Debian Chromium driven by Playwright, axe-core injected into each page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMOKE = {
    "fr": ["/fr/", "/fr/compte/connexion/", "/fr/compte/inscription/", "/fr/organisations/",
           "/fr/organisations/sct/", "/fr/a-propos/", "/fr/compte/mot-de-passe/"],
    "en": ["/en/", "/en/account/login/", "/en/account/signup/", "/en/organizations/",
           "/en/organizations/sct/", "/en/about/", "/en/account/password/"],
}


@pytest.fixture
def demo_org(make_org):
    return make_org("sct", name_fr="Secrétariat du Conseil du trésor", name_en="Treasury Board Secretariat",
                    acronym="SCT", description_fr="Coordonne le gouvernement ouvert.")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_smoke_pages_pass_axe(page, axe_check, demo_org, lang, screenshots_dir):
    for path in SMOKE[lang]:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        axe_check(page, context=path)
    page.goto(f"/{lang}/")
    page.screenshot(path=str(screenshots_dir / f"home-{lang}.png"), full_page=True)


def test_logged_in_pages_pass_axe(page, axe_check, demo_org, make_user, make_member, password):
    admin = make_user("chef@exemple.qc.ca", full_name="Hélène Chef")
    make_member(admin, demo_org, "admin", is_open_gov_contact=True)
    page.goto("/fr/compte/connexion/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/fr/compte/")
    for path in ["/fr/compte/", "/fr/compte/jetons/", "/fr/organisations/sct/", "/fr/journal/",
                 "/en/account/", "/en/organizations/sct/", "/en/audit-log/"]:
        page.goto(path)
        axe_check(page, context=path)


def test_keyboard_only_login_and_add_editor(page, demo_org, make_user, make_member, password, screenshots_dir):
    admin = make_user("chef@exemple.qc.ca")
    make_member(admin, demo_org, "admin")
    make_user("recrue@exemple.qc.ca")
    page.goto("/fr/compte/connexion/")
    # The first Tab reaches the skip link; following it moves focus to the main content.
    page.wait_for_load_state("load")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "skip-link":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Passer au contenu principal"
    page.keyboard.press("Enter")
    focused = None
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused == "id_username":
            break
    assert focused == "id_username"
    page.keyboard.type(admin.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/compte/#contenu")  # the skip link's fragment follows the redirect
    # Focus is visible: the focused element gets an outline.
    page.goto("/fr/organisations/sct/")
    page.focus("#id_email")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.type("recrue@exemple.qc.ca")
    page.keyboard.press("Tab")  # role: "Éditeur" is preselected
    assert page.evaluate("document.activeElement.id") == "id_role"
    page.keyboard.press("Tab")  # open-government contact checkbox
    page.keyboard.press("Tab")  # "invite by e-mail instead" checkbox (left unticked: the account exists)
    page.keyboard.press("Tab")  # submit button
    assert page.evaluate("document.activeElement.textContent.trim()") == "Enregistrer le membre"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "recrue@exemple.qc.ca a maintenant le rôle" in page.inner_text("main")
    page.screenshot(path=str(screenshots_dir / "org-members.png"), full_page=True)
