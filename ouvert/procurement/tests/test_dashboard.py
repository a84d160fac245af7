"""The market dashboard: each series, read from the page's CSV, equals a direct count of the database."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from ouvert.procurement.models import (
    Bid,
    BidState,
    Call,
    CallChange,
    CallState,
    Delivery,
    Solution,
    SolutionUse,
    Supplier,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _call(org, n, *, state, published_days_ago=None, opened=False):
    published = NOW - dt.timedelta(days=published_days_ago) if published_days_ago is not None else None
    return Call.objects.create(
        organization=org, title=f"Appel {n}", summary="s", description="d", deliverables="l", amount=Decimal("1000"),
        questions_deadline=NOW, bid_deadline=NOW, delivery_date=timezone.localtime(NOW).date(), state=state, published_at=published,
        opened_at=NOW if opened else None)


def _supplier(n, size):
    return Supplier.objects.create(name=f"F{n}", neq=f"11{n:08d}", size=size, region="Estrie",
                                   contact_email=f"f{n}@exemple.qc.ca")


@pytest.fixture
def market(buyer_org, make_org):
    other = make_org("ville", name_fr="Ville")
    micro, large = _supplier(1, "micro"), _supplier(2, "large")
    _call(buyer_org, 0, state=CallState.DRAFT)  # never counted
    sealed = _call(buyer_org, 1, state=CallState.PUBLISHED, published_days_ago=3)
    Bid.objects.create(call=sealed, supplier=micro, submitted_at=NOW)  # sealed: not counted
    awarded = []
    for n, (winner, days_ago) in enumerate([(micro, 70), (large, 65), (micro, 40)], start=2):
        call = _call(buyer_org, n, state=CallState.PAID, published_days_ago=days_ago, opened=True)
        bid = Bid.objects.create(call=call, supplier=winner, submitted_at=NOW)
        Bid.objects.create(call=call, supplier=large if winner == micro else micro, submitted_at=NOW)
        Bid.objects.create(call=call, supplier=_supplier(10 + n, "small"), submitted_at=NOW,
                           state=BidState.WITHDRAWN)
        call.awarded_bid = bid
        call.save()
        at = NOW - dt.timedelta(days=days_ago - 30)
        CallChange.objects.create(call=call, state=CallState.AWARDED, at=at)
        Delivery.objects.create(call=call, repository_url="https://depot.exemple.quebec/x", submitted_at=at
                                + dt.timedelta(days=n * 2), accepted_at=at + dt.timedelta(days=20),
                                paid_on=timezone.localtime(at + dt.timedelta(days=20 + n)).date())
        awarded.append(call)
    for call in awarded[:2]:
        solution = Solution.objects.create(name=call.title, short_description="s", url="https://x.example",
                                           licence="MIT", development_status="stable", publiccode="-",
                                           call=call, funded_by=buyer_org)
        SolutionUse.objects.create(solution=solution, organization=buyer_org)  # its own body: not reuse
    SolutionUse.objects.create(solution=awarded[0].solution, organization=other)
    unsuccessful = _call(buyer_org, 9, state=CallState.UNSUCCESSFUL, published_days_ago=10, opened=True)
    return {"awarded": awarded, "unsuccessful": unsuccessful}


def _csv(client, series):
    response = client.get(f"/fr/acquisitions/tableau-de-bord/{series}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return {r["month"]: (float(r[series]) if r[series] else None, int(r["basis"])) for r in rows}


def _month(moment):
    return timezone.localtime(moment).strftime("%Y-%m")


def test_every_series_equals_a_direct_count(client, market):
    public = Call.objects.exclude(state=CallState.DRAFT).filter(published_at__isnull=False)
    calls = _csv(client, "calls")
    assert sum(v for v, _ in calls.values()) == public.count() == 5

    opened = public.filter(opened_at__isnull=False).annotate(
        n=Count("bids", filter=Q(bids__state=BidState.SUBMITTED)))
    bids = _csv(client, "bids_per_call")
    assert sum(basis for _, basis in bids.values()) == opened.count() == 4
    for month, (value, basis) in bids.items():
        in_month = [c.n for c in opened if _month(c.published_at) == month]
        assert value == round(sum(in_month) / len(in_month), 1) and basis == len(in_month)

    awarded = public.filter(awarded_bid__isnull=False)
    sme = _csv(client, "sme_share")
    won_by_sme = awarded.filter(awarded_bid__supplier__size__in=["micro", "small", "medium"]).count()
    assert sum(v * b / 100 for v, b in sme.values()) == pytest.approx(won_by_sme) and won_by_sme == 2

    first = _csv(client, "first_time_winners")
    assert sum(v for v, _ in first.values()) == Supplier.objects.filter(bids__in=[c.awarded_bid for c in awarded]) \
        .distinct().count() == 2

    pay = _csv(client, "days_to_pay")
    direct = [d.days_to_pay for d in Delivery.objects.filter(paid_on__isnull=False)]
    assert sum(v * b for v, b in pay.values()) == pytest.approx(sum(direct)) and sum(direct) == 2 + 3 + 4

    delivery = _csv(client, "delivery_days")
    assert sum(v * b for v, b in delivery.values()) == pytest.approx(2 * (2 + 3 + 4))

    reuse = _csv(client, "reuse_share")
    reused = (Delivery.objects.filter(accepted_at__isnull=False, call__solution__uses__organization__slug="ville")
              .count())
    assert sum(v * b / 100 for v, b in reuse.values()) == pytest.approx(reused) and reused == 1
    assert sum(b for _, b in reuse.values()) == Delivery.objects.filter(accepted_at__isnull=False).count()


def test_page_and_unknown_series(client, market, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = client.get("/fr/acquisitions/tableau-de-bord/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Part des contrats adjugés à des PME" in text and "<svg" in text and "<caption" in text
    assert client.get("/fr/acquisitions/tableau-de-bord/nimporte.csv").status_code == 404
    english = client.get("/en/procurement/dashboard/").content.decode()
    assert "Market dashboard" in english and "Days to pay" in english


def test_empty_dashboard(client):
    page = client.get("/fr/acquisitions/tableau-de-bord/").content.decode()
    assert "Aucune donnée pour l'instant." in page
    assert _csv(client, "calls") == {}


def test_summary_agrees_with_its_numbers_in_both_languages(client, buyer_org):
    """The summary at the top said "1 fournisseurs" and, in English, "Suppliers : 1 suppliers" and "100.0 %"."""
    import html
    import re

    call = _call(buyer_org, 1, state=CallState.PAID, published_days_ago=20, opened=True)
    call.awarded_bid = Bid.objects.create(call=call, supplier=_supplier(1, "micro"), submitted_at=NOW)
    call.save()

    def summary(path):
        body = client.get(path).content.decode()
        listing = re.search(r'<ul class="dashboard-summary">(.*?)</ul>', body, re.S).group(1)
        return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", listing)]

    french = summary("/fr/acquisitions/tableau-de-bord/")
    assert "Premiers contrats (fournisseurs gagnant pour la première fois) : 1 fournisseur" in french
    assert "Appels publiés : 1 appel" in french
    assert "Part des contrats adjugés à des PME : 100,0 %" in french
    english = summary("/en/procurement/dashboard/")
    assert "First contracts (suppliers winning for the first time): 1 supplier" in english
    assert "Share of contracts awarded to SMEs: 100.0%" in english
    assert not [item for item in english if " : " in item]
