"""Dataset quality (issue #5): report, score, stars, conformity, reference badge and rates — through
uploads (with the real ingestion task), the HTML pages, the native API, CKAN and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from ouvert.catalog import services
from ouvert.catalog.models import Dataset, Theme
from ouvert.core.messages import render
from ouvert.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = ("Population des municipalités du Québec au 1er juillet, produite par l'Institut de la statistique "
         "à partir des recensements; les petites municipalités sont arrondies à la dizaine.")
CLEAN = "code,nom,population\nA1,Laval,438366\nA2,Québec,549459\nA3,Lévis,149683\n"
DICTIONARY = [
    {"name": "code", "type": "identifiant", "description": "Code géographique de la municipalité"},
    {"name": "nom", "type": "texte", "description": "Nom officiel"},
    {"name": "population", "type": "entier", "description": "Population au 1er juillet", "unit": "habitants"},
]
MESSY = ("Date;Montant;Ville;Note\r\n"
         "15/03/2012;1 234,56;Québec;N/D\r\n"
         "16/03/2012;2,5;Lévis;#REF!\r\n"
         "17/03/2012;-3;Montréal;ok\r\n").encode("cp1252")


def complete_dataset(by, org, *, title: str = "Population des municipalités", content: str = CLEAN,
                     dictionary: list | None = None) -> Dataset:
    services.licence_default()  # seeds licences and themes
    dataset = services.dataset_create(
        by=by, organization=org, title=title, notes=NOTES, keywords="population, municipalités, démographie",
        themes=list(Theme.objects.order_by("position")[:1]), contact_name="Direction des données",
        contact_email="donnees@laval.ca", update_frequency="yearly", spatial="Québec (province)",
        temporal_start=dt.date(2020, 1, 1))
    services.resource_create(dataset=dataset, by=by, name="Population",
                             file=SimpleUploadedFile("population.csv", content.encode()),
                             data_dictionary=DICTIONARY if dictionary is None else dictionary)
    services.dataset_publish(dataset=dataset, by=by)
    dataset.refresh_from_db()
    return dataset


def test_messy_csv_upload_gets_a_report_naming_the_failed_rules(client, publisher):
    user, org = publisher
    dataset = services.dataset_create(by=user, organization=org, title="Dépenses", notes="Dépenses.")
    services.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("depenses.csv", MESSY))
    services.dataset_publish(dataset=dataset, by=user)
    dataset.refresh_from_db()

    assert dataset.quality_checked_at is not None
    assert not dataset.conforms and not dataset.is_reference
    failed = set(dataset.quality_report["failed_rules"])
    assert {"F2", "F3", "F6", "F7", "F8", "F12"} <= failed
    assert {"M1", "M2", "M5"} <= failed  # short description, no keywords or theme, no coverage
    assert 0 <= dataset.quality_score < 60

    report = client.get(f"/api/v1/datasets/{dataset.name}/quality").json()
    assert report["score"] == dataset.quality_score and report["conforms"] is False
    f6 = [f for f in report["findings"] if f["rule"] == "F6"]
    assert [f["where"]["column"] for f in f6] == ["Note"]
    note = f6[0]
    assert note["where"]["resource_name"] == "depenses.csv"
    assert note["code"] == "f6.markers"
    assert note["message"] == "Colonne « Note » : valeurs inconnues notées « N/D » ×1, « #REF! » ×1."
    assert note["fix"].startswith("Laissez la cellule vide")
    # A citizen: one line, the details on demand, no publisher's checklist.
    page = client.get(dataset.get_absolute_url()).content.decode()
    line = page.split('id="quality-line">', 1)[1].split("</p>", 1)[0]
    assert f"Score de qualité {dataset.quality_score}/100" in line and "points à améliorer" in line
    assert '<details class="quality-details">' in page and "F6" in page
    assert "Règles à corriger" not in page and "Comment corriger" not in page
    # A member of the publishing organization keeps the full checklist.
    client.force_login(user)
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert "Règles à corriger" in page and "F2" in page and "F6" in page and "non conforme" in page
    assert 'id="quality-line"' not in page
    assert "Comment corriger" in page and "ressource « depenses.csv »" in page
    assert 'title="Valeurs inconnues laissées vides"' in page
    english = client.get(f"/api/v1/datasets/{dataset.name}/quality", HTTP_ACCEPT_LANGUAGE="en").json()
    note_en = next(f for f in english["findings"] if f["rule"] == "F6")
    assert note_en["message"] == 'Column "Note": unknown values written as "N/D" ×1, "#REF!" ×1.'
    assert note_en["fix"].startswith("Leave the cell empty")
    assert english["openness_reason"] and english["openness_reason"] != report["openness_reason"]
    assert [c["label"] for c in english["reference_criteria"]][0] == "Published and public"
    assert [c["label"] for c in report["reference_criteria"]][0] == "Publié et public"
    datastore = client.get(f"/api/v1/datastore/{dataset.resources.get().pk}/quality",
                           HTTP_ACCEPT_LANGUAGE="en").json()
    assert note_en["message"] in [f["message"] for f in datastore["findings"]]

    english = client.get(f"/en/data/datasets/{dataset.name}/").content.decode()
    assert "Rules to fix" in english and "unknown values written as" in english


def test_reference_badge_is_granted_then_withdrawn_with_reasons(client, publisher):
    user, org = publisher
    dataset = complete_dataset(user, org)

    assert dataset.quality_report["failed_rules"] == [], dataset.quality_report["findings"]
    assert dataset.conforms and dataset.is_reference
    assert dataset.openness_stars == 4  # open format, queryable through the datastore API
    assert dataset.quality_score >= 90
    granted = AuditEntry.objects.get(object_id=str(dataset.pk), action="dataset.reference_grant")
    assert granted.actor is None and granted.changes["is_reference"] == [False, True]
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert "Données de référence" in page and "4 étoiles d'ouverture sur 5" in page

    services.dataset_update(dataset=dataset, by=user, notes="Trop court.")
    dataset.refresh_from_db()
    assert not dataset.is_reference and not dataset.conforms
    assert dataset.quality_report["failed_rules"] == ["M1"]
    withdrawn = AuditEntry.objects.get(object_id=str(dataset.pk), action="dataset.reference_withdraw")
    assert withdrawn.changes["is_reference"] == [True, False]
    assert withdrawn.changes["failed_rules"] == ["M1"]
    assert "Règles F1–F12 et M1–M6 respectées" in render(withdrawn.changes["reason"])
    assert "rules" in withdrawn.changes["unmet_criteria"]
    # No change, no new entry.
    call_command("quality_refresh", stdout=io.StringIO())
    assert AuditEntry.objects.filter(object_id=str(dataset.pk), action__startswith="dataset.reference_").count() == 2


def test_duplicate_identifier_keeps_the_badge_away(publisher):
    user, org = publisher
    dataset = complete_dataset(user, org, content="code,nom,population\nA1,Laval,1\nA1,Québec,2\n")
    assert dataset.conforms and not dataset.is_reference
    identifier = next(c for c in dataset.quality_report["reference"]["criteria"] if c["key"] == "identifier")
    assert identifier["ok"] is False
    assert dataset.quality_report["reference"]["identifiers"][0]["duplicates"] == 1


def test_command_withdraws_a_badge_set_by_hand(publisher):
    user, org = publisher
    dataset = services.dataset_create(by=user, organization=org, title="Sans ressource", notes=NOTES)
    Dataset.objects.filter(pk=dataset.pk).update(is_reference=True, quality_report={}, quality_checked_at=None)
    out = io.StringIO()
    call_command("quality_refresh", stdout=out)
    dataset.refresh_from_db()
    assert "1 jeu de données vérifié : 0 conforme, 0 de référence." in out.getvalue()
    assert not dataset.is_reference and dataset.quality_checked_at is not None
    assert "M6" in dataset.quality_report["failed_rules"] and dataset.openness_stars == 0
    entry = AuditEntry.objects.get(object_id=str(dataset.pk), action="dataset.reference_withdraw")
    assert "Publié et public" in render(entry.changes["reason"])
    with translation.override("en"):
        assert render(entry.changes["reason"]).startswith("Criteria not met: Published and public; ")


def test_stars_and_format_rules_for_files_outside_the_datastore(client, publisher):
    user, org = publisher
    dataset = services.dataset_create(by=user, organization=org, title="Rapport annuel", notes=NOTES)
    services.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"))
    dataset.refresh_from_db()
    assert dataset.openness_stars == 1
    assert dataset.quality_report["rules"]["F1"] == "fail"
    services.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("archive.zip", b"PK\x03\x04"))
    dataset.refresh_from_db()
    assert dataset.quality_report["rules"]["F4"] == "fail" and dataset.openness_stars == 2
    services.resource_create(dataset=dataset, by=user, url="https://exemple.qc.ca/limites.geojson")
    services.dataset_publish(dataset=dataset, by=user)
    dataset.refresh_from_db()
    assert dataset.openness_stars == 3
    m6 = [f for f in dataset.quality_report["findings"] if f["rule"] == "M6"]
    assert m6 and m6[0]["status"] == "fail" and "taille inconnue" in render(m6[0]["message"])
    pkg = client.get("/api/3/action/package_show", {"id": dataset.name}).json()["result"]
    assert pkg["qa"]["openness_score"] == 3 and pkg["qa"]["conforms"] is False


def test_conformity_rates_count_datasets_published_in_the_period(client, publisher, make_org, make_user,
                                                                 make_member, django_assert_max_num_queries):
    user, org = publisher
    recent = complete_dataset(user, org, title="Population récente")
    old = complete_dataset(user, org, title="Population ancienne")
    messy = services.dataset_create(by=user, organization=org, title="Dépenses", notes="Dépenses.")
    services.resource_create(dataset=messy, by=user, url="https://exemple.qc.ca/depenses.csv")
    services.dataset_publish(dataset=messy, by=user)
    hidden = complete_dataset(user, org, title="Privé")
    Dataset.objects.filter(pk=hidden.pk).update(private=True)
    long_ago = timezone.now() - dt.timedelta(days=3 * 365)
    Dataset.objects.filter(pk=old.pk).update(first_published_at=long_ago)
    other = make_org("msp", kind="ministry", name_fr="Sécurité publique", name_en="Public Security")
    boss = make_user()
    make_member(boss, other, "editor")
    draft = services.dataset_create(by=boss, organization=other, title="Brouillon")
    assert recent.conforms and old.conforms and not Dataset.objects.get(pk=messy.pk).conforms
    assert not Dataset.objects.get(pk=draft.pk).first_published_at

    data = client.get("/api/v1/quality").json()
    assert data["to"] == timezone.localdate().isoformat()
    assert data["portal"] == {"datasets": 2, "conforming": 1, "conformity_rate": 50.0, "tabular_resources": 2,
                              "queryable_resources": 1, "queryable_rate": 50.0}
    assert [o["organization"] for o in data["organizations"]] == ["laval"]

    start = (timezone.localdate() - dt.timedelta(days=4 * 365)).isoformat()
    data = client.get("/api/v1/quality", {"from": start}).json()
    assert data["from"] == start
    assert data["portal"]["datasets"] == 3 and data["portal"]["conforming"] == 2
    assert data["portal"]["conformity_rate"] == 66.7 and data["portal"]["queryable_resources"] == 2
    only_old = client.get("/api/v1/organizations/laval/quality",
                          {"from": start, "to": (timezone.localdate() - dt.timedelta(days=365 * 2)).isoformat()})
    assert only_old.json() == {"organization": "laval", "datasets": 1, "conforming": 1, "conformity_rate": 100.0,
                               "tabular_resources": 1, "queryable_resources": 1, "queryable_rate": 100.0}
    empty = client.get("/api/v1/organizations/msp/quality").json()
    assert empty["datasets"] == 0 and empty["conformity_rate"] is None
    earliest = client.get("/api/v1/quality", {"to": "0001-01-01"})
    assert earliest.status_code == 200 and earliest.json()["from"] == "0001-01-01"
    assert client.get("/api/v1/quality", {"from": "hier"}).status_code == 422

    with django_assert_max_num_queries(12):
        page = client.get("/fr/donnees/qualite/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "50,0 %" in body and "Ville de Laval" in body and "(1 sur 2)" in body
    twin = client.get("/fr/donnees/qualite/", {"from": start, "format": "json"}).json()
    assert twin["portal"]["datasets"] == 3 and twin["organizations"][0]["organization"] == "laval"
    english = client.get("/en/data/quality/").content.decode()
    assert "Quality and conformity" in english and "City of Laval" in english
    bad = client.get("/fr/donnees/qualite/", {"from": "hier"}).content.decode()
    assert "Date de début invalide" in bad
    org_page = client.get("/fr/organisations/laval/").content.decode()
    assert "Conformité aux lignes directrices" in org_page and "(1 sur 2)" in org_page
    assert "/fr/donnees/qualite/" in client.get("/fr/donnees/").content.decode()


def test_documentation_link_is_left_out_of_the_rules(client, publisher, make_token):
    """A web page describing the data (the demo's link to its source) fails no file rule: the
    dataset conforms on its data alone, and CKAN clients see the link as documentation."""
    user, org = publisher
    dataset = complete_dataset(user, org)
    assert dataset.conforms
    page = services.resource_create(dataset=dataset, by=user, url="https://www.donneesquebec.ca/recherche/",
                                    name="Page d'origine sur Données Québec", format="HTML", is_documentation=True)
    dataset.refresh_from_db()
    assert dataset.conforms and "F1" not in dataset.quality_report["failed_rules"]
    assert all(f.get("where", {}).get("resource") != str(page.pk) for f in dataset.quality_report["findings"])
    shown = client.get("/api/3/action/resource_show", {"id": str(page.pk)}).json()["result"]
    assert shown["resource_type"] == "documentation"
    services.resource_update(resource=page, by=user, is_documentation=False)
    dataset.refresh_from_db()
    assert not dataset.conforms and "F1" in dataset.quality_report["failed_rules"]
    token = make_token(user)
    answer = client.post("/api/3/action/resource_create", {"package_id": dataset.name, "resource_type":
                         "documentation", "url": "https://exemple.quebec/guide.pdf", "format": "PDF"},
                         content_type="application/json", HTTP_AUTHORIZATION=token).json()
    assert answer["success"] and answer["result"]["resource_type"] == "documentation"


def test_command_counts_read_right_in_english_too(publisher):
    user, org = publisher
    for title in ("Premier", "Second"):
        services.dataset_create(by=user, organization=org, title=title, notes=NOTES)
    out = io.StringIO()
    with translation.override("en"):
        call_command("quality_refresh", stdout=out)
    assert out.getvalue() == "2 datasets checked: 0 conforming, 0 reference datasets.\n"
