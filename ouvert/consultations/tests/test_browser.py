"""The participant journey in Chromium, French and English, with axe-core and the keyboard."""

import re

import pytest

from ouvert.consultations.models import Participation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_anonymous_journey_in_french_by_keyboard(page, axe_check, survey, screenshots_dir):
    q = survey.q
    for path in ["/fr/consultations/", "/fr/consultations/calendrier/", survey.get_absolute_url(),
                 "/fr/consultations/politique-de-moderation/", "/fr/consultations/indicateurs/"]:
        assert page.goto(path).status == 200
        axe_check(page, context=path)
    page.goto(survey.get_absolute_url())
    page.click("text=Répondre au questionnaire")
    axe_check(page, context="survey start")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form from the checkbox
    page.wait_for_url(re.compile(r"/page-1/"))
    axe_check(page, context="survey page 1")
    # The conditional question is hidden until "Oui" is chosen, then appears
    assert page.locator(f"#question-{q['how'].pk}").is_hidden()
    tab_to(page, f"q{q['used'].pk}_0")
    page.keyboard.press("Space")  # "Oui"
    assert page.locator(f"#question-{q['how'].pk}").is_visible()
    # Send with errors: the error summary takes focus and lists links to each question
    page.locator("button[value=next]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "erreurs"
    assert "réponses à corriger" in page.locator("#erreurs").inner_text()
    axe_check(page, context="survey page 1 with errors")
    page.locator(f"#erreurs a[href='#question-{q['scale'].pk}']").focus()
    page.keyboard.press("Enter")
    tab_to(page, f"q{q['how'].pk}_0")
    page.keyboard.press("Space")
    tab_to(page, f"q{q['rank'].pk}_0")
    for index, presses in enumerate([3, 1, 2]):  # ranks chosen with the arrow keys in each select
        if index:
            page.keyboard.press("Tab")
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
    tab_to(page, f"q{q['scale'].pk}_1")
    page.keyboard.press("ArrowRight")  # radio groups move with the arrows: 1 → 2, checked
    assert page.locator(f"#q{q['scale'].pk}_2").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/page-2/"))
    axe_check(page, context="survey page 2")
    tab_to(page, f"q{q['idea'].pk}")
    page.keyboard.type("Un tableau de bord public des engagements")
    tab_to(page, f"q{q['short'].pk}")
    page.keyboard.type("transparence")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/merci/"))
    axe_check(page, context="thanks")
    page.check("#id_satisfaction_4")
    page.click("text=Envoyer mon avis")
    page.screenshot(path=str(screenshots_dir / "consultation-thanks-fr.png"), full_page=True)
    participation = Participation.objects.get()
    assert participation.submitted_at and participation.satisfaction == 5
    assert participation.answers.get(question=q["scale"]).value == 2
    assert participation.answers.get(question=q["rank"]).value == ["Participation", "Innovation", "Transparence"]


def test_signed_in_journey_in_english_and_organizer_pages(page, axe_check, survey, make_user, password, organizer):
    q = survey.q
    person = make_user("participant@exemple.qc.ca", preferred_language="en")
    page.goto("/en/account/login/")
    page.fill("#id_username", person.email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/en/account/")
    page.goto(survey.get_absolute_url().replace("/fr/", "/en/"))
    axe_check(page, context="detail en")
    page.click("text=Answer the survey")
    page.check("#consent")
    page.click("text=Start")
    page.wait_for_url(re.compile(r"/page-1/"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.check(f"#q{q['used'].pk}_1")  # "Non"
    page.check(f"#q{q['scale'].pk}_4")
    page.click("text=Save and continue later")
    resume = page.locator("#lien-reprise").input_value()
    axe_check(page, context="saved en")
    page.goto(resume)
    assert page.locator(f"#q{q['used'].pk}_1").is_checked()
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/page-2/"))
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/thanks/"))
    axe_check(page, context="thanks en")
    assert Participation.objects.get(user=person).submitted_at
    # The organizer's pages
    page.context.clear_cookies()
    page.goto("/en/account/login/")
    page.fill("#id_username", organizer.email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/en/account/")
    slug = survey.slug
    for path in [f"/en/consultations/{slug}/organize/", f"/en/consultations/{slug}/results/",
                 "/fr/consultations/organiser/nouvelle/", f"/fr/consultations/{slug}/organiser/en-personne/",
                 f"/fr/consultations/{slug}/propositions/", "/fr/consultations/moderation/"]:
        assert page.goto(path).status == 200, path
        axe_check(page, context=path)
