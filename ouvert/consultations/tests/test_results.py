"""Results, charts, filters, free-text search, exports, open-data export, metrics, listing filters."""

import csv
import io
import json

import pytest

from ouvert.consultations import services
from ouvert.consultations.exports import consultation_open_data_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey, make_consultation):
    from ouvert.consultations.models import Consultation

    q = survey.q
    Consultation.objects.filter(pk=survey.pk).update(ask_demographics=True)
    survey.refresh_from_db()
    rows = [
        ("Oui", ["En ligne"], 5, "Publier les données de dépenses", "35-54"),
        ("Oui", ["En ligne", "En personne"], 4, "Des données sur les délais", "18-34"),
        ("Non", None, 2, "Un tableau de bord des données", "35-54"),
    ]
    for used, how, scale, idea, age in rows:
        answers = {f"q{q['used'].pk}": used, f"q{q['scale'].pk}": scale, f"q{q['idea'].pk}": idea,
                   f"q{q['rank'].pk}": ["Participation", "Transparence", "Innovation"],
                   f"q{q['grid'].pk}": {"Données": "Élevée"}}
        if how:
            answers[f"q{q['how'].pk}"] = how
        services.participation_submit_all(consultation=survey, user=None, answers=answers, consent=True,
                                          demographics={"age_band": age})
    return survey


def test_live_results_for_organizers_with_accessible_charts(client, answered, organizer):
    url = f"/fr/consultations/{answered.slug}/resultats/"
    assert client.get(url).status_code == 404  # participation still open: not public yet
    client.force_login(organizer)
    html = client.get(url).content.decode()
    assert "3 participants" in html
    assert '<th scope="row">Oui</th><td>2</td><td>66,7 %</td>' in html  # the numbers, not only the bar
    assert '<svg aria-hidden="true"' in html and 'width="66.7"' in html
    assert "Rang moyen" in html and "données" in html  # keywords from free text
    html = client.get(url, {"age_band": "35-54"}).content.decode()
    assert "2 participants" in html
    html = client.get(url, {"recherche": "délais"}).content.decode()
    assert "1 réponse contient « délais »" in html
    data = client.get(url, {"format": "json"}).json()
    assert data["participants"] == 3


def test_english_results_mark_the_questions_and_choices_as_french(client, answered, organizer):
    """Questions, choices and grid rows are the organizer's French text: lang="fr" on the English page."""
    client.force_login(organizer)
    html = client.get(f"/en/consultations/{answered.slug}/results/").content.decode()
    assert "1. <span lang=\"fr\">Déjà participé?</span></h2>" in html
    assert '<th scope="row" lang="fr">Oui</th><td>2</td><td>66.7%</td>' in html
    assert '<h3 lang="fr">Données</h3>' in html and '<th scope="row" lang="fr">Transparence</th>' in html
    assert 'Results: <span lang="fr">' in html
    assert '<caption class="visually-hidden" lang="fr">Déjà participé?</caption>' in html


def test_exports_one_row_per_participant_readable_with_conditions(client, answered, organizer):
    q = answered.q
    client.force_login(organizer)
    response = client.get(f"/fr/consultations/{answered.slug}/resultats/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert len(rows) == 4
    assert "Comment?" in header and "Priorités — Données" in header and "Priorités — Recherche" in header
    how = header.index("Comment?")
    assert [r[how] for r in rows[1:]] == ["En ligne", "En ligne; En personne", "s.o."]
    assert rows[1][header.index("Classez")] == "Participation; Transparence; Innovation"
    xlsx = client.get(f"/fr/consultations/{answered.slug}/resultats/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 4 and sheet.cell(1, 4).value == q["used"].label
    data = json.loads(client.get(f"/fr/consultations/{answered.slug}/resultats/export.json").content)
    assert len(data["participants"]) == 3 and data["participants"][0]["Déjà participé?"] == "Oui"
    client.logout()
    assert client.get(f"/fr/consultations/{answered.slug}/resultats/export.csv").status_code == 403


def test_open_data_export_is_anonymized(answered, settings):
    settings.CONSULTATIONS_OPEN_DATA_MIN_GROUP = 2
    package = consultation_open_data_export(consultation=answered)
    content = package["files"][0]["content"].decode("utf-8-sig")
    assert "Publier les données de dépenses" not in content  # no free text
    assert "Votre idée" not in content and "Pièce jointe" not in content
    assert "35-54" in content  # socio-demographic group, apart from free text
    meta = package["metadata"]
    assert meta["rows"] == 3 and meta["license"] == "CC-BY-4.0" and len(meta["checksum_sha256"]) == 64
    assert package["files"][0]["name"].endswith("-resultats-anonymises.csv")


def test_metrics_selectors_and_page(client, answered, org):
    from ouvert.consultations.selectors import consultation_metrics, organization_metrics, platform_metrics

    assert consultation_metrics(consultation=answered)["participants"] == 3
    org_metrics = organization_metrics(organization=org)
    assert org_metrics["consultations"] == 1 and org_metrics["answers"] > 3
    platform = platform_metrics()
    assert platform["digital_share_percent"] == 100.0 and platform["growth"]["consultations"] == 1
    assert json.dumps(platform)  # plain data for the barometer
    html = client.get("/fr/consultations/indicateurs/").content.decode()
    assert "Part offrant une participation numérique" in html
    assert client.get("/en/consultations/metrics/", {"format": "json"}).json()["platform"]["participants"] == 3


def test_listing_filters_calendar_and_query_count(client, make_consultation, organizer, django_assert_max_num_queries):
    open_one = make_consultation(title="Ouverte maintenant", has_survey=False)
    upcoming = make_consultation(title="Bientôt", opens=10, closes=40, has_survey=False, topic="transport",
                                 region="06")
    for c in (open_one, upcoming):
        services.consultation_publish(consultation=c, by=organizer)
    for n in range(5):
        services.consultation_publish(consultation=make_consultation(title=f"Autre {n}", has_survey=False),
                                      by=organizer)
    with django_assert_max_num_queries(8):
        html = client.get("/fr/consultations/").content.decode()
    assert "Ouverte maintenant" in html and "Bientôt" in html
    html = client.get("/fr/consultations/", {"status": "upcoming"}).content.decode()
    assert "Bientôt" in html and "Ouverte maintenant" not in html
    html = client.get("/fr/consultations/", {"topic": "transport", "region": "06", "q": "bient"}).content.decode()
    assert "Bientôt" in html and "Autre 1" not in html
    data = client.get("/fr/consultations/", {"status": "open", "format": "json"}).json()
    assert data["count"] == 6
    html = client.get("/fr/consultations/calendrier/").content.decode()
    assert "Ouverte maintenant" in html
    assert client.get("/fr/consultations/calendrier/", {"annee": "x"}).status_code == 200


def test_results_render_fast_on_many_answers(answered, django_assert_max_num_queries):
    from ouvert.consultations.selectors import consultation_results

    with django_assert_max_num_queries(6):
        data = consultation_results(consultation=answered)
    assert data["total"] == 3


def test_results_with_no_participant_are_not_published(client, survey, organizer):
    from ouvert.catalog.models import Dataset

    client.force_login(organizer)
    response = client.post(f"/fr/consultations/{survey.slug}/resultats/publier-donnees-ouvertes/", follow=True)
    assert "Aucun participant" in response.content.decode() and not Dataset.objects.exists()


def test_results_publish_as_an_open_dataset_in_the_catalogue(client, answered, organizer, make_user, settings,
                                                             django_capture_on_commit_callbacks):
    settings.CONSULTATIONS_OPEN_DATA_MIN_GROUP = 2
    answered.keywords = "budget participatif, consultation publique"
    answered.save(update_fields=["keywords"])
    from ouvert.catalog.models import Dataset
    from ouvert.datastore.models import DatastoreTable  # noqa: F401 — the catalogue may ingest the CSV

    outsider = make_user()
    client.force_login(outsider)
    url = f"/fr/consultations/{answered.slug}/resultats/publier-donnees-ouvertes/"
    assert client.post(url).status_code == 403
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):  # the upload's load into the datastore
        response = client.post(url)
    assert response.status_code == 302
    dataset = Dataset.objects.get(name=f"consultation-{answered.slug}-resultats")
    assert dataset.organization == answered.organization and dataset.state == "active"
    # The consultation's theme, keywords and territory travel with the results.
    assert [t.slug for t in dataset.themes.all()] == ["gouvernement-finances"] and dataset.spatial == "Québec"
    assert {"consultation publique", "gouvernance et gouvernement ouvert", "budget participatif"} <= {
        k.name for k in dataset.keywords.all()}
    resource = dataset.resources.get()
    assert resource.format == "CSV" and resource.size > 0
    raw = resource.file.read()
    content = raw.decode("utf-8")
    assert "Publier les données de dépenses" not in content and "35-54" in content
    # The platform's own file follows the publication guidelines: plain UTF-8 (F2), yes/no answers as
    # true/false (F9), a unit for each measure (F10) and every column described (F12).
    assert not raw.startswith(b"\xef\xbb\xbf")
    used = next(csv.DictReader(io.StringIO(content)))["Déjà participé?"]
    assert used in ("true", "false", "s.o.")
    columns = {c["name"]: c for c in resource.data_dictionary}
    assert columns["participant"]["type"] == "identifiant" and all(c["description"] for c in columns.values())
    from ouvert.catalog.services import dataset_quality_refresh

    report = dataset_quality_refresh(dataset=dataset).quality_report
    failed = {f["rule"] for f in report["findings"] if f["status"] in ("fail", "warning")}
    assert not failed & {"F2", "F9", "F10", "F12", "M2", "M5"}, [f for f in report["findings"] if f["rule"] in failed]
    from ouvert.datastore.selectors import tables_for_resource

    (table,) = tables_for_resource(resource.pk)  # the report read the typed table, not only the file
    types = {f["id"]: f["type"] for f in table.fields}
    assert types["Déjà participé?"] == "bool" and types["participant"] == "int"
    # The public finds it in the catalogue and the results page links to it.
    client.logout()
    assert "Résultats anonymisés" in client.get("/fr/donnees/?q=resultats+anonymises").content.decode()
    # Publishing again refreshes the file instead of creating a second dataset.
    client.force_login(organizer)
    client.post(url)
    assert Dataset.objects.filter(name=f"consultation-{answered.slug}-resultats").count() == 1
    assert dataset.resources.count() == 1
    assert dataset.get_absolute_url() in client.get(f"/fr/consultations/{answered.slug}/resultats/").content.decode()
