"""A draft call is read by its body only, on every read route; the same probes find it once published."""

import pytest
from django.test import Client

from ouvert.procurement.models import Call

pytestmark = pytest.mark.django_db

MARK = "Zqxprocurementmark"

PROBES = ["/fr/acquisitions/", "/en/procurement/", "/fr/acquisitions/appels/{pk}/",
          "/fr/acquisitions/appels/{pk}/publier/", "/fr/acquisitions/appels/{pk}/soumission/",
          "/fr/acquisitions/appels/{pk}/soumissions.csv", "/fr/acquisitions/appels/{pk}/evaluation/",
          "/fr/acquisitions/appels/{pk}/bilan/", "/fr/acquisitions/appels/{pk}/livraison/",
          "/fr/acquisitions/appels/{pk}/modifier/", "/fr/acquisitions/appels/{pk}/pieces-jointes/", "{file}",
          "/api/v1/procurement/calls", "/api/v1/procurement/dashboard", "/api/v1/procurement/dashboard/calls",
          "/api/v1/procurement/calls/{pk}", "/api/v1/procurement/calls/{pk}/bids", "/ocds/releases.json"]
LISTINGS = {"/fr/acquisitions/", "/en/procurement/", "/api/v1/procurement/calls", "/api/v1/procurement/dashboard",
            "/api/v1/procurement/dashboard/calls", "/ocds/releases.json"}


@pytest.fixture
def draft(make_call, buyer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvert.procurement.services import attachment_add

    call = make_call(publish=False, title=f"Appel {MARK}")
    attachment_add(call=call, upload=SimpleUploadedFile("devis.txt", f"Devis {MARK}".encode()), title=f"Devis {MARK}",
                   by=buyer)
    return call


def test_nothing_of_a_draft_call_leaks(draft, make_user, make_org, make_member, make_token, make_supplier):
    other_editor = make_user("editeur.autre@exemple.qc.ca")
    make_member(other_editor, make_org("autre"), "editor")
    _supplier, supplier_user = make_supplier()
    leaks = []
    for reader in (None, make_user("citoyen@exemple.qc.ca"), other_editor, supplier_user):
        client = Client()
        headers = {}
        if reader is not None:
            client.force_login(reader)
            headers["HTTP_AUTHORIZATION"] = make_token(reader)
        for probe in PROBES:
            response = client.get(probe.format(pk=draft.pk, file=draft.attachments.get().file.url), **headers)
            body = response.getvalue().decode()
            refused = response.status_code in (401, 403, 404) or (
                response.status_code == 302 and "connexion" in response["Location"])
            if MARK in body or (probe not in LISTINGS and not refused) or response.status_code >= 500:
                leaks.append(f"{reader} {probe}: {response.status_code}")
    assert not leaks


def test_the_same_probes_find_the_published_call(draft, buyer, client):
    from ouvert.procurement.services import call_publish

    call_publish(call=draft, reuse_comparison="Aucune solution existante ne convient ici.", by=buyer)
    for probe in ("/fr/acquisitions/", "/en/procurement/", "/fr/acquisitions/appels/{pk}/",
                  "/api/v1/procurement/calls", "/api/v1/procurement/calls/{pk}"):
        response = client.get(probe.format(pk=draft.pk))
        assert response.status_code == 200 and MARK in response.content.decode(), probe
    assert MARK.encode() in client.get(draft.attachments.get().file.url).getvalue()  # now public
    assert Call.objects.get().state == "published"


def test_the_buyer_reads_the_draft(draft, buyer, client):
    client.force_login(buyer)
    assert MARK in client.get(f"/fr/acquisitions/appels/{draft.pk}/").content.decode()
    assert MARK in client.get(f"/fr/acquisitions/appels/{draft.pk}/publier/").content.decode()
    assert MARK in client.get(f"/fr/acquisitions/appels/{draft.pk}/modifier/").content.decode()
    assert MARK.encode() in client.get(draft.attachments.get().file.url).getvalue()
