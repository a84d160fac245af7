"""English title, description and keywords through the CKAN actions, and package_search's fallback
to the other language on a miss (docs/api-ckan.md, "English metadata")."""

from __future__ import annotations

import pytest
from django.apps import apps

from .conftest import post

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("ouvert.catalog"), reason="the catalogue is not installed")]


@pytest.fixture
def bilingual(client, publisher):
    _org, token = publisher
    created = post(client, "package_create", {
        "name": "pistes-cyclables", "owner_org": "montreal",
        "title_translated": {"fr": "Pistes cyclables", "en": "Bike lanes"},
        "notes_translated": {"fr": "Le réseau cyclable de la ville.", "en": "The city's cycling network."},
        "keywords": {"fr": ["vélo", "mobilité"], "en": ["Cycling", "mobility", "cycling"]},
    }, token=token)
    assert created.status_code == 200, created.json()
    plain = post(client, "package_create", {"name": "arbres", "owner_org": "montreal", "title": "Arbres publics",
                                            "tags": [{"name": "forêt urbaine"}], "keywords_en": "trees, canopy"},
                 token=token)
    assert plain.status_code == 200, plain.json()
    return token


def test_package_create_stores_and_show_returns_both_languages(client, bilingual):
    shown = client.get("/api/3/action/package_show?id=pistes-cyclables").json()["result"]
    assert shown["title"] == "Pistes cyclables" and shown["title_en"] == "Bike lanes"
    assert shown["title_translated"] == {"fr": "Pistes cyclables", "en": "Bike lanes"}
    assert shown["notes_translated"] == {"fr": "Le réseau cyclable de la ville.", "en": "The city's cycling network."}
    assert sorted(t["name"] for t in shown["tags"]) == ["mobilité", "vélo"]
    assert shown["keywords_en"] == ["cycling", "mobility"]  # trimmed, lower case, without repeats
    assert shown["keywords_translated"] == {"fr": ["mobilité", "vélo"], "en": ["cycling", "mobility"]}
    other = client.get("/api/3/action/package_show?id=arbres").json()["result"]
    assert other["keywords_translated"] == {"fr": ["forêt urbaine"], "en": ["trees", "canopy"]}
    assert other["title_translated"] == {"fr": "Arbres publics", "en": ""}
    assert "keywords" not in shown  # CKAN clients read ``keywords`` as a list of words (frictionless does)


def test_package_patch_changes_one_language_and_update_clears_what_is_absent(client, bilingual):
    patched = post(client, "package_patch", {"id": "pistes-cyclables", "title_translated": {"en": "Cycle paths"},
                                             "keywords": {"en": ["bicycle"]}}, token=bilingual).json()["result"]
    assert patched["title_translated"] == {"fr": "Pistes cyclables", "en": "Cycle paths"}
    assert patched["keywords_translated"] == {"fr": ["mobilité", "vélo"], "en": ["bicycle"]}
    assert patched["notes_en"] == "The city's cycling network."
    updated = post(client, "package_update", {"id": "pistes-cyclables", "title": "Pistes cyclables",
                                              "tags": [{"name": "vélo"}]}, token=bilingual).json()["result"]
    assert updated["title_en"] == "" and updated["notes_en"] == "" and updated["keywords_translated"]["fr"] == ["vélo"]
    assert updated["keywords_en"] == []


def test_malformed_translated_fields_are_refused(client, bilingual):
    bad = post(client, "package_patch", {"id": "arbres", "title_translated": "Trees"}, token=bilingual)
    assert bad.status_code == 409 and "title_translated" in bad.json()["error"]
    bad = post(client, "package_patch", {"id": "arbres", "keywords": ["trees"]}, token=bilingual)
    assert bad.status_code == 409 and "keywords" in bad.json()["error"]
    bad = post(client, "package_patch", {"id": "arbres", "keywords_translated": "trees"}, token=bilingual)
    assert bad.status_code == 409 and "keywords_translated" in bad.json()["error"]
    bad = post(client, "package_search", {"q": "trees", "search_language": "de"})
    assert bad.status_code == 409 and "search_language" in bad.json()["error"]


def test_package_search_reads_q_in_the_language_asked_and_falls_back_to_the_other(client, bilingual):
    english = post(client, "package_search", {"q": "cycling", "search_language": "en"}).json()["result"]
    assert [r["name"] for r in english["results"]] == ["pistes-cyclables"]
    assert english["search_language"] == "en" and english["search_language_fallback"] is False
    # An English word asked in French: nothing in French, the English index answers, and says so.
    fallback = post(client, "package_search", {"q": "trees", "search_language": "fr",
                                               "facet.field": ["tags"]}).json()["result"]
    assert [r["name"] for r in fallback["results"]] == ["arbres"] and fallback["count"] == 1
    assert fallback["search_language"] == "en" and fallback["search_language_fallback"] is True
    assert fallback["facets"]["tags"] == {"forêt urbaine": 1}  # facets count the results returned
    # A French word asked in English, the other way round.
    back = post(client, "package_search", {"q": "cyclables", "search_language": "en"}).json()["result"]
    assert [r["name"] for r in back["results"]] == ["pistes-cyclables"]
    assert back["search_language"] == "fr" and back["search_language_fallback"] is True
    # Found in the language asked: no fallback. Found nowhere: the language asked, no fallback.
    french = post(client, "package_search", {"q": "arbres"}).json()["result"]
    assert french["count"] == 1 and french["search_language"] == "fr" and not french["search_language_fallback"]
    nothing = post(client, "package_search", {"q": "zeppelin", "search_language": "en"}).json()["result"]
    assert nothing["count"] == 0 and nothing["search_language"] == "en" and not nothing["search_language_fallback"]


def test_a_package_show_dict_edited_in_either_style_and_sent_back_keeps_the_edit(client, bilingual):
    """CKAN clients read a dict, change a field and send it all back: the twin of the changed field
    (flat ``notes`` vs ``notes_translated``) still holds the old value, and must not undo the edit."""
    shown = client.get("/api/3/action/package_show?id=pistes-cyclables").json()["result"]
    shown["notes"], shown["tags"] = "Réseau cyclable mis à jour.", [{"name": "cyclisme"}]
    updated = post(client, "package_update", shown, token=bilingual).json()["result"]
    assert updated["notes_translated"] == {"fr": "Réseau cyclable mis à jour.", "en": "The city's cycling network."}
    assert updated["keywords_translated"] == {"fr": ["cyclisme"], "en": ["cycling", "mobility"]}
    updated["title_translated"]["en"] = "Cycle lanes"
    updated["keywords_translated"]["en"] = ["bike"]
    again = post(client, "package_update", updated, token=bilingual).json()["result"]
    assert again["title_en"] == "Cycle lanes" and again["title"] == "Pistes cyclables"
    assert again["keywords_en"] == ["bike"] and [t["name"] for t in again["tags"]] == ["cyclisme"]
