"""The native API of open access: publications with their verdict (cursor pagination, filters),
one publication, the ledger rows and the compliance summary per Fonds; anonymous reads through the
access model (a deleted publication is absent, an embargoed file has no link before its date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ouvert.openaccess.models import Publication
from ouvert.openaccess.services import publication_declare, publication_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(frq, make_user, article):
    owner = make_user()
    today = timezone.localdate()
    compliant = publication_declare(data=article(title="Ouvert dès la parution", route="journal", licence="CC-BY-4.0",
                                                 version="published", published_on=dt.date(2024, 3, 1),
                                                 doi="10.1234/ouvert.1", journal="Revue ouverte"), by=owner)
    closed = publication_declare(data=article(title="Resté fermé", published_on=dt.date(2024, 5, 1),
                                              grant_numbers=["FRQNT-317502"]), by=owner)
    embargoed = publication_declare(
        data=article(title="Sous embargo", route="deposit", version="accepted", licence="CC-BY-4.0",
                     embargo_until=today + dt.timedelta(days=30), published_on=dt.date(2024, 6, 1)),
        file=SimpleUploadedFile("aam.pdf", b"%PDF-1.4 embargo"), by=owner)
    gone = publication_declare(data=article(title="Retiré", published_on=dt.date(2024, 7, 1)), by=owner)
    publication_delete(publication=gone, by=owner)
    return {"owner": owner, "compliant": compliant, "closed": closed, "embargoed": embargoed, "gone": gone}


def test_publications_list_pages_with_a_cursor_and_filters(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        first = client.get("/api/v1/openaccess/publications", {"limit": 2})
    assert first.status_code == 200
    body = first.json()
    live = sorted(Publication.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
    assert body["count"] == len(live) == 3
    assert [r["id"] for r in body["results"]] == live[:2] and body["next_cursor"]
    second = client.get("/api/v1/openaccess/publications", {"limit": 2, "cursor": body["next_cursor"]}).json()
    assert [r["id"] for r in second["results"]] == live[2:] and second["next_cursor"] is None
    assert world["gone"].pk not in [r["id"] for r in body["results"] + second["results"]]
    verdicts = {r["id"]: r["compliance"]["status"] for r in body["results"] + second["results"]}
    assert verdicts[world["compliant"].pk] == "compliant"
    only = client.get("/api/v1/openaccess/publications", {"status": "compliant"}).json()
    assert [r["id"] for r in only["results"]] == [pk for pk, s in verdicts.items() if s == "compliant"]
    by_funder = client.get("/api/v1/openaccess/publications", {"funder": "frqnt"}).json()
    assert [r["id"] for r in by_funder["results"]] == [world["closed"].pk]
    assert by_funder["results"][0]["funders"] == ["FRQNT"]
    found = client.get("/api/v1/openaccess/publications", {"q": "ouvert.1"}).json()
    assert [r["id"] for r in found["results"]] == [world["compliant"].pk]
    reasons = next(r for r in body["results"] + second["results"] if r["id"] == world["closed"].pk)
    assert reasons["compliance"]["reasons"] and all(x["text"] for x in reasons["compliance"]["reasons"])


def test_bad_parameters_get_a_clear_422(client, world):
    for params in ({"cursor": "pas-un-curseur"}, {"limit": 0}, {"limit": 10**6}, {"status": "inconnu"},
                   {"cursor": "aWQ6LTE"}, {"cursor": "aWQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}):
        response = client.get("/api/v1/openaccess/publications", params)
        assert response.status_code == 422, params
        assert list(params)[0] in str(response.json()), (params, response.json())


def test_one_publication_and_the_embargoed_file(client, world, site_admin):
    embargoed = world["embargoed"]
    for who in (None, world["owner"], site_admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        body = client.get(f"/api/v1/openaccess/publications/{embargoed.pk}").json()
        assert body["file_url"] is None and body["embargo_until"] == embargoed.embargo_until.isoformat()
        listed = client.get("/api/v1/openaccess/publications").json()["results"]
        assert next(r for r in listed if r["id"] == embargoed.pk)["file_url"] is None
    Publication.objects.filter(pk=embargoed.pk).update(embargo_until=timezone.localdate())
    client.logout()
    body = client.get(f"/api/v1/openaccess/publications/{embargoed.pk}").json()
    assert body["file_url"].endswith(embargoed.file.name)
    assert body["authors"] == [{"name": "Marie Curie", "orcid": "0000-0002-1825-0097"}]
    for missing in (world["gone"].pk, 999999, "abc", str(2**70), "-1"):
        assert client.get(f"/api/v1/openaccess/publications/{missing}").status_code == 404, missing


def test_ledger_rows_and_compliance_per_fonds(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        ledger = client.get("/api/v1/openaccess/ledger").json()
    ids = [row["id"] for row in ledger["results"]]
    assert ids == sorted(Publication.objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
    assert all("authors" not in row and "holder" not in row for row in ledger["results"])  # no personal data
    page = client.get("/api/v1/openaccess/ledger", {"limit": 1}).json()
    assert len(page["results"]) == 1 and page["count"] == 3
    rest = client.get("/api/v1/openaccess/ledger", {"limit": 5, "cursor": page["next_cursor"]}).json()
    assert [r["id"] for r in page["results"] + rest["results"]] == ids
    summary = client.get("/api/v1/openaccess/compliance").json()
    assert summary["total"] == 3
    funders = {f["code"]: f for f in summary["funders"]}
    statuses = {row["id"]: (row["funders"], row["status"]) for row in ledger["results"]}
    for code, tally in funders.items():
        mine = [status for codes, status in statuses.values() if code in codes]
        assert tally["total"] == len(mine), code
        assert tally["compliant"] == mine.count("compliant"), code
    assert funders["FRQSC"]["total"] == 2 and funders["FRQNT"]["total"] == 1


def test_reasons_follow_the_language_of_the_request(client, world):
    fr = client.get(f"/api/v1/openaccess/publications/{world['closed'].pk}").json()
    en = client.get(f"/api/v1/openaccess/publications/{world['closed'].pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert fr["compliance"]["reasons"][0]["code"] == en["compliance"]["reasons"][0]["code"]
    assert fr["compliance"]["reasons"][0]["text"] != en["compliance"]["reasons"][0]["text"]
