"""The free-software catalogue: publiccode.yml import (validated, last valid version kept), export
that re-imports unchanged, pages with filters, "we use it", access to unpublished entries."""

import pytest
from django.core.exceptions import PermissionDenied

from ouvert.procurement.models import Software, SoftwareUse
from ouvert.procurement.software import SoftwareExtras, software_export, software_import, software_use_declare

pytestmark = pytest.mark.django_db

LONG = ("Un logiciel libre de gestion documentaire qui classe, versionne et publie les documents d'un organisme "
        "public, avec une recherche plein texte et des droits d'accès par équipe, traduit en français.")


def publiccode(name="Docuthèque", licence="AGPL-3.0-or-later", url="https://depot.exemple.quebec/docutheque",
               category="document-management"):
    return f"""publiccodeYmlVersion: "0.4"
name: {name}
url: {url}
platforms: [web]
categories: [{category}]
developmentStatus: stable
softwareType: standalone/web
description:
  fr:
    shortDescription: Gestion documentaire libre.
    longDescription: >
      {LONG}
    features: [classement, versions]
legal:
  license: {licence}
maintenance:
  type: community
localisation:
  localisationReady: true
  availableLanguages: [fr]
"""


FIELDS = ("name", "url", "licence", "category", "short_description", "long_description")


def _fields(entry):
    return {f: getattr(entry, f) for f in FIELDS}


def test_import_fills_the_entry_and_export_reimports_unchanged(buyer, buyer_org):
    result = software_import(text=publiccode(), organization=buyer_org, by=buyer,
                             extras=SoftwareExtras(similar_products="SharePoint", accessible=True))
    assert result.valid
    entry = result.software
    assert entry.name == "Docuthèque" and entry.licence == "AGPL-3.0-or-later"
    assert entry.category == "document-management" and entry.long_description == LONG
    assert entry.similar_products == "SharePoint" and entry.accessible
    before = _fields(entry)
    exported = software_export(software=entry)
    again = software_import(text=exported, organization=buyer_org, software=entry, by=buyer)
    assert again.valid
    entry.refresh_from_db()
    assert _fields(entry) == before
    assert software_export(software=entry) == exported  # a fixed point
    assert Software.objects.count() == 1


def test_invalid_import_keeps_the_last_valid_version_and_lists_every_error(buyer, buyer_org):
    entry = software_import(text=publiccode(), organization=buyer_org, by=buyer).software
    bad = publiccode(name="Nouveau nom", licence="Proprietary").replace("developmentStatus: stable",
                                                                       "developmentStatus: finie")
    result = software_import(text=bad, organization=buyer_org, software=entry, by=buyer)
    assert not result.valid
    keys = {e["params"].get("key") for e in result.errors}
    assert "developmentStatus" in keys
    assert any(e["code"] == "pc.licence" for e in result.errors)
    entry.refresh_from_db()
    assert entry.name == "Docuthèque" and entry.licence == "AGPL-3.0-or-later"
    assert entry.publiccode == publiccode() and len(entry.import_errors) == len(result.errors)
    assert software_import(text=publiccode(), organization=buyer_org, software=entry, by=buyer).valid
    entry.refresh_from_db()
    assert entry.import_errors == []


def test_invalid_first_import_creates_nothing(buyer, buyer_org):
    result = software_import(text="name: [", organization=buyer_org, by=buyer)
    assert not result.valid and result.software is None
    assert Software.objects.count() == 0


def test_only_the_bodys_editors_import(make_user, make_member, buyer_org):
    member = make_user("membre@exemple.qc.ca")
    make_member(member, buyer_org, "member")
    with pytest.raises(PermissionDenied):
        software_import(text=publiccode(), organization=buyer_org, by=member)
    assert Software.objects.count() == 0


def test_import_page_shows_each_error_with_its_key(client, buyer, buyer_org):
    client.force_login(buyer)
    response = client.post("/fr/acquisitions/logiciels-libres/importer/", {
        "organization": buyer_org.pk, "publiccode": publiccode().replace("maintenance:\n  type: community\n", "")})
    assert response.status_code == 422
    page = response.content.decode()
    assert "<code>maintenance.type</code>" in page and "Clé obligatoire absente" in page
    assert Software.objects.count() == 0
    response = client.post("/fr/acquisitions/logiciels-libres/importer/", {
        "organization": buyer_org.pk, "publiccode": publiccode(), "support_providers": "Coop Libre",
        "in_support_contract": "on"})
    entry = Software.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.in_support_contract and entry.support_providers == "Coop Libre"
    # a refused re-import: the maintainer sees the errors on the entry's page, the public does not
    client.post(f"/fr/acquisitions/logiciels-libres/{entry.pk}/importer/", {"publiccode": "- une liste"})
    assert "La dernière importation a été refusée" in client.get(entry.get_absolute_url()).content.decode()
    client.logout()
    assert "La dernière importation a été refusée" not in client.get(entry.get_absolute_url()).content.decode()
    download = client.get(f"/fr/acquisitions/logiciels-libres/{entry.pk}/publiccode.yml")
    assert download.status_code == 200 and b"name: Docuth" in download.content


def test_list_filters_and_declare_use(client, buyer, buyer_org, make_org, make_user, make_member):
    software_import(text=publiccode(), organization=buyer_org, by=buyer,
                    extras=SoftwareExtras(from_quebec_body=True))
    software_import(text=publiccode(name="Tableur libre", licence="MPL-2.0", category="office",
                                    url="https://depot.exemple.quebec/tableur"), organization=buyer_org, by=buyer)
    city = make_org("ville", name_fr="Ville d'essai")
    person = make_user("referente@ville.qc.ca")
    make_member(person, city, "member")
    docs = Software.objects.get(name="Docuthèque")

    def names(query):
        page = client.get(f"/fr/acquisitions/logiciels-libres/?{query}").content.decode()
        return {n for n in ("Docuthèque", "Tableur libre") if f">{n}</a>" in page}

    assert names("") == {"Docuthèque", "Tableur libre"}
    assert names("categorie=office") == {"Tableur libre"}
    assert names("licence=AGPL-3.0-or-later") == {"Docuthèque"}
    assert names("prerogative=from_quebec_body") == {"Docuthèque"}
    assert names("q=tableur") == {"Tableur libre"}
    assert names("prerogative=n%27importe") == {"Docuthèque", "Tableur libre"}  # unknown: ignored

    client.force_login(person)
    response = client.post(docs.get_absolute_url(), {"organization": city.pk, "role": "referent"})
    assert response.status_code == 302
    use = SoftwareUse.objects.get()
    assert use.organization == city and use.person == person and use.role == "referent"
    page = client.get(docs.get_absolute_url()).content.decode()
    assert "Ville d&#x27;essai" in page and "référent" in page
    assert names("organisme=ville") == {"Docuthèque"}
    with pytest.raises(Exception, match="déjà"):
        software_use_declare(software=docs, organization=city, role="user", by=person)
    with pytest.raises(PermissionDenied):
        software_use_declare(software=docs, organization=buyer_org, role="user", by=person)


def test_unpublished_entry_is_only_for_its_body(client, buyer, buyer_org, make_user):
    entry = software_import(text=publiccode(name="Brouillon secret"), organization=buyer_org, by=buyer).software
    Software.objects.filter(pk=entry.pk).update(published=False)
    outsider = make_user("curieux@exemple.qc.ca")
    for who in (None, outsider):
        if who is not None:
            client.force_login(who)
        assert client.get(entry.get_absolute_url()).status_code == 404
        assert client.get(f"/fr/acquisitions/logiciels-libres/{entry.pk}/publiccode.yml").status_code == 404
        assert "Brouillon secret" not in client.get("/fr/acquisitions/logiciels-libres/").content.decode()
    client.force_login(buyer)
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert "Brouillon secret" in client.get("/fr/acquisitions/logiciels-libres/").content.decode()


def test_list_query_budget(client, buyer, buyer_org, django_assert_max_num_queries):
    for i in range(6):
        software_import(text=publiccode(name=f"Logiciel {i}", url=f"https://depot.exemple.quebec/l{i}"),
                        organization=buyer_org, by=buyer)
    with django_assert_max_num_queries(12):
        assert client.get("/fr/acquisitions/logiciels-libres/").status_code == 200


def test_english_pages(client, buyer, buyer_org):
    entry = software_import(text=publiccode(), organization=buyer_org, by=buyer).software
    page = client.get("/en/procurement/free-software/").content.decode()
    assert "Free software used by public bodies" in page
    assert "Bodies that use it" in client.get(f"/en/procurement/free-software/{entry.pk}/").content.decode()


def test_best_practice_guides_fr_en(client):
    use = client.get("/fr/acquisitions/bonnes-pratiques/utiliser-du-logiciel-libre/").content.decode()
    assert "Prévoir le soutien dès le départ" in use
    share = client.get("/en/procurement/best-practices/sharing-your-code/").content.decode()
    assert "Describe the software with publiccode.yml" in share
    assert "/en/procurement/best-practices/using-free-software/" in share
