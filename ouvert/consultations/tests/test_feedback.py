"""'Was this page useful?' on every page, the admin dashboard, and service feedback."""

import pytest

from ouvert.consultations import services
from ouvert.consultations.models import PageFeedback, ServiceFeedback

pytestmark = pytest.mark.django_db


def test_widget_on_every_page_and_dashboard(client, site_admin):
    html = client.get("/fr/").content.decode()
    assert "Cette page vous a-t-elle été utile?" in html
    assert "Was this page useful?" in client.get("/en/").content.decode()
    response = client.post("/fr/consultations/retroaction/", {"path": "/fr/a-propos/", "useful": "0",
                                                               "comment": "Appelez-moi au 418 555-1234"})
    assert response.status_code == 302 and response["Location"] == "/fr/a-propos/#retroaction"
    client.post("/fr/consultations/retroaction/", {"path": "https://evil.example/", "useful": "1"})
    client.post("/fr/consultations/retroaction/", {"path": "/fr/", "useful": "1", "website": "bot"})
    stored = list(PageFeedback.objects.order_by("id"))
    assert len(stored) == 2 and stored[1].path == "/"
    assert "418 555-1234" not in stored[0].comment and "[téléphone masqué]" in stored[0].comment
    assert client.get("/fr/consultations/retroaction/tableau/").status_code == 403
    client.force_login(site_admin)
    html = client.get("/fr/consultations/retroaction/tableau/").content.decode()
    assert "/fr/a-propos/" in html and "[téléphone masqué]" in html


def test_service_feedback_masks_stats_and_csv(client, org, organizer, make_user):
    service = services.service_create(organization=org, by=organizer, name="Portail Données Québec")
    url = f"/fr/consultations/services/{service.slug}/"
    response = client.post(url, {"comment": "Bien"})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    assert "Bien</textarea>" in response.content.decode()
    client.post(url, {"rating": "4", "comment": "Écrivez à jean.tremblay@exemple.com ou (514) 555-0199 poste 12"})
    client.post(url, {"rating": "2"})
    feedback = ServiceFeedback.objects.order_by("id").first()
    assert "jean.tremblay" not in feedback.comment and "555-0199" not in feedback.comment
    html = client.get(url).content.decode()
    assert "2 avis" in html and "note moyenne 3,0 / 5" in html
    assert client.get(url + "export.csv").status_code == 403
    client.force_login(organizer)
    csv_text = client.get(url + "export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "date,note,commentaire" and "[courriel masqué]" in csv_text
    client.force_login(make_user())
    assert client.get(url + "export.csv").status_code == 403
