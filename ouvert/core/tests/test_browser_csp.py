"""Pages no other browser test visits load without a Content-Security-Policy violation (the ``page``
fixture fails the test on any): the back office, the API docs, and a map with a basemap."""

import uuid

import pytest

from conftest import shared_path
from ouvert.core.actors import INGEST

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_office_and_api_docs(page, make_user, password):
    make_user("admin@exemple.qc.ca", site_admin=True)
    page.goto("/fr/admin/login/")
    page.fill("input[name=username]", "admin@exemple.qc.ca")
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/fr/admin/")
    page.goto("/fr/admin/core/user/")
    page.goto("/fr/admin/core/organization/add/")
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)


def test_map_with_a_basemap(page, settings, live_server, public_rid):
    from ouvert.geo.services import layer_load_path

    settings.OUVERT_BASEMAP_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens: tiles fail, unblocked
    dataset_id = uuid.uuid4()
    layer = layer_load_path(resource_id=public_rid(dataset_id), dataset_id=dataset_id, by=INGEST, name="Districts",
                            path=shared_path("realdata", "quebec", "represent-canada-data", "montreal-districts",
                                             "merge.shp"))
    response = page.goto(f"/fr/donnees/cartes/{layer.resource_id}/")
    assert "img-src 'self' data: http://127.0.0.1:9" in response.headers["content-security-policy"]
    page.wait_for_function("() => document.querySelector('[data-geo-status]').textContent.includes('116')")
    page.wait_for_selector(".leaflet-tile", state="attached")


def test_pages_ask_for_no_missing_file(page):
    """No page logs a failed load: the browser's icon request included (without a declared icon it
    asks for /favicon.ico, a 404 on every first visit)."""
    errors = []
    page.on("console", lambda message: errors.append((message.text, message.location.get("url")))
            if message.type == "error" else None)
    page.goto("/fr/")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("/ouvert/favicon.svg")
