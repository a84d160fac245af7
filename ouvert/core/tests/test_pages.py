"""The shell: both languages, landmarks, the home page's live counts, error pages."""

from pathlib import Path

import polib
import pytest

pytestmark = pytest.mark.django_db

CATALOGUES = sorted(Path(__file__).resolve().parents[2].glob("*/locale/en/LC_MESSAGES/django.po"))


def test_root_redirects_to_french(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/fr/"


@pytest.mark.parametrize(("lang", "text"), [("fr", "Les cinq volets"), ("en", "The five parts")])
def test_home_in_both_languages(client, make_org, lang, text):
    make_org("m", kind="municipality")
    body = client.get(f"/{lang}/").content.decode()
    assert f'<html lang="{lang}">' in body
    assert text in body
    assert 'href="#contenu"' in body and "<main" in body and "<nav" in body
    other = "en" if lang == "fr" else "fr"
    assert f'hreflang="{other}"' in body


def test_language_switch_keeps_the_page(client, make_org):
    make_org("sct")
    body = client.get("/fr/organisations/sct/").content.decode()
    assert 'href="/en/organizations/sct/"' in body
    assert client.get("/en/organizations/sct/").status_code == 200


def test_about_page(client):
    assert "Transparence" in client.get("/fr/a-propos/").content.decode()
    assert "Transparency" in client.get("/en/about/").content.decode()


def test_404_is_bilingual_page(client):
    response = client.get("/en/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert not untranslated, f"untranslated English strings in {po_path}: {untranslated[:10]}"
    assert not po.fuzzy_entries(), f"fuzzy entries in {po_path}"
    compiled = {(e.msgctxt, e.msgid) for e in polib.mofile(str(po_path.with_suffix(".mo")))}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"{po_path.with_suffix('.mo')} is stale: compilemessages"
