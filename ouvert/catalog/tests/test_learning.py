"""Reuses (moderated), hackathons, and tutorials that really work against this portal."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.catalog import learning, services
from ouvert.catalog.models import Reuse, Tutorial

pytestmark = pytest.mark.django_db


def test_reuses_are_moderated(client, publisher, make_dataset, make_user, site_admin):
    user, org = publisher
    dataset = make_dataset(user, org, title="Murales")
    citizen = make_user()
    client.force_login(citizen)
    response = client.post("/fr/donnees/reutilisations/proposer/", {
        "title": "Carte des murales", "kind": "visualization", "url": "https://exemple.qc.ca/carte",
        "description": "Une carte.", "datasets": f"{dataset.name}, inexistant"})
    assert response.status_code == 400 and "inexistant" in response.content.decode()
    from ouvert.catalog.demo import IMAGES

    fake = client.post("/fr/donnees/reutilisations/proposer/", {
        "title": "Carte des murales", "kind": "visualization", "url": "https://exemple.qc.ca/carte",
        "description": "Une carte.", "datasets": dataset.name,
        "image": SimpleUploadedFile("carte.png", b"<svg onload=alert(1)>", "image/png")})
    assert fake.status_code == 400 and "PNG, JPEG, GIF ou WebP" in fake.content.decode()  # said at the field
    png = (IMAGES / "balade-des-murales.png").read_bytes()
    client.post("/fr/donnees/reutilisations/proposer/", {
        "title": "Carte des murales", "kind": "visualization", "url": "https://exemple.qc.ca/carte",
        "description": "Une carte.", "datasets": dataset.name,
        "image": SimpleUploadedFile("carte.png", png, "image/png")})
    reuse = Reuse.objects.get()
    assert reuse.image.read() == png
    assert "Carte des murales" not in client.get(dataset.get_absolute_url()).content.decode()
    with pytest.raises(PermissionDenied):
        learning.reuse_moderate(reuse=reuse, by=citizen, approve=True)
    client.force_login(site_admin)
    client.post("/fr/donnees/reutilisations/", {"reuse": reuse.pk, "decision": "approve"})
    assert "Carte des murales" in client.get(dataset.get_absolute_url()).content.decode()
    assert client.get("/api/v1/reuses", {"dataset": dataset.name}).json()["count"] == 1


def test_hackathon_page(client, publisher, make_dataset, site_admin):
    import datetime as dt

    user, org = publisher
    dataset = make_dataset(user, org, title="Alertes")
    event = learning.hackathon_create(by=site_admin, title="HackQC 2026", theme="Sécurité civile",
                                      starts_on=dt.date(2026, 10, 16), ends_on=dt.date(2026, 10, 18),
                                      datasets=[dataset])
    reuse = learning.reuse_propose(by=user, title="Alerte voisinage", description="Appli.", url="https://e.qc.ca",
                                   kind="hackathon", datasets=[dataset], hackathon=event)
    learning.reuse_moderate(reuse=reuse, by=site_admin, approve=True, is_winner=True)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Alerte voisinage" in body and "Lauréat" in body and "Alertes" in body


def test_tutorials_in_two_tracks(client, site_admin):
    for item in learning.tutorial_files():
        learning.tutorial_save(by=site_admin, **item)
    assert set(Tutorial.objects.values_list("track", flat=True)) == {"office", "developers"}
    body = client.get("/fr/donnees/apprendre/").content.decode()
    assert "Pour les développeurs" in body and "outils de bureautique" in body
    page = client.get("/fr/donnees/apprendre/dev-curl/").content.decode()
    assert "http://testserver/api/v1/datasets?q=ecoles" in page
    assert client.get("/en/data/learn/dev-python/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_python_tutorial_runs_against_this_portal(live_server, make_user, make_org, make_member, capsys):
    org = make_org("laval", kind="municipality")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="École Saint-Martin",
                                      notes="Écoles du territoire.")
    services.resource_create(dataset=dataset, by=editor, file=SimpleUploadedFile("e.csv", b"nom\nSaint-Martin\n"))
    services.dataset_publish(dataset=dataset, by=editor)
    tutorial = next(t for t in learning.tutorial_files() if t["slug"] == "dev-python")
    code = re.search(r"```python\n(.*?)```", tutorial["body"], re.S).group(1)
    exec(code.replace("{{ site_url }}", live_server.url), {})  # noqa: S102 — our own tutorial, tested
    out = capsys.readouterr().out
    assert "Jeux de données trouvés : 1" in out and "École Saint-Martin" in out and "Fichier vérifié : e.csv 17 octets" in out


def test_a_reuse_is_illustrated_by_an_image_and_refuses_anything_else(publisher, make_dataset):
    from ouvert.catalog.demo import IMAGES

    user, org = publisher
    dataset = make_dataset(user, org, title="Murales")
    png = (IMAGES / "balade-des-murales.png").read_bytes()
    reuse = learning.reuse_propose(by=user, title="Balade", description="Carte.", url="https://e.qc.ca",
                                   kind="visualization", datasets=[dataset],
                                   image=SimpleUploadedFile("balade.png", png, "image/png"))
    assert reuse.image.name.startswith("reuses/") and reuse.image.read() == png
    with pytest.raises(ValidationError) as refused:
        learning.reuse_propose(by=user, title="Faux", description="Texte.", url="https://e.qc.ca",
                               kind="article", datasets=[dataset],
                               image=SimpleUploadedFile("faux.png", b"<svg onload=alert(1)>", "image/png"))
    assert "PNG, JPEG, GIF ou WebP" in refused.value.message_dict["image"][0]
    assert Reuse.objects.filter(title="Faux").count() == 0
