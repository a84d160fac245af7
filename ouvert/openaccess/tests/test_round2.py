"""Round 2: the dates inside compliance explanations are written per language (never ISO), on the
pages and in the API; the guide's webinar list comes from the consultation the setting names."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ouvert.openaccess.services import publication_declare

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_explanation_dates_are_written_per_language(frq, make_user, article, client):
    late = publication_declare(data=article(title="Ouvert en retard", route="deposit", version="accepted",
                                            licence="CC-BY-4.0", published_on=dt.date(2024, 3, 1),
                                            opened_on=dt.date(2024, 9, 15)), by=make_user())
    fr = client.get(f"/api/v1/openaccess/publications/{late.pk}").json()["compliance"]
    en = client.get(f"/api/v1/openaccess/publications/{late.pk}", HTTP_ACCEPT_LANGUAGE="en").json()["compliance"]
    assert fr["status"] == "late"
    assert fr["reasons"][0]["text"] == "Ouvert le 15 septembre 2024, 198 jours après la date limite du 1er mars 2024."
    assert "Sept. 15, 2024" in en["reasons"][0]["text"] and "March 1, 2024" in en["reasons"][0]["text"]
    french = f"/fr/libre-acces/articles/{late.pk}/"
    for path in (french, f"/en/open-access/articles/{late.pk}/"):
        page = client.get(path).content.decode()
        reasons = re.search(r'<ul class="oa-reasons">(.*?)</ul>', page, re.S)
        assert reasons is not None and not ISO.search(reasons.group(1)), reasons
    assert "15 septembre 2024" in client.get(french).content.decode()
    assert not ISO.search(client.get(french + "?format=json").json()["compliance"]["reasons"][0]["text"])


def test_webinar_list_follows_the_setting(db, make_org, make_user, make_member, client, settings):
    from ouvert.consultations.models import Consultation
    from ouvert.openaccess.demo import _webinars, demo_load

    frqs = None
    for code in ("frqnt", "frqs", "frqsc"):
        org = make_org(code)
        frqs = org if code == "frqs" else frqs
    demo_load()
    staff = make_user()
    make_member(staff, frqs, role="admin")
    _webinars(staff)
    slug = Consultation.objects.get().slug
    settings.OPENACCESS_WEBINARS_CONSULTATION = slug
    assert f"/fr/consultations/{slug}/#rencontres" in client.get("/fr/libre-acces/guide/").content.decode()
    settings.OPENACCESS_WEBINARS_CONSULTATION = ""
    assert "#rencontres" not in client.get("/fr/libre-acces/guide/").content.decode()
    Consultation.objects.filter(slug=slug).update(slug="formations-science-ouverte")
    settings.OPENACCESS_WEBINARS_CONSULTATION = "formations-science-ouverte"
    assert "/fr/consultations/formations-science-ouverte/#rencontres" in client.get(
        "/fr/libre-acces/guide/").content.decode()
