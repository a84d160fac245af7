"""Two whole journeys in Chromium, axe-core on every page, French and English, phone and desktop:
a citizen signs up, confirms the address, answers a survey and gets the receipt; an organizer edits
the phases, closes participation now and publishes the results as open data with their metadata. Each
page of the two journeys is also looked at in the two other combinations of language and width."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from ouvert.consultations.models import Participation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _url(lang: str, target, **kwargs) -> str:
    """A page's address in ``lang``: a URL name (with its arguments) or an object's own page."""
    with translation.override(lang):
        return target.get_absolute_url() if hasattr(target, "get_absolute_url") else reverse(target, kwargs=kwargs)


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match is not None, message.body
    return match.group(1)


def test_sign_up_with_verification_then_survey_receipt(page, axe_check, survey, screenshots_dir, look):
    q = survey.q
    look(page, _url("en", "core:signup"), "signup-en-phone", size=PHONE, lang="en")
    look(page, _url("fr", "core:signup"), "signup-fr-desktop", size=DESKTOP, lang="fr")
    page.set_viewport_size(PHONE)
    page.goto("/fr/compte/inscription/")
    axe_check(page, context="signup fr phone")
    page.fill("#id_full_name", "Léa Dubé")
    page.fill("#id_email", "lea@exemple.qc.ca")
    page.fill("#id_password", "pommes-vertes-2026")
    page.click("main button[type=submit]")
    assert "acceptez la politique" in page.locator("main").inner_text()  # consent is required, said clearly
    page.fill("#id_password", "pommes-vertes-2026")
    page.check("#id_accept_terms")
    page.click("main button[type=submit]")
    page.wait_for_url("**/courriel-envoye/")
    axe_check(page, context="signup done")
    page.goto("/fr/confidentialite/")
    axe_check(page, context="privacy fr phone")
    page.screenshot(path=str(screenshots_dir / "privacy-fr-phone.png"), full_page=True)
    page.goto(_link(mail.outbox[-1]))
    axe_check(page, context="confirm address")
    page.click("main button[type=submit]")
    page.wait_for_url("**/fr/compte/")
    page.goto(survey.get_absolute_url())
    page.click("text=Répondre au questionnaire")
    page.check("#consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/page-1/"))
    page.check(f"#q{q['used'].pk}_1")
    page.check(f"#q{q['scale'].pk}_4")
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/page-2/"))
    page.click("button[value=next]")
    page.wait_for_url(re.compile(r"/merci/"))
    look(page, None, "survey-thanks-fr-phone", size=PHONE, lang="fr")
    assert Participation.objects.get(user__email="lea@exemple.qc.ca").submitted_at
    receipt = mail.outbox[-1]
    assert receipt.to == ["lea@exemple.qc.ca"] and receipt.subject.startswith("Reçu de votre participation")
    page.goto("/fr/compte/")
    axe_check(page, context="mon compte fr phone")
    assert survey.title in page.locator("#consultations-answers + ul").inner_text()
    page.screenshot(path=str(screenshots_dir / "account-fr-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.goto("/en/account/")
    axe_check(page, context="my account en desktop")
    assert "My survey answers" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshots_dir / "account-en-desktop.png"), full_page=True)
    look(page, _url("fr", "core:profile"), "account-fr-desktop", size=DESKTOP, lang="fr")
    look(page, _url("en", "core:profile"), "account-en-phone", size=PHONE, lang="en")
    look(page, _url("en", "core:privacy"), "privacy-en-desktop", size=DESKTOP, lang="en")
    look(page, _url("en", survey), "survey-en-desktop", size=DESKTOP, lang="en")


def test_organizer_phases_close_now_and_results_dataset(page, axe_check, survey, organizer, password,
                                                        screenshots_dir, look):
    from ouvert.catalog.models import Dataset
    from ouvert.consultations import services

    q = survey.q
    services.participation_submit_all(consultation=survey, user=None, consent=True,
                                      answers={f"q{q['used'].pk}": "Non", f"q{q['scale'].pk}": 3})
    type(survey).objects.filter(pk=survey.pk).update(keywords="gouvernement ouvert, budget")
    page.set_viewport_size(DESKTOP)
    page.goto("/en/account/login/")
    page.fill("#id_username", organizer.email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/en/account/")
    page.goto(f"/en/consultations/{survey.slug}/organize/phases/")
    axe_check(page, context="phase editor en")
    page.select_option("#id_etapes-2-kind", "results")
    page.fill("#id_etapes-2-title", "Public report")
    participation_end = page.input_value("#id_etapes-0-ends_at")
    page.fill("#id_etapes-2-starts_at", participation_end)
    page.click("text=Save the calendar")
    assert "a phase must end before the next one starts" in page.locator("main").inner_text()
    axe_check(page, context="phase editor with error")
    page.fill("#id_etapes-1-ends_at", "")
    page.fill("#id_etapes-2-starts_at", "2099-01-01T12:00")
    page.fill("#id_etapes-1-ends_at", "2099-01-01T12:00")
    page.click("text=Save the calendar")
    page.wait_for_url(re.compile(r"/organize/$"))
    assert "Public report" in page.locator("#titre-etapes + ol").inner_text()
    page.screenshot(path=str(screenshots_dir / "organize-phases-en-desktop.png"), full_page=True)
    page.click("text=Close participation now")
    axe_check(page, context="close confirmation")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/organize/$"))
    assert "Participation is closed" in page.locator("main").inner_text()
    page.set_viewport_size(PHONE)
    page.goto(f"/fr/consultations/{survey.slug}/resultats/")
    axe_check(page, context="results fr phone")
    page.click("text=Publier les résultats anonymisés comme données ouvertes")
    page.wait_for_url(re.compile(r"/donnees/jeux/"))
    axe_check(page, context="results dataset fr phone")
    page.screenshot(path=str(screenshots_dir / "results-dataset-fr-phone.png"), full_page=True)
    dataset = Dataset.objects.get(name=f"consultation-{survey.slug}-resultats")
    assert [t.slug for t in dataset.themes.all()] == ["gouvernement-finances"] and dataset.spatial == "Québec"
    assert {"budget", "gouvernement ouvert"} <= {k.name for k in dataset.keywords.all()}
    # The same journey's pages in the two other combinations.
    look(page, _url("fr", "consultations:phases", slug=survey.slug), "organize-phases-fr-phone", size=PHONE, lang="fr")
    look(page, _url("fr", "consultations:organize", slug=survey.slug), "organize-fr-phone", size=PHONE, lang="fr")
    look(page, _url("en", "consultations:results", slug=survey.slug), "results-en-desktop", size=DESKTOP, lang="en")
    look(page, _url("en", dataset), "results-dataset-en-desktop", size=DESKTOP,
         lang="en")
