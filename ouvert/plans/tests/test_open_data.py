"""The barometer's indicators outside any plan as open datasets, one per responsible body, kept
up to date by the daily command (``ouvert plans daily``: snapshot, refresh, reminders; idempotent)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ouvert.catalog.models import Dataset
from ouvert.plans import services
from ouvert.plans.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def loose(sct, coordinator, plan):
    """An indicator of the SCT outside any plan (the plan's own has one too)."""
    services.indicator_create(key="du-plan", title="Jalons du plan", unit="%", target=100,
                              target_date=dt.date(2030, 3, 31), organization=sct, plan=plan,
                              definition="Part des jalons du plan complétés.", measure="plans.milestones_complete",
                              by=coordinator)
    return services.indicator_create(
        key="jalons-completes", title="Jalons complétés", unit="%", target=100, target_date=dt.date(2030, 3, 31),
        organization=sct, definition="Part des jalons complétés.", measure="plans.milestones_complete", baseline=0,
        by=coordinator)


def test_a_body_publishes_its_indicators_outside_plans(client, loose, coordinator, contact, body,
                                                       django_capture_on_commit_callbacks):
    services.snapshot_take(on=timezone.localdate() - dt.timedelta(days=1))
    url = "/fr/plans-action/barometre/donnees-ouvertes/sct/"
    client.force_login(contact)  # an editor of another body
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    page = client.get("/fr/plans-action/barometre/").content.decode()
    assert url in page and "pas encore publié" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    dataset = Dataset.objects.get(name="barometre-sct")
    assert response["Location"] == dataset.get_absolute_url() and dataset.organization.slug == "sct"
    files = {r.name: r.file.read().decode() for r in dataset.resources.all()}
    assert sorted(files) == ["fiches-methodologiques.csv", "indicateurs.csv"]
    series = files["indicateurs.csv"].splitlines()
    stored = IndicatorValue.objects.filter(series__indicator=loose).count()
    assert len(series) == 1 + stored and all(line.startswith("jalons-completes,") for line in series[1:])
    assert "du-plan" not in files["indicateurs.csv"]  # the plan's indicator goes with the plan
    sheets = files["fiches-methodologiques.csv"].splitlines()
    assert sheets[0].startswith("indicator,title,version,measure,definition") and "Part des jalons complétés." \
        in sheets[1]
    assert dataset.get_absolute_url() in client.get("/fr/plans-action/barometre/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fr/plans-action/barometre/donnees-ouvertes/{body.slug}/")  # nothing outside plans there
    assert not Dataset.objects.filter(name=f"barometre-{body.slug}").exists()


def test_the_daily_command_snapshots_refreshes_and_reminds_once(client, loose, coordinator, capsys,
                                                                django_capture_on_commit_callbacks):
    from ouvert.plans.publishing import barometer_open_data_publish

    with django_capture_on_commit_callbacks(execute=True):
        dataset = barometer_open_data_publish(organization=loose.organization, by=coordinator)
    ids = set(dataset.resources.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("plans", "daily")
    first = capsys.readouterr().out
    assert "1 jeu de données du baromètre mis à jour" in first
    values = IndicatorValue.objects.count()
    assert values == 2  # today's value of each computable indicator
    today = timezone.localdate().isoformat()
    refreshed = Dataset.objects.get(name="barometre-sct")
    assert set(refreshed.resources.values_list("pk", flat=True)) == ids
    assert today in refreshed.resources.get(name="indicateurs.csv").file.read().decode()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("plans", "daily")  # again the same day: nothing new
    assert IndicatorValue.objects.count() == values and "0 rappel envoyé." in capsys.readouterr().out
