import pytest

from ouvert.core import services

pytestmark = pytest.mark.django_db


def test_site_admin_sees_and_filters_everything(client, site_admin, make_user, make_org, make_member):
    a, b = make_org("a", name_fr="Alpha"), make_org("b", name_fr="Bêta")
    services.organization_update(organization=a, by=site_admin, name_fr="Alpha 2")
    services.organization_update(organization=b, by=site_admin, name_fr="Bêta 2")
    client.force_login(site_admin)
    body = client.get("/fr/journal/").content.decode()
    assert "Alpha 2" in body and "Bêta 2" in body
    body = client.get("/fr/journal/?organization=a&action=organization").content.decode()
    assert "→ Alpha 2" in body and "→ Bêta 2" not in body


def test_org_admin_sees_only_own_organizations(client, site_admin, make_user, make_org, make_member):
    a, b = make_org("a", name_fr="Alpha"), make_org("b", name_fr="Bêta")
    services.organization_update(organization=a, by=site_admin, description_fr="desc A")
    services.organization_update(organization=b, by=site_admin, description_fr="desc B")
    admin = make_user()
    make_member(admin, a, "admin")
    client.force_login(admin)
    body = client.get("/fr/journal/").content.decode()
    assert "desc A" in body and "desc B" not in body


def test_plain_people_cannot_read_the_audit_log(client, make_user):
    client.force_login(make_user())
    assert client.get("/fr/journal/").status_code == 403
