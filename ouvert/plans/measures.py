"""The registry of measures an indicator can be computed from, live, over a period.

A measure is a function ``compute(start=, end=) -> float`` over the dates ``start``..``end``
(inclusive). The plans app registers the catalogue's and the consultations' measures itself, from
``PlansConfig.ready()``, reading their models only inside the functions. Another app adds its own
from its ``AppConfig.ready()``::

    from ouvert.plans import measures
    measures.register(measures.Measure("procurement.awarded_count", _("…"), "nombre", compute))

or, to keep that app free of any import of plans, plans registers it here when the app is installed
(see :func:`register_builtin`: the procurement and open-access slots call their selectors only when
computed). A measure nobody registered makes its indicator "not computable" on the barometer.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

__all__ = ["Measure", "compute", "get", "measures", "register", "register_builtin"]

Compute = Callable[..., float]


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise | str
    unit: str
    compute: Compute  # (*, start: date, end: date) -> float


_MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> None:
    _MEASURES[measure.key] = measure


def get(key: str) -> Measure | None:
    return _MEASURES.get(key)


def measures() -> list[Measure]:
    return sorted(_MEASURES.values(), key=lambda m: m.key)


def compute(key: str, *, start: dt.date, end: dt.date) -> float | None:
    measure = _MEASURES.get(key)
    if measure is None:
        return None
    return float(measure.compute(start=start, end=end))


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _aware(day: dt.date, *, end: bool) -> dt.datetime:
    """The first (or last) moment of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max if end else dt.time.min))


# The catalogue ----------------------------------------------------------------------------------

def _public_datasets() -> Any:  # a QuerySet of a model imported lazily
    from ouvert.catalog.models import Dataset, DatasetState

    return Dataset.objects.filter(state=DatasetState.ACTIVE, private=False)


def datasets_published(*, start: dt.date, end: dt.date) -> float:
    """Public datasets first published on or before ``end``."""
    return float(_public_datasets().filter(first_published_at__lte=_aware(end, end=True)).count())


def _partners(kind: str) -> Compute:
    def count(*, start: dt.date, end: dt.date) -> float:
        from ouvert.core.models import Organization

        ids = _public_datasets().filter(first_published_at__lte=_aware(end, end=True)).values("organization_id")
        return float(Organization.objects.filter(kind=kind, pk__in=ids).count())
    return count


def new_datasets_conforming(*, start: dt.date, end: dt.date) -> float:
    """Share (%) of the datasets first published in the period that conform to the publication
    guidelines (the catalogue's quality report: ``Dataset.conforms``)."""
    new = _public_datasets().filter(first_published_at__gte=_aware(start, end=False),
                                    first_published_at__lte=_aware(end, end=True))
    return _share(new.filter(conforms=True).count(), new.count())


def new_tabular_queryable(*, start: dt.date, end: dt.date) -> float:
    """Share (%) of the CSV resources added in the period to public datasets that are queryable
    through the API (they have a datastore table)."""
    from ouvert.catalog.models import Resource
    from ouvert.core.hooks import app_hooks

    ids = list(Resource.objects.filter(dataset__in=_public_datasets(), format__iexact="CSV",
                                       created_at__gte=_aware(start, end=False),
                                       created_at__lte=_aware(end, end=True)).values_list("id", flat=True))
    active: set[object] = set()
    for hook in app_hooks("catalog_datastore_active").values():
        active |= hook(resource_ids=ids)
    return _share(len(active & set(ids)), len(ids))


def requests_answered(*, start: dt.date, end: dt.date) -> float:
    """Share (%) of the dataset requests made in the period that have been answered."""
    from ouvert.catalog.models import DatasetRequest

    made = DatasetRequest.objects.filter(created_at__gte=_aware(start, end=False),
                                         created_at__lte=_aware(end, end=True))
    return _share(made.filter(answered_at__isnull=False).count(), made.count())


# Consultations ----------------------------------------------------------------------------------

def _consultations_between(start: dt.date, end: dt.date) -> Any:  # a QuerySet of a model imported lazily
    from ouvert.consultations.models import Consultation

    return Consultation.objects.filter(published_at__isnull=False, opens_at__gte=_aware(start, end=False),
                                       opens_at__lte=_aware(end, end=True))


def consultations_in_year(*, start: dt.date, end: dt.date) -> float:
    """Published consultations opening in the calendar year of ``end``."""
    return float(_consultations_between(dt.date(end.year, 1, 1), dt.date(end.year, 12, 31)).count())


def consultations_growth(*, start: dt.date, end: dt.date) -> float:
    """Growth (%) of the consultations opening in ``end``'s year over the year before."""
    this = _consultations_between(dt.date(end.year, 1, 1), dt.date(end.year, 12, 31)).count()
    before = _consultations_between(dt.date(end.year - 1, 1, 1), dt.date(end.year - 1, 12, 31)).count()
    return round(100.0 * (this - before) / before, 2) if before else 0.0


DIGITAL = Q(has_survey=True) | Q(has_proposals=True) | Q(has_discussion=True) | Q(has_briefs=True)


def consultations_digital(*, start: dt.date, end: dt.date) -> float:
    """Share (%) of the consultations opening in the period that offer a digital way to take part."""
    rows = _consultations_between(start, end)
    return _share(rows.filter(DIGITAL).count(), rows.count())


# The plans themselves ----------------------------------------------------------------------------

def milestones_complete(*, start: dt.date, end: dt.date) -> float:
    """Share (%) of the published plans' milestones (not pursued ones left out) that are complete."""
    from .models import Level, Milestone

    rows = Milestone.objects.filter(commitment__plan__published_at__isnull=False).exclude(level=Level.NOT_PURSUED)
    return _share(rows.filter(level=Level.COMPLETE).count(), rows.count())


def milestones_late(*, start: dt.date, end: dt.date) -> float:
    """Milestones of published plans whose deadline is before ``end`` and that are neither complete
    nor not pursued."""
    from .models import Level, Milestone

    return float(Milestone.objects.filter(commitment__plan__published_at__isnull=False, deadline__lt=end)
                 .exclude(level__in=[Level.COMPLETE, Level.NOT_PURSUED]).count())


# Slots filled by apps built in parallel (called only when computed) -----------------------------

def _selector(module: str, name: str) -> Callable[..., tuple[float, float]]:
    selector: Callable[..., tuple[float, float]] = getattr(importlib.import_module(module), name)
    return selector


def _awarded(index: int) -> Compute:
    def value(*, start: dt.date, end: dt.date) -> float:
        return float(_selector("ouvert.procurement.selectors", "awarded_calls_summary")(start=start, end=end)[index])
    return value


def openaccess_compliance(*, start: dt.date, end: dt.date) -> float:
    compliant, total = _selector("ouvert.openaccess.selectors", "compliance_summary")(start=start, end=end)
    return _share(int(compliant), int(total))


def register_builtin() -> None:
    from ouvert.core.models import OrganizationKind

    percent = "%"
    if apps.is_installed("ouvert.catalog"):
        register(Measure("catalog.datasets", _("Jeux de données publiés"), "nombre", datasets_published))
        for kind, label in OrganizationKind.choices:
            register(Measure(f"catalog.partners.{kind}",
                             format_lazy("{} : {}", _("Organisations partenaires qui publient"), label),
                             "nombre", _partners(kind)))
        register(Measure("catalog.new_conforming", _("Part des nouveaux jeux conformes aux lignes directrices"),
                         percent, new_datasets_conforming))
        register(Measure("catalog.new_csv_queryable", _("Part des nouvelles ressources CSV interrogeables par l'API"),
                         percent, new_tabular_queryable))
        register(Measure("catalog.requests_answered", _("Part des demandes de données traitées"),
                         percent, requests_answered))
    if apps.is_installed("ouvert.consultations"):
        register(Measure("consultations.per_year", _("Consultations publiques dans l'année"), "nombre",
                         consultations_in_year))
        register(Measure("consultations.growth", _("Croissance annuelle du nombre de consultations"), percent,
                         consultations_growth))
        register(Measure("consultations.digital", _("Part des consultations offrant la participation numérique"),
                         percent, consultations_digital))
    register(Measure("plans.milestones_complete", _("Part des jalons complétés"), percent, milestones_complete))
    register(Measure("plans.milestones_late", _("Jalons en retard sur leur échéance"), "nombre", milestones_late))
    if apps.is_installed("ouvert.procurement"):
        register(Measure("procurement.awarded_count", _("Micro-acquisitions attribuées"), "nombre", _awarded(0)))
        register(Measure("procurement.awarded_value", _("Valeur des micro-acquisitions attribuées"), "$", _awarded(1)))
    if apps.is_installed("ouvert.openaccess"):
        register(Measure("openaccess.compliance", _("Part des articles financés conformes au libre accès"), percent,
                         openaccess_compliance))
