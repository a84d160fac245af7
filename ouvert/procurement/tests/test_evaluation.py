from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ouvert.procurement import evaluation, services
from ouvert.procurement.models import Bid, CallState
from ouvert.procurement.selectors import awarded_calls_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_call(make_call, make_supplier, make_user, buyer, clock):
    call = make_call()
    offers = {}
    for size, price in (("small", "40000"), ("micro", "30000"), ("large", "35000")):
        supplier, user = make_supplier(size)
        services.bid_submit(call=call, supplier=supplier, price=Decimal(price), proposal=f"Offre {size}", by=user)
        offers[size] = (supplier, user)
    panel = [make_user(f"evaluateur{i}@exemple.qc.ca") for i in range(3)]
    for person in panel:
        evaluation.evaluator_add(call=call, user=person, by=buyer)
    clock.jump_past(call.bid_deadline)
    services.calls_open_due()
    call.refresh_from_db()
    return call, offers, panel


def _score_all(call, evaluator_user, value=7):
    for bid in call.bids.all():
        for criterion in call.evaluation_criteria.all():
            evaluation.score_record(bid=bid, criterion=criterion, score=value, justification="Solide.",
                                    by=evaluator_user)


def test_an_evaluator_sees_no_bid_before_declaring(closed_call, client):
    call, _offers, panel = closed_call
    client.force_login(panel[0])
    page = client.get(f"/fr/acquisitions/appels/{call.pk}/evaluation/").content.decode()
    assert "Offre micro" not in page and "conflits d" in page
    with pytest.raises(PermissionDenied):
        _score_all(call, panel[0])
    client.post(f"/fr/acquisitions/appels/{call.pk}/evaluation/", {"action": "declare", "conflict": "0"})
    page = client.get(f"/fr/acquisitions/appels/{call.pk}/evaluation/").content.decode()
    assert "30\u00a0000,00\u00a0$" in page  # the price, grouped as French writes it


def test_a_conflicted_evaluator_does_not_score(closed_call):
    call, _offers, panel = closed_call
    with pytest.raises(ValidationError, match="Décrivez"):
        evaluation.evaluator_declare(call=call, conflict=True, by=panel[2])
    evaluation.evaluator_declare(call=call, conflict=True, details="Ancien employeur d'un soumissionnaire.",
                                 by=panel[2])
    with pytest.raises(PermissionDenied):
        _score_all(call, panel[2])


def test_the_whole_evaluation_debrief_and_award(closed_call, buyer, client, mailoutbox,
                                                django_capture_on_commit_callbacks):
    call, offers, panel = closed_call
    bids = {b.supplier.size: b for b in Bid.objects.select_related("supplier")}
    quality, price = list(call.evaluation_criteria.all())
    for person in panel[:2]:
        evaluation.evaluator_declare(call=call, conflict=False, by=person)
    with pytest.raises(ValidationError, match="Justifiez"):
        evaluation.score_record(bid=bids["micro"], criterion=quality, score=5, justification=" ", by=panel[0])
    with pytest.raises(ValidationError, match="notes individuelles"):
        evaluation.consensus_record(bid=bids["micro"], criterion=quality, score=5, justification="x", by=buyer)
    _score_all(call, panel[0])
    _score_all(call, panel[1], value=6)
    with pytest.raises(ValidationError, match="0 à 10"):
        evaluation.score_record(bid=bids["micro"], criterion=quality, score=11, justification="x", by=panel[0])
    # consensus: micro and small tie on the total; the published rule puts the lower price (micro) first
    for size, (q, p) in {"small": (8, 6), "micro": (8, 6), "large": (5, 9)}.items():
        evaluation.consensus_record(bid=bids[size], criterion=quality, score=q, justification="Qualité notée.", by=buyer)
        evaluation.consensus_record(bid=bids[size], criterion=price, score=p, justification="Prix noté.", by=buyer)
    ranking = evaluation.call_rank(call=call, by=buyer)
    assert [(b.supplier.size, b.total) for b in ranking] == [
        ("micro", Decimal("72.00")), ("small", Decimal("72.00")), ("large", Decimal("66.00"))]  # tie: lower price
    call.refresh_from_db()
    assert call.state == CallState.DEBRIEFING
    with pytest.raises(ValidationError, match="il manque"):
        evaluation.call_award(call=call, by=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        for bid in ranking[1:]:
            evaluation.bid_debrief(bid=bid, by=buyer)
    assert any("classée 2 sur 3" in m.body for m in mailoutbox)
    _supplier, small_user = offers["small"]
    client.force_login(small_user)
    sheet = client.get(f"/fr/acquisitions/appels/{call.pk}/bilan/").content.decode()
    assert "Qualité notée." in sheet and "72" in sheet
    evaluation.call_award(call=call, by=buyer)
    call.refresh_from_db()
    assert call.state == CallState.AWARDED and call.awarded_bid == ranking[0]
    assert awarded_calls_summary(start=timezone.localtime(call.published_at).date(),
                                 end=timezone.localtime(call.published_at).date()) == (
        1, Decimal("30000"))


def test_the_panel_needs_two_evaluators(make_call, make_supplier, make_user, buyer, clock):
    call = make_call()
    supplier, user = make_supplier()
    services.bid_submit(call=call, supplier=supplier, price=Decimal("100"), proposal="x", by=user)
    only = make_user("seul@exemple.qc.ca")
    evaluation.evaluator_add(call=call, user=only, by=buyer)
    with pytest.raises(ValidationError, match="soumissionnaire"):
        evaluation.evaluator_add(call=call, user=user, by=buyer)
    clock.jump_past(call.bid_deadline)
    services.calls_open_due()
    call.refresh_from_db()
    evaluation.evaluator_declare(call=call, conflict=False, by=only)
    _score_all(call, only)
    assert not evaluation.panel_complete(call=call)
