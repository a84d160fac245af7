import pytest

pytestmark = pytest.mark.django_db


def test_editor_back_office_is_limited_to_own_organizations(client, make_user, make_org, make_member):
    mine, other = make_org("mine", name_fr="Mon organisme"), make_org("other", name_fr="Autre organisme")
    editor = make_user()
    make_member(editor, mine, "editor")
    client.force_login(editor)
    response = client.get("/fr/admin/core/organization/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mon organisme" in body and "Autre organisme" not in body
    assert client.get(f"/fr/admin/core/organization/{other.pk}/change/").status_code in (302, 403, 404)
    # An editor may look but not change the organization: only its admins can.
    response = client.post(f"/fr/admin/core/organization/{mine.pk}/change/", {"name_fr": "Piraté"})
    assert response.status_code == 403
    assert client.get("/fr/admin/core/user/").status_code == 403


def test_plain_people_have_no_back_office(client, make_user):
    client.force_login(make_user())
    assert client.get("/fr/admin/").status_code == 302


def test_site_admin_back_office(client, site_admin, make_org):
    make_org("x", name_fr="Organisme X")
    client.force_login(site_admin)
    assert "Organisme X" in client.get("/fr/admin/core/organization/").content.decode()
    assert client.get("/fr/admin/core/user/").status_code == 200


def test_back_office_writes_are_audited(client, site_admin, make_org):
    from ouvert.core.models import AuditEntry

    org = make_org("x", name_fr="Organisme X")
    client.force_login(site_admin)
    response = client.post(f"/fr/admin/core/organization/{org.pk}/change/", {
        "slug": "x", "kind": org.kind, "name_fr": "Organisme X renommé", "name_en": org.name_en,
        "acronym": "", "description_fr": "", "description_en": "", "website": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.changes["name_fr"] == ["Organisme X", "Organisme X renommé"]
    assert entry.actor == site_admin
