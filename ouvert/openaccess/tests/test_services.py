import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ouvert.core import actors
from ouvert.core.models import AuditEntry, Follow
from ouvert.openaccess.models import Grant, Publication
from ouvert.openaccess.services import grants_import_csv, publication_declare, publication_delete, reminders_send

pytestmark = pytest.mark.django_db


def test_grants_loaded_from_csv_with_normalized_numbers(frq):
    assert set(Grant.objects.values_list("number", flat=True)) >= {"FRQS-298877", "FRQSC-276470"}
    grant = Grant.objects.get(number="FRQSC-276470")
    assert grant.competition.launched_on == dt.date(2021, 2, 1)
    assert grant.competition.programme.code == "soutien-equipes"


def test_grant_csv_reports_every_bad_row_and_writes_nothing_on_a_dry_run(frq):
    text = ("numero,fonds,titulaire,orcid,debut\n"
            "FRQS-111111,FRQS,Ana,0000-0002-1825-0098,2024-01-01\n"
            "222222,,Ben,,\n"
            "FRQNT-333333,FRQNT,Chloé,,01/02/2024\n"
            "FRQNT-444444,FRQNT,Dan,,2024-02-01\n")
    report = grants_import_csv(text=text, dry_run=True, by=actors.COMMAND)
    by_line = {r.line: r for r in report.rows}
    assert [m["code"] for m in by_line[2].messages] == ["oa.orcid_check"]
    assert [m["code"] for m in by_line[3].messages] == ["oa.grant_no_funder"]
    assert [m["code"] for m in by_line[4].messages] == ["oa.date_format"]
    assert by_line[5].ok and report.ok_count == 1 and report.error_count == 3
    assert not Grant.objects.filter(number="FRQNT-444444").exists()
    real = grants_import_csv(text=text, by=actors.COMMAND)
    assert real.ok_count == 1 and Grant.objects.filter(number="FRQNT-444444").exists()
    assert not Grant.objects.filter(number="FRQNT-333333").exists()


def test_grant_csv_missing_columns_is_one_clear_error(frq):
    report = grants_import_csv(text="numero\n1\n", by=actors.COMMAND)
    assert report.errors[0]["code"] == "oa.column_missing"
    assert report.errors[0]["params"]["columns"] == ["fonds", "titulaire"]


def test_grant_csv_needs_an_editor_of_the_fonds(frq, make_user):
    with pytest.raises(PermissionDenied):
        grants_import_csv(text="numero,fonds,titulaire\n1,FRQS,A\n", by=make_user())


def test_declare_normalizes_audits_and_follows(frq, make_user, article):
    user = make_user()
    pub = publication_declare(data=article(doi="https://doi.org/10.1000/ABC", issn="03178471"), by=user)
    assert (pub.doi, pub.issn) == ("10.1000/abc", "0317-8471")
    assert pub.authors.get().researcher.orcid == "0000-0002-1825-0097"
    assert AuditEntry.objects.filter(action="publication.declare", object_id=str(pub.pk)).exists()
    assert Follow.objects.filter(user=user, kind="publication", key=str(pub.pk)).exists()


def test_declare_refuses_bad_identifiers_naming_the_field(frq, make_user, article):
    with pytest.raises(ValidationError) as exc:
        publication_declare(data=article(issn="0317-8472", grant_numbers=["FRQS-999999"],
                                         authors=[]), by=make_user())
    assert set(exc.value.message_dict) == {"issn", "grant_numbers"}
    assert "FRQS-999999" in exc.value.message_dict["grant_numbers"][0]


def test_anonymous_cannot_declare(frq, article):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        publication_declare(data=article(), by=AnonymousUser())


def test_embargoed_file_is_served_by_no_path_until_its_date(frq, make_user, article, client, site_admin):
    today = timezone.localdate()
    owner = make_user()
    pub = publication_declare(data=article(route="deposit", version="accepted", licence="CC-BY-4.0",
                                           embargo_until=today + dt.timedelta(days=30)),
                              file=SimpleUploadedFile("aam.pdf", b"%PDF-1.4 secret embargo"), by=owner)
    url = f"/media/{pub.file.name}"
    for who in (None, owner, site_admin):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.get(url).status_code == 404
        page = client.get(pub.get_absolute_url()).content.decode()
        assert url not in page and "Sous embargo" in page
        assert client.get(pub.get_absolute_url() + "?format=json").json()["file_url"] is None
    Publication.objects.filter(pk=pub.pk).update(embargo_until=today)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and b"secret embargo" in b"".join(response.streaming_content)
    assert url in client.get(pub.get_absolute_url()).content.decode()


def test_deleted_publication_is_gone_and_its_file_removed(frq, make_user, article, client):
    owner = make_user()
    pub = publication_declare(data=article(), file=SimpleUploadedFile("a.pdf", b"%PDF"), by=owner)
    name = pub.file.name
    publication_delete(publication=pub, by=owner)
    assert client.get(pub.get_absolute_url()).status_code == 404
    assert client.get(f"/media/{name}").status_code == 404
    with pytest.raises(PermissionDenied):
        publication_delete(publication=Publication.objects.get(pk=pub.pk), by=owner)


def test_reminders_reach_the_declarer_once(frq, make_user, article, mailoutbox, django_capture_on_commit_callbacks):
    owner = make_user()
    today = timezone.localdate()
    publication_declare(data=article(published_on=today - dt.timedelta(days=3)), by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=today, days=14, by=actors.SCHEDULE) == 1
    assert reminders_send(today=today, days=14, by=actors.SCHEDULE) == 0
    assert any("libre accès" in m.body for m in mailoutbox)


def test_policy_versions_are_data_checked_and_audited(frq, site_admin, make_user, article):
    from ouvert.openaccess.models import PolicyVersion
    from ouvert.openaccess.selectors import publication_verdict
    from ouvert.openaccess.services import policy_version_save

    with pytest.raises(ValidationError) as exc:
        policy_version_save(policy=PolicyVersion(code="bad", title_fr="x", applies_from=dt.date(2030, 1, 1),
                                                 licences=["WTFPL"], routes=["fax"], versions=[]), by=site_admin)
    assert set(exc.value.message_dict) == {"licences", "routes"}
    with pytest.raises(PermissionDenied):
        policy_version_save(policy=PolicyVersion(code="p", title_fr="x", applies_from=dt.date(2030, 1, 1)),
                            by=make_user())
    pub = publication_declare(data=article(published_on=dt.date(2024, 6, 1), route="journal", licence="CC-BY-NC-4.0",
                                           version="published"), by=actors.COMMAND)
    assert publication_verdict(publication=pub, today=dt.date(2025, 1, 1)).status == "non_compliant"
    # a new version for competitions launched from 2024 that accepts NC licences: the ledger follows, no deploy
    policy_version_save(policy=PolicyVersion(code="frq-2024", title_fr="2024", applies_from=dt.date(2024, 1, 1),
                                             licences=["CC-BY-NC-4.0"], routes=["journal"], versions=["published"]),
                        by=site_admin)
    assert publication_verdict(publication=pub, today=dt.date(2025, 1, 1)).status == "compliant"
    assert AuditEntry.objects.filter(action="policy.create").exists()


def test_faq_is_edited_by_site_admins_and_shown_in_both_languages(frq, site_admin, make_user, client):
    from ouvert.openaccess.models import FaqEntry
    from ouvert.openaccess.services import faq_save

    with pytest.raises(PermissionDenied):
        faq_save(entry=FaqEntry(question_fr="Q ?", answer_fr="R."), by=make_user())
    faq_save(entry=FaqEntry(question_fr="Puis-je déposer une préimpression ?", question_en="May I deposit a preprint?",
                            answer_fr="Oui, en plus du manuscrit accepté.", answer_en="Yes, besides the AAM."),
             by=site_admin)
    assert "Puis-je déposer une préimpression ?" in client.get("/fr/libre-acces/guide/").content.decode()
    assert "May I deposit a preprint?" in client.get("/en/open-access/guide/").content.decode()
