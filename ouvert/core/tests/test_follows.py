"""Follows and notices in core: who may follow, who hears (access checked at send time), the signed
unsubscribe link, the daily digest run by ``ouvert notices due``, and the Atom feed of any
followable object."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ouvert.catalog import services as catalog_services
from ouvert.core import follows
from ouvert.core.follows import unsubscribe_token
from ouvert.core.models import Follow, PendingNotice


@pytest.fixture
def publisher(make_user, make_org, make_member):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval")
    user = make_user("editeur@laval.ca")
    make_member(user, org, "editor")
    return user, org


@pytest.fixture
def dataset(publisher):
    user, org = publisher
    item = catalog_services.dataset_create(by=user, organization=org, title="Écoles primaires", notes="Écoles.",
                                           keywords=["écoles"])
    catalog_services.dataset_publish(dataset=item, by=user)
    return item


def test_only_readable_things_can_be_followed(publisher, make_user):
    user, org = publisher
    draft = catalog_services.dataset_create(by=user, organization=org, title="Brouillon", notes="Pas encore.")
    citizen = make_user()
    with pytest.raises(ValidationError):
        follows.follow_create(user=citizen, kind="dataset", key=str(draft.pk), by=citizen)
    with pytest.raises(ValidationError):
        follows.follow_create(user=citizen, kind="nothing", key="x", by=citizen)
    with pytest.raises(ValidationError):
        follows.follow_create(user=citizen, kind="organization", key="inconnue", by=citizen)
    assert follows.follow_create(user=user, kind="dataset", key=str(draft.pk), by=user).kind == "dataset"  # a member


def test_notices_only_to_people_who_may_read_now(publisher, dataset, make_user, django_capture_on_commit_callbacks):
    user, org = publisher
    citizen = make_user("citoyenne@exemple.qc.ca")
    follows.follow_create(user=citizen, kind="organization", key=org.slug, by=citizen)
    follows.follow_create(user=user, kind="organization", key=org.slug, by=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_update(dataset=dataset, by=user, private=True, notes="Devenu privé.")
    assert [m.to for m in mail.outbox] == []  # private: not public, so no notice at all
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_update(dataset=dataset, by=user, private=False, notes="Public de nouveau.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([citizen.email, user.email])
    assert all("Écoles primaires" in m.subject for m in mail.outbox)


def test_english_reader_gets_an_english_notice(dataset, publisher, make_user, django_capture_on_commit_callbacks):
    user, _org = publisher
    reader = make_user("reader@example.ca", preferred_language="en")
    follows.follow_create(user=reader, kind="dataset", key=str(dataset.pk), by=reader)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_update(dataset=dataset, by=user, notes="Nouvelle version.")
    [message] = mail.outbox
    assert message.subject == "Ouvert: news in “Écoles primaires”"
    assert "To stop receiving these notices:" in message.body and "/en/following/unsubscribe/" in message.body


def test_unsubscribe_link_confirms_then_unsubscribes_without_login(dataset, make_user):
    citizen = make_user()
    follow = follows.follow_create(user=citizen, kind="dataset", key=str(dataset.pk), by=citizen)
    client = Client(enforce_csrf_checks=True)
    url = f"/fr/suivis/desabonnement/{unsubscribe_token(follow)}/"
    page = client.get(url)
    assert page.status_code == 200 and "Écoles primaires" in page.content.decode()
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert client.post(url).status_code == 403  # no CSRF token: refused
    token = page.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()
    assert client.get(url).status_code == 404  # already gone
    assert client.get("/fr/suivis/desabonnement/faux-jeton/").status_code == 404
    assert client.get(f"/fr/donnees/desabonnement/{follow.token}/").status_code == 404  # the old link too


def test_daily_digest_is_scheduled_by_notices_due(dataset, publisher, make_user,
                                                  django_capture_on_commit_callbacks):
    user, _org = publisher
    daily = make_user("quotidien@exemple.qc.ca")
    follows.follow_create(user=daily, kind="keyword", key="écoles", frequency="daily", by=daily)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_update(dataset=dataset, by=user, notes="Une.")
        catalog_services.dataset_update(dataset=dataset, by=user, notes="Deux.")
    assert mail.outbox == [] and PendingNotice.objects.count() == 2
    call_command("notices", "due")
    assert mail.outbox == []  # not a day yet
    PendingNotice.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    call_command("notices", "due")
    [digest] = mail.outbox
    assert digest.to == [daily.email] and "résumé quotidien" in digest.subject
    assert digest.body.count("a été modifié") == 2 and "/suivis/desabonnement/" in digest.body
    assert not PendingNotice.objects.exists()


def test_atom_feed_of_each_followable_kind(client, dataset, publisher):
    _user, org = publisher
    for path in (f"/fr/suivis/fil/dataset/{dataset.pk}/", f"/fr/suivis/fil/organization/{org.slug}/",
                 "/fr/suivis/fil/keyword/écoles/", "/fr/suivis/fil/search/q=ecoles/",
                 f"/fr/donnees/fil/dataset/{dataset.name}/"):
        response = client.get(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml"), path
        assert b"<feed" in response.content and "Écoles primaires".encode() in response.content, path
    assert client.get("/fr/suivis/fil/inconnu/x/").status_code == 404
    assert client.get("/fr/suivis/fil/dataset/pas-un-jeu/").status_code == 404


def test_private_dataset_has_no_feed(client, dataset, publisher):
    user, _org = publisher
    catalog_services.dataset_update(dataset=dataset, by=user, private=True)
    assert client.get(f"/fr/suivis/fil/dataset/{dataset.pk}/").status_code == 404
    body = client.get(f"/fr/suivis/fil/organization/{dataset.organization.slug}/").content
    assert "Écoles primaires".encode() not in body


def test_consultation_feed_and_follow_page(client, make_user, make_org, make_member):
    from ouvert.consultations import services as consultation_services

    org = make_org("sct", name_fr="Secrétariat du Conseil du trésor")
    organizer = make_user("organisatrice@exemple.qc.ca")
    make_member(organizer, org, "editor")
    now = timezone.now()
    consultation = consultation_services.consultation_create(
        organization=org, by=organizer, title="Budget participatif", summary="Vos idées.", body="Le budget.",
        topic="governance", region="all", contact_name="Équipe", contact_email="go@exemple.qc.ca",
        opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
        feedback_planned=True, has_survey=False, has_proposals=True, consent_text="Pour le budget.")
    feed = f"/fr/suivis/fil/consultation/{consultation.pk}/"
    assert client.get(feed).status_code == 404  # a draft has no public feed
    citizen = make_user()
    with pytest.raises(ValidationError):
        follows.follow_create(user=citizen, kind="consultation", key=str(consultation.pk), by=citizen)
    consultation_services.consultation_publish(consultation=consultation, by=organizer)
    response = client.get(feed)
    assert response.status_code == 200 and b"Budget participatif" in response.content
    client.force_login(citizen)
    client.post(f"/fr/consultations/{consultation.slug}/suivre/", {"follow": "1"})
    assert Follow.objects.filter(user=citizen, kind="consultation", key=str(consultation.pk)).exists()
    page = client.get("/fr/donnees/suivis/").content.decode()
    assert "Consultation" in page and "Budget participatif" in page
