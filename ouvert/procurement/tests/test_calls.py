import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ouvert.core.models import AuditEntry, Follow
from ouvert.procurement import services
from ouvert.procurement.models import CallState

from .conftest import call_input

pytestmark = pytest.mark.django_db


def test_amount_above_the_ceiling_is_refused_with_the_ceiling_named(buyer, buyer_org):
    with pytest.raises(ValidationError) as error:
        services.call_create(organization=buyer_org, data=call_input(amount=Decimal("90000.01")), by=buyer)
    assert "90 000 $ CAD" in error.value.messages[0]
    assert "plafond" in error.value.messages[0]


def test_the_ceiling_is_a_setting(buyer, buyer_org, settings):
    settings.PROCUREMENT_CEILING = 25000
    with pytest.raises(ValidationError, match="25 000"):
        services.call_create(organization=buyer_org, data=call_input(pricing="fixed", amount=Decimal("30000")),
                             by=buyer)


def test_weights_must_total_100(buyer, buyer_org):
    with pytest.raises(ValidationError, match="90 %"):
        services.call_create(organization=buyer_org, by=buyer,
                             data=call_input(evaluation_criteria=[("Qualité", 50), ("Prix", 40)]))


def test_only_the_bodys_editors_create_calls(make_user, buyer_org):
    with pytest.raises(PermissionDenied):
        services.call_create(organization=buyer_org, data=call_input(), by=make_user("autre@exemple.qc.ca"))


def test_bid_deadline_needs_the_minimum_working_days(make_call, buyer):
    call = make_call(publish=False, questions_deadline=timezone.now() + dt.timedelta(days=1),
                     bid_deadline=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="10 jours ouvrables"):
        services.call_publish(call=call, reuse_comparison="Rien d'existant ne convient à ce besoin.", by=buyer)


def test_publishing_needs_the_reuse_comparison_and_records_it(make_call, buyer):
    call = make_call(publish=False)
    with pytest.raises(ValidationError, match="solutions existantes"):
        services.call_publish(call=call, reuse_comparison="non", by=buyer)
    services.call_publish(call=call, reuse_comparison="Le module de la SAAQ ne gère pas les files d'attente.",
                          by=buyer)
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED
    assert call.reuse_comparison.startswith("Le module de la SAAQ")
    assert len(bytes(call.public_key)) == 32
    entry = AuditEntry.objects.get(action="procurement.call.published")
    assert entry.changes["state"] == ["draft", "published"]


def test_every_transition_notifies_followers(make_call, make_user, buyer, django_capture_on_commit_callbacks,
                                             mailoutbox):
    call = make_call()
    follower = make_user("suiveur@exemple.qc.ca")
    Follow.objects.create(user=follower, kind="procurement_call", key=str(call.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.call_cancel(call=call, reason="Besoin comblé autrement.", by=buyer)
    assert call.state == CallState.CANCELLED
    assert any("annulé" in m.body for m in mailoutbox)


def test_a_state_cannot_be_skipped(make_call, buyer):
    call = make_call(publish=False)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services._move(call, CallState.PAID, by=buyer)


def test_neq_format(make_user):
    user = make_user()
    with pytest.raises(ValidationError, match="10 chiffres"):
        services.supplier_register(name="X", neq="12345", size="small", region="Laval", contact_email="a@b.ca", by=user)
    supplier = services.supplier_register(name="X", neq="1171 234 567", size="small", region="Laval",
                                          contact_email="a@b.ca", by=user)
    assert supplier.neq == "1171234567"


def test_late_questions_are_refused_with_a_reason(make_call, make_supplier, clock):
    call = make_call()
    _supplier, user = make_supplier()
    services.question_ask(call=call, text="Le code doit-il tourner sur PostgreSQL ?", by=user)
    clock.jump_past(call.questions_deadline)
    with pytest.raises(ValidationError, match="questions tardives"):
        services.question_ask(call=call, text="Encore une ?", by=user)


def test_answers_are_addenda_for_everyone(make_call, make_supplier, buyer, client):
    call = make_call()
    _supplier, user = make_supplier()
    question = services.question_ask(call=call, text="Quelle version de Python ?", by=user)
    services.question_answer(question=question, answer="Python 3.12 ou plus récent.", by=buyer)
    page = client.get(call.get_absolute_url())
    assert "Python 3.12 ou plus récent." in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, answer="Autre", by=user)


def test_eligibility_is_explained_to_who_cannot_bid(make_call, make_supplier, client):
    call = make_call(eligibility="small")
    supplier, user = make_supplier(size="large")
    with pytest.raises(PermissionDenied, match="Micro et petites entreprises"):
        services.bid_submit(call=call, supplier=supplier, price=Decimal("1000"), proposal="x", by=user)
    client.force_login(user)
    assert "Micro et petites entreprises seulement" in client.get(call.get_absolute_url()).content.decode()


def test_a_draft_is_read_by_the_body_only(make_call, client, make_user):
    call = make_call(publish=False)
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(call.get_absolute_url()).status_code == 404


def test_awarded_calls_summary_counts_nothing_without_awards(make_call):
    from ouvert.procurement.selectors import awarded_calls_summary

    make_call()
    today = timezone.localdate()
    assert awarded_calls_summary(start=today - dt.timedelta(days=1), end=today) == (0, Decimal("0"))


def test_reuse_first_offers_free_software_solutions_and_deliveries_and_records_what_was_compared(
        make_call, buyer, buyer_org, client):
    from ouvert.core.models import AuditEntry
    from ouvert.procurement.software import software_import

    from .test_software import publiccode

    entry = software_import(text=publiccode(name="Rendez-vous libre"), organization=buyer_org, by=buyer).software
    hidden = software_import(text=publiccode(name="Rendez-vous caché", url="https://depot.exemple.quebec/cache"),
                             organization=buyer_org, by=buyer).software
    hidden.published = False
    hidden.save()
    call = make_call(publish=False, title="Prise de rendez-vous en ligne")
    client.force_login(buyer)
    page = client.get(f"/fr/acquisitions/appels/{call.pk}/publier/").content.decode()
    assert "Rendez-vous libre" in page and "Logiciels libres" in page
    assert "Rendez-vous caché" in page  # its own body's unpublished entry: readable by the buyer
    client.post(f"/fr/acquisitions/appels/{call.pk}/publier/",
                {"reuse_comparison": "Rendez-vous libre ne gère pas les files d'attente des comptoirs."})
    call.refresh_from_db()
    assert call.state == "published"
    audit = AuditEntry.objects.get(action="procurement.call.published", object_id=str(call.pk))
    assert set(audit.changes["compared_with"]["software"]) == {entry.pk, hidden.pk}
    client.logout()
    assert "Rendez-vous libre ne gère pas" in client.get(call.get_absolute_url()).content.decode()
