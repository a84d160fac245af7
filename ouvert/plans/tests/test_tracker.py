"""The public tracker: pages, filters, the JSON twin against its schema, the Atom feed, CSV export
and import in the same format, traceability."""

from __future__ import annotations

import html
import json

import jsonschema_rs
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.plans import csvio, exports, services
from ouvert.plans.models import Level, Milestone


def _m(plan, number):
    return Milestone.objects.get(commitment__plan=plan, number=number)


@pytest.mark.django_db
def test_tracker_page_in_both_languages(client, plan, contact, public_dataset, django_assert_max_num_queries):
    services.progress_post(milestone=_m(plan, "1.2"), text="Jeu publié.", level=Level.COMPLETE,
                           evidence_kind="dataset", evidence_key=public_dataset.name, by=contact)
    with django_assert_max_num_queries(20):
        page = client.get("/fr/plans-action/2021-2023/").content.decode()
    assert "Démocratiser les données ouvertes" in page and "Complété" in page
    assert 'value="50.0"' in page and "50 %" in page  # the bar and its value in text
    english = client.get("/en/action-plans/2021-2023/").content.decode()
    assert "Complete" in english and "Commitments" in english
    commitment = plan.commitments.get()
    detail = client.get(commitment.get_absolute_url()).content.decode()
    assert "Tutoriels de données" in detail and public_dataset.get_absolute_url() in detail
    assert "Julie Côté" in detail


@pytest.mark.django_db
def test_filters_by_body_and_status(client, plan, contact):
    services.progress_post(milestone=_m(plan, "1.2"), text="Commencé.", level=Level.LIMITED, by=contact)
    page = client.get("/fr/plans-action/2021-2023/?organisme=banq").content.decode()
    assert "Projet pilote de priorisation" in page and "Créer une section pédagogique</th>" not in page
    page = client.get("/fr/plans-action/2021-2023/?statut=not_started").content.decode()
    assert "Créer une section pédagogique" in page and "Projet pilote de priorisation</th>" not in page
    page = client.get("/fr/plans-action/2021-2023/?statut=pas-un-statut")
    assert page.status_code == 200 and "Statut « pas-un-statut » inconnu" in page.content.decode()


@pytest.mark.django_db
def test_draft_plan_is_hidden_from_outsiders(client, make_plan, coordinator, make_user, make_member, make_org,
                                             contact):
    plan = make_plan(publish=False)
    commitment = plan.commitments.get()
    milestone = commitment.milestones.first()
    paths = ["/fr/plans-action/2021-2023/", "/fr/plans-action/2021-2023/plan.json",
             "/fr/plans-action/2021-2023/export.csv", commitment.get_absolute_url(),
             f"/fr/plans-action/2021-2023/engagements/{commitment.pk}/evaluation/",
             f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/avancement/", "/fr/plans-action/2021-2023/importer/",
             "/fr/plans-action/2021-2023/supprimer/", f"/fr/plans-action/2021-2023/jalons/{milestone.pk}/supprimer/",
             f"/fr/plans-action/2021-2023/engagements/{commitment.pk}/supprimer/",
             f"/fr/plans-action/2021-2023/defis/{plan.challenges.get().pk}/supprimer/"]
    outsider = make_user()
    make_member(outsider, make_org("autre", kind="civil_society"), "editor")
    for reader in (None, outsider):
        if reader is not None:
            client.force_login(reader)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 404 or (reader is None and response.status_code == 302), path
            assert b"pilote de priorisation" not in response.content
        assert "2021-2023" not in client.get("/fr/plans-action/").content.decode()
        assert b"<entry>" not in client.get(f"/fr/suivis/fil/plan/{plan.pk}/").content
    client.force_login(coordinator)
    assert client.get("/fr/plans-action/2021-2023/").status_code == 200


@pytest.mark.django_db
def test_plan_json_validates_against_the_shipped_schema(client, plan, contact, public_dataset, make_org,
                                                        make_user, make_member):
    services.progress_post(milestone=_m(plan, "1.2"), text="Jeu publié.", level=Level.COMPLETE,
                           evidence_kind="dataset", evidence_key=public_dataset.name, by=contact)
    services.progress_post(milestone=_m(plan, "1.2"), text="Rapport.", level=Level.COMPLETE, by=contact,
                           evidence_file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4"))
    civil = make_org("oqi", kind="civil_society")
    rater = make_user()
    make_member(rater, civil, "editor")
    services.rating_record(commitment=plan.commitments.get(), organization=civil, level=Level.LIMITED,
                           text="Partiel.", by=rater)
    data = json.loads(client.get("/fr/plans-action/2021-2023/plan.json").content)
    schema = json.loads(client.get("/fr/plans-action/schema.json").content)
    assert schema == exports.schema()
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    errors = [e.message for e in validator.iter_errors(data)]
    assert not errors, errors
    milestone = data["commitments"][0]["milestones"][1]
    assert milestone["level"] == "complete" and [u["evidence"]["kind"] for u in milestone["updates"]] == ["file", "dataset"]
    assert data["commitments"][0]["independent_ratings"][0]["level"] == "limited"


@pytest.mark.django_db
def test_csv_export_reimports_unchanged(client, plan, coordinator):
    exported = client.get("/fr/plans-action/2021-2023/export.csv").content
    assert exported.decode().splitlines()[0] == ",".join(csvio.COLUMNS)
    report = services.plan_csv_import(plan=plan, content=exported, dry_run=False, by=coordinator)
    assert report.ok and [line.outcome for line in report.lines] == ["unchanged", "unchanged"]
    assert client.get("/fr/plans-action/2021-2023/export.csv").content == exported


@pytest.mark.django_db
def test_csv_import_dry_run_then_apply_matching_external_ids(client, plan, coordinator):
    text = client.get("/fr/plans-action/2021-2023/export.csv").content.decode()
    lines = text.splitlines()
    changed = lines[1].replace("Créer une section pédagogique", "Créer une section pédagogique en ligne")
    new = lines[2].replace(",m2,1.2,", ",m3,1.3,").replace("Projet pilote de priorisation", "Cinq jeux de référence")
    content = "\r\n".join([lines[0], changed, lines[2], new]).encode()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("plan.csv", content, content_type="text/csv")
    response = client.post("/fr/plans-action/2021-2023/importer/", {"file": upload, "dry_run": "on"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "rien n'est enregistré" in page
    assert not Milestone.objects.filter(external_id="m3").exists()
    report = services.plan_csv_import(plan=plan, content=content, dry_run=False, by=coordinator)
    assert [line.outcome for line in report.lines] == ["updated", "unchanged", "created"]
    assert Milestone.objects.get(external_id="m1").description == "Créer une section pédagogique en ligne"
    assert Milestone.objects.filter(external_id="m3", commitment__plan=plan).count() == 1


@pytest.mark.django_db
def test_csv_import_reports_errors_per_row_and_writes_nothing(client, plan, coordinator):
    text = client.get("/fr/plans-action/2021-2023/export.csv").content.decode()
    lines = text.splitlines()
    bad_body = lines[1].replace(",sct,", ",inconnu,", 1)
    bad_date = lines[2].replace("2030-10-31", "31/10/2030")
    renamed = lines[1].replace("Créer une section pédagogique", "Nouveau titre")
    content = "\r\n".join([lines[0], renamed, bad_body, bad_date]).encode()
    client.force_login(coordinator)
    response = client.post("/fr/plans-action/2021-2023/importer/",
                           {"file": SimpleUploadedFile("plan.csv", content, content_type="text/csv")})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "organisation « inconnu » inconnue" in page and "« 31/10/2030 » n'est pas une date" in page
    assert "Import refusé" in page
    assert Milestone.objects.get(external_id="m1").description == "Créer une section pédagogique"
    report = services.plan_csv_import(plan=plan, content=b"a,b\n1,2\n", dry_run=True, by=coordinator)
    assert "Colonnes manquantes" in report.file_errors[0]
    report = services.plan_csv_import(plan=plan, content="é".encode("latin-1"), dry_run=True, by=coordinator)
    assert "UTF-8" in report.file_errors[0]


@pytest.mark.django_db
def test_import_is_for_the_plan_editors(client, plan, contact):
    client.force_login(contact)
    assert client.get("/fr/plans-action/2021-2023/importer/").status_code == 403
    client.logout()
    assert client.get("/fr/plans-action/2021-2023/importer/").status_code == 302


@pytest.mark.django_db
def test_atom_feed_and_follow(client, plan, contact, make_user):
    services.progress_post(milestone=_m(plan, "1.2"), text="Travaux commencés.", level=Level.LIMITED, by=contact)
    feed = client.get(f"/fr/suivis/fil/plan/{plan.pk}/")
    assert feed.status_code == 200 and b"Travaux commenc" in feed.content and b"<feed" in feed.content
    reader = make_user()
    client.force_login(reader)
    client.post("/fr/plans-action/2021-2023/suivre/", {"follow": "1"})
    assert "Ne plus suivre ce plan" in client.get("/fr/plans-action/2021-2023/").content.decode()


@pytest.mark.django_db
def test_progress_form_in_the_browser_flow(client, plan, contact, public_dataset):
    m2 = _m(plan, "1.2")
    url = f"/fr/plans-action/2021-2023/jalons/{m2.pk}/avancement/"
    client.force_login(contact)
    response = client.post(url, {"level": "complete", "text": "Terminé."})
    assert response.status_code == 400
    assert "Un jalon n'est complété qu'avec une preuve" in html.unescape(response.content.decode())
    response = client.post(url, {"level": "complete", "text": "Terminé.", "evidence_kind": "dataset",
                                 "evidence_key": "tutoriels-donnees"})
    assert response.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'value="50.0"' in page
    other = _m(plan, "1.1")
    assert client.get(f"/fr/plans-action/2021-2023/jalons/{other.pk}/avancement/").status_code == 403


@pytest.mark.django_db
def test_dataset_page_shows_the_commitment(client, plan, contact, public_dataset):
    services.progress_post(milestone=_m(plan, "1.2"), text="Jeu publié.", level=Level.COMPLETE,
                           evidence_kind="dataset", evidence_key=public_dataset.name, by=contact)
    page = client.get(public_dataset.get_absolute_url()).content.decode()
    assert "Démocratiser les données ouvertes" in page and plan.commitments.get().get_absolute_url() in page


@pytest.mark.django_db
def test_plan_published_as_an_open_dataset(client, plan, coordinator, contact, sct, django_capture_on_commit_callbacks):
    import datetime as dt

    from ouvert.catalog.models import Dataset

    services.indicator_create(key="jalons", title="Jalons complétés", unit="%", target=100,
                              target_date=dt.date(2030, 1, 1), organization=sct, definition="Part des jalons.",
                              measure="plans.milestones_complete", plan=plan, by=coordinator)
    services.snapshot_take()
    client.force_login(contact)
    assert client.post("/fr/plans-action/2021-2023/publier-donnees-ouvertes/").status_code == 403
    client.force_login(coordinator)
    response = client.post("/fr/plans-action/2021-2023/publier-donnees-ouvertes/")
    dataset = Dataset.objects.get(name="plan-action-2021-2023")
    assert response.status_code == 302 and response["Location"] == dataset.get_absolute_url()
    assert dataset.state == "active" and dataset.temporal_start == plan.period_start
    assert sorted(r.name for r in dataset.resources.all()) == ["engagements-jalons.csv", "indicateurs.csv", "plan.json"]
    first_ids = set(dataset.resources.values_list("pk", flat=True))
    client.post("/fr/plans-action/2021-2023/publier-donnees-ouvertes/")  # refreshed, same resources
    assert set(Dataset.objects.get(name="plan-action-2021-2023").resources.values_list("pk", flat=True)) == first_ids
    series = Dataset.objects.get(name="plan-action-2021-2023").resources.get(name="indicateurs.csv")
    assert b"plans.milestones_complete" in series.file.read()
    dcat = client.get(f"/fr/donnees/jeux/{dataset.name}/")
    assert dcat.status_code == 200 and "Le jeu de données ouvertes du plan" in client.get(plan.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_followers_hear_of_progress(plan, contact, make_user, mailoutbox, django_capture_on_commit_callbacks):
    from ouvert.core import follows

    reader = make_user("lectrice@exemple.qc.ca")
    follows.follow_create(user=reader, kind="plan", key=str(plan.pk), by=reader)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_post(milestone=_m(plan, "1.2"), text="Commencé.", level=Level.LIMITED, by=contact)
    sent = [m for m in mailoutbox if m.to == ["lectrice@exemple.qc.ca"]]
    assert len(sent) == 1 and "1.2" in sent[0].body


@pytest.mark.django_db
def test_commitment_links_back_to_the_consultation_it_came_from(client, plan, sct, coordinator):
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from ouvert.consultations import services as consultations

    now = timezone.now()
    consultation = consultations.consultation_create(
        organization=sct, by=coordinator, title="Vos priorités en gouvernement ouvert", summary="Pour le plan.",
        topic="governance", region="all", opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=30),
        purpose_stated=True, feedback_planned=True, consent_text="Merci.")
    with pytest.raises(ValidationError):  # a draft consultation is no public origin
        services.commitment_save(plan=plan, external_id="c1", lead_body=sct, by=coordinator,
                                 origin_kind="consultation", origin_key=str(consultation.pk))
    consultations.consultation_publish(consultation=consultation, by=coordinator, force=True)
    commitment, _ = services.commitment_save(plan=plan, external_id="c1", lead_body=sct, by=coordinator,
                                             origin_kind="consultation", origin_key=consultation.slug)
    assert commitment.origin_key == str(consultation.pk)
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Vos priorités en gouvernement ouvert" in page and consultation.get_absolute_url() in page
    back = client.get(consultation.get_absolute_url()).content.decode()
    assert "Démocratiser les données ouvertes" in back and commitment.get_absolute_url() in back
    exported = client.get("/fr/plans-action/2021-2023/export.csv").content
    assert services.plan_csv_import(plan=plan, content=exported, dry_run=True, by=coordinator).ok


@pytest.mark.django_db
def test_index_lists_plans_in_a_constant_number_of_queries(client, make_plan, contact,
                                                           django_assert_max_num_queries):
    for year in range(3):
        make_plan(slug=f"plan-{year}")
    services.progress_post(milestone=Milestone.objects.filter(number="1.2").first(), text="Commencé.",
                           level=Level.LIMITED, by=contact)
    with django_assert_max_num_queries(8):
        page = client.get("/fr/plans-action/").content.decode()
    assert page.count("2 jalons") == 3 and "1 engagement" in page
    assert 'value="16.7"' in page  # ⅓ of one of two milestones


@pytest.mark.django_db
def test_native_api_lists_and_shows_readable_plans(client, make_plan, plan, coordinator):
    make_plan(publish=False, slug="brouillon")
    listed = client.get("/api/v1/plans").json()
    assert [p["slug"] for p in listed["results"]] == ["2021-2023"] and listed["count"] == 1
    assert listed["results"][0]["milestones"] == 2
    shown = client.get("/api/v1/plans/2021-2023").json()
    assert shown == json.loads(client.get("/fr/plans-action/2021-2023/plan.json").content)
    assert client.get("/api/v1/plans/brouillon").status_code == 404
    assert client.get("/api/v1/plans?limit=0").status_code == 422
    client.force_login(coordinator)
    assert client.get("/api/v1/plans/brouillon").status_code == 200
    assert client.get("/api/v1/plans/indicators").json() == []
