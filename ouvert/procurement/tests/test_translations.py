"""Every micro-acquisitions string has an English translation, compiled; the English pages use it."""

import subprocess
from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:5]
    assert not po.fuzzy_entries()
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)],  # noqa: S603,S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 5


@pytest.mark.django_db
def test_the_english_pages_speak_english(make_call, client):
    call = make_call()
    page = client.get(f"/en/procurement/calls/{call.pk}/").content.decode()
    assert "Evaluation criteria" in page and "Bids are sealed" in page


def test_an_english_call_page_marks_its_french_content(client, make_call):
    """The call's title, summary, texts, criteria and questions are French on English pages: lang="fr"."""
    from django.utils import translation

    from ouvert.core.tests.test_content_lang import unmarked_french

    call = make_call()
    with translation.override("en"):
        path = call.get_absolute_url()
    body = client.get(path).content.decode()
    french = ["Module de prise de rendez-vous", "Un module libre de prise", "Ajouter la prise de rendez-vous",
              "Les tests passent", "Documentation en français", "Qualité technique", "Ministère de l'essai",
              "Aucune solution existante"]
    assert not unmarked_french(body, french), unmarked_french(body, french)


def test_amounts_are_written_as_each_language_writes_them(client, make_call):
    """The demo showed "45000.00 $" on both pages: French groups the thousands and keeps "$" after,
    English puts "$" first ("$45,000.00")."""
    import re

    call = make_call()
    french = client.get("/fr/acquisitions/").content.decode() + client.get(call.get_absolute_url()).content.decode()
    assert re.search(r"45[\u202f\u00a0 ]000,00\u00a0\$", french) and "45000" not in french
    english = client.get("/en/procurement/").content.decode()
    assert "$45,000.00" in english and "45000" not in english
