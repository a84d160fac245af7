"""Services: permissions, versions and audit, trash, requests' answers, notifications."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from ouvert.catalog import selectors, services, tasks
from ouvert.catalog.models import Dataset, DatasetState
from ouvert.core.models import AuditEntry, Follow, PendingNotice

pytestmark = pytest.mark.django_db


def test_every_change_is_a_version_and_an_audit_entry(publisher, make_dataset):
    user, org = publisher
    dataset = make_dataset(user, org, title="Avant", keywords=["a", "b"])
    services.dataset_update(dataset=dataset, by=user, title="Après", keywords="b, c")
    versions = list(selectors.dataset_versions(dataset=dataset))
    assert [v.action for v in versions] == ["update", "publish", "create"]
    assert versions[0].changes["title"] == ["Avant", "Après"]
    assert versions[0].changes["keywords"] == [["a", "b"], ["b", "c"]]
    diff = {k: (a, b) for k, a, b in selectors.version_diff(older=versions[2], newer=versions[0])}
    assert diff["title"] == ("Avant", "Après") and diff["state"] == ("draft", "active")
    assert AuditEntry.objects.filter(action="dataset.update", object_id=str(dataset.pk)).exists()
    assert list(selectors.activity(organization=org))[0].action == "update"
    assert list(selectors.activity(user=user))


def test_only_editors_of_the_organization(publisher, make_dataset, make_user, make_member):
    user, org = publisher
    dataset = make_dataset(user, org)
    member = make_user()
    make_member(member, org, "member")
    with pytest.raises(PermissionDenied):
        services.dataset_update(dataset=dataset, by=member, title="Non")
    with pytest.raises(PermissionDenied):
        services.resource_create(dataset=dataset, by=make_user(), url="https://exemple.qc.ca/a.csv")


def test_trash_restore_and_purge_by_admins_only(publisher, make_dataset, make_user, make_member):
    user, org = publisher
    dataset = make_dataset(user, org)
    services.dataset_delete(dataset=dataset, by=user)
    assert dataset.state == DatasetState.DELETED
    with pytest.raises(PermissionDenied):
        services.dataset_restore(dataset=dataset, by=user)
    admin = make_user()
    make_member(admin, org, "admin")
    services.dataset_restore(dataset=dataset, by=admin)
    assert dataset.state == DatasetState.DRAFT
    with pytest.raises(ValidationError):
        services.dataset_purge(dataset=dataset, by=admin)
    services.dataset_delete(dataset=dataset, by=admin)
    services.dataset_purge(dataset=dataset, by=admin)
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_validation_messages(publisher):
    user, org = publisher
    with pytest.raises(ValidationError) as error:
        services.dataset_create(by=user, organization=org, title="Couverture",
                                temporal_start=dt.date(2024, 1, 1), temporal_end=dt.date(2020, 1, 1))
    assert "temporal_end" in error.value.message_dict
    services.dataset_create(by=user, organization=org, title="Un", name="pris")
    with pytest.raises(ValidationError) as error:
        services.dataset_create(by=user, organization=org, title="Deux", name="pris")
    assert "déjà pris" in error.value.message_dict["name"][0]


def test_request_answers_need_their_details(publisher, make_user, make_dataset):
    user, org = publisher
    item = services.request_create(by=make_user(), title="Feux", organization=org,
                                   description="Pour comprendre l'attente aux intersections.")
    with pytest.raises(ValidationError):
        services.request_answer(request=item, by=user, status="planned")
    with pytest.raises(ValidationError):
        services.request_answer(request=item, by=user, status="declined")
    services.request_answer(request=item, by=user, status="declined", decline_reason="personal",
                            answer="Les données identifient des personnes.")
    assert item.get_decline_reason_display() == "Renseignements personnels"
    dataset = make_dataset(user, org)
    services.request_answer(request=item, by=user, status="published", dataset=dataset)
    assert item.dataset == dataset and item.decline_reason == ""
    with pytest.raises(PermissionDenied):
        services.request_answer(request=item, by=make_user(), status="review")


def test_daily_digest_and_keyword_and_saved_search_follows(publisher, make_dataset, make_user,
                                                           django_capture_on_commit_callbacks):
    user, org = publisher
    dataset = make_dataset(user, org, title="Écoles", keywords=["écoles"])
    daily, instant, searcher = make_user(), make_user(), make_user()
    services.follow_create(by=daily, kind="organization", target=org.slug, frequency="daily")
    services.follow_create(by=instant, kind="keyword", target="écoles")
    services.follow_create(by=searcher, kind="search", target="q=ecole")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_update(dataset=dataset, by=user, notes="Nouvelle description.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([instant.email, searcher.email])
    assert PendingNotice.objects.count() == 1
    mail.outbox.clear()
    assert tasks.send_daily_digests.call() == 1
    assert mail.outbox[0].to == [daily.email] and "/desabonnement/" in mail.outbox[0].body
    assert not PendingNotice.objects.exists()
    assert Follow.objects.count() == 3


def test_late_datasets_are_flagged(publisher, make_dataset):
    user, org = publisher
    dataset = make_dataset(user, org, update_frequency="monthly")
    Dataset.objects.filter(pk=dataset.pk).update(data_modified_at="2020-01-01T00:00:00Z")
    dataset.refresh_from_db()
    assert selectors.is_late(dataset)
    assert selectors.publication_calendar(organization=org)[0]["late"]
