"""The shell: both languages, landmarks, the home page's live counts, error pages."""

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


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


def test_english_catalogue_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and "msgstr \"\"\n\"" not in e and "msgid_plural" not in e]
    assert not untranslated, f"untranslated English strings:\n{untranslated[:5]}"
    assert "#, fuzzy" not in po
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(LOCALE / "django.po")],  # noqa: S603,S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (LOCALE / "django.mo").stat().st_mtime >= (LOCALE / "django.po").stat().st_mtime - 5
