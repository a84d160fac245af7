"""The map preview and spatial search in headless Chromium: features drawn, legend, popup,
choropleth, keyboard, axe-core; screenshots written to var/screenshots/ for a human to look at."""

from __future__ import annotations

import uuid

import pytest

from conftest import shared_path
from ouvert.core.actors import INGEST
from ouvert.geo.services import layer_load_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Q = ("realdata", "quebec")


@pytest.fixture
def districts(public_rid):
    dataset_id = uuid.uuid4()
    return layer_load_path(resource_id=public_rid(dataset_id), dataset_id=dataset_id, by=INGEST,
                           name="Districts électoraux de Montréal",
                           path=shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))


@pytest.mark.parametrize(("lang", "path", "shown"), [
    ("fr", "/fr/donnees/cartes/{}/", "116 objets affichés sur 116"),
    ("en", "/en/data/maps/{}/", "116 features shown of 116"),
])
def test_map_preview_draws_layer_and_passes_axe(page, axe_check, screenshots_dir, districts, lang, path, shown):
    page.goto(path.format(districts.resource_id))
    status = page.locator("[data-geo-status]")
    status.wait_for()
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('116')")
    assert shown in status.text_content()
    # Canvas renderer: one canvas with the polygons; the legend names the geometry family.
    assert page.locator(".geo-map canvas").count() >= 1
    assert page.locator("[data-geo-legend] li").first.text_content() in {"Polygones", "Polygons"}
    page.screenshot(path=str(screenshots_dir / f"geo-map-{lang}.png"), full_page=False)
    axe_check(page, context=f"map preview {lang}")

    # The table alternative opens the feature's popup on the map.
    page.locator("[data-geo-show='0']").click()
    popup = page.locator(".leaflet-popup-content .geo-popup")
    popup.wait_for()
    assert "Ahuntsic-Cartierville" in popup.text_content()

    # Choropleth on a numeric column: the legend lists value classes in words, not colour alone.
    page.select_option("select[data-geo-action=choropleth]", "NO_ARON")
    page.wait_for_function("() => document.querySelector('[data-geo-legend]').textContent.includes('NO_ARON')")
    assert page.locator("[data-geo-legend] li").count() >= 3
    page.screenshot(path=str(screenshots_dir / f"geo-map-choropleth-{lang}.png"), full_page=False)
    axe_check(page, context=f"map preview choropleth {lang}")


@pytest.mark.parametrize(("relative", "legend", "count"), [
    (("gatineau-fire-hydrant", "borne_fontaine.csv"), "Points", 8077),
    (("montreal-geojson", "reseau-cyclable.geojson"), "Lignes", 6987),
])
def test_points_and_lines_styled_by_type(page, axe_check, screenshots_dir, relative, legend, count, public_rid):
    layer = layer_load_path(resource_id=public_rid(), by=INGEST, path=shared_path(*Q, *relative))
    page.goto(f"/fr/donnees/cartes/{layer.resource_id}/")
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('sur')")
    status = page.locator("[data-geo-status]").text_content()
    assert "".join(c for c in status if c.isdigit()).endswith(str(count))
    # French digit groups, whatever the browser's own locale: "… sur 8 077 (…)", never "8,077".
    assert f"sur {count // 1000}\u202f{count % 1000:03d}" in status, status
    assert page.locator("[data-geo-legend] li").first.text_content() == legend
    page.screenshot(path=str(screenshots_dir / f"geo-map-{relative[1].split('.')[0]}.png"))
    axe_check(page, context=relative[1])


def test_map_is_keyboard_operable(page, districts):
    page.goto(f"/fr/donnees/cartes/{districts.resource_id}/")
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('116')")
    before = page.evaluate("document.querySelector('.geo-map')._ouvertMap.getZoom()")
    page.locator(".geo-map").focus()
    page.keyboard.press("Equal")  # "+" zooms in (Leaflet keyboard handler)
    page.wait_for_function(f"() => document.querySelector('.geo-map')._ouvertMap.getZoom() > {before}")
    page.wait_for_timeout(400)  # let the zoom animation end before panning
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(400)
    page.locator("[data-geo-action=extent]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelector('.geo-map')._ouvertMap.getZoom() === {before}")


BASE_CODES = """() => { const codes = [];
  document.querySelector('.geo-map')._ouvertMap.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.code) codes.push(l.feature.properties.code); });
  return codes; }"""


def test_offline_base_swaps_regions_for_mrc_when_zoomed_in(page, settings, districts):
    """Without a tile server, a map of Montréal (zoom 10 or so) fetches and draws the MRC; zoomed
    out past level 7 it draws the 17 regions instead. The MRC file is fetched once, only when
    needed: a map opened on all of Québec never asks for it."""
    settings.OUVERT_BASEMAP_URL = ""
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"/fr/donnees/cartes/{districts.resource_id}/")
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('116')")
    page.wait_for_function(f"() => ({BASE_CODES})().some(c => c.startsWith('mrc-'))")
    codes = page.evaluate(BASE_CODES)
    assert len([c for c in codes if c.startswith("mrc-")]) == 104 and not any(c.startswith("ra-") for c in codes)
    page.evaluate("() => { document.querySelector('.geo-map')._ouvertMap.setZoom(5, {animate: false}); }")
    page.wait_for_function(f"() => ({BASE_CODES})().filter(c => c.startsWith('ra-')).length === 17")
    assert not any(c.startswith("mrc-") for c in page.evaluate(BASE_CODES))
    page.evaluate("() => { document.querySelector('.geo-map')._ouvertMap.setZoom(8, {animate: false}); }")
    page.wait_for_function(f"() => ({BASE_CODES})().filter(c => c.startsWith('mrc-')).length === 104")
    assert sum("basemap-mrc.geojson" in url for url in fetched) == 1
    fetched.clear()
    page.goto("/fr/donnees/cartes/recherche/")
    page.wait_for_function("() => document.querySelector('.leaflet-container') !== null")
    page.wait_for_timeout(800)
    assert any("basemap-regions.geojson" in url for url in fetched)
    assert not any("basemap-mrc.geojson" in url for url in fetched)


def test_large_layer_popup_fetches_attributes_and_choropleth_asks_for_its_column(page, monkeypatch, public_rid):
    monkeypatch.setattr("ouvert.geo.simplify.INLINE_PROPERTIES_MAX", 10)
    layer = layer_load_path(resource_id=public_rid(), by=INGEST, name="Grande couche",
                            path=shared_path(*Q, "represent-canada-data", "montreal-districts", "merge.shp"))
    page.goto(f"/fr/donnees/cartes/{layer.resource_id}/")
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('116')")
    page.locator("[data-geo-show='0']").click()
    page.wait_for_function("() => (document.querySelector('.leaflet-popup-content') || {}).textContent"
                           "?.includes('Ahuntsic-Cartierville')")
    with page.expect_response(lambda r: "field=NO_ARON" in r.url):
        page.select_option("select[data-geo-action=choropleth]", "NO_ARON")
    page.wait_for_function("() => document.querySelector('[data-geo-legend]').textContent.includes('NO_ARON')")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_spatial_search_region_picker_and_map_box(page, axe_check, screenshots_dir, districts, lang):
    base = "/fr/donnees/cartes/recherche/" if lang == "fr" else "/en/data/maps/search/"
    page.goto(base)
    axe_check(page, context=f"spatial search {lang}")
    page.select_option("#geo-lieu", "m-montreal")
    page.locator("#geo-search-place button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "Districts électoraux de Montréal" in page.locator("#geo-results-title ~ ul.org-list").text_content()
    # The map's extent, once zoomed on Gatineau, finds nothing.
    page.locator("#geo-bbox-text").fill("-75.95,45.37,-75.35,45.63")
    page.locator("#geo-search-box button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("#geo-results-title").text_content() in {"Aucun jeu de données trouvé", "No dataset found"}
    page.locator("#geo-use-extent").click()
    assert page.locator("#geo-bbox-text").input_value().count(",") == 3
    page.screenshot(path=str(screenshots_dir / f"geo-search-{lang}.png"), full_page=True)
    axe_check(page, context=f"spatial search results {lang}")
