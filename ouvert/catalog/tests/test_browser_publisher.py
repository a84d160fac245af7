"""The publisher's journey in Chromium (issue 14): upload a file, fix its data dictionary, publish a
non-conforming dataset knowingly, find it in "my datasets"; a zipped shapefile's page shows its map
before its table. French on a desktop, English on a phone, then each page of the journey again in French on a
phone and in English on a desktop; axe-core on every page; screenshots."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ouvert.catalog import services
from ouvert.catalog.models import Dataset
from ouvert.catalog.tests.test_publishers import zipped_shapefile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CSV = b"annee,site,velos\n2020,Berri,1200\n2021,Rachel,1350\n"


def _login(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_publisher_uploads_fixes_the_dictionary_and_publishes(page, axe_check, live_server, screenshots_dir, look,
                                                              make_user, make_org, make_member, tmp_path):
    org = make_org("montreal", kind="municipality", name_fr="Ville de Montréal", name_en="City of Montréal")
    editor = make_user("editrice@montreal.ca")
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="Comptages de vélos",
                                      notes="Passages de vélos par compteur et par année.")
    maps = services.dataset_create(by=editor, organization=org, title="Districts électoraux",
                                   notes="Limites des districts électoraux.")
    shapefile = services.resource_create(dataset=maps, by=editor,
                                         file=SimpleUploadedFile("merge.zip", zipped_shapefile()))
    _login(page, live_server, editor)

    # Desktop, French: upload, the load status and a current quality block on the dataset page.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(dataset.get_absolute_url())
    page.get_by_role("link", name="Ajouter une ressource").first.click()
    upload = tmp_path / "comptages.csv"
    upload.write_bytes(CSV)
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Enregistrer la ressource").click()
    assert page.get_by_text("État des chargements").count() == 1
    assert page.locator(".load-status").get_by_text("chargé").count() == 1
    assert page.get_by_text("Aucune ressource en ligne").count() == 0
    axe_check(page, context="dataset page after upload (fr, desktop)")
    page.screenshot(path=str(screenshots_dir / "publisher-1-upload-fr-desktop.png"), full_page=True)

    # The dictionary: one editable table of the detected columns; a wrong type is refused per field.
    page.get_by_role("link", name="comptages.csv").first.click()
    page.get_by_role("link", name="Modifier le dictionnaire de données").click()
    page.get_by_label("Description de la colonne annee").fill("Année du comptage")
    page.get_by_label("Type de la colonne annee").select_option("text")
    page.get_by_label("Description de la colonne site").fill("Lieu du compteur")
    page.get_by_label("Description de la colonne velos").fill("Vélos comptés dans l'année")
    unit = page.get_by_label("Unité de la colonne velos")
    unit.evaluate("(input) => input.removeAttribute('maxlength')")  # as an old browser would send it
    unit.fill("x" * 60)
    page.get_by_role("button", name="Enregistrer la ressource").click()
    assert page.locator(".error-summary").count() == 1
    axe_check(page, context="dictionary with errors (fr, desktop)")
    page.get_by_label("Unité de la colonne velos").fill("vélos")
    page.get_by_role("button", name="Enregistrer la ressource").click()
    assert page.get_by_text("le fichier est rechargé").count() == 1
    assert page.get_by_role("cell", name="Année du comptage").count() == 1
    axe_check(page, context="resource page after the dictionary fix (fr, desktop)")
    page.screenshot(path=str(screenshots_dir / "publisher-2-dictionary-fr-desktop.png"), full_page=True)

    # Publishing a non-conforming dataset: the summary, then an explicit confirmation.
    page.goto(dataset.get_absolute_url())
    page.get_by_role("link", name="Publier… (non conforme : voir le bilan)").click()
    assert page.get_by_text("Comment corriger").count() >= 1
    axe_check(page, context="publish summary (fr, desktop)")
    page.screenshot(path=str(screenshots_dir / "publisher-3-publish-fr-desktop.png"), full_page=True)
    page.get_by_role("button", name="Publier quand même, en connaissance de cause").click()
    assert page.get_by_text("Jeu de données publié.").count() == 1
    dataset.refresh_from_db()
    assert dataset.state == "active"

    # Phone, English: my datasets (the draft first), the dictionary editor, the map before the table.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/en/account/")
    page.get_by_role("link", name="My datasets and drafts").click()
    rows = page.locator("main table tbody tr")
    assert rows.nth(0).get_by_text("Districts électoraux").count() == 1
    assert rows.nth(0).get_by_text("Draft").count() == 1
    axe_check(page, context="my datasets (en, phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(screenshots_dir / "publisher-4-my-datasets-en-phone.png"), full_page=True)
    resource = Dataset.objects.get(pk=dataset.pk).resources.get()
    page.goto(f"/en/data/datasets/{dataset.name}/resources/{resource.pk}/edit/")
    assert page.get_by_label("Type of column annee").input_value() == "text"
    axe_check(page, context="dictionary editor (en, phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(screenshots_dir / "publisher-5-dictionary-en-phone.png"), full_page=True)
    page.goto(f"/en/data/datasets/{maps.name}/resources/{shapefile.pk}/")
    map_box = page.locator(".geo-preview").first.bounding_box()
    table_box = page.locator("[data-ds-preview]").bounding_box()
    assert map_box and table_box and map_box["y"] < table_box["y"]
    page.locator("[data-ds-body] tr").first.wait_for()
    assert page.locator("[data-ds-preview]").get_by_text("POLYGON").count() == 0
    axe_check(page, context="shapefile resource page (en, phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(screenshots_dir / "publisher-6-shapefile-en-phone.png"), full_page=True)

    # The same pages in the two other combinations: French on a phone, English on a desktop.
    for lang, size, device in (("fr", PHONE, "phone"), ("en", DESKTOP, "desktop")):
        with translation.override(lang):
            pages = [("dataset", dataset.get_absolute_url()),
                     ("dictionary", reverse("catalog:resource_edit", kwargs={"name": dataset.name, "pk": resource.pk})),
                     ("publish-summary", reverse("catalog:dataset_publish", kwargs={"name": maps.name})),
                     ("my-datasets", reverse("catalog:my_datasets")),
                     ("shapefile", reverse("catalog:resource_detail", kwargs={"name": maps.name, "pk": shapefile.pk}))]
        for step, path in pages:
            look(page, path, f"publisher-again-{step}-{lang}-{device}", size=size, lang=lang)
