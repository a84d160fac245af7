"""The OCDS output as a catalogue dataset: created and refreshed after each release (on commit, a
task), with links to the release package, the records and each month's bulk file."""

import pytest
from django.utils import timezone

from ouvert.catalog.models import Dataset
from ouvert.core.audit import AuditEntry
from ouvert.procurement.ocds_dataset import DATASET_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings, buyer_org, make_user, make_member):
    publisher = make_user("donnees@exemple.qc.ca")
    make_member(publisher, buyer_org, "editor")
    settings.PROCUREMENT_OCDS_DATASET_ORGANIZATION = buyer_org.slug
    settings.PROCUREMENT_OCDS_DATASET_PUBLISHER = publisher.email
    return publisher


def _links(dataset):
    return {r.name: r.url for r in dataset.resources.all()}


def test_each_release_refreshes_the_dataset(configured, make_call, buyer, client, settings,
                                            django_capture_on_commit_callbacks):
    from ouvert.procurement.services import question_answer, question_ask

    with django_capture_on_commit_callbacks(execute=True):
        call = make_call()
    dataset = Dataset.objects.get(name=DATASET_NAME)
    month = timezone.now().strftime("%Y-%m")
    links = _links(dataset)
    assert links["releases.json"] == settings.SITE_URL.rstrip("/") + "/ocds/releases.json"
    assert links["records.json"].endswith("/ocds/records.json")
    assert links[f"releases-{month}.json"].endswith(f"/ocds/releases-{month}.json")
    assert dataset.state == "active" and dataset.organization.slug == configured.memberships.get().organization.slug
    assert dataset.title_en.startswith("Micro-procurement") and "public procurement" in dataset.keywords_en
    from ouvert.catalog.services import dataset_quality_refresh

    report = dataset_quality_refresh(dataset=dataset).quality_report  # contact, theme, coverage: M2 and M5
    assert not [f for f in report["findings"] if f["rule"] in ("M2", "M5") and f["status"] == "fail"]
    assert dataset.contact_email == settings.OPEN_DATA_CONTACT and dataset.temporal_start.day == 1
    english = client.get("/en/data/", {"q": "procurement"}).content.decode()  # found by English words
    assert dataset.title_en in english
    # every link answers on the site (the paths are the OCDS views')
    for url in links.values():
        assert client.get(url.removeprefix(settings.SITE_URL.rstrip("/"))).status_code == 200
    assert AuditEntry.objects.filter(action="procurement.ocds_dataset.refresh").count() >= 1
    refreshes = AuditEntry.objects.filter(action="procurement.ocds_dataset.refresh").count()
    question = question_ask(call=call, by=buyer, text="Une question ?")
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(question=question, answer="Une réponse.", by=buyer)
    assert AuditEntry.objects.filter(action="procurement.ocds_dataset.refresh").count() == refreshes + 1
    assert Dataset.objects.filter(name=DATASET_NAME).count() == 1  # refreshed, not duplicated
    assert dataset.resources.count() == 3


def test_not_configured_no_dataset(make_call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_call()
    assert not Dataset.objects.filter(name=DATASET_NAME).exists()


def test_a_draft_makes_no_release_month(configured, make_call, django_capture_on_commit_callbacks):
    from ouvert.procurement.ocds_dataset import release_months

    make_call(publish=False)
    assert release_months() == []
