"""The done-when journey through HTTP, plus the publishing pages and the JSON twins."""

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.catalog.models import Dataset, DatasetRequest, Resource
from ouvert.core.follows import unsubscribe_token
from ouvert.core.models import Follow

pytestmark = pytest.mark.django_db

CSV = "nom,adresse\nÉcole Saint-Martin,1 rue des Érables\n".encode()


def test_publisher_to_citizen_journey(client, publisher, make_user, password, settings):
    user, org = publisher
    client.force_login(user)
    # Create: a bad form keeps what was typed and says what to fix.
    response = client.post("/fr/donnees/jeux/nouveau/", {"organization": org.pk, "title": "",
                                                         "notes": "Ce qui a été tapé", "update_frequency": "yearly",
                                                         "language": "fr"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce qui a été tapé" in body and "error-summary" in body
    licence = response.context["form"].fields["licence"].queryset.get(slug="cc-by-4.0").pk
    response = client.post("/fr/donnees/jeux/nouveau/", {
        "organization": org.pk, "title": "Écoles primaires de Laval", "notes": "Liste des **écoles** primaires.",
        "keywords_text": "écoles, éducation, primaire", "licence": licence, "update_frequency": "yearly",
        "language": "fr", "spatial": "Ville de Laval"})
    assert response.status_code == 302, response.context["form"].errors
    dataset = Dataset.objects.get(name="ecoles-primaires-de-laval")
    assert response["Location"] == "/fr/donnees/jeux/ecoles-primaires-de-laval/"
    assert dataset.state == "draft"
    # A draft is invisible to the public.
    client.logout()
    assert client.get("/fr/donnees/jeux/ecoles-primaires-de-laval/").status_code == 404
    client.force_login(user)
    # Upload a file and add a link.
    upload = SimpleUploadedFile("ecoles.csv", CSV, content_type="text/csv")
    response = client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/ressources/nouvelle/",
                           {"file": upload, "data_dictionary": "nom | texte | Nom de l'école |"})
    assert response.status_code == 302
    response = client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/ressources/nouvelle/",
                           {"url": "https://exemple.qc.ca/ecoles.geojson", "name": "Carte"})
    assert response.status_code == 302
    first, second = dataset.resources.order_by("position")
    assert first.format == "CSV" and first.encoding == "utf-8" and first.size == len(CSV)
    assert len(first.sha256) == 64 and first.data_dictionary[0]["name"] == "nom"
    assert second.format == "GEOJSON" and second.url.endswith(".geojson")
    # Reorder, preview, edit, publish.
    client.post(f"/fr/donnees/jeux/ecoles-primaires-de-laval/ressources/{second.pk}/deplacer/", {"direction": "up"})
    assert list(dataset.resources.order_by("position").values_list("name", flat=True)) == ["Carte", "ecoles.csv"]
    preview = client.get("/fr/donnees/jeux/ecoles-primaires-de-laval/?apercu=1").content.decode()
    assert "Aperçu" in preview and "Modifier les métadonnées" not in preview
    edit = client.get("/fr/donnees/jeux/ecoles-primaires-de-laval/modifier/")
    assert edit.status_code == 200
    data = {k: v for k, v in edit.context["form"].initial.items() if v is not None and k != "themes"}
    data.update({"organization": org.pk, "notes": "Liste des écoles primaires publiques, mise à jour chaque année.",
                 "licence": licence, "keywords_text": "écoles, éducation, primaire"})
    assert client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/modifier/", data).status_code == 302
    # Not conforming (no theme, no contact…): the summary of the failed rules first, then a confirmation.
    summary = client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/publier/")
    assert summary.status_code == 200 and "n'est pas conforme" in summary.content.decode()
    assert client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/publier/",
                       {"confirmer_regles": summary.context["rules"]}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == "active" and dataset.first_published_at
    # A citizen finds it by an accent-less, stemmed query and filters by facets.
    client.logout()
    citizen = make_user("citoyenne@exemple.qc.ca")
    client.force_login(citizen)
    page = client.get("/fr/donnees/", {"q": "ecole laval", "kind": "municipality", "res_format": "CSV"})
    body = page.content.decode()
    assert page.context["count"] == 1 and "Écoles primaires de Laval" in body
    assert 'rel="alternate" type="application/json"' in body
    assert page.context["facets"]
    # Downloads the original file, unchanged.
    download = client.get(f"/fr/donnees/jeux/ecoles-primaires-de-laval/ressources/{first.pk}/telecharger/")
    assert b"".join(download.streaming_content) == CSV
    # Follows it, and hears about the next change.
    response = client.post("/fr/donnees/suivre/", {"kind": "dataset", "target": str(dataset.pk),
                                                   "next": "/fr/donnees/jeux/ecoles-primaires-de-laval/"})
    assert response.status_code == 302
    follow = Follow.objects.get(user=citizen)
    client.logout()
    client.force_login(user)
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post("/fr/donnees/jeux/ecoles-primaires-de-laval/ressources/nouvelle/",
                        {"url": "https://exemple.qc.ca/ecoles-2026.csv"})
    assert [m.to for m in mail.outbox] == [["citoyenne@exemple.qc.ca"]]
    assert "Écoles primaires de Laval" in mail.outbox[0].subject
    assert f"/suivis/desabonnement/{unsubscribe_token(follow)}/" in mail.outbox[0].body
    # Proposes and votes on a request.
    client.logout()
    client.force_login(citizen)
    response = client.post("/fr/donnees/demandes/nouvelle/", {
        "title": "Bâtiments scolaires et leur état", "organization": org.pk,
        "description": "Pour savoir quelles écoles ont besoin de rénovations urgentes."})
    assert response.status_code == 302
    item = DatasetRequest.objects.get()
    client.post(item.get_absolute_url(), {"form": "vote"})
    client.post(item.get_absolute_url(), {"form": "vote"})
    item.refresh_from_db()
    assert item.vote_count == 1
    client.post(item.get_absolute_url(), {"form": "unvote"})
    item.refresh_from_db()
    assert item.vote_count == 0
    # Unsubscribes from the e-mail link without signing in.
    client.logout()
    assert client.get(f"/fr/suivis/desabonnement/{unsubscribe_token(follow)}/").status_code == 200
    assert Follow.objects.filter(pk=follow.pk).exists()  # GET only asks
    assert client.post(f"/fr/suivis/desabonnement/{unsubscribe_token(follow)}/").status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()


def test_upload_too_large_says_so(client, publisher, make_dataset, settings):
    user, org = publisher
    settings.UPLOAD_MAX_BYTES = 10
    dataset = make_dataset(user, org)
    client.force_login(user)
    response = client.post(f"/fr/donnees/jeux/{dataset.name}/ressources/nouvelle/",
                           {"file": SimpleUploadedFile("gros.csv", CSV), "name": "Mon nom"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "au-delà de la limite" in body and "Mon nom" in body
    assert not Resource.objects.exists()


def test_outsiders_cannot_edit_and_private_is_hidden(client, publisher, make_dataset, make_user, make_org,
                                                     make_member):
    user, org = publisher
    dataset = make_dataset(user, org, private=True)
    other = make_user()
    make_member(other, make_org(), "editor")
    client.force_login(other)
    assert client.get(f"/fr/donnees/jeux/{dataset.name}/").status_code == 404
    dataset.private = False
    dataset.save()
    assert client.get(f"/fr/donnees/jeux/{dataset.name}/modifier/").status_code == 403
    assert client.post(f"/fr/donnees/jeux/{dataset.name}/publier/").status_code == 403
    member = make_user()
    make_member(member, org, "member")


def test_pages_in_english_and_json_twins(client, publisher, make_dataset):
    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres publics")
    assert client.get("/en/data/").status_code == 200
    page = client.get(f"/en/data/datasets/{dataset.name}/")
    assert page.status_code == 200 and '<html lang="en">' in page.content.decode()
    data = client.get(f"/fr/donnees/jeux/{dataset.name}/", {"format": "json"}).json()
    assert data["name"] == dataset.name and data["licence"] == "cc-by-4.0"
    assert client.get("/fr/donnees/", {"format": "json", "q": "arbre"}).json()["count"] == 1
    assert client.get("/en/data/requests/").status_code == 200
    feed = client.get("/fr/donnees/fil/")
    assert feed["Content-Type"].startswith("application/atom+xml") and b"Arbres publics" in feed.content
    assert b"Arbres publics" in client.get(f"/fr/donnees/fil/organization/{org.slug}/").content


def test_english_pages_show_english_resource_names_descriptions_and_keywords(client, publisher, make_dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres publics", title_en="Public trees", keywords=["arbres", "forêt"],
                           keywords_en=["trees", "urban forest"])
    resource = services.resource_create(dataset=dataset, by=user, name="Inventaire des arbres",
                                        name_en="Tree inventory", description="Un arbre par ligne.",
                                        description_en="One tree per row.",
                                        file=SimpleUploadedFile("arbres.csv", b"espece,hauteur\nerable,12\n"))
    def main(response) -> str:  # the page as read (the schema.org block in the head keeps the French names)
        html = response.content.decode()
        return html[html.index("<main"):html.index("</main>")]

    with translation.override("en"):
        english_url = resource.get_absolute_url()
    english = main(client.get(f"/en/data/datasets/{dataset.name}/"))
    assert '<a href="/en/data/?q=urban%20forest">urban forest</a>' in english and "?keyword=arbres" not in english
    assert ">Tree inventory</a>" in english and "Inventaire des arbres" not in english
    page = main(client.get(english_url))
    assert "<h1>Tree inventory</h1>" in page and "One tree per row." in page and "Un arbre par ligne" not in page
    french = main(client.get(f"/fr/donnees/jeux/{dataset.name}/"))
    assert "?keyword=arbres" in french and ">Inventaire des arbres</a>" in french and "urban forest" not in french
    # Without English, the French text stays, marked as French.
    services.resource_update(resource=resource, by=user, name_en="", description_en="")
    page = main(client.get(english_url))
    assert '<h1 lang="fr">Inventaire des arbres</h1>' in page


def test_organization_page_lists_datasets_and_calendar(client, publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Collectes", update_frequency="weekly")
    make_dataset(user, org, title="Brouillon secret", publish=False)
    Dataset.objects.filter(title="Collectes").update(data_modified_at="2020-01-01T00:00:00Z")
    body = client.get(f"/fr/organisations/{org.slug}/").content.decode()
    assert "Collectes" in body and "Brouillon secret" not in body
    assert "Calendrier de publication" in body and "En retard" in body
    client.force_login(user)
    assert "Brouillon secret" in client.get(f"/fr/organisations/{org.slug}/").content.decode()


def test_search_page_query_count(client, publisher, make_dataset, django_assert_max_num_queries):
    user, org = publisher
    for n in range(15):
        make_dataset(user, org, title=f"Jeu {n}", keywords=["écoles"])
    with django_assert_max_num_queries(20):
        assert client.get("/fr/donnees/", {"q": "jeu"}).status_code == 200


def test_results_list_descriptions_as_plain_words_in_the_page_language(client, publisher, make_dataset):
    user, org = publisher
    make_dataset(user, org, title="Écoles primaires", title_en="Primary schools",
                 notes="Les **écoles** du territoire.\n\n- [Source](https://exemple.qc.ca) & carte",
                 notes_en="The territory's **schools**.\n\n**Provenance.** The school board.")
    french = client.get("/fr/donnees/").content.decode()
    assert "Les écoles du territoire. Source &amp; carte" in french and "**" not in french
    english = client.get("/en/data/").content.decode()
    assert "The territory&#x27;s schools. Provenance. The school board." in english and "**" not in english


def test_history_diff(client, publisher, make_dataset):
    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org, title="Avant")
    services.dataset_update(dataset=dataset, by=user, title="Après")
    page = client.get(f"/fr/donnees/jeux/{dataset.name}/historique/", {"a": 1, "b": 3})
    body = page.content.decode()
    assert "<del>Avant</del>" in body and "<ins>Après</ins>" in body


def test_history_names_fields_and_values_as_people_read_them(client, publisher, make_dataset):
    """The history listed snapshot codes ("name, title, notes, contact_name", "state", "resources") and
    compared a list of resources as a Python list; French values on the English page lacked lang="fr"."""
    import html
    import re

    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org, title="Avant")
    services.resource_create(dataset=dataset, by=user, name="Liste des écoles", url="https://exemple.qc.ca/e.csv",
                             format="CSV")
    versions = dataset.versions.count()
    french = client.get(f"/fr/donnees/jeux/{dataset.name}/historique/", {"a": 1, "b": versions}).content.decode()
    text = html.unescape(re.sub(r"<[^>]+>", " ", french))
    assert "identifiant lisible, titre, description" in text
    assert "État" in text and "Ressources" in text and "Publié" in text
    assert "Liste des écoles" in text
    for code in ("contact_name", "resources", "'id'", "[]", "None", "active"):
        assert code not in text, code
    assert 'role="region" aria-labelledby="versions-caption"' in french
    english = client.get(f"/en/data/datasets/{dataset.name}/history/", {"a": 1, "b": versions}).content.decode()
    assert re.search(r'<th scope="row">Resources</th><td lang="fr"><del>—</del></td><td lang="fr"><ins>Liste des '
                     r'écoles</ins>', english)
    assert re.search(r'<th scope="row">Status</th><td><del>Draft</del></td><td><ins>Published</ins>', english)
    assert '<li lang="fr"><a href="/en/data/datasets/' in english
    assert '<h1>History of “<span lang="fr">Avant</span>”</h1>' in english
    services.dataset_update(dataset=dataset, by=user, title_en="Before")
    english = client.get(f"/en/data/datasets/{dataset.name}/history/").content.decode()
    assert "<h1>History of “Before”</h1>" in english


def test_dataset_page_names_each_region_once(client, publisher, make_dataset):
    """The resources section and its scrolling table were two regions with the same name (axe-core's
    landmark-unique)."""
    import re

    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org)
    services.resource_create(dataset=dataset, by=user, name="Liste", url="https://exemple.qc.ca/e.csv", format="CSV")
    body = client.get(dataset.get_absolute_url()).content.decode()
    labels = re.findall(r'<(?:section|div|aside|nav)\b[^>]*aria-labelledby="([^"]+)"', body)
    assert labels and len(labels) == len(set(labels)), labels


@pytest.mark.django_db
def test_dataset_page_embeds_schema_org_and_dcat_alternates(client, make_user, make_org, make_member):
    import json
    import re

    from ouvert.catalog import services as catalog_services

    org = make_org("sct")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = catalog_services.dataset_create(by=editor, organization=org, title="Écoles primaires du Québec",
                                              notes="Liste des écoles.")
    catalog_services.dataset_publish(dataset=dataset, by=editor)
    body = client.get(dataset.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    data = json.loads(script)
    assert data["@type"] == "Dataset" and data["name"] == "Écoles primaires du Québec"
    assert f'href="/dataset/{dataset.name}.ttl"' in body


def test_search_page_rectangle_filter(client, publisher, make_dataset, catalogue_resource):
    """The search page's "west, south, east, north" filter uses the geo app's selector (datasets whose
    coverage meets the rectangle), keeps the other filters, and explains what is wrong with a value."""
    from ouvert.geo.models import GeoLayer

    user, org = publisher
    montreal = make_dataset(user, org, title="Arbres de Montréal")
    quebec = make_dataset(user, org, title="Arbres de Québec")
    make_dataset(user, org, title="Arbres sans carte")
    for dataset, box in [(montreal, (-73.98, 45.40, -73.47, 45.71)), (quebec, (-71.55, 46.73, -71.13, 46.98))]:
        rid = uuid.uuid4()
        catalogue_resource(rid, org, dataset_id=dataset.pk)
        GeoLayer.objects.create(resource_id=rid, dataset_id=dataset.pk, name=dataset.title, source_format="geojson",
                                min_lon=box[0], min_lat=box[1], max_lon=box[2], max_lat=box[3])
    island = {"q": "arbres", "west": "-74", "south": "45,3", "east": "-73.4", "north": "45.8"}
    page = client.get("/fr/donnees/", island)
    assert page.status_code == 200
    assert [d.title for d in page.context["page"]] == ["Arbres de Montréal"]
    assert page.context["count"] == 1
    facets = {name: {i.value: i.count for i in items} for name, _title, items in page.context["facets"]}
    assert facets["kind"] == {"municipality": 1}
    html = page.content.decode()
    assert '<label for="bbox-west">Ouest (longitude)</label>' in html
    assert 'name="west" id="bbox-west" value="-74"' in html
    assert "north=45.8" in html and "south=45.3" in html  # kept in facet links, canonical numbers
    data = client.get("/fr/donnees/", {**island, "format": "json"}).json()
    assert [d["title"] for d in data["results"]] == ["Arbres de Montréal"]
    assert client.get("/fr/donnees/", {"west": "-180", "south": "-90", "east": "180", "north": "90",
                                       "format": "json"}).json()["count"] == 2
    assert client.get("/fr/donnees/", {"west": "0", "south": "0", "east": "1", "north": "1",
                                       "format": "json"}).json()["count"] == 0

    wrong = client.get("/fr/donnees/", {"q": "arbres", "west": "-74", "south": "abc", "east": "-75", "north": "95"})
    assert wrong.status_code == 400
    assert wrong.context["count"] == 3  # not applied
    html = wrong.content.decode()
    assert "« abc » n&#x27;est pas un nombre" in html
    assert "Une latitude va de -90 à 90." in html
    assert 'id="bbox-south" value="abc" aria-describedby="bbox-help bbox-south-error" aria-invalid="true"' in html
    half = client.get("/en/data/", {"west": "-74", "format": "json"})
    assert half.status_code == 400
    assert half.json()["errors"]["south"] == "Give all four limits (west, south, east, north) or none."
    assert client.get("/fr/donnees/", {"west": "-70", "south": "45", "east": "-71", "north": "46",
                                       "format": "json"}).json()["errors"] == {
        "east": "L'est doit être supérieur ou égal à l'ouest."}
    english = client.get("/en/data/", island).content.decode()
    assert '<label for="bbox-north">North (latitude)</label>' in english


def test_home_has_a_search_box_recent_and_popular_datasets_and_every_link_works(client, publisher, make_dataset):
    import re

    from ouvert.catalog.models import Dataset

    user, org = publisher
    old = make_dataset(user, org, title="Arbres publics")
    make_dataset(user, org, title="Écoles primaires")
    make_dataset(user, org, title="Brouillon caché", publish=False)
    Dataset.objects.filter(pk=old.pk).update(download_count=40)
    for prefix, search_path in [("/fr/", "/fr/donnees/"), ("/en/", "/en/data/")]:
        body = client.get(prefix).content.decode()
        assert f'action="{search_path}"' in body and 'name="q"' in body
        recent = body.split('id="home-catalog-recent"', 1)[1].split("</section>", 1)[0]
        popular = body.split('id="home-catalog-popular"', 1)[1].split("</section>", 1)[0]
        assert recent.index("Écoles primaires") < recent.index("Arbres publics")
        assert popular.index("Arbres publics") < popular.index("Écoles primaires")
        assert "Brouillon caché" not in body
        cards = re.findall(r'<li class="card"[^>]*>\s*<h3[^>]*><a href="([^"]+)"', body)
        assert len(cards) >= 5 + 2
        for url in set(cards):
            assert client.get(url).status_code == 200, url


def test_every_resource_page_has_an_api_panel_with_the_real_id_and_site(client, publisher, make_dataset):
    from ouvert.catalog import services

    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres publics")
    link = services.resource_create(dataset=dataset, by=user, url="https://exemple.qc.ca/arbres.pdf")
    body = client.get(link.get_absolute_url(), HTTP_HOST="portail.exemple.qc.ca").content.decode()
    panel = body.split('id="api"', 1)[1].split("</section>", 1)[0]
    assert "Utiliser l&#x27;API" in body or "Utiliser l'API" in body
    assert f"http://portail.exemple.qc.ca/api/3/action/resource_show?id={link.pk}" in panel
    assert "import requests" in panel and "library(jsonlite)" in panel and "curl " in panel
    from django.utils import translation

    with translation.override("en"):
        english_url = link.get_absolute_url()
    english = client.get(english_url, HTTP_HOST="portail.exemple.qc.ca").content.decode()
    assert "Use the API" in english and str(link.pk) in english
