"""Nobody reads a bid before the deadline: every path is tried with a marker in the price and text,
then the bids open together once the deadline has passed."""

from __future__ import annotations

import io
import struct
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ouvert.core.models import AuditEntry
from ouvert.procurement import custodian, sealing, services
from ouvert.procurement.models import Bid, Call, CallState

pytestmark = pytest.mark.django_db

MARKER = "MARQUEUR-SECRET-7f3a9c"
PRICE = Decimal("36473.19")  # looked for as text and as a double (other tests' demo data leave datastore tables)


def _database_dump() -> bytes:
    """Every byte the database holds: the SQLite file itself (as a backup would copy it, through
    ``VACUUM INTO``), or on PostgreSQL every row of every table as text."""
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "copie.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(path)])
            return path.read_bytes()
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 — table names from introspection
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


@pytest.fixture
def sealed_call(make_call, make_supplier):
    call = make_call()
    supplier, user = make_supplier()
    services.bid_submit(call=call, supplier=supplier, price=PRICE, proposal=f"Notre offre {MARKER}", by=user)
    return call, supplier, user


def _assert_nowhere(content: str | bytes) -> None:
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    assert MARKER not in text
    assert str(PRICE) not in text and "36 473" not in text and "36473,19" not in text


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_bid_content(sealed_call):
    dump = _database_dump()
    assert b"Module de prise de rendez-vous" in dump  # the dump does see the data
    assert MARKER.encode() not in dump
    assert str(PRICE).encode() not in dump and b"3647319" not in dump
    assert struct.pack(">d", float(PRICE)) not in dump and struct.pack("<d", float(PRICE)) not in dump


def test_no_page_shows_it_to_the_buyer_the_admin_or_the_bidder(sealed_call, client, buyer, site_admin):
    call, _supplier, user = sealed_call
    for person in (None, buyer, site_admin, user):
        client.logout()
        if person is not None:
            client.force_login(person)
        for url in (call.get_absolute_url(), "/fr/acquisitions/", "/en/procurement/",
                    f"/fr/acquisitions/appels/{call.pk}/soumission/", "/fr/journal/"):
            response = client.get(url)
            _assert_nowhere(response.content)
        assert client.get(f"/fr/acquisitions/appels/{call.pk}/soumissions.csv").status_code == 404


def test_the_admin_shows_no_content(sealed_call, client, site_admin):
    _call, _supplier, _user = sealed_call
    client.force_login(site_admin)
    bid = Bid.objects.get()
    for url in ("/fr/admin/procurement/bid/", f"/fr/admin/procurement/bid/{bid.pk}/change/",
                "/fr/admin/procurement/call/", "/fr/admin/core/auditentry/"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        _assert_nowhere(response.content)


def test_the_api_shows_no_content(sealed_call, client, make_token, buyer):
    call, _supplier, _user = sealed_call
    token = make_token(buyer)
    for url in ("/api/v1/procurement/calls", f"/api/v1/procurement/calls/{call.pk}",
                f"/api/v1/procurement/calls/{call.pk}/bids"):
        response = client.get(url, HTTP_AUTHORIZATION=token)
        _assert_nowhere(response.content)
    assert client.get(f"/api/v1/procurement/calls/{call.pk}").json()["bids_submitted"] is None
    assert client.get("/api/v1/procurement/calls", HTTP_AUTHORIZATION=token).json()["count"] == 1
    assert client.get(f"/api/v1/procurement/calls/{call.pk}/bids", HTTP_AUTHORIZATION=token).status_code == 404


def test_the_audit_log_and_notices_hold_no_content(sealed_call, mailoutbox):
    for entry in AuditEntry.objects.all():
        _assert_nowhere(f"{entry.changes} {entry.object_label}")
    for mail in mailoutbox:
        _assert_nowhere(mail.body + mail.subject)


def test_the_custodian_refuses_the_private_key_before_the_deadline(sealed_call):
    call, _supplier, _user = sealed_call
    with pytest.raises(custodian.SealedUntilDeadline):
        custodian.call_private_key(call_id=call.pk, deadline=call.bid_deadline)


@pytest.mark.django_db(transaction=True)
def test_moving_the_deadline_in_the_database_opens_nothing(sealed_call):
    """Someone with write access to the database sets the deadline in the past: the key derived from
    the changed deadline is another key, so the bid does not open."""
    call, _supplier, _user = sealed_call
    Call.objects.filter(pk=call.pk).update(bid_deadline=timezone.now() - timezone.timedelta(minutes=5))
    call.refresh_from_db()
    assert services.call_open_bids(call=call)
    bid = Bid.objects.get()
    assert bid.open_error and bid.price is None and MARKER not in bid.proposal
    assert MARKER.encode() not in _database_dump()


def test_a_sealed_bid_copied_onto_another_row_does_not_open(sealed_call, make_supplier, clock):
    call, supplier, _user = sealed_call
    other, other_user = make_supplier()
    services.bid_submit(call=call, supplier=other, price=Decimal("100"), proposal="autre", by=other_user)
    stolen = bytes(Bid.objects.get(supplier=supplier).sealed)
    Bid.objects.filter(supplier=other).update(sealed=stolen)
    clock.jump_past(call.bid_deadline)
    key = custodian.call_private_key(call_id=call.pk, deadline=call.bid_deadline)
    with pytest.raises(sealing.OpenError):
        sealing.open_envelope(envelope=stolen, private_key=key, call_id=call.pk, supplier_id=other.pk)


def test_replace_and_withdraw_before_the_deadline(sealed_call, make_supplier, clock):
    call, supplier, user = sealed_call
    services.bid_submit(call=call, supplier=supplier, price=Decimal("20000"), proposal="Version 2", by=user)
    quitter, quitter_user = make_supplier()
    services.bid_submit(call=call, supplier=quitter, price=Decimal("1000"), proposal="Je pars", by=quitter_user)
    services.bid_withdraw(call=call, supplier=quitter, by=quitter_user)
    clock.jump_past(call.bid_deadline)
    with pytest.raises(Exception, match="date limite"):
        services.bid_submit(call=call, supplier=supplier, price=Decimal("1"), proposal="trop tard", by=user)
    assert services.calls_open_due() == 1
    bid = Bid.objects.get(supplier=supplier)
    assert (bid.price, bid.proposal, bid.versions) == (Decimal("20000"), "Version 2", 2)
    assert Bid.objects.get(supplier=quitter).proposal == ""


def test_at_the_deadline_every_bid_opens_together_on_first_access(sealed_call, make_supplier, client, buyer, clock):
    call, _supplier, _user = sealed_call
    second, second_user = make_supplier("micro")
    services.bid_submit(call=call, supplier=second, price=Decimal("12000"), proposal="Offre deux", by=second_user)
    clock.jump_past(call.bid_deadline)
    page = client.get(call.get_absolute_url()).content.decode()  # anonymous first access opens them
    assert "2 soumissions ouvertes" in page and MARKER not in page  # counts public, content not
    call.refresh_from_db()
    assert call.state == CallState.CLOSED and call.opened_at is not None
    assert set(Bid.objects.values_list("price", flat=True)) == {PRICE, Decimal("12000")}
    client.force_login(buyer)
    assert MARKER in client.get(call.get_absolute_url()).content.decode()
    csv = client.get(f"/fr/acquisitions/appels/{call.pk}/soumissions.csv").content.decode()
    assert MARKER in csv and "12000" in csv
    entry = AuditEntry.objects.get(action="procurement.call.closed")
    assert entry.actor_label == "system:procurement" and entry.changes["bids"] == 2


def test_the_open_due_command(sealed_call, clock):
    call, _supplier, _user = sealed_call
    out = io.StringIO()
    call_command("procurement", "open-due", stdout=out)
    assert out.getvalue().startswith("0 ")
    clock.jump_past(call.bid_deadline)
    call_command("procurement", "open-due", stdout=out)
    assert "1 appel ouvert." in out.getvalue()
    assert Bid.objects.get().proposal.endswith(MARKER)


def test_the_opening_task(sealed_call, clock):
    from ouvert.procurement.tasks import open_call_bids

    call, _supplier, _user = sealed_call
    assert open_call_bids.call(call_id=call.pk) is False
    clock.jump_past(call.bid_deadline)
    assert open_call_bids.call(call_id=call.pk) is True
    assert open_call_bids.call(call_id=call.pk) is False  # once


def test_the_custodian_secret_file_is_made_outside_the_database(settings, tmp_path):
    settings.PROCUREMENT_KEY_SECRET = ""
    settings.DATA_DIR = tmp_path
    deadline = timezone.now()
    first = custodian.call_public_key(call_id=1, deadline=deadline)
    path = custodian.secret_path()
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert custodian.call_public_key(call_id=1, deadline=deadline) == first
    assert custodian.call_public_key(call_id=2, deadline=deadline) != first


def test_after_opening_the_api_gives_the_bids_to_the_buyer_only(sealed_call, client, make_token, buyer, make_user,
                                                                clock):
    call, _supplier, _user = sealed_call
    clock.jump_past(call.bid_deadline)
    detail = client.get(f"/api/v1/procurement/calls/{call.pk}").json()
    assert detail["state"] == "closed" and detail["bids_submitted"] == 1
    outsider = make_token(make_user("curieux@exemple.qc.ca"))
    assert client.get(f"/api/v1/procurement/calls/{call.pk}/bids", HTTP_AUTHORIZATION=outsider).status_code == 404
    bids = client.get(f"/api/v1/procurement/calls/{call.pk}/bids", HTTP_AUTHORIZATION=make_token(buyer)).json()
    assert bids[0]["proposal"].endswith(MARKER) and bids[0]["price"] == str(PRICE)


@pytest.mark.django_db(transaction=True)
def test_control_the_dump_finds_the_content_once_opened(sealed_call, clock):
    """The scan can see a bid: once legitimately opened after the deadline, the content is there."""
    call, _supplier, _user = sealed_call
    clock.jump_past(call.bid_deadline)
    assert services.calls_open_due() == 1
    assert Bid.objects.get().proposal.endswith(MARKER)
    dump = _database_dump()
    assert MARKER.encode() in dump
    assert struct.pack(">d", float(PRICE)) in dump or str(PRICE).encode() in dump
