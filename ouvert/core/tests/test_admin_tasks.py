"""The task queue's back-office page: site admins see the queue depth, the oldest task's wait and the
stuck tasks (database queue and RabbitMQ), and put a stuck task back in the queue, where a worker
finishes it."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import IN_CI

from .test_task_broker import BROKER, _rabbitmq_up

pytestmark = pytest.mark.django_db

PAGE = "/fr/admin/django_tasks_database/dbtaskresult/"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASK_BROKER_URL = ""
    return settings


def _row(status: str, *, enqueued_ago: float = 0, started_ago: float | None = None, **fields):
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(), status=status, task_path="ouvert.core.tests.task_probe.probe_task",
        args_kwargs=fields.pop("args_kwargs", {"args": [], "kwargs": {"folder": "/nulle-part", "hold_seconds": 0}}),
        queue_name="default", backend_name="default", run_after=get_date_max(), **fields)
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=now - dt.timedelta(seconds=enqueued_ago),
        started_at=None if started_ago is None else now - dt.timedelta(seconds=started_ago))
    row.refresh_from_db()
    return row


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"{name} not shown"
    return " ".join(found.group(1).split())


def test_site_admins_see_depth_oldest_wait_and_stuck_tasks(client, site_admin, database_queue):
    _row("READY", enqueued_ago=30)
    _row("READY", enqueued_ago=900)
    stuck = _row("RUNNING", enqueued_ago=7300, started_ago=7200, worker_ids=["travailleur-mort"])
    _row("RUNNING", enqueued_ago=20, started_ago=10)  # running, not stuck
    client.force_login(site_admin)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "waiting") == "2 tâches prêtes, non commencées"
    assert re.fullmatch(r"9\d\d secondes", figure(html, "oldest_seconds"))
    assert figure(html, "stuck") == "1 tâche « en cours » depuis plus de 3600 s"
    assert "la file en base de données ne les reprend pas d'elle-même" in html
    only_stuck = client.get(PAGE, {"bloquees": "oui"}).content.decode()
    assert str(stuck.pk) in only_stuck and only_stuck.count("travailleur-mort") == 1


def test_the_page_is_for_site_admins_only(client, make_user, make_org, make_member, database_queue):
    editor = make_user()
    make_member(editor, make_org(), "admin")  # an organization admin reaches the back-office, not the queue
    client.force_login(editor)
    assert client.get("/fr/admin/").status_code == 200
    assert client.get(PAGE).status_code == 403
    assert "dbtaskresult" not in client.get("/fr/admin/").content.decode()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks, as in production
def test_a_stuck_task_put_back_in_the_queue_is_finished_by_a_worker(client, site_admin, database_queue, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from ouvert.core.models import AuditEntry

    args = {"args": [], "kwargs": {"folder": str(tmp_path), "hold_seconds": 0}}
    stuck = _row("RUNNING", enqueued_ago=7300, started_ago=7200, worker_ids=["travailleur-mort"], args_kwargs=args)
    running = _row("RUNNING", enqueued_ago=20, started_ago=10, worker_ids=["vivant"])
    client.force_login(site_admin)
    response = client.post(PAGE, {"action": "requeue", "_selected_action": [str(stuck.pk), str(running.pk)]},
                           follow=True)
    html = response.content.decode()
    assert "1 tâche remise en file." in html
    assert "1 tâche sélectionnée n&#x27;était pas bloquée" in html or "1 tâche sélectionnée n'était pas bloquée" in html
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert (stuck.status, stuck.started_at) == ("READY", None)
    assert running.status == "RUNNING"  # a task under a live worker is left alone
    assert AuditEntry.objects.filter(action="task.requeue", object_id=str(stuck.pk), actor=site_admin).exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "default", verbosity=0)
    stuck.refresh_from_db()
    assert stuck.status == "SUCCESSFUL"
    assert (tmp_path / "result").read_text() == "fait"
    assert DBTaskResult.objects.get(pk=running.pk).status == "RUNNING"


def test_requeue_is_refused_to_anyone_but_a_site_admin(make_user, database_queue):
    from django.core.exceptions import PermissionDenied

    from ouvert.core import services

    stuck = _row("RUNNING", enqueued_ago=7300, started_ago=7200)
    with pytest.raises(PermissionDenied):
        services.task_requeue_stuck(by=make_user(), ids=[str(stuck.pk)])
    stuck.refresh_from_db()
    assert stuck.status == "RUNNING"


@pytest.fixture
def rabbitmq_queue(settings):
    if not _rabbitmq_up():
        message = "RabbitMQ does not answer on 127.0.0.1:5672 (apt install rabbitmq-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from ouvert.core import task_celery

    settings.TASK_BROKER_URL = BROKER
    settings.TASK_QUEUE = f"ouvert-test-{uuid.uuid4().hex[:12]}"
    settings.TASKS = {"default": {"BACKEND": "ouvert.core.task_celery.CeleryBackend", "QUEUES": ["default"]}}
    task_celery.celery_app.cache_clear()
    yield settings
    task_celery.celery_app.cache_clear()
    from kombu import Connection

    with Connection(BROKER) as conn:
        conn.default_channel.queue_delete(settings.TASK_QUEUE)


def test_with_rabbitmq_the_broker_counts_show_and_a_requeued_task_is_published_again(
        client, site_admin, rabbitmq_queue, django_capture_on_commit_callbacks):
    from ouvert.core.task_celery import broker_stats

    stuck = _row("RUNNING", enqueued_ago=7300, started_ago=7200, worker_ids=["travailleur-mort"])
    client.force_login(site_admin)
    html = client.get(PAGE).content.decode()
    assert figure(html, "broker") == "0 message en file ; 0 travailleur à l'écoute"
    assert figure(html, "stuck") == "1 tâche « en cours » depuis plus de 3600 s"
    assert "RabbitMQ rend d'elle-même au courtier la tâche d'un travailleur mort" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {"action": "requeue", "_selected_action": [str(stuck.pk)]})
    stuck.refresh_from_db()
    assert stuck.status == "READY"
    assert broker_stats()["messages"] == 1  # the row's id, for the next worker
    assert figure(client.get(PAGE).content.decode(), "broker") == "1 message en file ; 0 travailleur à l'écoute"
