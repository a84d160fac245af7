"""/metrics as Prometheus scrapes it: protected, bounded labels, queue, ingestion and search figures."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

TOKEN = "jeton-de-collecte-0123456789"  # noqa: S105 — a test token


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples: dict[str, list], name: str, **labels) -> float:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert found, f"{name} {labels} not exposed"
    return sum(found)


def test_hidden_without_the_token_or_a_site_admin(client, settings, make_user, password):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer faux"}).status_code == 404
    citizen = make_user()
    client.login(email=citizen.email, password=password)
    assert client.get("/metrics").status_code == 404
    admin = make_user(site_admin=True)
    client.login(email=admin.email, password=password)
    assert client.get("/metrics").status_code == 200


def test_empty_token_means_site_admins_only(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_request_latency_by_route_template_never_the_raw_path(client, make_org):
    org = make_org("ministere-des-essais")
    before = scrape(client)
    route = "fr/organisations/<slug:slug>/"
    start = value(before, "ouvert_http_request_duration_seconds_count", route=route, status="2xx") \
        if any(s.labels.get("route") == route and s.labels.get("status") == "2xx"
               for s in before.get("ouvert_http_request_duration_seconds_count", [])) else 0
    for _ in range(3):
        assert client.get(f"/fr/organisations/{org.slug}/").status_code == 200
    assert client.get("/fr/organisations/nulle-part/").status_code == 404
    assert client.get(f"/nimporte-quoi-{uuid.uuid4()}").status_code == 404
    samples = scrape(client)
    assert value(samples, "ouvert_http_request_duration_seconds_count", route=route, status="2xx",
                 method="GET") == start + 3
    assert value(samples, "ouvert_http_request_duration_seconds_count", route=route, status="4xx") >= 1
    assert value(samples, "ouvert_http_request_duration_seconds_count", route="<unmatched>") >= 1
    routes = {s.labels["route"] for s in samples["ouvert_http_request_duration_seconds_count"]}
    assert not any(org.slug in r or "nimporte" in r or "nulle-part" in r for r in routes), routes
    buckets = [s for s in samples["ouvert_http_request_duration_seconds_bucket"] if s.labels["route"] == route]
    assert {s.labels["le"] for s in buckets} >= {"0.1", "1.0", "+Inf"}


def test_task_queue_depth_and_oldest_age(client):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    for ago in (30, 600):
        task = DBTaskResult.objects.create(
            id=uuid.uuid4(), status="READY", args_kwargs={"args": [], "kwargs": {}}, task_path="ouvert.x.y",
            queue_name="default", backend_name="default", run_after=now - dt.timedelta(seconds=ago))
        DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - dt.timedelta(seconds=ago))
    samples = scrape(client)
    assert value(samples, "ouvert_tasks_waiting") == 2
    assert 600 <= value(samples, "ouvert_tasks_oldest_waiting_seconds") < 700
    assert value(samples, "ouvert_tasks_stuck") == 0


def test_a_task_whose_worker_died_counts_as_stuck(client, settings):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    for started_ago in (2 * settings.TASK_STUCK_SECONDS, 5):  # the first is stuck, the second just runs
        task = DBTaskResult.objects.create(
            id=uuid.uuid4(), status="RUNNING", args_kwargs={"args": [], "kwargs": {}}, task_path="ouvert.x.y",
            queue_name="default", backend_name="default", run_after=now, worker_ids=["w"])
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=now - dt.timedelta(seconds=started_ago))
    assert value(scrape(client), "ouvert_tasks_stuck") == 1


def test_ingestion_figures_after_a_real_load(client, settings, make_user, make_org, make_member,
                                             django_capture_on_commit_callbacks):
    """An upload ingested by the task (run at once here): the next scrape counts its job and rows."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.catalog import services

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
    before = scrape(client)
    assert value(before, "ouvert_ingest_jobs_finished_last_hour") == 0
    assert "ouvert_ingest_last_job_rows_per_second" not in before
    org, editor = make_org(), make_user()
    make_member(editor, org, "editor")
    dataset = services.dataset_create(by=editor, organization=org, title="Compteurs")
    body = ("numero,passages\n" + "".join(f"{i},{i * 7}\n" for i in range(1, 1201))).encode()
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.resource_create(dataset=dataset, by=editor, file=SimpleUploadedFile("compteurs.csv", body))
    from ouvert.datastore.models import IngestJob

    assert IngestJob.objects.get(resource_id=resource.pk).status == "succeeded"
    samples = scrape(client)
    assert value(samples, "ouvert_ingest_jobs_finished_last_hour") == 1
    assert value(samples, "ouvert_ingest_rows_last_hour") == 1200
    assert value(samples, "ouvert_ingest_rows_per_second") > 0
    assert value(samples, "ouvert_ingest_last_job_rows_per_second") > 0


def test_ingestion_rows_per_second_from_finished_jobs(client):
    from ouvert.datastore.models import IngestJob, JobStatus

    assert value(scrape(client), "ouvert_ingest_rows_per_second") == 0
    end = timezone.now()
    for rows, seconds in ((10_000, 4), (2_000, 1)):
        IngestJob.objects.create(resource_id=uuid.uuid4(), source_name="x.csv", status=JobStatus.SUCCEEDED,
                                 rows_done=rows, started_at=end - dt.timedelta(seconds=seconds), finished_at=end)
    IngestJob.objects.create(resource_id=uuid.uuid4(), source_name="y.csv", status=JobStatus.FAILED,
                             rows_done=99, started_at=end - dt.timedelta(seconds=1), finished_at=end)
    samples = scrape(client)
    assert value(samples, "ouvert_ingest_jobs_finished_last_hour") == 2
    assert value(samples, "ouvert_ingest_rows_last_hour") == 12_000
    assert value(samples, "ouvert_ingest_rows_per_second") == pytest.approx(12_000 / 5)


def test_search_latency(client):
    def searches(samples):
        return sum(s.value for s in samples.get("ouvert_search_duration_seconds_count", [])
                   if s.labels["kind"] == "catalog")

    before = searches(scrape(client))
    assert client.get("/fr/donnees/?q=eau").status_code == 200
    assert client.get("/api/v1/datasets?q=eau").status_code == 200
    samples = scrape(client)
    assert searches(samples) == before + 1
    assert value(samples, "ouvert_search_duration_seconds_count", kind="catalog_api") >= 1
    assert value(samples, "ouvert_search_duration_seconds_sum", kind="catalog") > 0


# Several worker processes behind one address: each records in PROMETHEUS_MULTIPROC_DIR, /metrics adds up.
WORKER = r"""
import sys
import django
django.setup()
from django.test import RequestFactory
from django.urls import resolve
from ouvert.core.metrics import observe_request, observe_search
request = RequestFactory().get("/fr/donnees/")
request.resolver_match = resolve("/fr/donnees/")
with observe_search("catalog"):
    pass
observe_request(request, int(sys.argv[1]), 0.02)
"""
SCRAPE = r"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "datastore", verbosity=0)  # the ingestion jobs (and what they depend on)
from ouvert.core.metrics import exposition
print(exposition()[0].decode())
"""


@pytest.mark.slow  # processes of their own
def test_worker_processes_add_up_in_multiprocess_mode(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    (tmp_path / "metrics").mkdir()
    (tmp_path / "data").mkdir()
    env.update(PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"), DJANGO_SETTINGS_MODULE="ouvert.settings.test",
               OUVERT_DATA_DIR=str(tmp_path / "data"))

    def run(code: str, *args: str) -> str:
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,  # noqa: S603
                                env=env, check=False, cwd=root)
        assert result.returncode == 0, result.stderr
        return result.stdout

    for status in ("200", "200", "503"):
        run(WORKER, status)
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(run(SCRAPE)):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    assert value(samples, "ouvert_search_duration_seconds_count", kind="catalog") == 3
    assert value(samples, "ouvert_http_request_duration_seconds_count", route="fr/donnees/", status="2xx") == 2
    assert value(samples, "ouvert_http_request_duration_seconds_count", route="fr/donnees/", status="5xx") == 1
    assert "ouvert_ingest_rows_per_second" in samples  # scrape-time figures as well
