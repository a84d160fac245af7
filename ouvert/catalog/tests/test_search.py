"""French search: accents, stemming, phrases, weighting, facets, sorts — on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.utils import translation

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


def _naive_facets(params: SearchParams) -> tuple[int, dict[str, dict[str, int]]]:
    """Facet counts recounted dataset by dataset in Python: a facet ignores its own filter."""
    matching = search.apply(Dataset.objects.filter(state="active", private=False), params.q) \
        .select_related("organization", "licence").prefetch_related("keywords", "themes", "resources")
    rows = []
    for d in matching:
        rows.append({"organization": {d.organization.slug}, "kind": {d.organization.kind},
                     "licence": {d.licence.slug}, "frequency": {d.update_frequency},
                     "reference": {"1"} if d.is_reference else set(),
                     "keyword": {k.name for k in d.keywords.all()}, "theme": {t.slug for t in d.themes.all()},
                     "format": {r.format for r in d.resources.all() if r.format}})

    def passes(row: dict, name: str) -> bool:
        if name in {"keyword", "theme", "format"}:  # every selected value
            return set(getattr(params, name)) <= row[name]
        if name == "reference":
            return not params.reference or bool(row["reference"])
        return not getattr(params, name) or bool(row[name] & set(getattr(params, name)))

    names = ["organization", "kind", "keyword", "theme", "format", "licence", "frequency", "reference"]
    total = sum(all(passes(row, n) for n in names) for row in rows)
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        counter: dict[str, int] = {}
        for row in rows:
            if all(passes(row, other) for other in names if other != name):
                for value in row[name]:
                    counter[value] = counter.get(value, 0) + 1
        counts[name] = counter
    return total, counts


def test_facet_counts_match_a_naive_recount_under_every_filter(make_user, make_org, make_member):
    import random

    from ouvert.catalog.models import Keyword, Licence, Resource, Theme

    rng = random.Random(7)
    orgs = [make_org(f"o{i}", kind=kind) for i, kind in
            enumerate(["municipality", "municipality", "ministry", "public_body", "civil_society"])]
    licences = list(Licence.objects.all())[:3]
    themes = list(Theme.objects.all())[:4]
    keywords = [Keyword.objects.get_or_create(name=w)[0] for w in ["eau", "école", "vélo", "budget", "arbres"]]
    subjects = ["Écoles primaires", "Qualité de l'eau", "Budget municipal", "Pistes cyclables"]
    for i in range(60):
        dataset = Dataset.objects.create(
            name=f"jeu-{i}", title=f"{rng.choice(subjects)} {i}", notes="Données ouvertes de la ville.",
            organization=rng.choice(orgs), licence=rng.choice(licences),
            update_frequency=rng.choice(["daily", "monthly", "yearly"]), is_reference=rng.random() < 0.3,
            state="active" if i % 11 else "draft", private=i % 13 == 0)
        dataset.keywords.set(rng.sample(keywords, rng.randrange(0, 4)))
        dataset.themes.set(rng.sample(themes, rng.randrange(0, 3)))
        for fmt in rng.sample(["CSV", "JSON", "PDF", ""], rng.randrange(0, 3)):
            Resource.objects.create(dataset=dataset, name="r", url="https://exemple.qc.ca/r", format=fmt)
        search.index_dataset(dataset)
    cases = [
        {}, {"q": "ecoles"}, {"kind": ["municipality"]}, {"q": "eau", "kind": ["ministry", "municipality"]},
        {"keyword": ["eau"]}, {"keyword": ["eau", "budget"], "format": ["CSV"]}, {"theme": [themes[0].slug]},
        {"format": ["CSV", "JSON"], "frequency": ["monthly"]}, {"reference": True, "organization": ["o1", "o2"]},
        {"q": "budget", "licence": [licences[0].slug], "reference": True, "theme": [themes[1].slug]},
        {"organization": ["o0"], "kind": ["ministry"]},  # nothing passes both
    ]
    for case in cases:
        params = SearchParams(**case)
        result = search_datasets(params=params, facets=True)
        total, expected = _naive_facets(params)
        assert result.total == total == result.queryset.count(), case
        got = {name: {item.value: item.count for item in items} for name, items in result.facets.items()}
        assert got == expected, case


def test_english_queries_find_french_only_datasets(client, publisher, make_dataset):
    """Datasets are described in French only; an English query finds them by their theme and
    publisher (indexed in both languages), without its English function words being required."""
    from ouvert.catalog.models import Theme

    user, org = publisher  # "Ville de Laval" / "City of Laval"
    make_dataset(user, org, title="Écoles primaires", notes="Emplacement des écoles primaires publiques.",
                 themes=[Theme.objects.get(slug="education-recherche")])  # "Education and research"
    make_dataset(user, org, title="Arbres publics", notes="Inventaire des arbres.")
    found = "Écoles primaires"
    for query in ["education and research in laval", "research for the City of Laval"]:
        page = client.get("/en/data/", {"q": query, "format": "json"}).json()
        assert [d["title"] for d in page["results"]] == [found], query
        api = client.get("/api/v1/datasets", {"q": query, "facets": "true"}, HTTP_ACCEPT_LANGUAGE="en").json()
        assert api["count"] == 1 and api["results"][0]["title"] == found, query
        assert sum(i["count"] for i in api["facets"]["kind"]) == 1
        html = client.get("/en/data/", {"q": query})
        assert html.context["count"] == 1
    assert client.get("/en/data/", {"q": "City of Laval", "format": "json"}).json()["count"] == 2
    with translation.override("fr"):  # French queries keep French rules: "in" is not dropped there
        assert titles(q="ville de laval ecoles") == [found]
        assert titles(q="ecoles in laval") == []
    assert search.parse("ecoles in laval", language="en").words == ["ecoles", "laval"]


def test_search_reindex_command_indexes_the_english_names(publisher, make_dataset):
    import io

    from django.core.management import call_command

    from ouvert.catalog.models import SearchDocument

    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres publics")
    SearchDocument.objects.filter(dataset=dataset).update(body="")  # as indexed before English names were
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "1 jeu de données réindexé." in out.getvalue()
    assert "City of Laval" in SearchDocument.objects.get(dataset=dataset).body
    assert titles(q="city laval arbres") == ["Arbres publics"]


def test_singular_and_plural_find_the_same_datasets(publisher, make_dataset):
    """Snowball keeps the "s" after a vowel ("vélos"); the search removes it on both engines."""
    user, org = publisher
    make_dataset(user, org, title="Comptages de vélos", notes="Passages quotidiens aux compteurs.")
    make_dataset(user, org, title="Réseau cyclable", keywords=["vélo"], notes="Tracé des pistes.")
    make_dataset(user, org, title="Stations Bixi", notes="Emplacement des stations de vélo en libre-service.")
    make_dataset(user, org, title="Feux de circulation", notes="Intersections munies de feux.")
    expected = {"Comptages de vélos", "Réseau cyclable", "Stations Bixi"}
    for query in ["vélos", "vélo", "VELOS", "velo"]:
        assert set(titles(q=query)) == expected, query
    assert titles(q="feu") == titles(q="feux") == ["Feux de circulation"]
    assert search.terms("vélos radios feux") == search.terms("vélo radio feu") == ["velo", "radio", "feu"]


def test_english_metadata_is_found_with_english_stemming_and_each_language_falls_back(client, publisher,
                                                                                      make_dataset):
    user, org = publisher
    bikes = make_dataset(user, org, title="Comptages de vélos", title_en="Bicycle counts",
                         notes_en="Daily counts of bikes at counting stations.", keywords_en="cycling, bikes")
    resource = services.resource_create(dataset=bikes, by=user, url="https://exemple.qc.ca/velos.csv",
                                        name_en="Counting stations")
    make_dataset(user, org, title="Arbres publics")
    # English words, English stemmer: "bicycles" meets "Bicycle", "bike" meets "bikes".
    for query in ["bicycles", "bike", "cycling", "counting station"]:
        page = client.get("/en/data/", {"q": query, "format": "json"}).json()
        assert [d["title"] for d in page["results"]] == ["Comptages de vélos"], query
    html = client.get("/en/data/", {"q": "bike"})
    assert not html.context["other_language"] and "Bicycle counts" in html.content.decode()
    # A French page asking in English: nothing in French, so the English results, said so.
    html = client.get("/fr/donnees/", {"q": "bike"})
    assert html.context["count"] == 1 and html.context["other_language"]
    assert 'id="other-language"' in html.content.decode()
    # An English page asking in French words finds the French text the same way.
    html = client.get("/en/data/", {"q": "vélos"})
    assert html.context["count"] == 1 and html.context["other_language"]
    assert "Nothing in English" in html.content.decode()
    api = client.get("/api/v1/datasets", {"q": "bikes"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert api["count"] == 1
    services.resource_update(resource=resource, by=user, name_en="Sensors")
    assert titles(q="sensors") == ["Comptages de vélos"]
    assert bikes.keywords_en == ["cycling", "bikes"]


def test_zero_results_offer_spellings_without_filters_and_a_request(client, publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Bibliothèques municipales", keywords=["lecture"])
    body = client.get("/fr/donnees/", {"q": "biblioteques municipales"}).content.decode()
    assert 'id="no-results"' in body
    assert "q=biblioth%C3%A8ques+municipales" in body  # a spelling found in titles, with its accents
    assert "/fr/donnees/demandes/nouvelle/?title=biblioteques+municipales" in body
    filtered = client.get("/fr/donnees/", {"q": "bibliothèque", "res_format": "PDF"})
    assert filtered.context["count"] == 0
    assert f'href="?{filtered.context["without_filters"]}"' in filtered.content.decode()
    assert client.get(f"/fr/donnees/?{filtered.context['without_filters']}").context["count"] == 1
    client.force_login(user)
    form = client.get("/fr/donnees/demandes/nouvelle/", {"title": "biblioteques municipales"})
    assert form.context["form"].initial["title"] == "biblioteques municipales"
