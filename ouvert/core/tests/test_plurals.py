"""Counts agree with their noun in both languages ("1 consultation ouverte", "0 jeu de données", "1 dataset"),
the first of the month is "1er" in French, and French content on English pages says so with lang="fr"."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2]
ENGLISH = sorted(APPS.glob("*/locale/en/LC_MESSAGES/django.po"))

# "0 <word>" or "1 <word>" where the word ends like a plural; words that end so in the singular too.
COUNT = re.compile(r"(?<![\w,.\u00a0\u202f])([01])[\s\u00a0\u202f]+([A-Za-zÀ-ÿ'’-]+[sx])\b")
INVARIABLE = {
    "fr": {"avis", "fois", "mois", "accès", "prix", "choix", "cas", "corps", "temps", "processus", "dos", "sans",
           "sous", "dans", "vers", "depuis", "plus", "moins", "très", "après"},
    "en": {"is", "was", "has", "this", "its", "access", "process", "class", "status", "plus"},
}


@pytest.mark.parametrize("po_path", ENGLISH, ids=lambda p: p.parts[-5])
def test_french_catalogue_holds_every_plural(po_path):
    """Without it gettext uses the English rule in French and writes "0 jeux de données"."""
    plurals = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if e.msgid_plural and not e.obsolete}
    if not plurals:
        return
    french = po_path.parents[2] / "fr" / "LC_MESSAGES" / "django.mo"
    assert french.exists(), f"{french} is missing: run scripts/fr_plurals.py"
    compiled = {(e.msgctxt, e.msgid) for e in polib.mofile(str(french))}
    missing = sorted(m for _c, m in plurals - compiled)
    assert not missing, f"{french} lacks {missing[:5]}: run scripts/fr_plurals.py"


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def count_mistakes(text: str, lang: str) -> list[str]:
    found = []
    for number, word in COUNT.findall(text):
        if word.lower() in INVARIABLE[lang] or (lang == "en" and number == "0"):
            continue  # English: "0 datasets" is right
        found.append(f"{number} {word}")
    return found


@pytest.fixture
def little_platform(make_user, make_org, make_member):
    """One of each thing people count on the main pages (and none of several others): where a
    count of 0 or 1 meets a noun."""
    from ouvert.catalog import services as catalog
    from ouvert.consultations import services as consultations

    org = make_org("laval", kind="municipality", name_fr="Ville de Laval", name_en="City of Laval")
    editor = make_user("editeur@laval.ca")
    make_member(editor, org, "editor")
    with translation.override("fr"):
        dataset = catalog.dataset_create(by=editor, organization=org, title="Écoles primaires",
                                         notes="Emplacement des écoles primaires publiques.")
        catalog.dataset_publish(dataset=dataset, by=editor)
        now = timezone.now()
        consultation = consultations.consultation_create(
            organization=org, by=editor, title="Parcs de quartier", summary="Vos idées pour les parcs.",
            body="Nous voulons vos idées.", topic="environment", region="13", contact_name="Équipe",
            contact_email="parcs@laval.ca", opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=20), purpose_stated=True, feedback_planned=True)
        consultations.consultation_publish(consultation=consultation, by=editor, force=True)
    return org, dataset, consultation


def test_main_pages_have_no_count_noun_mismatch(client, little_platform):
    org, dataset, consultation = little_platform
    for lang in ("fr", "en"):
        with translation.override(lang):
            paths = [reverse("core:home"), reverse("catalog:search"), reverse("consultations:index"),
                     reverse("core:organization_list"), org.get_absolute_url(), dataset.get_absolute_url(),
                     consultation.get_absolute_url(), reverse("plans:index"), reverse("procurement:index"),
                     reverse("procurement:dashboard")]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            mistakes = count_mistakes(visible_text(response.content.decode()), lang)
            assert not mistakes, f"{path}: {mistakes}"


def test_home_counts_agree_with_their_nouns(client, little_platform):
    french = visible_text(client.get("/fr/").content.decode())
    assert re.search(r"1\s+consultation ouverte\b", french)
    assert re.search(r"1\s+jeu de données publié\b", french)
    assert re.search(r"0\s+ministère\b", french) and re.search(r"1\s+municipalité\b", french)
    english = visible_text(client.get("/en/").content.decode())
    assert re.search(r"1\s+open consultation\b", english) and re.search(r"0\s+ministries\b", english)


def test_first_of_the_month_is_1er_in_french_only():
    from django.template import engines

    from ouvert.core.dates import date_display

    template = engines["django"].from_string('{{ d|date:"j F Y" }} / {{ d|date:"l j F" }} / {{ e|date:"j F Y" }}')
    first, second = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
    with translation.override("fr"):
        assert template.render({"d": first, "e": second}) == "1er décembre 2026 / mardi 1er décembre / 2 décembre 2026"
        assert date_display(first) == "1er décembre 2026"
    with translation.override("en"):
        assert template.render({"d": first, "e": second}) == "1 December 2026 / Tuesday 1 December / 2 December 2026"


def test_french_content_is_marked_on_english_pages(client, little_platform):
    _org, dataset, consultation = little_platform
    with translation.override("en"):
        english = client.get(consultation.get_absolute_url()).content.decode()
    assert '<h1 lang="fr">Parcs de quartier</h1>' in english
    with translation.override("fr"):
        french = client.get(consultation.get_absolute_url()).content.decode()
    assert "<h1>Parcs de quartier</h1>" in french
    listing = client.get("/en/consultations/").content.decode()
    assert re.search(r'<h3 lang="fr"><a [^>]+>Parcs de quartier</a></h3>', listing)


def test_a_wrong_password_is_told_in_correct_french(client, make_user):
    make_user("camille@exemple.qc.ca")
    body = client.post("/fr/compte/connexion/", {"username": "camille@exemple.qc.ca", "password": "faux"}).content
    text = visible_text(body.decode())
    assert "Adresse courriel ou mot de passe incorrect" in text and "un adresse" not in text
    english = visible_text(client.post("/en/account/login/", {"username": "camille@exemple.qc.ca",
                                                               "password": "wrong"}).content.decode())
    assert "Wrong e-mail address or password" in english


def test_a_share_and_a_colon_are_written_as_each_language_writes_them():
    from django.template import engines

    template = engines["django"].from_string("{{ a|percent:1 }} / {{ b|percent }} / {{ c|percent:0 }} / {{ d|percent }}"
                                             " / Format{% colon %} CSV")
    values = {"a": 12.34, "b": 100.0, "c": 49.6, "d": None}
    with translation.override("fr"):
        assert template.render(values) == "12,3 % / 100,0 % / 50 % / — / Format : CSV"
    with translation.override("en"):
        assert template.render(values) == "12.3% / 100.0% / 50% / — / Format: CSV"


def test_where_a_finding_is_counts_its_columns_and_rows():
    from django.template.loader import render_to_string

    finding = {"status": "fail", "rule": "F7", "title": "", "message": "…", "resource": "a.csv",
               "columns": ["montant"], "rows": [4, 9]}
    context = {"quality_members_view": True, "quality": {"checked": True, "findings": [finding]},
               "dataset": {"quality_score": 50, "openness_stars": 3}}
    with translation.override("fr"):
        french = visible_text(render_to_string("catalog/includes/dataset_quality.html", context))
    with translation.override("en"):
        english = visible_text(render_to_string("catalog/includes/dataset_quality.html", context))
    assert "colonne montant, lignes 4, 9" in french and "colonnes montant" not in french
    assert "column montant, rows 4, 9" in english and "F7: …" in english
