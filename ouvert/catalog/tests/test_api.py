"""Native API: datasets, resources, requests — typed, paginated by cursor, filtered."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_create_publish_and_search_through_the_api(client, publisher, make_token):
    user, org = publisher
    token = make_token(user)
    response = client.post("/api/v1/datasets", {
        "organization": org.slug, "title": "Écoles secondaires", "keywords": ["écoles", "éducation"],
        "themes": ["education-recherche"], "notes": "Liste des écoles secondaires.", "update_frequency": "yearly",
    }, content_type="application/json", **auth(token))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft" and data["licence"] == "cc-by-4.0"
    name = data["name"]
    assert client.get(f"/api/v1/datasets/{name}").status_code == 404  # a draft is not public
    response = client.post(f"/api/v1/datasets/{name}/resources", {"url": "https://exemple.qc.ca/e.csv"},
                           content_type="application/json", **auth(token))
    assert response.status_code == 201 and response.json()["format"] == "CSV"
    upload = client.post(f"/api/v1/datasets/{name}/resources/upload",
                         {"file": SimpleUploadedFile("x.json", b'{"a": 1}'), "resource_name": "Brut"}, **auth(token))
    assert upload.status_code == 201, upload.content
    assert upload.json()["sha256"] and upload.json()["kind"] == "upload"
    assert client.post(f"/api/v1/datasets/{name}/publish", **auth(token)).status_code == 200
    page = client.get("/api/v1/datasets", {"q": "ecole", "format": "csv", "facets": "true"}).json()
    assert page["count"] == 1 and page["results"][0]["name"] == name
    assert {f["value"] for f in page["facets"]["format"]} == {"CSV", "JSON"}
    detail = client.get(f"/api/v1/datasets/{name}").json()
    assert [r["name"] for r in detail["resources"]] == ["e.csv", "Brut"]
    patched = client.patch(f"/api/v1/datasets/{name}", {"title": "Écoles secondaires publiques"},
                           content_type="application/json", **auth(token))
    assert patched.json()["title"] == "Écoles secondaires publiques"
    assert client.get("/api/v1/resources", {"dataset": name}).json()["count"] == 2


def test_errors_are_clear(client, publisher, make_token, make_user):
    user, org = publisher
    outsider = make_token(make_user())
    response = client.post("/api/v1/datasets", {"organization": org.slug, "title": "X"},
                           content_type="application/json", **auth(outsider))
    assert response.status_code == 403 and "éditeurs" in response.json()["detail"]
    response = client.post("/api/v1/datasets", {"organization": org.slug, "title": "X", "licence": "inconnue"},
                           content_type="application/json", **auth(make_token(user)))
    assert response.status_code == 422 and "licence" in response.json()["detail"]
    assert client.post("/api/v1/datasets", {"organization": org.slug, "title": "X"},
                       content_type="application/json").status_code == 401


def test_cursor_pagination_is_stable(client, publisher, make_dataset):
    user, org = publisher
    for n in range(5):
        make_dataset(user, org, title=f"Jeu {n}")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "sort": "title"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/datasets", params).json()
        assert page["count"] == 5
        seen += [r["title"] for r in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Jeu {n}" for n in range(5)]


def test_requests_and_votes(client, publisher, make_user, make_token):
    _, org = publisher
    token = make_token(make_user())
    other = make_token(make_user())
    item = client.post("/api/v1/requests", {"title": "Feux de circulation", "organization": org.slug,
                                            "description": "Pour mesurer l'attente des piétons."},
                       content_type="application/json", **auth(token)).json()
    for t in (token, token, other):
        client.post(f"/api/v1/requests/{item['id']}/vote", **auth(t))
    assert client.get(f"/api/v1/requests/{item['id']}").json()["votes"] == 2
    assert client.delete(f"/api/v1/requests/{item['id']}/vote", **auth(other)).json()["votes"] == 1
    assert client.get("/api/v1/requests", {"organization": org.slug}).json()["count"] == 1


def test_english_metadata_through_the_native_and_ckan_apis(client, publisher, make_token):
    user, org = publisher
    token = make_token(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post("/api/v1/datasets", {"organization": org.slug, "title": "Comptages de vélos",
                                               "title_en": "Bicycle counts", "keywords_en": ["bikes", "Cycling "]},
                          content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    name = created.json()["name"]
    assert created.json()["title_en"] == "Bicycle counts" and created.json()["keywords_en"] == ["bikes", "cycling"]
    patched = client.patch(f"/api/v1/datasets/{name}", {"notes_en": "Daily counts."},
                           content_type="application/json", **auth)
    assert patched.json()["notes_en"] == "Daily counts." and patched.json()["title_en"] == "Bicycle counts"
    client.post(f"/api/v1/datasets/{name}/publish", **auth)
    shown = client.get("/api/3/action/package_show", {"id": name}).json()["result"]
    assert (shown["title_en"], shown["notes_en"], shown["keywords_en"]) == ("Bicycle counts", "Daily counts.",
                                                                             ["bikes", "cycling"])
    ckan = client.post("/api/3/action/package_patch", {"id": name, "title_en": "Bike counts"},
                       content_type="application/json", **auth).json()
    assert ckan["success"] and ckan["result"]["title_en"] == "Bike counts"
    assert client.get("/en/data/", {"q": "bike", "format": "json"}).json()["count"] == 1
