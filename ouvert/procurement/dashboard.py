"""The public market dashboard (reads): series by month of a call's publication, computed from the
database over public calls only (never a draft), the same for every reader.

- ``calls``: calls published.
- ``bids_per_call``: bids not withdrawn per call, over calls whose bids are opened (a sealed call's
  bids are not counted, so nothing is learnt before its deadline).
- ``sme_share``: share of awards won by a micro, small or medium business (%).
- ``first_time_winners``: awards won by a supplier with no earlier award (earlier = published before).
- ``delivery_days``: days from the award to the delivery, on average.
- ``days_to_pay``: days from acceptance to payment, on average.
- ``reuse_share``: share of accepted deliveries whose solution, or the free-software catalogue entry it
  entered, another body declares it uses (%).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext

from ouvert.core import access
from ouvert.core.dates import plural_count

from .models import ELIGIBLE_SIZES, BidState, Call, CallChange, CallState, Eligibility, SoftwareUse, SolutionUse

__all__ = ["SERIES", "Point", "Series", "market_series"]

SME_SIZES = ELIGIBLE_SIZES[Eligibility.SME]


@dataclass(frozen=True)
class Point:
    month: str  # YYYY-MM
    value: float | int | None  # counts are whole numbers, means and shares rounded to 0.1
    basis: int  # how many calls, awards or deliveries the value is computed over


@dataclass(frozen=True)
class Series:
    slug: str
    title: str | Promise
    unit: str | Promise
    basis_label: str | Promise
    points: list[Point]
    overall: float | int | None
    overall_basis: int

    def overall_unit(self) -> str:
        """The unit after the overall value, agreeing with it ("1 appel", "3 appels")."""
        counted = COUNTED_UNITS.get(self.slug)
        return counted(self.overall or 0) if counted else str(self.unit)

    @property
    def is_share(self) -> bool:
        """A percentage, written as each language writes one ("33,3 %", "33.3%")."""
        return self.slug in SHARES

    def overall_basis_label(self) -> str:
        """What the overall value is computed over, agreeing with its number ("1 adjudication")."""
        counted = COUNTED_BASES.get(self.slug)
        return counted(self.overall_basis) if counted else str(self.basis_label)

    def bars(self) -> list[tuple[Point, float]]:
        """Each point with its bar's length (0–100, relative to the largest value)."""
        top = max((p.value or 0 for p in self.points), default=0) or 1
        return [(p, round(100 * (p.value or 0) / top, 1)) for p in self.points]


SERIES: dict[str, tuple[str | Promise, str | Promise, str | Promise]] = {
    "calls": (_("Appels publiés"), _("appels"), _("appels")),
    "bids_per_call": (_("Soumissions par appel"), _("soumissions par appel"), _("appels ouverts")),
    "sme_share": (_("Part des contrats adjugés à des PME"), _("%"), _("adjudications")),
    "first_time_winners": (_("Premiers contrats (fournisseurs gagnant pour la première fois)"), _("fournisseurs"),
                           _("adjudications")),
    "delivery_days": (_("Délai de livraison"), _("jours en moyenne"), _("livraisons")),
    "days_to_pay": (_("Délai de paiement"), _("jours en moyenne"), _("paiements")),
    "reuse_share": (_("Part des livraisons réutilisées par un autre organisme"), _("%"), _("livraisons acceptées")),
}


SHARES = {"sme_share", "reuse_share"}

# The same labels after a number, singular or plural (the column headers above stay plural).
COUNTED_UNITS: dict[str, Callable[[float], str]] = {
    "calls": lambda n: npgettext("décompte", "appel", "appels", plural_count(n)),
    "first_time_winners": lambda n: npgettext("décompte", "fournisseur", "fournisseurs", plural_count(n)),
    "delivery_days": lambda n: npgettext("décompte", "jour en moyenne", "jours en moyenne", plural_count(n)),
    "days_to_pay": lambda n: npgettext("décompte", "jour en moyenne", "jours en moyenne", plural_count(n)),
}
COUNTED_BASES: dict[str, Callable[[int], str]] = {
    "calls": lambda n: npgettext("décompte", "appel", "appels", plural_count(n)),
    "bids_per_call": lambda n: npgettext("décompte", "appel ouvert", "appels ouverts", n),
    "sme_share": lambda n: npgettext("décompte", "adjudication", "adjudications", n),
    "first_time_winners": lambda n: npgettext("décompte", "adjudication", "adjudications", n),
    "delivery_days": lambda n: npgettext("décompte", "livraison", "livraisons", n),
    "days_to_pay": lambda n: npgettext("décompte", "paiement", "paiements", n),
    "reuse_share": lambda n: npgettext("décompte", "livraison acceptée", "livraisons acceptées", n),
}


def _month(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _share(flags: list[bool]) -> float | None:
    return round(100 * sum(flags) / len(flags), 1) if flags else None


def market_series() -> list[Series]:
    """Every series of the dashboard, in :data:`SERIES` order (a constant number of queries)."""
    calls = list(Call.objects.filter(pk__in=access.readable_keys(None, "procurement_call"),
                                     published_at__isnull=False)
                 .select_related("awarded_bid__supplier", "delivery", "solution")
                 .annotate(n_bids=Count("bids", filter=Q(bids__state=BidState.SUBMITTED)))
                 .order_by("published_at", "pk"))
    ids = [c.pk for c in calls]
    awarded_at: dict[int, dt.datetime] = {}
    for call_id, at in (CallChange.objects.filter(call_id__in=ids, state=CallState.AWARDED)
                        .values_list("call_id", "at").order_by("at")):
        awarded_at[call_id] = at
    reused = set(SolutionUse.objects.filter(solution__call_id__in=ids)
                 .exclude(organization_id=F("solution__call__organization_id"))
                 .values_list("solution__call_id", flat=True)) if ids else set()
    if ids:  # or the free-software catalogue entry the accepted delivery entered
        reused |= set(SoftwareUse.objects.filter(software__call_id__in=ids)
                      .exclude(organization_id=F("software__call__organization_id"))
                      .values_list("software__call_id", flat=True))
    raw: dict[str, dict[str, list[float]]] = {slug: defaultdict(list) for slug in SERIES}
    seen_winners: set[int] = set()
    for call in calls:
        month = _month(call.published_at) if call.published_at else ""
        raw["calls"][month].append(1)
        if call.opened_at is not None:
            raw["bids_per_call"][month].append(call.n_bids)
        bid = call.awarded_bid
        if bid is not None:
            raw["sme_share"][month].append(float(bid.supplier.size in SME_SIZES))
            raw["first_time_winners"][month].append(float(bid.supplier_id not in seen_winners))
            seen_winners.add(bid.supplier_id)
        delivery = getattr(call, "delivery", None)
        if delivery is None:
            continue
        if call.pk in awarded_at:
            raw["delivery_days"][month].append((delivery.submitted_at - awarded_at[call.pk]).total_seconds() / 86400)
        if delivery.days_to_pay is not None:
            raw["days_to_pay"][month].append(delivery.days_to_pay)
        if delivery.accepted_at is not None:
            raw["reuse_share"][month].append(float(call.pk in reused))
    summary: dict[str, Callable[[list[float]], float | int | None]] = {
        "calls": lambda v: len(v), "bids_per_call": _mean, "sme_share": lambda v: _share([x > 0 for x in v]),
        "first_time_winners": lambda v: int(sum(v)), "delivery_days": _mean, "days_to_pay": _mean,
        "reuse_share": lambda v: _share([x > 0 for x in v])}
    result = []
    for slug, (title, unit, basis_label) in SERIES.items():
        by_month = raw[slug]
        points = [Point(month=m, value=summary[slug](v), basis=len(v)) for m, v in sorted(by_month.items())]
        everything = [x for v in by_month.values() for x in v]
        result.append(Series(slug=slug, title=title, unit=unit, basis_label=basis_label, points=points,
                             overall=summary[slug](everything) if everything else None,
                             overall_basis=len(everything)))
    return result

