"""The ministries' dashboard (side by side, counted from the database) and the open-government
committee (members, terms, meetings, agendas, minutes)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouvert.plans import selectors, services
from ouvert.plans.models import Level, Milestone


@pytest.mark.django_db
def test_dashboard_counts_each_body_side_by_side(client, make_plan, contact, coordinator, public_dataset, body,
                                                 django_assert_max_num_queries):
    from ouvert.catalog.models import Dataset

    plan = make_plan(deadline=dt.date(2020, 1, 1))
    services.progress_post(milestone=Milestone.objects.get(commitment__plan=plan, number="1.1"), text="Fait.",
                           level=Level.COMPLETE, evidence_kind="dataset", evidence_key=public_dataset.name,
                           by=coordinator)
    rows = {r.organization.slug: r for r in selectors.dashboard()}
    sct_milestones = Milestone.objects.filter(responsible_body__slug="sct")
    assert rows["sct"].milestones == sct_milestones.count()
    assert rows["sct"].complete_late == sct_milestones.filter(level="complete").count()  # done after 2020
    assert rows["banq"].late == Milestone.objects.filter(responsible_body=body, deadline__lt=timezone.localdate()).count()
    assert rows["sct"].datasets == Dataset.objects.filter(organization__slug="sct", state="active").count()
    with django_assert_max_num_queries(12):
        page = html.unescape(client.get("/fr/plans-action/tableau-de-bord/").content.decode())
    assert "Secrétariat du Conseil du trésor" in page and "Bibliothèque et Archives nationales du Québec" in page
    english = client.get("/en/action-plans/dashboard/").content.decode()
    assert "Ministries and public bodies dashboard" in english


@pytest.mark.django_db
def test_committee_members_terms_meetings_and_minutes(client, sct, coordinator, make_org, make_user, contact):
    civil = make_org("oqi", kind="civil_society", name_fr="Observatoire québécois des inégalités")
    committee = services.committee_create(organization=sct, slug="comite", name="Comité en gouvernement ouvert",
                                          mandate="Conseiller le SCT.", created_on=dt.date(2021, 4, 1), by=coordinator)
    with pytest.raises(PermissionDenied):
        services.member_add(committee=committee, organization=civil, sector="civil_society",
                            term_start=dt.date(2021, 4, 1), by=contact)
    services.member_add(committee=committee, organization=civil, sector="civil_society",
                        term_start=dt.date(2021, 4, 1), term_end=dt.date(2023, 3, 31), by=coordinator)
    meeting = services.meeting_announce(committee=committee, held_on=dt.date(2022, 11, 15), title="Suivi",
                                        agenda="1. Jalons en retard", by=coordinator)
    page = client.get("/fr/plans-action/comite/comite/").content.decode()
    assert "Observatoire québécois des inégalités" in page and "31 mars 2023" in page and "(terminé)" in page
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Jalons en retard" in detail and "pas encore publié" in detail
    services.minutes_publish(meeting=meeting, minutes="Les membres ont proposé des pistes.", by=coordinator)
    assert "Les membres ont proposé des pistes." in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get("/en/action-plans/committee/comite/").status_code == 200
    assert client.get("/fr/plans-action/comite/inconnu/").status_code == 404
