import pytest

pytestmark = pytest.mark.django_db


def test_site_admin_writes_a_tutorial_in_the_back_office(client, site_admin, make_user):
    from ouvert.catalog.models import Tutorial
    from ouvert.core.models import AuditEntry

    client.force_login(site_admin)
    response = client.post("/fr/admin/catalog/tutorial/add/", {
        "slug": "lire-une-carte", "title": "Lire une carte", "track": Tutorial.Track.choices[0][0],
        "summary": "Les bases", "body": "# Lire une carte\n\nLa légende d'abord.", "position": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    tutorial = Tutorial.objects.get(slug="lire-une-carte")
    assert AuditEntry.objects.filter(action="tutorial.create", object_id=str(tutorial.pk)).exists()
    assert "La légende d" in client.get("/fr/donnees/apprendre/lire-une-carte/").content.decode()
    client.force_login(make_user())
    assert client.get("/fr/admin/catalog/tutorial/").status_code in (302, 403)
