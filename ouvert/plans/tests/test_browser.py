"""The plans' pages in Chromium, French and English, with axe-core, at desktop and phone widths;
a contact posts progress with evidence and the tracker, the commitment and the barometer change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ouvert.plans import services
from ouvert.plans.models import Milestone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indicator(sct, coordinator, make_plan):
    plan = make_plan()
    return plan, services.indicator_create(
        key="jalons-completes", title="Jalons complétés", unit="%", target=100,
        target_date=dt.date(2030, 3, 31), organization=sct, definition="Part des jalons complétés.",
        measure="plans.milestones_complete", baseline=0, by=coordinator)


def _login(page, email, password, lang="fr"):
    page.goto("/fr/compte/connexion/" if lang == "fr" else "/en/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_public_pages_pass_axe_in_french_and_english(page, axe_check, indicator, contact, coordinator):
    plan, _indicator = indicator
    services.snapshot_take(on=timezone.localdate() - dt.timedelta(days=1))
    services.snapshot_take()
    commitment = plan.commitments.get()
    committee = services.committee_create(organization=plan.organization, slug="comite", name="Comité",
                                          mandate="Conseiller.", by=coordinator)
    services.member_add(committee=committee, organization=plan.organization, sector="public",
                        term_start=dt.date(2021, 4, 1), by=coordinator)
    meeting = services.meeting_announce(committee=committee, held_on=dt.date(2022, 1, 1), title="Rencontre",
                                        agenda="1. Suivi", by=coordinator)
    paths = ["/fr/plans-action/", plan.get_absolute_url(), plan.get_absolute_url() + "?statut=late",
             commitment.get_absolute_url(), "/fr/plans-action/barometre/", "/fr/plans-action/tableau-de-bord/",
             committee.get_absolute_url(), meeting.get_absolute_url()]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths + [p.replace("/fr/plans-action/", "/en/action-plans/")
                             .replace("/engagements/", "/commitments/").replace("barometre", "barometer")
                             .replace("tableau-de-bord", "dashboard").replace("/comite/", "/committee/")
                             .replace("/rencontres/", "/meetings/")
                             for p in paths]:
            assert page.goto(path).status == 200, path
            axe_check(page, context=f"{path} at {width}px")
            if width == 390:
                wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                    .filter(e => !e.closest('.plans-scroll'))
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
                assert not wide, (path, wide)


def test_contact_posts_progress_with_evidence_and_everything_changes(page, axe_check, indicator, contact, password,
                                                                     public_dataset):
    plan, _indicator = indicator
    milestone = Milestone.objects.get(commitment__plan=plan, number="1.2")
    page.goto(plan.get_absolute_url())
    assert "0 %" in page.locator(".plans-commitment .plans-bar-value").first.inner_text()
    page.goto("/fr/plans-action/barometre/")
    before = page.locator(".plans-figures dd").first.inner_text()
    _login(page, contact.email, password)
    page.goto(plan.commitments.get().get_absolute_url())
    page.click("text=Publier l'avancement du jalon 1.2")
    axe_check(page, context="progress form")
    page.select_option("#id_level", "complete")
    page.fill("#id_text", "Le jeu de tutoriels est publié.")
    page.click("main button[type=submit]")
    assert "Un jalon n'est complété qu'avec une preuve" in page.locator(".error-summary").inner_text()
    axe_check(page, context="progress form with errors")
    page.select_option("#id_evidence_kind", "dataset")
    page.fill("#id_evidence_key", public_dataset.name)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**#jalon-{milestone.pk}")
    history = page.locator(f"#jalon-{milestone.pk}").inner_text()
    assert "Complété" in history and "Julie Côté" in history and "Tutoriels de données" in history
    page.goto(plan.get_absolute_url())
    assert page.locator(".plans-commitment .plans-bar-value").first.inner_text().strip() == "50 %"
    assert "Complété" in page.locator(f"#jalon-{milestone.pk}").inner_text()
    page.goto(public_dataset.get_absolute_url())
    assert "Démocratiser les données ouvertes" in page.locator("#plans-linked-title + ul").inner_text()
    page.goto("/fr/plans-action/barometre/")
    after = page.locator(".plans-figures dd").first.inner_text()
    assert before.startswith("0 %") and after.startswith("50 %"), (before, after)  # computed live


def test_editor_pages_pass_axe(page, axe_check, indicator, coordinator, password, make_org, make_user, make_member):
    plan, item = indicator
    commitment = plan.commitments.get()
    milestone = commitment.milestones.get(number="1.1")
    rater = make_user("oqi@exemple.qc.ca")
    make_member(rater, make_org("oqi", kind="civil_society"), "editor")
    _login(page, coordinator.email, password)
    for lang in ("fr", "en"):
        base = "/fr/plans-action/2021-2023/" if lang == "fr" else "/en/action-plans/2021-2023/"
        paths = [base + ("importer/" if lang == "fr" else "import/"),
                 base + (f"jalons/{milestone.pk}/avancement/" if lang == "fr" else f"milestones/{milestone.pk}/progress/"),
                 ("/fr/plans-action/barometre/" if lang == "fr" else "/en/action-plans/barometer/") + item.key
                 + ("/gerer/" if lang == "fr" else "/manage/")]
        for path in paths:
            assert page.goto(path).status == 200, path
            axe_check(page, context=path)
    page.goto("/fr/plans-action/2021-2023/importer/")
    page.set_input_files("#id_file", files=[{"name": "plan.csv", "mimeType": "text/csv",
                                             "buffer": b"commitment_id\nx\n"}])
    page.click("main button[type=submit]")
    assert "Colonnes manquantes" in page.locator("main").inner_text()
    axe_check(page, context="import report")
    page.context.clear_cookies()
    _login(page, rater.email, password)
    page.goto(f"/fr/plans-action/2021-2023/engagements/{commitment.pk}/evaluation/")
    axe_check(page, context="rating form")


def test_management_forms_pass_axe_with_and_without_errors(page, axe_check, indicator, coordinator, password,
                                                           make_plan):
    plan, _item = indicator
    draft = make_plan(publish=False, slug="brouillon")
    commitment = plan.commitments.get()
    milestone = commitment.milestones.get(number="1.1")
    committee = services.committee_create(organization=plan.organization, slug="comite", name="Comité",
                                          by=coordinator)
    meeting = services.meeting_announce(committee=committee, held_on=dt.date(2022, 1, 1), title="Rencontre",
                                        agenda="1. Suivi", by=coordinator)
    _login(page, coordinator.email, password)
    fr = ["/fr/plans-action/nouveau/", "/fr/plans-action/2021-2023/modifier/",
          "/fr/plans-action/2021-2023/defis/nouveau/", "/fr/plans-action/2021-2023/engagements/nouveau/",
          f"/fr/plans-action/2021-2023/engagements/{commitment.pk}/modifier/",
          f"/fr/plans-action/2021-2023/engagements/{commitment.pk}/jalons/nouveau/",
          f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/modifier/",
          "/fr/plans-action/barometre/nouvel-indicateur/", "/fr/plans-action/comite/comite/membres/ajouter/",
          "/fr/plans-action/comite/comite/rencontres/nouvelle/",
          f"/fr/plans-action/comite/comite/rencontres/{meeting.pk}/compte-rendu/"]
    en = ["/en/action-plans/new/", "/en/action-plans/2021-2023/edit/", "/en/action-plans/2021-2023/challenges/new/",
          "/en/action-plans/2021-2023/commitments/new/", f"/en/action-plans/2021-2023/commitments/{commitment.pk}/edit/",
          f"/en/action-plans/2021-2023/commitments/{commitment.pk}/milestones/new/",
          f"/en/action-plans/2021-2023/milestones/{milestone.pk}/edit/", "/en/action-plans/barometer/new-indicator/",
          "/en/action-plans/committee/comite/members/add/", "/en/action-plans/committee/comite/meetings/new/",
          f"/en/action-plans/committee/comite/meetings/{meeting.pk}/minutes/"]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in fr + en:
            assert page.goto(path).status == 200, path
            axe_check(page, context=f"{path} at {width}px")
    page.set_viewport_size({"width": 1280, "height": 900})
    for path in ("/fr/plans-action/2021-2023/engagements/nouveau/", "/en/action-plans/2021-2023/engagements/nouveau/"
                 .replace("engagements/nouveau", "commitments/new")):
        page.goto(path)
        page.fill("#id_external_id", "c9")
        page.fill("#id_start", "2023-01-01")
        page.fill("#id_end", "2022-01-01")
        page.click("main button[type=submit]")
        summary = page.locator(".error-summary").inner_text()
        assert ("Titre" in summary or "Title" in summary), summary
        assert ("La fin précède le début" in summary or "The end comes before the start" in summary), summary
        axe_check(page, context=f"{path} with errors")
    draft_milestone = draft.commitments.get().milestones.get(number="1.1")
    for path in (f"/fr/plans-action/brouillon/jalons/{draft_milestone.pk}/supprimer/",  # the confirmation
                 "/en/action-plans/brouillon/delete/",
                 f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/supprimer/"):  # published: refused, said why
        assert page.goto(path).status == 200, path
        axe_check(page, context=path)
    page.goto(f"/fr/plans-action/brouillon/jalons/{draft_milestone.pk}/supprimer/")
    page.click("text=Supprimer définitivement")
    page.wait_for_url(f"**/plans-action/brouillon/engagements/{draft_milestone.commitment_id}/")
    assert not draft_milestone.commitment.milestones.filter(pk=draft_milestone.pk).exists()


def test_plan_card_has_no_gap_above_its_title(page, make_plan):
    make_plan()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/fr/plans-action/")
        gap = page.evaluate("""() => { const h = document.querySelector('.card h2'); const c = h.closest('.card');
            const s = getComputedStyle(c);
            return h.getBoundingClientRect().top - c.getBoundingClientRect().top
                   - parseFloat(s.paddingTop) - parseFloat(s.borderTopWidth); }""")
        assert abs(gap) <= 1, (width, gap)
