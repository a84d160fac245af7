import json
import re

import pytest
from django.core.exceptions import PermissionDenied

from ouvert.core import actors
from ouvert.openaccess.imports import link_review, publications_import, review_links, review_works, work_review
from ouvert.openaccess.models import ImportReview, MatchState, Publication, PublicationGrant
from ouvert.openaccess.services import publication_declare

pytestmark = pytest.mark.django_db
BY = actors.COMMAND

CSV = """titre,date_publication,auteurs,revue,issn,doi,licence,version,voie,subventions,fonds,remerciements
Premier article,2024-02-01,Ana Roy <0000-0002-1825-0097>,PLOS ONE,1932-6203,10.1000/one,CC-BY-4.0,published,journal,276470,FRQSC,
Deuxième article,2024-13-01,,,,,,,,,,
Troisième article,2024-03-01,,Revue,0317-8472,,,,,,,
Quatrième article,2024-04-01,,Revue,,,,,,,,Merci au FRQS-298877 pour son soutien.
"""


def codes(row):
    return [m["code"] for m in row.messages]


def test_csv_dry_run_reports_every_line_and_writes_nothing(frq):
    report = publications_import(text=CSV, kind="csv", dry_run=True, by=BY)
    rows = {r.line: r for r in report.rows}
    assert codes(rows[2]) == ["oa.would_create"] and rows[2].ok
    assert codes(rows[3]) == ["oa.date_format"] and not rows[3].ok
    assert codes(rows[4]) == ["oa.field_invalid"] and "ISSN" in rows[4].messages[0]["params"]["text"]
    assert rows[5].ok
    assert not Publication.objects.exists()


def test_csv_import_links_grants_by_number_and_queues_acknowledgements(frq):
    report = publications_import(text=CSV, kind="csv", by=BY)
    assert report.ok_count == 2 and report.error_count == 2
    first = Publication.objects.get(doi="10.1000/one")
    assert first.grant_links.get().state == MatchState.CONFIRMED and first.grant_links.get().grant.number == "FRQSC-276470"
    fourth = Publication.objects.get(title="Quatrième article")
    link = fourth.grant_links.get()
    assert (link.state, link.grant.number, link.evidence["code"]) == (MatchState.REVIEW, "FRQS-298877",
                                                                      "oa.grant_from_text")
    assert review_links() == [link]
    link_review(link=link, accept=True, by=BY)
    assert PublicationGrant.objects.get(pk=link.pk).state == MatchState.CONFIRMED
    # the same file again: matched by DOI, nothing duplicated
    again = publications_import(text=CSV, kind="csv", by=BY)
    assert "oa.match_doi" in codes(again.rows[0])
    assert Publication.objects.filter(doi="10.1000/one").count() == 1


def crossref(items):
    return json.dumps({"status": "ok", "message-type": "work-list", "message": {"items": items}})


WORK = {"DOI": "10.1038/S41467-024-99999", "title": ["Batteries au sodium"], "container-title": ["Nature Communications"],
        "ISSN": ["2041-1723"], "published": {"date-parts": [[2024, 5, 7]]},
        "author": [{"given": "Olivier", "family": "Bérubé", "ORCID": "https://orcid.org/0000-0002-1825-0097"}],
        "license": [{"URL": "http://creativecommons.org/licenses/by/4.0/"}],
        "funder": [{"name": "Fonds de recherche du Québec – Nature et technologies", "DOI": "10.13039/501100003151",
                    "award": ["FRQNT-317502"]}]}


def test_crossref_json_import_maps_licence_funder_and_award(frq):
    report = publications_import(text=crossref([WORK]), kind="crossref", by=BY)
    assert report.ok_count == 1, [r.messages for r in report.rows]
    pub = Publication.objects.get()
    assert (pub.doi, pub.licence, pub.route, pub.issn) == ("10.1038/s41467-024-99999", "CC-BY-4.0", "journal", "2041-1723")
    assert pub.grant_links.get().grant.number == "FRQNT-317502"
    assert pub.authors.get().orcid == "0000-0002-1825-0097"


def test_crossref_bad_json_is_one_clear_error(frq):
    report = publications_import(text="{not json", kind="crossref", by=BY)
    assert report.errors[0]["code"] == "oa.json_invalid" and report.rows == []


def test_same_title_and_year_goes_to_review(frq, article):
    existing = publication_declare(data=article(title="Batteries au sodium !", published_on=WORK and
                                                __import__("datetime").date(2024, 1, 1)), by=BY)
    report = publications_import(text=crossref([{**WORK, "DOI": "10.1000/other"}]), kind="crossref", by=BY)
    assert codes(report.rows[0]) == ["oa.match_title"]
    review = ImportReview.objects.get()
    assert review_works() == [review] and review.existing == existing
    created = work_review(review=review, same=False, by=BY)
    assert created is not None and created.doi == "10.1000/other" and not ImportReview.objects.exists()


def test_import_is_for_staff_of_a_fonds(frq, make_user):
    with pytest.raises(PermissionDenied):
        publications_import(text=CSV, kind="csv", by=make_user())


def test_import_and_review_pages(frq, make_user, make_member, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.core.models import Organization

    staff = make_user()
    make_member(staff, Organization.objects.get(slug="frqs"), role="editor")
    client.force_login(staff)
    response = client.post("/fr/libre-acces/articles/importer/", {
        "kind": "csv", "dry_run": "on", "file": SimpleUploadedFile("a.csv", CSV.encode())})
    body = response.content.decode()
    assert response.status_code == 200 and "Article à ajouter" in body and "AAAA-MM-JJ" in body
    publications_import(text=CSV, kind="csv", by=BY)
    page = client.get("/en/open-access/to-check/").content.decode()
    assert "FRQS-298877" in page and "acknowledgements" in page
    link = PublicationGrant.objects.get(state=MatchState.REVIEW)
    assert client.post(f"/fr/libre-acces/a-verifier/lien/{link.pk}/", {"decision": "reject"}).status_code == 302
    assert not PublicationGrant.objects.filter(pk=link.pk).exists()
    client.force_login(make_user())
    assert client.get("/fr/libre-acces/a-verifier/").status_code == 403


def test_command_line_imports_and_reminds(frq, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "works.json"
    path.write_text(crossref([WORK]), encoding="utf-8")
    call_command("openaccess", "import", str(path), "--format", "crossref", "--dry-run")
    assert "1 ligne valide, 0 erreur (essai" in capsys.readouterr().out
    assert not Publication.objects.exists()
    bad = tmp_path / "grants.csv"
    bad.write_text("numero,fonds,titulaire\nabc,FRQS,X\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("openaccess", "grants", str(bad))
    assert "ligne 2 [erreur]" in capsys.readouterr().out
    call_command("openaccess", "remind", "--days", "7")
    assert re.search(r"^\d+ rappels? envoyés?\.$", capsys.readouterr().out, re.M)
