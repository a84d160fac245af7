"""French content on English pages is marked lang="fr": every text node of the main English pages
that holds French data (a dataset's or resource's title and description, an organization's name
without an English name, a consultation's title and summary, a keyword) must sit inside an element
whose nearest lang attribute is "fr", so that screen readers pronounce it as French — the
catalogue's filter labels and the options of the forms' organization drop-downs included."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LangOfText(HTMLParser):
    """Each text node of the body with the language in force there (the nearest lang attribute)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str, str]] = []  # (text, language, enclosing tag)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang")
        self.stack.append((tag, lang if lang is not None else (self.stack[-1][1] if self.stack else None)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        tags = [t for t, _l in self.stack]
        if not data.strip() or {"head", "script", "style"} & set(tags):
            return
        self.texts.append((" ".join(data.split()), self.stack[-1][1] if self.stack else "", tags[-1] if tags else ""))


def _quoted(text: str, value: str) -> bool:
    """A French name quoted inside an English sentence ('Resource "X": size unknown'): the sentence is
    English, and the quote shows the name as it is written."""
    return any(f"{a}{value}{b}" in text for a, b in (('"', '"'), ("“", "”"), ("« ", " »"), ("«", "»")))


def unmarked_french(body: str, french: list[str]) -> list[str]:
    """French values in text nodes whose language is not French (a select's options and the
    catalogue's filter labels included). Not checked: names quoted in an English sentence."""
    parser = _LangOfText()
    parser.feed(body)
    return [f"<{tag}> {text[:60]!r} (lang={lang})" for text, lang, tag in parser.texts
            if lang != "fr" and any(f in text and not _quoted(text, f) for f in french)]


@pytest.fixture
def french_platform(make_user, make_org, make_member):
    from ouvert.catalog import services as catalog
    from ouvert.consultations import services as consultations

    org = make_org("rimouski", kind="municipality", name_fr="Ville de Rimouski", name_en="")
    editor = make_user("editeur@rimouski.ca")
    make_member(editor, org, "editor")
    with translation.override("fr"):
        dataset = catalog.dataset_create(by=editor, organization=org, title="Patinoires extérieures",
                                         notes="Emplacement et état des patinoires extérieures de la ville.",
                                         keywords=["patinage", "hiver"])
        catalog.resource_create(dataset=dataset, by=editor, name="Liste des patinoires",
                                description="Une ligne par patinoire, mise à jour chaque matin.",
                                url="https://donnees.rimouski.example/patinoires.csv", format="CSV")
        catalog.dataset_publish(dataset=dataset, by=editor)
        now = timezone.now()
        consultation = consultations.consultation_create(
            organization=org, by=editor, title="Aménagement du parc riverain",
            summary="Donnez votre avis sur les sentiers du parc riverain.", body="Nous voulons vos idées.",
            topic="environment", region="01", contact_name="Équipe", contact_email="parc@rimouski.ca",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=20), purpose_stated=True,
            feedback_planned=True)
        consultations.consultation_publish(consultation=consultation, by=editor, force=True)
        catalog.request_create(by=editor, organization=org, title="Horaires des patinoires",
                               description="Les heures d'ouverture de chaque patinoire.")
    return org, dataset, consultation


FRENCH = ["Patinoires extérieures", "Emplacement et état des patinoires", "Liste des patinoires",
          "Une ligne par patinoire", "Ville de Rimouski", "Aménagement du parc riverain",
          "Donnez votre avis sur les sentiers", "patinage"]


def test_the_checker_sees_an_unmarked_french_title():
    assert unmarked_french('<html lang="en"><body><h1>Patinoires extérieures</h1></body></html>', FRENCH)
    assert not unmarked_french('<html lang="en"><body><h1 lang="fr">Patinoires <b>extérieures</b></h1></body>'
                               '</html>', FRENCH)
    assert unmarked_french('<select><option value="r">Ville de Rimouski</option></select>', FRENCH)
    assert not unmarked_french('<select><option value="r" lang="fr">Ville de Rimouski</option></select>', FRENCH)


def test_french_content_on_the_main_english_pages_is_marked_lang_fr(client, french_platform):
    org, dataset, consultation = french_platform
    resource = dataset.resources.get()
    with translation.override("en"):
        paths = [reverse("core:home"), reverse("catalog:search"), reverse("catalog:search") + "?q=patinoires",
                 dataset.get_absolute_url(),
                 reverse("catalog:resource_detail", kwargs={"name": dataset.name, "pk": resource.pk}),
                 reverse("core:organization_list"), org.get_absolute_url(), reverse("consultations:index"),
                 consultation.get_absolute_url()]
    problems = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        found = unmarked_french(response.content.decode(), FRENCH)
        if found:
            problems[path] = found
    assert not problems, "\n".join(f"{p}: {x}" for p, xs in problems.items() for x in xs)


def test_a_body_whose_english_name_is_its_french_name_is_marked(client, make_org):
    """"Université Laval" is also its English name: the demo gave it as name_en, and English pages read it
    with English pronunciation (no lang attribute), in the organization list as everywhere else."""
    make_org("ulaval", kind="public_body", name_fr="Université Laval", name_en="Université Laval")
    make_org("gatineau", kind="municipality", name_fr="Ville de Gatineau", name_en="City of Gatineau")
    english = client.get("/en/organizations/").content.decode()
    assert not unmarked_french(english, ["Université Laval", "Ville de Gatineau"])
    assert '<h2 lang="fr"><a href="/en/organizations/ulaval/">Université Laval</a>' in english
    assert "City of Gatineau" in english
    french = client.get("/fr/organisations/").content.decode()
    assert '<h2><a href="/fr/organisations/ulaval/">Université Laval</a>' in french


def test_the_french_filter_and_organization_name_mark_french_only_on_other_pages(make_org):
    from django.template import engines

    org = make_org("banq", kind="public_body", name_fr="Bibliothèque et Archives nationales du Québec", name_en="")
    template = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate with t=title|french %}Engagement {{ t }}{% endblocktranslate %} / "
        "{% organization_name org %}")
    with translation.override("en"):
        assert template.render({"title": "Ouvrir <les> données", "org": org}) == (
            'Engagement <span lang="fr">Ouvrir &lt;les&gt; données</span> / '
            '<span lang="fr">Bibliothèque et Archives nationales du Québec</span>')
    with translation.override("fr"):
        assert template.render({"title": "Ouvrir <les> données", "org": org}) == (
            "Engagement Ouvrir &lt;les&gt; données / Bibliothèque et Archives nationales du Québec")


def test_data_requests_and_the_calendar_mark_their_french_content(client, french_platform):
    from ouvert.catalog.models import DatasetRequest

    request = DatasetRequest.objects.get()
    with translation.override("en"):
        paths = [reverse("catalog:request_list"), request.get_absolute_url(), reverse("consultations:calendar")]
    french = [*FRENCH, "Horaires des patinoires", "Les heures d'ouverture"]
    for path in paths:
        body = client.get(path).content.decode()
        assert not unmarked_french(body, french), (path, unmarked_french(body, french))


def test_facet_labels_and_organization_options_in_french_are_marked(client, french_platform):
    """The catalogue's filters and the organization drop-downs: a French-only name says so."""
    org, _dataset, _consultation = french_platform
    client.force_login(org.memberships.first().user)
    with translation.override("en"):
        paths = [reverse("catalog:search"), reverse("catalog:dataset_create"), reverse("catalog:request_list"),
                 reverse("catalog:request_create"), reverse("consultations:index"), reverse("consultations:create"),
                 reverse("catalog:my_datasets")]
    for path in paths:
        body = client.get(path).content.decode()
        assert not unmarked_french(body, FRENCH), (path, unmarked_french(body, FRENCH))
    facets = client.get(paths[0]).content.decode()
    assert '<span lang="fr">Ville de Rimouski</span>' in facets and '<span lang="fr">patinage</span>' in facets
    form = client.get(paths[1]).content.decode()
    assert 'lang="fr">Ville de Rimouski</option>' in form
    with translation.override("fr"):  # a French page needs no mark
        french_form = client.get(reverse("catalog:dataset_create")).content.decode()
    assert ">Ville de Rimouski</option>" in french_form and 'lang="fr">Ville de Rimouski' not in french_form


def test_a_consultation_s_meetings_and_audience_are_marked(client, french_platform):
    from ouvert.consultations.models import Consultation, Event

    _org, _dataset, consultation = french_platform
    Consultation.objects.filter(pk=consultation.pk).update(target_public="Résidants des quartiers riverains")
    start = timezone.now() + dt.timedelta(days=3)
    Event.objects.create(consultation=consultation, title="Marche exploratoire", place="Chalet du parc",
                         address="12, rue du Rivage", description="Une marche d'une heure le long des sentiers.",
                         starts_at=start, ends_at=start + dt.timedelta(hours=1))
    with translation.override("en"):
        path = consultation.get_absolute_url()
    french = ["Résidants des quartiers", "Marche exploratoire", "Chalet du parc", "Une marche d'une heure"]
    body = client.get(path).content.decode()
    assert not unmarked_french(body, french), unmarked_french(body, french)
