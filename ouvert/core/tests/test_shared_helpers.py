"""The helpers every app shares, through the pages and services that use them: a ``next`` (or
``path``) parameter never sends anyone off-site, new objects get an identifier nobody else has, a
service's refusal is shown on the form, and partial updates take only the fields they know."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.catalog import services as catalog
from ouvert.consultations.models import PageFeedback
from ouvert.datastore.models import IngestJob

# Off-site targets a crafted link could carry: another host, protocol-relative, backslash tricks
# that browsers read as "//", another scheme.
HOSTILE = ["https://ailleurs.example/", "//ailleurs.example/x", "/\\ailleurs.example", "\\\\ailleurs.example",
           "javascript:alert(1)", "http://testserver.ailleurs.example/"]


@pytest.fixture
def editor(make_user, make_org, make_member):
    org = make_org("laval", kind="municipality", name_fr="Ville de Laval", name_en="City of Laval")
    user = make_user("editeur@laval.ca")
    make_member(user, org, "editor")
    return user, org


@pytest.mark.parametrize("target", HOSTILE)
def test_follow_never_redirects_off_site(client, make_user, target):
    client.force_login(make_user())
    response = client.post("/fr/donnees/suivre/", {"kind": "tag", "target": "eau", "next": target})
    assert response.status_code == 302 and response["Location"] == "/fr/donnees/"


def test_follow_goes_back_to_a_page_of_the_site(client, make_user):
    client.force_login(make_user())
    response = client.post("/fr/donnees/suivre/", {"kind": "tag", "target": "eau", "next": "/fr/donnees/?q=eau"})
    assert response["Location"] == "/fr/donnees/?q=eau"


@pytest.mark.parametrize("target", HOSTILE)
def test_page_feedback_never_redirects_off_site(client, db, target):
    response = client.post("/fr/consultations/retroaction/", {"path": target, "useful": "1"})
    assert response.status_code == 302 and response["Location"] == "/#retroaction"
    assert list(PageFeedback.objects.values_list("path", flat=True)) == ["/"]


def test_page_feedback_returns_to_the_page_it_was_given(client, db):
    response = client.post("/fr/consultations/retroaction/", {"path": "/fr/donnees/", "useful": "0"})
    assert response["Location"] == "/fr/donnees/#retroaction"


@pytest.mark.django_db(transaction=True)
def test_load_retry_never_redirects_off_site(client, editor):
    from ouvert.datastore import services

    user, org = editor
    dataset = catalog.dataset_create(by=user, organization=org, title="Dépenses")
    resource = catalog.resource_create(dataset=dataset, by=user,
                                       file=SimpleUploadedFile("depenses.csv", b"code;montant\n1;10\n2;abc\n"))
    _table, job = services.datastore_dictionary_update(resource_id=resource.pk, organization=org, by=user,
                                                       columns={"montant": {"type": "int"}})
    job.refresh_from_db()
    assert job.status == "failed"
    client.force_login(user)
    for target in HOSTILE:
        response = client.post(f"/fr/donnees/chargements/{job.pk}/relancer/", {"next": target})
        assert response["Location"] == f"/fr/donnees/tables/{resource.pk}/", target
    here = f"/fr/donnees/jeux/{dataset.name}/"
    assert client.post(f"/fr/donnees/chargements/{job.pk}/relancer/", {"next": here})["Location"] == here
    assert IngestJob.objects.filter(resource_id=resource.pk).count() == 2 + len(HOSTILE) + 1


def test_same_title_gets_a_numbered_identifier_everywhere(editor, make_user):
    from ouvert.catalog import learning
    from ouvert.consultations import services as consultations
    from ouvert.core import services as core

    user, org = editor
    admin = make_user("admin@exemple.qc.ca", site_admin=True)
    names = [catalog.dataset_create(by=user, organization=org, title="Écoles primaires").name for _ in range(3)]
    assert names == ["ecoles-primaires", "ecoles-primaires-2", "ecoles-primaires-3"]
    orgs = [core.organization_create(by=admin, kind="municipality", name_fr="Ville de Gatineau").slug
            for _ in range(2)]
    assert orgs == ["ville-de-gatineau", "ville-de-gatineau-2"]
    services = [consultations.service_create(organization=org, by=user, name="Permis").slug for _ in range(2)]
    assert services == ["laval-permis", "laval-permis-2"]
    import datetime as dt

    day = dt.date(2026, 3, 1)
    events = [learning.hackathon_create(by=admin, title="Défi données", theme="eau", starts_on=day,
                                        ends_on=day).slug for _ in range(2)]
    assert events == ["defi-donnees", "defi-donnees-2"]


def test_a_numbered_identifier_still_fits_its_column(editor, make_user):
    from ouvert.core import services as core
    from ouvert.core.models import Organization

    admin = make_user("admin@exemple.qc.ca", site_admin=True)
    long_name = "Régie " + "x" * 200
    first = core.organization_create(by=admin, kind="municipality", name_fr=long_name)
    assert len(first.slug) == 90
    second = core.organization_create(by=admin, kind="municipality", name_fr=long_name)
    assert second.slug.endswith("-2") and len(second.slug) <= Organization._meta.get_field("slug").max_length
    assert second.slug != first.slug
    nothing = core.organization_create(by=admin, kind="municipality", name_fr="!!!")
    assert nothing.slug == "organisation"


def test_a_refused_source_shows_its_error_next_to_the_field(client, make_user):
    admin = make_user("admin@exemple.qc.ca", site_admin=True)
    client.force_login(admin)
    response = client.post("/fr/moissonnage/nouvelle/", {
        "name": "Autre", "kind": "ckan", "url": "", "schedule": "manual", "enabled": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"url": ["Indiquez l'adresse de la source."]}


def test_partial_updates_accept_only_known_fields(editor, make_user):
    from ouvert.harvest import services as harvest

    user, org = editor
    dataset = catalog.dataset_create(by=user, organization=org, title="Arbres")
    resource = catalog.resource_create(dataset=dataset, by=user, url="https://exemple.qc.ca/arbres.csv")
    with pytest.raises(TypeError):
        catalog.resource_update(resource=resource, by=user, colour="vert")  # type: ignore[call-arg]
    updated = catalog.resource_update(resource=resource, by=user, name="Arbres 2026", format="csv")
    assert (updated.name, updated.format, updated.url) == ("Arbres 2026", "CSV", "https://exemple.qc.ca/arbres.csv")
    admin = make_user("admin@exemple.qc.ca", site_admin=True)
    source = harvest.source_create(by=admin, name="Laval", kind="ckan", url="https://laval.example")
    with pytest.raises(TypeError):
        harvest.source_update(source=source, by=admin, colour="vert")  # type: ignore[call-arg]
    source = harvest.source_update(source=source, by=admin, enabled=False)
    source.refresh_from_db()
    assert (source.enabled, source.url, source.create_organizations) == (False, "https://laval.example", True)
