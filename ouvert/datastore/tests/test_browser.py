"""The table page in Chromium: sorting, filtering, paging, the chart builder, and axe-core (FR and EN)."""

import pytest

CSV = "ville,montant,date\n" + "".join(
    f"{v},{i * 1.5},2012-0{1 + i % 9}-1{i % 9}\n" for i, v in enumerate(["Québec", "Lévis", "Montréal"] * 20))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_table_preview_and_chart(page, axe_check, ingest, write_file):
    rid = ingest(write_file("v.csv", CSV)).resource_id
    for path in (f"/fr/donnees/tables/{rid}/", f"/en/data/tables/{rid}/"):
        page.goto(path)
        page.wait_for_selector("[data-ds-body] tr")
        assert page.locator("[data-ds-body] tr").count() == 25
        axe_check(page, context=path)
    page.goto(f"/fr/donnees/tables/{rid}/")
    page.wait_for_selector("[data-ds-body] tr")
    page.get_by_role("button", name="montant").click()
    page.wait_for_function("() => document.querySelector('th[aria-sort=ascending]') !== null")
    page.get_by_role("button", name="montant").click()
    page.wait_for_function("() => document.querySelector('[data-ds-body] tr td:nth-child(2)').textContent.startsWith('88')")
    page.get_by_role("button", name="Page suivante").click()  # 60 rows: a second page of 25
    page.wait_for_function("() => document.querySelector('[data-ds-body] tr td:nth-child(2)').textContent.startsWith('51')")
    page.get_by_label("Filtrer la colonne").select_option("ville")
    page.get_by_label("Valeur", exact=True).fill("Lévis")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_function("() => document.querySelector('[data-ds-status]').textContent.startsWith('20')")
    assert page.get_by_role("button", name="Page suivante").is_disabled()  # 20 rows: one page
    page.get_by_label("Regrouper par").select_option("ville")
    page.get_by_label("Type de graphique").select_option("pie")
    page.get_by_role("button", name="Tracer").click()
    page.wait_for_selector("[data-ds-figure] svg path")
    assert page.locator("[data-ds-figure] svg path").count() == 3
    axe_check(page, context="chart")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_load_panel_follows_a_running_load(page, axe_check, live_server, publisher):
    """The panel of a running load polls its own URL and shows the load finishing, in both languages."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import timezone

    from ouvert.catalog import services as catalog
    from ouvert.datastore.models import IngestJob

    user, org = publisher
    dataset = catalog.dataset_create(by=user, organization=org, title="Dépenses")
    resource = catalog.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("d.csv", CSV.encode()))
    job = IngestJob.objects.create(resource_id=resource.pk, organization=org, source_name="d.csv",
                                   original_name="d.csv", status="running", phase="load",
                                   started_at=timezone.now(), bytes_total=1000, bytes_done=400, rows_done=24)
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    for path in (f"/fr/donnees/jeux/{dataset.name}/ressources/{resource.pk}/",
                 f"/en/data/datasets/{dataset.name}/resources/{resource.pk}/"):
        page.goto(live_server.url + path)
        page.wait_for_selector("#ds-job progress")
        axe_check(page, context=path)
    IngestJob.objects.filter(pk=job.pk).update(status="succeeded", phase="done", rows_done=60,
                                               finished_at=timezone.now())
    page.wait_for_function("() => document.querySelector('#ds-job [role=status]').textContent.includes('Loading finished')"
                           " || document.querySelector('#ds-job [role=status]').textContent.includes('terminé')",
                           timeout=10_000)
    assert page.locator("#ds-job progress").count() == 0
