"""Editing a draft call and its attachments: only the buyer's body, only while draft; a draft's
attachment is served to nobody else (the access model's file policy), then to everyone once the
call is published, and it appears in the OCDS tender's documents."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvert.procurement import services
from ouvert.procurement.models import CallAttachment

from .conftest import call_input

pytestmark = pytest.mark.django_db


def _form(call, **changes):
    data = {"organization": str(call.organization_id), "title": call.title, "summary": call.summary,
            "description": call.description, "deliverables": call.deliverables, "pricing": "maximum",
            "amount": "45000", "questions_deadline": "", "bid_deadline": "", "delivery_date": "",
            "acceptance": "Les tests passent", "evaluation": "Qualité : 70\nPrix : 30", "licence": "LiLiQ-R-1.1",
            "eligibility": "any", "skills": "", "repository_url": ""}
    from django.utils import timezone

    for name in ("questions_deadline", "bid_deadline"):
        data[name] = timezone.localtime(getattr(call, name)).strftime("%Y-%m-%dT%H:%M")
    data["delivery_date"] = call.delivery_date.isoformat()
    data.update(changes)
    return data


def test_the_buyer_edits_a_draft_never_a_published_call(client, make_call, buyer, make_user):
    call = make_call(publish=False)
    url = f"/fr/acquisitions/appels/{call.pk}/modifier/"
    client.force_login(buyer)
    page = client.get(url).content.decode()
    assert "Qualité technique : 60" in page and call.title in page  # the saved values, ready to change
    refused = client.post(url, _form(call, amount="95000")).content.decode()
    assert "dépasse le plafond" in refused and "90 000" in refused
    response = client.post(url, _form(call, title="Rendez-vous, version 2", amount="50000"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.title, call.amount) == ("Rendez-vous, version 2", Decimal("50000"))
    assert [(c.name, c.weight) for c in call.evaluation_criteria.all()] == [("Qualité", 70), ("Prix", 30)]
    assert [c.text for c in call.acceptance_criteria.all()] == ["Les tests passent"]
    client.force_login(make_user("curieux@exemple.qc.ca"))
    assert client.get(url).status_code == 404
    services.call_publish(call=call, reuse_comparison="Rien d'existant ne convient à ce besoin.", by=buyer)
    client.force_login(buyer)
    assert client.get(url).status_code == 302  # back to the call: a published call is fixed
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.call_update(call=call, data=call_input(), by=buyer)


def test_a_draft_attachment_is_for_its_body_only_then_public_and_in_ocds(client, make_call, buyer, make_user,
                                                                         make_org, make_member):
    call = make_call(publish=False)
    client.force_login(buyer)
    add = f"/fr/acquisitions/appels/{call.pk}/pieces-jointes/"
    bad = client.post(add, {"doc-title": "", "doc-file": SimpleUploadedFile("outil.exe", b"MZ")}).content.decode()
    assert "Type de document refusé (.exe)" in bad and ".pdf" in bad
    client.post(add, {"doc-title": "Maquettes", "doc-file": SimpleUploadedFile("maquettes.pdf", b"%PDF-1.7 x")})
    attachment = CallAttachment.objects.get()
    assert attachment.file.name.startswith(f"procurement/attachments/{call.pk}/") and attachment.size == 10
    file_url = attachment.file.url
    assert b"%PDF-1.7" in b"".join(client.get(file_url).streaming_content)
    assert file_url in client.get(f"/fr/acquisitions/appels/{call.pk}/modifier/").content.decode()
    other = make_org("autre")
    editor = make_user("editeur@autre.qc.ca")
    make_member(editor, other, "editor")
    for reader in (None, make_user("citoyenne@exemple.qc.ca"), editor):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        assert client.get(file_url).status_code == 404
        assert client.get(f"/fr/acquisitions/appels/{call.pk}/modifier/").status_code in (302, 404)
        assert client.post(add, {"doc-file": SimpleUploadedFile("x.pdf", b"x")}).status_code in (302, 404)
    assert "maquettes" not in client.get("/ocds/releases.json").content.decode()
    services.call_publish(call=call, reuse_comparison="Rien d'existant ne convient à ce besoin.", by=buyer)
    client.logout()
    assert client.get(file_url).status_code == 200
    assert file_url in client.get(call.get_absolute_url()).content.decode()
    tender = client.get("/ocds/releases.json").json()["releases"][0]["tender"]
    assert [(d["title"], d["url"].endswith(file_url), d["format"]) for d in tender["documents"]] == [
        ("Maquettes", True, "application/pdf")]
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.attachment_add(call=call, upload=SimpleUploadedFile("y.pdf", b"y"), by=buyer)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.attachment_remove(attachment=attachment, by=buyer)


def test_removing_a_draft_attachment_deletes_its_file(client, make_call, buyer, django_capture_on_commit_callbacks):
    call = make_call(publish=False)
    item = services.attachment_add(call=call, upload=SimpleUploadedFile("notes.txt", b"notes"), by=buyer)
    storage, name = item.file.storage, item.file.name
    assert item.title == "notes" and storage.exists(name)
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fr/acquisitions/appels/{call.pk}/pieces-jointes/{item.pk}/retirer/")
    assert not CallAttachment.objects.exists() and not storage.exists(name)
