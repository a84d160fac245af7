import pytest

from ouvert.core.demo import demo_load as core_demo_load
from ouvert.procurement.models import Bid, Call, CallState

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_has_calls_in_each_state_and_is_idempotent(client):
    core_demo_load()
    states = set(Call.objects.values_list("state", flat=True))
    assert {CallState.DRAFT, CallState.PUBLISHED, CallState.CLOSED, CallState.PAID, CallState.CANCELLED,
            CallState.UNSUCCESSFUL} <= states
    open_call = Call.objects.get(state=CallState.PUBLISHED)
    assert Bid.objects.get(call=open_call).proposal == ""  # still sealed
    awarded = Call.objects.get(state=CallState.PAID)
    assert awarded.awarded_bid.supplier.name == "Logiciels Fleuve inc."
    assert awarded.delivery.publiccode_valid and awarded.delivery.days_to_pay == 0
    count = Call.objects.count()
    core_demo_load()
    assert Call.objects.count() == count
    assert client.get("/fr/acquisitions/").status_code == 200
    assert "Carte interactive des chantiers" in client.get(awarded.get_absolute_url()).content.decode()
