import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ouvert.procurement import delivery, evaluation, services
from ouvert.procurement.models import CallState

from .test_publiccode import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(make_call, make_supplier, make_user, buyer, clock):
    call = make_call()
    supplier, supplier_user = make_supplier()
    services.bid_submit(call=call, supplier=supplier, price=Decimal("40000"), proposal="Offre", by=supplier_user)
    panel = [make_user(f"eval{i}@exemple.qc.ca") for i in range(2)]
    for person in panel:
        evaluation.evaluator_add(call=call, user=person, by=buyer)
    clock.jump_past(call.bid_deadline)
    services.calls_open_due()
    call.refresh_from_db()
    bid = call.bids.get()
    for person in panel:
        evaluation.evaluator_declare(call=call, conflict=False, by=person)
        for criterion in call.evaluation_criteria.all():
            evaluation.score_record(bid=bid, criterion=criterion, score=7, justification="Bien.", by=person)
    for criterion in call.evaluation_criteria.all():
        evaluation.consensus_record(bid=bid, criterion=criterion, score=7, justification="Bien.", by=buyer)
    evaluation.call_rank(call=call, by=buyer)
    evaluation.call_award(call=call, by=buyer)
    call.refresh_from_db()
    return call, supplier_user


def _publiccode(call):
    return GOOD.replace("Ville de Montréal", call.organization.name_fr)


def test_acceptance_needs_the_criteria_and_a_valid_publiccode_naming_the_body(awarded, buyer, client):
    call, supplier_user = awarded
    with pytest.raises(PermissionDenied):
        delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text="", by=buyer)
    delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text=GOOD,
                             by=supplier_user)  # funded by another body
    call.refresh_from_db()
    assert call.state == CallState.DELIVERED
    client.force_login(supplier_user)
    page = client.get(f"/fr/acquisitions/appels/{call.pk}/livraison/").content.decode()
    assert "fundedBy ne nomme pas l" in page and "Ajoutez sous fundedBy" in page
    for criterion in call.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=buyer)
    with pytest.raises(ValidationError, match="publiccode.yml n'est pas valide"):
        delivery.delivery_accept(call=call, by=buyer)
    delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text=_publiccode(call),
                             by=supplier_user)
    with pytest.raises(ValidationError, match="critères non cochés"):  # a new deposit is checked anew
        delivery.delivery_accept(call=call, by=buyer)
    for criterion in call.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=buyer)
    delivery.delivery_accept(call=call, by=buyer)
    call.refresh_from_db()
    assert call.state == CallState.ACCEPTED
    with pytest.raises(ValidationError, match="aujourd'hui"):
        delivery.call_pay(call=call, paid_on=timezone.localdate() + dt.timedelta(days=3), by=buyer)
    delivery.call_pay(call=call, paid_on=timezone.localdate(), by=buyer)
    call.refresh_from_db()
    assert call.state == CallState.PAID and call.delivery.days_to_pay == 0
    page = client.get(call.get_absolute_url()).content.decode()
    assert "https://depot.exemple/x" in page and "payé 0 jour" in page


def test_an_evening_acceptance_is_paid_the_same_local_day(awarded, buyer, clock):
    """At 21 h in Montréal it is already tomorrow in UTC: the acceptance date, the payment window
    and the days to pay are Québec's calendar days, not UTC's."""
    call, supplier_user = awarded
    local_now = timezone.localtime(timezone.now())
    evening = local_now.replace(hour=21, minute=0, second=0, microsecond=0)
    if evening <= local_now:
        evening += dt.timedelta(days=1)
    clock.jump_past(evening)
    assert timezone.now().date() != timezone.localdate()  # the UTC date is a day ahead
    delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text=_publiccode(call),
                             by=supplier_user)
    for criterion in call.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=buyer)
    delivery.delivery_accept(call=call, by=buyer)
    delivery.call_pay(call=call, paid_on=timezone.localdate(), by=buyer)
    call.refresh_from_db()
    assert call.state == CallState.PAID and call.delivery.days_to_pay == 0


def test_the_page_deposits_by_upload_and_shows_every_error(awarded, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    call, supplier_user = awarded
    client.force_login(supplier_user)
    bad = _publiccode(call).replace("stable", "fini").replace("LiLiQ-R-1.1", "Proprietary")
    client.post(f"/fr/acquisitions/appels/{call.pk}/livraison/", {
        "action": "submit", "repository_url": "https://depot.exemple/x",
        "publiccode_file": SimpleUploadedFile("publiccode.yml", bad.encode())})
    page = client.get(f"/fr/acquisitions/appels/{call.pk}/livraison/").content.decode()
    assert "2 erreurs à corriger" in page and "Proprietary" in page and "fini" in page


def test_fetching_goes_through_the_guarded_fetcher(awarded, client):
    call, supplier_user = awarded
    client.force_login(supplier_user)
    response = client.post(f"/fr/acquisitions/appels/{call.pk}/livraison/", {
        "action": "submit", "repository_url": "https://depot.exemple/x",
        "publiccode_url": "http://127.0.0.1:8080/publiccode.yml"}, follow=True)
    assert "pas pu être lu" in response.content.decode()
    assert call.state == CallState.AWARDED


def test_the_accepted_code_enters_the_solutions_with_its_users(awarded, buyer, client, make_user, make_org,
                                                               make_member):
    from ouvert.procurement.models import Solution

    call, supplier_user = awarded
    delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text=_publiccode(call),
                             by=supplier_user)
    for criterion in call.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=buyer)
    delivery.delivery_accept(call=call, by=buyer)
    solution = Solution.objects.get()
    assert (solution.name, solution.funded_by, solution.licence) == ("Carte des chantiers", call.organization,
                                                                      "LiLiQ-R-1.1")
    other = make_org("laval", name_fr="Ville de Laval")
    editor = make_user("editrice.laval@exemple.qc.ca", full_name="Léa Laval")
    make_member(editor, other, "editor")
    client.force_login(editor)
    page = client.get(solution.get_absolute_url()).content.decode()
    assert "Ville de Laval" in page  # offered in the "we use it" form
    client.post(solution.get_absolute_url(), {"organization": "laval"})
    page = client.get(solution.get_absolute_url()).content.decode()
    assert "Ministère de l&#x27;essai" in page and "Léa Laval" in page
    listing = client.get("/fr/acquisitions/solutions/").content.decode()
    assert "Carte des chantiers" in listing and "<td>2</td>" in listing
    outsider = make_user("curieux@exemple.qc.ca")
    client.force_login(outsider)
    client.post(solution.get_absolute_url(), {"organization": "laval"})
    assert solution.uses.count() == 2


def _accept(call, buyer, supplier_user):
    delivery.delivery_submit(call=call, repository_url="https://depot.exemple/x", publiccode_text=_publiccode(call),
                             by=supplier_user)
    for criterion in call.acceptance_criteria.all():
        delivery.criterion_check(criterion=criterion, met=True, by=buyer)
    delivery.delivery_accept(call=call, by=buyer)


def test_the_accepted_delivery_enters_the_free_software_catalogue_linked_to_call_and_delivery(awarded, buyer,
                                                                                              client):
    from ouvert.procurement.models import Software

    call, supplier_user = awarded
    _accept(call, buyer, supplier_user)
    entry = Software.objects.get()
    call.refresh_from_db()
    assert (entry.call, entry.delivery, entry.organization) == (call, call.delivery, call.organization)
    assert (entry.name, entry.url, entry.licence, entry.published) == (
        "Carte des chantiers", "https://depot.exemple.qc.ca/carte-chantiers", "LiLiQ-R-1.1", True)
    assert entry.publiccode == call.delivery.publiccode
    assert [(u.organization, u.person, u.role) for u in entry.uses.all()] == [(call.organization, buyer, "referent")]
    page = client.get(entry.get_absolute_url()).content.decode()
    assert call.title in page and call.get_absolute_url() in page
    assert entry.get_absolute_url() in client.get(call.get_absolute_url()).content.decode()
    listing = client.get("/fr/acquisitions/logiciels-libres/").content.decode()
    assert "Carte des chantiers" in listing


def test_an_entry_imported_before_for_the_same_code_is_linked_not_duplicated(awarded, buyer):
    from ouvert.procurement.models import Software
    from ouvert.procurement.software import SoftwareExtras, software_import

    call, supplier_user = awarded
    before = software_import(text=_publiccode(call).replace("Carte des chantiers", "Carte (ancienne)"),
                             organization=call.organization, by=buyer,
                             extras=SoftwareExtras(similar_products="ArcGIS")).software
    _accept(call, buyer, supplier_user)
    entry = Software.objects.get()
    assert entry.pk == before.pk and entry.call == call and entry.name == "Carte des chantiers"
    assert entry.similar_products == "ArcGIS"  # the catalogue's own fields are kept
