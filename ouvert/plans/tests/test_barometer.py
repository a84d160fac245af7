"""Indicators and the barometer: every computed measure equals a count taken directly from the
database; methodology versions start new series; snapshots; the series as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from ouvert.core import actors
from ouvert.plans import measures, services

TODAY = timezone.localdate()
START = dt.date(TODAY.year, 1, 1)


def _aware(day, end=False):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max if end else dt.time.min))


@pytest.fixture
def platform(sct, coordinator, make_org, make_user, make_member, django_capture_on_commit_callbacks):
    """Datasets (conforming or not, public or draft), CSV resources (queryable or not), partner
    organizations of each kind, consultations this year and last year (digital or not), requests."""
    from ouvert.catalog import services as catalog
    from ouvert.catalog.models import Dataset
    from ouvert.consultations import services as consultations

    city = make_org("montreal", kind="municipality")
    city_editor = make_user()
    make_member(city_editor, city, "editor")
    made = []
    for i, (org, editor, publish, conforms) in enumerate([(sct, coordinator, True, True), (sct, coordinator, True, False),
                                                          (city, city_editor, True, True),
                                                          (sct, coordinator, False, True)]):
        dataset = catalog.dataset_create(by=editor, organization=org, title=f"Jeu {i}", name=f"jeu-{i}",
                                         notes="Un jeu de données pour vérifier les indicateurs calculés en direct.")
        if publish:
            catalog.dataset_publish(dataset=dataset, by=editor)
        Dataset.objects.filter(pk=dataset.pk).update(conforms=conforms)  # the quality report's verdict
        made.append(dataset)
    with django_capture_on_commit_callbacks(execute=True):  # ingested: queryable through the API
        catalog.resource_create(dataset=made[0], by=coordinator, name="a.csv",
                                file=SimpleUploadedFile("a.csv", b"nom,valeur\nx,1\ny,2\n"))
    catalog.resource_create(dataset=made[1], by=coordinator, name="b.csv",  # never ingested
                            file=SimpleUploadedFile("b.csv", b"nom,valeur\nx,1\n"))
    now = timezone.now()
    base = {"summary": "Pour les indicateurs.", "topic": "governance", "region": "all", "purpose_stated": True,
            "feedback_planned": True, "consent_text": "Merci."}
    for i, (opens, digital) in enumerate([(now - dt.timedelta(hours=2), True), (now - dt.timedelta(hours=1), False),
                                          (now - dt.timedelta(days=400), True)]):
        ways = {"has_survey": digital, "has_proposals": False, "has_discussion": False, "has_briefs": False}
        c = consultations.consultation_create(organization=sct, by=coordinator, title=f"Consultation {i}",
                                              opens_at=opens, closes_at=opens + dt.timedelta(days=30),
                                              **base, **ways)
        consultations.consultation_publish(consultation=c, by=coordinator, force=True)
    citizen = make_user()
    requests = [catalog.request_create(by=citizen, title=f"Demande {i}", organization=sct,
                                       description="Des données dont nous aurions besoin pour un projet.")
                for i in range(3)]
    catalog.request_answer(request=requests[0], by=coordinator, status="planned", answer="Prévu.",
                           target_date=TODAY + dt.timedelta(days=90))
    return made


@pytest.mark.django_db
def test_every_computed_measure_equals_a_direct_count(platform, make_plan, contact, coordinator):
    from ouvert.plans.models import Milestone as M

    plan = make_plan(deadline=TODAY - dt.timedelta(days=3))
    services.progress_post(milestone=M.objects.get(commitment__plan=plan, number="1.1"), text="Fait.",
                           level="complete", evidence_kind="dataset", evidence_key="jeu-0", by=coordinator)
    from ouvert.catalog.models import Dataset, DatasetRequest, Resource
    from ouvert.consultations.models import Consultation
    from ouvert.core.models import Organization
    from ouvert.datastore.models import DatastoreTable

    public = Dataset.objects.filter(state="active", private=False)
    new = public.filter(first_published_at__gte=_aware(START), first_published_at__lte=_aware(TODAY, True))
    csvs = Resource.objects.filter(dataset__in=public, format__iexact="CSV", created_at__gte=_aware(START))
    queryable = DatastoreTable.objects.filter(resource_id__in=csvs.values("id")).values("resource_id").distinct()
    year = Consultation.objects.filter(published_at__isnull=False, opens_at__year=TODAY.year)
    last = Consultation.objects.filter(published_at__isnull=False, opens_at__year=TODAY.year - 1)
    digital = year.filter(opens_at__gte=_aware(START)).exclude(has_survey=False, has_proposals=False,
                                                               has_discussion=False, has_briefs=False)
    made = DatasetRequest.objects.filter(created_at__gte=_aware(START))
    expected = {
        "catalog.datasets": public.count(),
        "catalog.partners.municipality": Organization.objects.filter(kind="municipality", datasets__in=public).distinct().count(),
        "catalog.partners.ministry": Organization.objects.filter(kind="ministry", datasets__in=public).distinct().count(),
        "catalog.new_conforming": round(100 * new.filter(conforms=True).count() / new.count(), 2),
        "catalog.new_csv_queryable": round(100 * queryable.count() / csvs.count(), 2),
        "catalog.requests_answered": round(100 * made.filter(answered_at__isnull=False).count() / made.count(), 2),
        "consultations.per_year": year.count(),
        "consultations.growth": round(100 * (year.count() - last.count()) / last.count(), 2),
        "consultations.digital": round(100 * digital.count() / year.count(), 2),
    }
    from ouvert.plans.models import Milestone

    milestones = Milestone.objects.filter(commitment__plan__published_at__isnull=False)
    counted = milestones.exclude(level="not_pursued")
    expected["plans.milestones_complete"] = (round(100 * counted.filter(level="complete").count() / counted.count(), 2)
                                             if counted.count() else 0.0)
    expected["plans.milestones_late"] = milestones.filter(deadline__lt=TODAY).exclude(
        level__in=["complete", "not_pursued"]).count()
    got = {key: measures.compute(key, start=START, end=TODAY) for key in expected}
    assert got == pytest.approx(expected)
    # the fixture is not degenerate: each share is strictly between its bounds or a real count
    assert expected["catalog.new_csv_queryable"] == 50 and expected["consultations.digital"] == 50
    assert expected["catalog.datasets"] == 3 and expected["catalog.partners.municipality"] == 1
    assert expected["plans.milestones_complete"] == 50 and expected["plans.milestones_late"] == 1


@pytest.mark.django_db
def test_procurement_and_openaccess_slots_wait_for_their_apps():
    from django.apps import apps

    for key, app in (("procurement.awarded_count", "ouvert.procurement"), ("openaccess.compliance", "ouvert.openaccess")):
        assert (measures.get(key) is not None) == apps.is_installed(app)


@pytest.mark.django_db
def test_barometer_live_value_snapshot_and_new_series(client, platform, sct, coordinator):
    indicator = services.indicator_create(
        key="consultations-numeriques", title="Consultations offrant un moyen numérique", unit="%", target=75,
        target_date=dt.date(2030, 3, 31), organization=sct, definition="Part des consultations numériques.",
        measure="consultations.digital", baseline_date=START, by=coordinator)
    live = measures.compute("consultations.digital", start=START, end=TODAY)
    page = client.get("/fr/plans-action/barometre/").content.decode()
    assert "Consultations offrant un moyen numérique" in page and f"{live:g} %" in page.replace(",", ".")
    assert "<svg" not in page  # no reading yet: no chart
    if START == TODAY:
        pytest.skip("on the 1st of January there is no earlier day in the window")
    call_command("plans", "snapshot", "--date", (TODAY - dt.timedelta(days=1)).isoformat())
    assert services.snapshot_take(on=TODAY, by=actors.SCHEDULE) == 1
    page = client.get("/fr/plans-action/barometre/").content.decode()
    assert "<svg" in page
    points = re.search(r'<polyline class="plans-chart-line" points="([^"]*)"', page).group(1).split()
    assert len(points) == 2 and all(re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?", p) for p in points), points
    assert re.search(r'y1="\d+(\.\d+)?"', page)  # the target line, unlocalized numbers
    assert "<table>" in page
    before = measures.compute("consultations.digital", start=START, end=TODAY - dt.timedelta(days=1))
    trend = "stable" if before == live else (f"en hausse (+{live - before:g})" if live > before else "en baisse")
    assert trend in page
    services.methodology_publish(indicator=indicator, definition="Nouvelle définition : questionnaire seulement.",
                                 measure="consultations.digital", by=coordinator)
    services.snapshot_take(on=TODAY, by=actors.SCHEDULE)
    page = client.get("/fr/plans-action/barometre/").content.decode()
    assert "version 2" in page and "La définition a changé" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/fr/plans-action/barometre/consultations-numeriques.csv")
                                           .content.decode())))
    assert [(r["version"], r["date"]) for r in rows] == [
        ("1", (TODAY - dt.timedelta(days=1)).isoformat()), ("1", TODAY.isoformat()), ("2", TODAY.isoformat())]
    assert [float(r["value"]) for r in rows] == [before, live, live]
    english = client.get("/en/action-plans/barometer/").content.decode()
    assert "Open government barometer" in english and "computed live" in english


@pytest.mark.django_db
def test_hand_entered_values_need_a_source(sct, coordinator, client):
    from django.core.exceptions import ValidationError

    indicator = services.indicator_create(key="jeux", title="Jeux sur le portail", unit="nombre", target=1500,
                                          target_date=dt.date(2030, 1, 1), organization=sct,
                                          definition="Compté à la main.", by=coordinator)
    with pytest.raises(ValidationError):
        services.value_record(indicator=indicator, on=dt.date(2021, 12, 1), value=1200, source=" ", by=coordinator)
    services.value_record(indicator=indicator, on=dt.date(2021, 12, 1), value=1200,
                          source="Plan d'action 2021-2023", by=coordinator)
    page = client.get("/fr/plans-action/barometre/").content.decode()
    assert "1200 nombre" in page and "Plan d&#x27;action 2021-2023" in page
    assert client.get("/fr/plans-action/barometre/inconnu.csv").status_code == 404
    with pytest.raises(ValidationError):
        services.methodology_publish(indicator=indicator, definition="x", measure="pas.une.mesure", by=coordinator)


@pytest.mark.django_db
def test_indicator_managed_in_the_browser_forms(client, sct, coordinator, contact):
    import html

    indicator = services.indicator_create(key="jeux", title="Jeux sur le portail", unit="nombre", target=1500,
                                          target_date=dt.date(2030, 1, 1), organization=sct,
                                          definition="Compté à la main.", by=coordinator)
    url = "/fr/plans-action/barometre/jeux/gerer/"
    client.force_login(contact)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert "Gérer l" in client.get("/fr/plans-action/barometre/").content.decode()
    response = client.post(url, {"action": "value", "value-date": "2021-12-01", "value-value": "1200",
                                 "value-source": ""})
    assert response.status_code == 400 and "obligatoire" in html.unescape(response.content.decode())
    response = client.post(url, {"action": "value", "value-date": "2021-12-01", "value-value": "1200",
                                 "value-source": "Plan d'action 2021-2023"})
    assert response.status_code == 302
    response = client.post(url, {"action": "method", "method-definition": "Jeux publics sur la plateforme.",
                                 "method-measure": "catalog.datasets", "method-source": ""})
    assert response.status_code == 302
    assert list(indicator.versions.values_list("version", "measure")) == [(1, ""), (2, "catalog.datasets")]
    assert indicator.versions.get(version=1).values.get().value == 1200
