"""Every plans string has an English translation, compiled."""

import subprocess
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_complete_and_compiled():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:5]
    assert not po.fuzzy_entries()
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)],  # noqa: S603,S607
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 5


def test_english_plan_pages_mark_their_french_content(client, plan):
    """Plan, commitment and milestone titles, texts and the bodies without an English name were read as
    English on English pages (found by reading the demo)."""
    from django.utils import translation

    from ouvert.core.tests.test_content_lang import unmarked_french

    commitment = plan.commitments.get()
    with translation.override("en"):
        paths = [plan.get_absolute_url(), commitment.get_absolute_url()]
    french = ["Plan d'action 2021-2023", "Démocratiser les données ouvertes", "Créer une section pédagogique",
              "Bibliothèque et Archives nationales du Québec", "Circulation de l'information"]
    for path in paths:
        body = client.get(path).content.decode()
        assert body.count("lang=") > 1 and not unmarked_french(body, french), (path, unmarked_french(body, french))
    body = client.get(paths[1]).content.decode()
    assert '<h1>Commitment 1: <span lang="fr">Démocratiser les données ouvertes</span></h1>' in body
    assert "Treasury Board Secretariat" in body
    plan_page = client.get(paths[0]).content.decode()
    # The bar is named by a hidden "Commitment progress" and the heading, whose title is marked lang="fr".
    assert f'aria-labelledby="bar-c-{commitment.pk} c-{commitment.pk}"' in plan_page
    assert f'<span class="visually-hidden" id="bar-c-{commitment.pk}">Commitment progress</span>' in plan_page
