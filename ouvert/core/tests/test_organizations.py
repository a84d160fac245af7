import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ouvert.core import services
from ouvert.core.models import AuditEntry, Membership

pytestmark = pytest.mark.django_db


def test_org_admin_adds_an_editor_through_the_page(client, make_user, make_org, make_member):
    org = make_org("sct")
    admin = make_user("chef@exemple.qc.ca")
    make_member(admin, org, "admin")
    newcomer = make_user("nouvelle@exemple.qc.ca")
    client.force_login(admin)
    page = client.get("/fr/organisations/sct/").content.decode()
    assert "Ajouter un membre" in page
    response = client.post("/fr/organisations/sct/membres/", {"email": "nouvelle@exemple.qc.ca", "role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer, organization=org).role == "editor"
    entry = AuditEntry.objects.get(action="membership.create")
    assert entry.actor == admin and entry.organization == org
    assert entry.changes["role"] == [None, "editor"]


def test_unknown_email_gets_a_clear_error_from_the_service_and_an_invitation_from_the_page(
        client, make_user, make_org, make_member):
    org = make_org("sct")
    admin = make_user()
    make_member(admin, org, "admin")
    with pytest.raises(ValidationError, match="Aucun compte n'utilise l'adresse inconnu@exemple.qc.ca"):
        services.membership_set(organization=org, by=admin, email="inconnu@exemple.qc.ca", role="editor")
    client.force_login(admin)
    response = client.post("/fr/organisations/sct/membres/", {"email": "inconnu@exemple.qc.ca", "role": "bidon"})
    assert response.status_code == 400 and 'value="inconnu@exemple.qc.ca"' in response.content.decode()


def test_editor_cannot_manage_members_nor_act_in_other_orgs(client, make_user, make_org, make_member):
    org, other = make_org("a"), make_org("b")
    editor = make_user()
    make_member(editor, org, "editor")
    make_user("cible@exemple.qc.ca")
    client.force_login(editor)
    response = client.post("/fr/organisations/a/membres/", {"email": "cible@exemple.qc.ca", "role": "admin"})
    assert response.status_code == 403
    assert client.get("/fr/organisations/b/modifier/").status_code == 403
    assert "Ajouter un membre" not in client.get("/fr/organisations/a/").content.decode()
    with pytest.raises(PermissionDenied):
        services.organization_update(organization=other, by=editor, name_fr="Piraté")


def test_last_admin_cannot_be_removed(make_user, make_org, make_member):
    org = make_org()
    admin = make_user()
    membership = make_member(admin, org, "admin")
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership, by=admin)
    with pytest.raises(ValidationError):
        services.membership_set(organization=org, by=admin, email=admin.email, role="member")


def test_org_update_records_changed_fields(make_user, make_org, make_member):
    org = make_org(name_fr="Ancien nom")
    admin = make_user()
    make_member(admin, org, "admin")
    services.organization_update(organization=org, by=admin, name_fr="Nouveau nom", website="https://exemple.qc.ca")
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.changes == {"name_fr": ["Ancien nom", "Nouveau nom"], "website": ["", "https://exemple.qc.ca"]}


def test_site_admin_creates_organization_with_logo(client, site_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
           b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    client.force_login(site_admin)
    response = client.post("/fr/organisations/nouvelle/", {
        "kind": "municipality", "name_fr": "Ville de Trois-Rivières", "name_en": "City of Trois-Rivières",
        "logo": SimpleUploadedFile("logo.gif", gif, content_type="image/gif")})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/organisations/ville-de-trois-rivieres/")
    page = client.get(response["Location"]).content.decode()
    assert "Ville de Trois-Rivières" in page and "Logo de Ville de Trois-Rivières" in page


def test_organization_list_filters_and_json_twin(client, make_org):
    make_org("montreal", kind="municipality", name_fr="Ville de Montréal")
    make_org("oqi", kind="civil_society", name_fr="Observatoire québécois des inégalités")
    page = client.get("/fr/organisations/?kind=municipality").content.decode()
    assert "Ville de Montréal" in page and "Observatoire" not in page
    assert 'rel="alternate" type="application/json"' in page
    data = client.get("/fr/organisations/?q=observatoire&format=json").json()
    assert [o["slug"] for o in data["results"]] == ["oqi"]


def test_organization_list_query_count(client, make_org, django_assert_max_num_queries):
    for i in range(20):
        make_org(f"o{i}")
    with django_assert_max_num_queries(6):
        client.get("/fr/organisations/")


def test_admins_invite_by_email_and_the_invited_address_accepts(client, make_user, make_org, make_member,
                                                                django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    from ouvert.core.models import AuditEntry, Membership

    org = make_org("sct", name_fr="Secrétariat")
    admin = make_user("admin@exemple.qc.ca")
    make_member(admin, org, "admin")
    client.force_login(admin)
    page = client.get(org.get_absolute_url()).content.decode()
    assert '<details class="confirm"><summary>Retirer' in page  # removing a member asks first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/organisations/{org.slug}/membres/", {"email": "Nouvelle@Exemple.qc.ca",
                                                                         "role": "editor"}, follow=True)
    assert "Invitation envoyée à nouvelle@exemple.qc.ca" in response.content.decode()
    invite = mail.outbox[-1]
    assert invite.to == ["nouvelle@exemple.qc.ca"] and "Éditeur" in invite.body and "14 jours" in invite.body
    link = re.search(r"https?://[^/\s]+(/\S+)", invite.body).group(1)
    assert AuditEntry.objects.filter(action="membership.invite", organization=org).exists()
    client.logout()
    anonymous = client.get(link).content.decode()
    assert "nouvelle@exemple.qc.ca" in anonymous and "Se connecter" in anonymous
    # Somebody else cannot use it; the invited address can, once.
    other = make_user("autre@exemple.qc.ca")
    client.force_login(other)
    assert "vous êtes connecté avec une autre adresse" in client.get(link).content.decode()
    client.post(link)
    assert not Membership.objects.filter(user=other, organization=org).exists()
    invited = make_user("nouvelle@exemple.qc.ca")
    client.force_login(invited)
    response = client.post(link, follow=True)
    assert "Bienvenue dans Secrétariat" in response.content.decode()
    assert Membership.objects.get(user=invited, organization=org).role == "editor"
    assert client.get(link[:-3] + "xx/").status_code == 400  # a tampered link is refused
