import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.openaccess.models import Publication

pytestmark = pytest.mark.django_db


def test_a_researcher_declares_deposits_and_sees_why(frq, make_user, client):
    client.force_login(make_user())
    response = client.post("/fr/libre-acces/declarer/", {
        "title": "Mon article", "authors": "Marie Curie ; 0000-0002-1825-0097", "published_on": "2025-01-10",
        "grant_numbers": "frqsc 339021", "route": "deposit", "version": "accepted", "licence": "CC-BY-NC-4.0",
        "file": SimpleUploadedFile("aam.pdf", b"%PDF-1.4 x")})
    pub = Publication.objects.get(title="Mon article")
    assert response.status_code == 302 and response["Location"] == pub.get_absolute_url()
    page = client.get(pub.get_absolute_url()).content.decode()
    assert "Non conforme" in page and "CC-BY-NC-4.0" in page and "Que faire" in page
    english = client.get(f"/en/open-access/articles/{pub.pk}/").content.decode()
    assert "Non-compliant" in english and "is not accepted" in english


def test_declare_form_shows_field_errors_not_a_500(frq, make_user, client):
    client.force_login(make_user())
    response = client.post("/fr/libre-acces/declarer/", {
        "title": "X", "published_on": "2025-01-10", "issn": "0317-8472", "route": "none",
        "grant_numbers": "FRQS-1", "authors": "A ; 0000-0002-1825-0098"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "caractère de contrôle de l&#x27;ISSN" in body and "ISO 7064" in body and "FRQS-1" in body


def test_declare_needs_sign_in(client):
    assert client.get("/fr/libre-acces/declarer/").status_code == 302


@pytest.mark.parametrize("path", ["/fr/libre-acces/", "/en/open-access/", "/fr/libre-acces/tableau-de-bord/",
                                  "/en/open-access/dashboard/", "/fr/libre-acces/guide/", "/en/open-access/guide/",
                                  "/fr/libre-acces/trouver-une-voie/?issn=1932-6203",
                                  "/en/open-access/find-a-route/?issn=0317-8471"])
def test_public_pages_in_both_languages(demo_world, client, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get(path)
    assert response.status_code == 200


@pytest.fixture
def demo_world(db, make_org):
    from ouvert.openaccess.demo import demo_load

    for code in ("frqnt", "frqs", "frqsc"):
        make_org(code)
    assert demo_load()
    return Publication.objects.all()


def test_demo_covers_every_state_and_the_dashboard_counts_them(demo_world, client):
    data = client.get("/fr/libre-acces/tableau-de-bord/?format=json").json()
    counts = data["overall"]["counts"]
    assert set(counts) == {"compliant", "late", "non_compliant", "unknown"}
    assert sum(counts.values()) == Publication.objects.filter(deleted_at__isnull=True).count()
    assert Publication.objects.filter(deleted_at__isnull=False).exists()
    assert Publication.objects.filter(embargo_until__gt=dt.date.today()).exists()  # noqa: DTZ011


def test_ledger_is_open_data_without_personal_data(demo_world, client, monkeypatch):
    import csv
    import io

    from ouvert.openaccess import selectors

    rows = client.get("/fr/libre-acces/registre.json").json()["rows"]
    assert rows and {r["status"] for r in rows} >= {"compliant", "non_compliant"}
    monkeypatch.setattr(selectors, "LEDGER_CHUNK", 2)  # the CSV is streamed by chunks of articles
    text = client.get("/en/open-access/ledger.csv").getvalue().decode()
    assert text.startswith("id,title,") and "Gagnon" not in text and "@" not in text
    streamed = list(csv.DictReader(io.StringIO(text)))
    assert [(int(r["id"]), r["status"]) for r in streamed] == [(r["id"], r["status"]) for r in rows]


def test_route_finder_says_which_route_complies(demo_world, client):
    body = client.get("/fr/libre-acces/trouver-une-voie/?issn=2049-3630").content.decode()
    assert "non conforme" in body and "CC-BY-NC-4.0" in body
    body = client.get("/fr/libre-acces/trouver-une-voie/?issn=2049-3631").content.decode()
    assert "caractère de contrôle" in body


def test_compliance_summary_for_the_action_plans(demo_world):
    from ouvert.openaccess.selectors import compliance_summary

    compliant, total = compliance_summary(start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1))
    assert 0 < compliant < total == Publication.objects.filter(deleted_at__isnull=True).count()


def test_staff_of_a_fonds_load_grants_with_a_report(frq, make_user, make_member, client):
    from ouvert.core.models import Organization
    from ouvert.openaccess.models import Grant

    staff = make_user()
    make_member(staff, Organization.objects.get(slug="frqsc"), role="editor")
    client.force_login(staff)
    assert "/fr/libre-acces/subventions/charger/" in client.get("/fr/libre-acces/").content.decode()
    csv = "numero,fonds,titulaire\nFRQSC 123456,FRQSC,Ana\nabc,FRQSC,Ben\n"
    body = client.post("/fr/libre-acces/subventions/charger/", {
        "file": SimpleUploadedFile("g.csv", csv.encode())}).content.decode()
    assert "1 ligne valide, 1 erreur." in body and "FRQSC-123456" in body
    assert Grant.objects.filter(number="FRQSC-123456").exists()
    client.force_login(make_user())
    assert client.get("/fr/libre-acces/subventions/charger/").status_code == 403
    assert "subventions/charger" not in client.get("/fr/libre-acces/").content.decode()


def test_ledger_published_as_an_open_dataset_of_the_catalogue(demo_world, make_user, make_member, client):
    from ouvert.catalog.models import DatasetState
    from ouvert.core.models import Organization
    from ouvert.openaccess.publishing import ledger_dataset

    staff = make_user()
    make_member(staff, Organization.objects.get(slug="frqs"), role="editor")
    client.force_login(staff)
    response = client.post("/fr/libre-acces/registre/publier/")
    dataset = ledger_dataset()
    assert response.status_code == 302 and dataset is not None and dataset.state == DatasetState.ACTIVE
    assert dataset.organization.slug == "frqs" and dataset.resources.count() == 1
    assert dataset.title_en == "Open access compliance ledger of the FRQ" and "open science" in dataset.keywords_en
    from ouvert.catalog.services import dataset_quality_refresh

    report = dataset_quality_refresh(dataset=dataset).quality_report  # contact, theme, coverage: M2 and M5
    assert not [f for f in report["findings"] if f["rule"] in ("M2", "M5") and f["status"] == "fail"], report
    client.post("/fr/libre-acces/registre/publier/")  # again: the CSV is replaced, not added
    assert ledger_dataset().resources.count() == 1
    assert dataset.get_absolute_url() in client.get("/fr/libre-acces/tableau-de-bord/").content.decode()
    client.force_login(make_user())
    assert client.post("/fr/libre-acces/registre/publier/").status_code == 403


def test_guide_lists_webinars_with_the_consultations_registration(db, make_org, make_user, make_member, client):
    from ouvert.consultations.models import Event
    from ouvert.consultations.services import event_register
    from ouvert.openaccess.demo import _webinars, demo_load

    frqs = None
    for code in ("frqnt", "frqs", "frqsc"):
        org = make_org(code)
        frqs = org if code == "frqs" else frqs
    demo_load()
    staff = make_user()
    make_member(staff, frqs, role="admin")
    _webinars(staff)
    body = client.get("/fr/libre-acces/guide/").content.decode()
    assert "Déposer son manuscrit accepté" in body and "/fr/consultations/webinaires-libre-acces/#rencontres" in body
    english = client.get("/en/open-access/guide/").content.decode()
    assert "Register for the webinar" in english
    assert '<h3 lang="fr">Déposer son manuscrit accepté</h3>' in english  # the webinar is given in French
    registration = event_register(event=Event.objects.first(), by=make_user())
    assert not registration.waitlisted
