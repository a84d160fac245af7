import pytest

from ouvert.core.demo import demo_load as core_demo_load
from ouvert.procurement.models import Bid, Call, CallState

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_has_calls_in_each_state_and_is_idempotent(client):
    core_demo_load(only=["procurement"])
    states = set(Call.objects.values_list("state", flat=True))
    assert {CallState.DRAFT, CallState.PUBLISHED, CallState.CLOSED, CallState.PAID, CallState.CANCELLED,
            CallState.UNSUCCESSFUL} <= states
    open_call = Call.objects.get(state=CallState.PUBLISHED)
    assert Bid.objects.get(call=open_call).proposal == ""  # still sealed
    awarded = Call.objects.get(state=CallState.PAID)
    assert awarded.awarded_bid.supplier.name == "Logiciels Fleuve inc."
    assert awarded.delivery.publiccode_valid and awarded.delivery.days_to_pay == 0
    count = Call.objects.count()
    core_demo_load(only=["procurement"])
    assert Call.objects.count() == count
    assert client.get("/fr/acquisitions/").status_code == 200
    assert "Carte interactive des chantiers" in client.get(awarded.get_absolute_url()).content.decode()


def test_demo_free_software_entries_with_users_idempotent(client):
    from ouvert.procurement.models import Software, SoftwareUse

    core_demo_load(only=["procurement"])
    assert Software.objects.count() >= 3
    assert all(not s.import_errors for s in Software.objects.all())
    uses = SoftwareUse.objects.count()
    assert uses >= 4
    core_demo_load(only=["procurement"])
    assert SoftwareUse.objects.count() == uses
    page = client.get("/fr/acquisitions/logiciels-libres/").content.decode()
    assert "QGIS" in page and "LibreOffice" in page
    from ouvert.procurement.models import Accompaniment

    assert set(Accompaniment.objects.values_list("state", flat=True)) == {"in_progress", "closed"}
