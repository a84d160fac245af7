"""The load panel on the resource page: progress while a file loads (fetched again by the page), the
report and a retry button when it failed, a cancel button while it runs — for the organization's
editors only."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from ouvert.catalog import services as catalog
from ouvert.datastore.models import IngestJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def resource(publisher):
    user, org = publisher
    dataset = catalog.dataset_create(by=user, organization=org, title="Dépenses")
    catalog.dataset_publish(dataset=dataset, by=user)
    bad = b"code;montant\n1;10\n2;abc\n"
    resource = catalog.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("depenses.csv", bad))
    return resource


def page_of(resource) -> str:
    return f"/fr/donnees/jeux/{resource.dataset.name}/ressources/{resource.pk}/"


def test_editor_sees_the_failed_load_report_and_retries_it(client, publisher, resource):
    from ouvert.datastore import services

    user, org = publisher
    job = IngestJob.objects.get(resource_id=resource.pk)
    assert job.status == "succeeded"
    table, forced = services.datastore_dictionary_update(resource_id=resource.pk, organization=org, by=user,
                                                         columns={"montant": {"type": "int"}})
    forced.refresh_from_db()
    assert forced.status == "failed"

    anonymous = client.get(page_of(resource)).content.decode()
    assert "Chargement dans le magasin de données" not in anonymous
    assert client.get(f"/fr/donnees/tables/{resource.pk}/chargement/").status_code == 404

    client.force_login(user)
    html = client.get(page_of(resource)).content.decode()
    assert "Chargement échoué : la version précédente reste en ligne." in html
    assert "<code>abc</code>" in html and "<code>montant</code>" in html  # row, column, value, expected
    assert "Relancer le chargement" in html and "data-job-url" not in html
    response = client.post(f"/fr/donnees/chargements/{forced.pk}/relancer/", {"next": page_of(resource)})
    assert response.status_code == 302 and response["Location"] == page_of(resource)
    assert IngestJob.objects.filter(resource_id=resource.pk).count() == 3
    other = client.post(f"/fr/donnees/chargements/{forced.pk}/relancer/", {"next": "https://ailleurs.example/"})
    assert other["Location"] == f"/fr/donnees/tables/{resource.pk}/"  # never sent off-site


def test_running_load_shows_progress_and_can_be_cancelled(client, publisher, resource, make_user):
    user, org = publisher
    running = IngestJob.objects.create(resource_id=resource.pk, organization=org, source_name="x.csv",
                                       original_name="x.csv", status="running", phase="load",
                                       started_at=timezone.now(), bytes_total=4_000_000, bytes_done=1_000_000,
                                       rows_done=25_000)
    client.force_login(user)
    html = client.get(page_of(resource)).content.decode()
    assert 'data-job-url="/fr/donnees/tables/' in html and "job.js" in html
    assert "<progress" in html and "Chargement des lignes" in html and re.search(r"25\D{1,8}000 lignes chargées", html)
    panel = client.get(f"/fr/donnees/tables/{resource.pk}/chargement/")
    assert panel.status_code == 200 and panel["Cache-Control"] == "no-store"
    assert panel.content.decode().lstrip().startswith('<section class="ds-job"')

    stranger = make_user("curieux@exemple.qc.ca")
    client.force_login(stranger)
    assert client.post(f"/fr/donnees/chargements/{running.pk}/annuler/").status_code == 403
    assert client.get(f"/fr/donnees/tables/{resource.pk}/chargement/").status_code == 404

    client.force_login(user)
    client.post(f"/fr/donnees/chargements/{running.pk}/annuler/", {"next": page_of(resource)})
    running.refresh_from_db()
    assert running.cancel_requested
    assert "Annulation demandée" in client.get(page_of(resource)).content.decode()


@pytest.mark.parametrize(("lang", "phase", "said"), [
    ("fr", "indexes", "Table en ligne ; construction des index de tri et de filtre"),
    ("en", "indexes", "Table online; building the sort and filter indexes"),
    ("fr", "fulltext", "Table en ligne ; construction de l'index de recherche plein texte"),
    ("en", "fulltext", "Table online; building the full-text search index"),
])
def test_the_panel_says_the_table_is_live_while_what_follows_the_swap_is_built(client, publisher, resource,
                                                                                 lang, phase, said):
    user, org = publisher
    IngestJob.objects.create(resource_id=resource.pk, organization=org, source_name="x.csv", original_name="x.csv",
                             status="running", phase=phase, started_at=timezone.now(), bytes_total=4_000_000,
                             bytes_done=4_000_000, rows_done=100_000)
    client.force_login(user)
    with translation.override(lang):
        url = reverse("datastore:job_panel", args=[resource.pk])
    panel = client.get(url)
    html = panel.content.decode().replace("&#x27;", "'")
    assert panel.status_code == 200 and said in html
    assert 'value="96.0"' in html if phase == "indexes" else 'value="98.0"' in html
