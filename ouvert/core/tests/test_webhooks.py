"""Webhooks end to end: a receiver on loopback gets signed events for a dataset update and for a
consultation opening; a failing receiver gets retries with backoff, shown in the delivery log;
private objects are never sent; subscriptions are the owner's own (pages and native API)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from ouvert.catalog import services as catalog_services
from ouvert.consultations import services as consultation_services
from ouvert.core import webhooks
from ouvert.core.models import WebhookDelivery, WebhookSubscription


@dataclass
class Receiver:
    status: int = 204
    requests: list[dict] = field(default_factory=list)


@contextlib.contextmanager
def receiver(status: int = 204) -> Iterator[tuple[str, Receiver]]:
    seen = Receiver(status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            seen.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                                  "body": self.rfile.read(length)})
            self.send_response(seen.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def verify(secret: str, request: dict) -> dict:
    """What a receiver does: recompute the HMAC of the raw body and compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, request["headers"]["X-Ouvert-Signature"])
    return json.loads(request["body"])


@pytest.fixture
def publisher(make_user, make_org, make_member):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval")
    user = make_user("editeur@laval.ca")
    make_member(user, org, "editor")
    return user, org


def test_dataset_update_is_posted_signed(allow_loopback, publisher, make_user, django_capture_on_commit_callbacks):
    user, org = publisher
    reuser = make_user("reutilisateur@exemple.qc.ca")
    with receiver() as (url, seen):
        subscription = webhooks.subscription_create(by=reuser, url=url, events=["dataset.updated"])
        with django_capture_on_commit_callbacks(execute=True):
            dataset = catalog_services.dataset_create(by=user, organization=org, title="Écoles",
                                                      notes="Les écoles primaires.")
            catalog_services.dataset_publish(dataset=dataset, by=user)
        assert seen.requests == []  # created/published: not an event this subscription wants
        with django_capture_on_commit_callbacks(execute=True):
            catalog_services.dataset_update(dataset=dataset, by=user, notes="Nouvelle description.")
    [request] = seen.requests
    body = verify(subscription.secret, request)
    assert body["event"] == "dataset.updated" and request["headers"]["X-Ouvert-Event"] == "dataset.updated"
    assert body["id"] == request["headers"]["X-Ouvert-Event-Id"]
    assert int(request["headers"]["X-Ouvert-Timestamp"]) >= int(timezone.now().timestamp()) - 60
    assert body["object"] == {"kind": "dataset", "id": str(dataset.pk), "title": "Écoles",
                              "url": f"http://testserver{dataset.get_absolute_url()}"
                              if body["object"]["url"].startswith("http://testserver") else body["object"]["url"]}
    assert body["object"]["url"].endswith(dataset.get_absolute_url())
    raw = request["body"].decode()
    assert user.email not in raw and reuser.email not in raw  # no personal data
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "delivered" and delivery.attempts == 1 and delivery.last_status == 204


def test_consultation_opening_is_posted_signed(allow_loopback, make_user, make_org, make_member,
                                               django_capture_on_commit_callbacks):
    org = make_org("sct", name_fr="Secrétariat du Conseil du trésor")
    organizer = make_user("organisatrice@exemple.qc.ca")
    make_member(organizer, org, "editor")
    now = timezone.now()
    consultation = consultation_services.consultation_create(
        organization=org, by=organizer, title="Plan d'action", summary="Vos priorités.", body="Le plan.",
        topic="governance", region="all", contact_name="Équipe", contact_email="go@exemple.qc.ca",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
        feedback_planned=True, has_survey=False, has_proposals=True, consent_text="Vos réponses servent au plan.")
    reuser = make_user("agregateur@exemple.qc.ca")
    with receiver(status=200) as (url, seen):
        subscription = webhooks.subscription_create(by=reuser, url=url,
                                                    events=["consultation.opened", "consultation.results_published"])
        with django_capture_on_commit_callbacks(execute=True):
            consultation_services.consultation_publish(consultation=consultation, by=organizer)
    [request] = seen.requests
    body = verify(subscription.secret, request)
    assert body["event"] == "consultation.opened"
    assert body["object"]["kind"] == "consultation" and body["object"]["title"] == "Plan d'action"
    assert organizer.email not in request["body"].decode()


def test_failing_receiver_gets_retries_with_backoff(allow_loopback, client, publisher, make_user,
                                                    django_capture_on_commit_callbacks):
    user, org = publisher
    reuser = make_user("reutilisateur@exemple.qc.ca")
    dataset = catalog_services.dataset_create(by=user, organization=org, title="Écoles", notes="Écoles.")
    catalog_services.dataset_publish(dataset=dataset, by=user)
    with receiver(status=500) as (url, seen):
        subscription = webhooks.subscription_create(by=reuser, url=url, events=["resource.changed", "dataset.updated"])
        with django_capture_on_commit_callbacks(execute=True):
            catalog_services.dataset_update(dataset=dataset, by=user, notes="Autre description.")
        delivery = WebhookDelivery.objects.get()
        assert delivery.state == "pending" and delivery.attempts == 1 and delivery.last_status == 500
        first_wait = delivery.next_attempt_at - delivery.last_attempt_at
        assert first_wait == webhooks.backoff(1) == dt.timedelta(minutes=1)
        # Not due yet: the sweep leaves it alone.
        assert webhooks.deliveries_due(now=delivery.last_attempt_at + dt.timedelta(seconds=30)) == 0
        # Due: attempted again, and the next wait doubles.
        assert webhooks.deliveries_due(now=delivery.next_attempt_at + dt.timedelta(seconds=1)) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(minutes=2)
        # The receiver recovers: the same event id, signed, is delivered.
        seen.status = 202
        assert webhooks.deliveries_due(now=delivery.next_attempt_at) == 1
    assert len(seen.requests) == 3
    ids = {r["headers"]["X-Ouvert-Event-Id"] for r in seen.requests}
    assert ids == {str(delivery.event_id)}  # receivers de-duplicate on it
    verify(subscription.secret, seen.requests[-1])
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    # The delivery log, on the owner's page and in the native API.
    client.force_login(reuser)
    page = client.get(f"/fr/compte/webhooks/{subscription.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(delivery.event_id) in html and "dataset.updated" in html and "Livré" in html
    client.force_login(user)
    assert client.get(f"/fr/compte/webhooks/{subscription.pk}/").status_code == 404  # not theirs


def test_repeated_failures_disable_with_a_notice(allow_loopback, publisher, make_user,
                                                 django_capture_on_commit_callbacks):
    user, org = publisher
    reuser = make_user("reutilisateur@exemple.qc.ca")
    dataset = catalog_services.dataset_create(by=user, organization=org, title="Écoles", notes="Écoles.")
    catalog_services.dataset_publish(dataset=dataset, by=user)
    with receiver(status=503) as (url, seen):
        subscription = webhooks.subscription_create(by=reuser, url=url, events=["dataset.updated"])
        mail.outbox.clear()
        when = timezone.now()
        for round_ in range(webhooks.DISABLE_AFTER):
            with django_capture_on_commit_callbacks(execute=True):
                catalog_services.dataset_update(dataset=dataset, by=user, notes=f"Version {round_}.")
            if round_ < webhooks.DISABLE_AFTER - 1:
                assert WebhookSubscription.objects.get(pk=subscription.pk).disabled_at is None
        when += dt.timedelta(days=1)
        assert webhooks.deliveries_due(now=when) == 0  # disabled: nothing more is attempted
    subscription.refresh_from_db()
    assert subscription.status == "disabled" and len(seen.requests) == webhooks.DISABLE_AFTER
    assert [m.to for m in mail.outbox] == [[reuser.email]] and "désactivé" in mail.outbox[0].subject
    # Resuming re-enables it; the pending deliveries go out once the receiver answers.
    webhooks.subscription_set_paused(subscription=subscription, by=reuser, paused=False)
    with receiver(status=200) as (url, seen):
        WebhookSubscription.objects.filter(pk=subscription.pk).update(url=url)
        assert webhooks.deliveries_due(now=when) == webhooks.DISABLE_AFTER
    assert len(seen.requests) == webhooks.DISABLE_AFTER


def test_private_objects_are_never_sent(allow_loopback, publisher, make_user, django_capture_on_commit_callbacks):
    user, org = publisher
    reuser = make_user("reutilisateur@exemple.qc.ca")
    with receiver() as (url, seen):
        webhooks.subscription_create(by=reuser, url=url, events=["dataset.created", "dataset.updated"])
        with django_capture_on_commit_callbacks(execute=True):
            draft = catalog_services.dataset_create(by=user, organization=org, title="Brouillon", notes="Secret.")
            catalog_services.dataset_update(dataset=draft, by=user, notes="Toujours secret.")
            private = catalog_services.dataset_create(by=user, organization=org, title="Privé", notes="Privé.",
                                                      private=True)
            catalog_services.dataset_publish(dataset=private, by=user)
    assert seen.requests == [] and not WebhookDelivery.objects.exists()


def test_loopback_refused_without_the_setting(publisher, make_user, django_capture_on_commit_callbacks):
    user, org = publisher
    reuser = make_user("reutilisateur@exemple.qc.ca")
    dataset = catalog_services.dataset_create(by=user, organization=org, title="Écoles", notes="Écoles.")
    catalog_services.dataset_publish(dataset=dataset, by=user)
    with receiver() as (url, seen):
        webhooks.subscription_create(by=reuser, url=url, events=["dataset.updated"])
        with django_capture_on_commit_callbacks(execute=True):
            catalog_services.dataset_update(dataset=dataset, by=user, notes="Changement.")
    assert seen.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error == "blocked" and "adresse interne" in delivery.error_message


def test_web_pages_register_pause_and_delete(client, make_user):
    person = make_user("reutilisatrice@exemple.qc.ca")
    assert client.get("/fr/compte/webhooks/").status_code == 302  # sign in first
    client.force_login(person)
    bad = client.post("/fr/compte/webhooks/", {"url": "ftp://exemple.qc.ca/x", "events": ["dataset.updated"]})
    assert bad.status_code == 400 and "http://" in bad.content.decode()
    none = client.post("/fr/compte/webhooks/", {"url": "https://exemple.qc.ca/hook"})
    assert none.status_code == 400 and "au moins un événement" in none.content.decode()
    unknown = client.post("/fr/compte/webhooks/", {"url": "https://exemple.qc.ca/hook", "events": ["nope"]})
    assert unknown.status_code == 400
    made = client.post("/fr/compte/webhooks/", {"url": "https://exemple.qc.ca/hook",
                                                "events": ["dataset.updated", "consultation.opened"]})
    subscription = WebhookSubscription.objects.get(user=person)
    assert made.status_code == 302 and made.url.endswith(f"/compte/webhooks/{subscription.pk}/")
    assert subscription.events == ["consultation.opened", "dataset.updated"]
    detail = client.get(made.url).content.decode()
    assert subscription.secret in detail
    client.post(f"/fr/compte/webhooks/{subscription.pk}/action/", {"action": "pause"})
    subscription.refresh_from_db()
    assert subscription.status == "paused"
    client.post(f"/fr/compte/webhooks/{subscription.pk}/action/", {"action": "resume"})
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert client.get("/en/account/webhooks/").status_code == 200
    client.post(f"/fr/compte/webhooks/{subscription.pk}/action/", {"action": "delete"})
    assert not WebhookSubscription.objects.exists()


def test_native_api(client, make_user, make_token):
    person, other = make_user("api@exemple.qc.ca"), make_user("autre@exemple.qc.ca")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(person)}"}
    events = client.get("/api/v1/webhooks/events").json()
    assert {"code": "dataset.updated", "label": "Jeu de données modifié"} in events
    assert client.get("/api/v1/webhooks").status_code == 401
    created = client.post("/api/v1/webhooks", {"url": "https://exemple.qc.ca/hook", "events": ["dataset.updated"]},
                          content_type="application/json", **auth)
    assert created.status_code == 201 and len(created.json()["secret"]) == 64
    webhook_id = created.json()["id"]
    refused = client.post("/api/v1/webhooks", {"url": "https://exemple.qc.ca/hook", "events": ["inconnu"]},
                          content_type="application/json", **auth)
    assert refused.status_code == 422 and "inconnu" in json.dumps(refused.json(), ensure_ascii=False)
    assert [w["id"] for w in client.get("/api/v1/webhooks", **auth).json()] == [webhook_id]
    paused = client.patch(f"/api/v1/webhooks/{webhook_id}", {"paused": True}, content_type="application/json", **auth)
    assert paused.json()["status"] == "paused"
    log = client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", **auth).json()
    assert log == {"next_cursor": None, "results": []}
    other_auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(other)}"}
    assert client.get(f"/api/v1/webhooks/{webhook_id}", **other_auth).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{webhook_id}", **other_auth).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{webhook_id}", **auth).status_code == 204
    assert not WebhookSubscription.objects.exists()
