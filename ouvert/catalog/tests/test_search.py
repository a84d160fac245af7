"""French search: accents, stemming, phrases, weighting, facets, sorts — on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from ouvert.catalog import search, services
from ouvert.catalog.models import Dataset
from ouvert.catalog.selectors import SearchParams, search_datasets

pytestmark = pytest.mark.django_db


def titles(**params) -> list[str]:
    return [d.title for d in search_datasets(params=SearchParams(**params)).queryset]


def test_backend_matches_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'")
            assert cursor.fetchone()[0] == 1
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'catalog_dataset_fts'")
            assert "remove_diacritics 2" in cursor.fetchone()[0]


def test_accentless_stemmed_query_finds_accented_title(publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="École primaire Saint-Martin")
    make_dataset(user, org, title="Collectes des matières résiduelles", notes="Calendrier des collectes.")
    assert titles(q="ecoles") == ["École primaire Saint-Martin"]
    assert titles(q="ÉCOLE") == ["École primaire Saint-Martin"]
    assert titles(q="matiere residuelle") == ["Collectes des matières résiduelles"]


def test_all_words_must_match_and_phrases_are_adjacent(publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Qualité de l'eau potable", notes="Analyses mensuelles.")
    make_dataset(user, org, title="Eau des plages", notes="La qualité bactériologique; potable non.")
    assert set(titles(q="eau qualite")) == {"Qualité de l'eau potable", "Eau des plages"}
    assert titles(q='"eau potable"') == ["Qualité de l'eau potable"]


def test_title_and_keywords_outrank_description(publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Permis délivrés", notes="On y parle aussi de vélo une fois, en passant, " * 2)
    make_dataset(user, org, title="Réseau cyclable", keywords=["vélo"], notes="Tracé des pistes.")
    make_dataset(user, org, title="Vélo : comptages quotidiens", notes="Passages.")
    found = titles(q="velo")
    assert found[-1] == "Permis délivrés"
    assert set(found[:2]) == {"Réseau cyclable", "Vélo : comptages quotidiens"}


def test_drafts_private_and_deleted_are_not_found(publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Budget brouillon", publish=False)
    make_dataset(user, org, title="Budget privé", private=True)
    gone = make_dataset(user, org, title="Budget supprimé")
    services.dataset_delete(dataset=gone, by=user)
    assert titles(q="budget") == []


def test_index_follows_updates_in_the_same_transaction(publisher, make_dataset):
    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres publics")
    services.dataset_update(dataset=dataset, by=user, title="Canopée urbaine")
    assert titles(q="arbres") == []
    assert titles(q="canopee") == ["Canopée urbaine"]


def test_facets_filters_and_counts(publisher, make_dataset, make_org, make_user, make_member):
    user, org = publisher
    other = make_org("msp", kind="ministry")
    boss = make_user()
    make_member(boss, other, "admin")
    a = make_dataset(user, org, title="Écoles de Laval", keywords=["écoles", "éducation"], update_frequency="yearly")
    services.resource_create(dataset=a, by=user, url="https://exemple.qc.ca/ecoles.csv")
    reference = make_dataset(boss, other, title="Écoles et sinistres", keywords=["écoles"])
    Dataset.objects.filter(pk=reference.pk).update(is_reference=True)  # the quality checker grants it
    result = search_datasets(params=SearchParams(q="ecole", kind=["municipality"]), facets=True)
    assert [d.title for d in result.queryset] == ["Écoles de Laval"]
    kinds = {item.value: item.count for item in result.facets["kind"]}
    assert kinds == {"municipality": 1, "ministry": 1}  # a facet ignores its own filter
    assert {i.value: i.count for i in result.facets["format"]} == {"CSV": 1}
    assert {i.value for i in result.facets["keyword"]} == {"écoles", "éducation"}
    assert titles(q="ecole", reference=True) == ["Écoles et sinistres"]
    assert titles(format=["CSV"]) == ["Écoles de Laval"]
    assert titles(keyword=["éducation"]) == ["Écoles de Laval"]
    assert titles(frequency=["yearly"]) == ["Écoles de Laval"]
    assert titles(licence=["cc-by-4.0"], sort="title") == ["Écoles de Laval", "Écoles et sinistres"]


def test_sorts(publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Bêta")
    b = make_dataset(user, org, title="Alpha")
    services.resource_record_download(resource=services.resource_create(
        dataset=b, by=user, url="https://exemple.qc.ca/a.csv"))
    assert titles(sort="title") == ["Alpha", "Bêta"]
    assert titles(sort="popular")[0] == "Alpha"
    assert titles(sort="modified")[0] == "Alpha"


def test_parse_and_fold():
    parsed = search.parse('"Écoles primaires" de Montréal')
    assert parsed.phrases == [["ecoles", "primaires"]]
    assert parsed.words == ["de", "montreal"]
    assert parsed.fts5() == '"ecol primair" AND "montreal"'
    assert not search.parse("de la")
    assert search.terms("Écoles") == search.terms("ecoles") == ["ecol"]
