"""The page presenting the APIs, and the native API's documentation page, work without the network."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "lang", "title"), [("/fr/api/", "fr", "Les API du portail"),
                                                     ("/en/api/", "en", "The portal's APIs")])
def test_the_api_page_presents_every_api_with_links_that_answer(client, path, lang, title):
    body = client.get(path).content.decode()
    assert f'<html lang="{lang}"' in body and title in body
    links = set(re.findall(r'href="(/(?:api|catalog|oai|ocds)[^"#]*)"', body))
    for expected in ["/api/v1/docs", "/api/v1/openapi.json", "/api/3/action/package_search?q=eau&amp;rows=5",
                     "/catalog.ttl", "/oai?verb=Identify", "/ocds/releases.json"]:
        assert expected in links, expected
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_swagger_page_has_a_language_local_files_and_a_way_back(client):
    body = client.get("/api/v1/docs").content.decode()
    assert '<html lang="fr">' in body and 'id="swagger-settings"' in body
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn." not in body
    assert 'href="/fr/api/"' in body
