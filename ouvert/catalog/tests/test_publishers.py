"""The publishers' journey (issue 14): geographic resources, one data dictionary, load status and
quality on the dataset page, publishing with confirmation, and "my datasets"."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import shapefile as pyshp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ouvert.catalog import services

WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
             'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')


def zipped_shapefile(inner: str = "merge") -> bytes:
    """A two-district shapefile (WGS 84) in a ZIP, its parts named ``inner``.*."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with pyshp.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=pyshp.POLYGON) as writer:
        writer.field("NOM", "C", size=40)
        writer.field("NUMERO", "N", size=4)
        writer.poly([[[-73.6, 45.5], [-73.5, 45.5], [-73.5, 45.6], [-73.6, 45.5]]])
        writer.record("Ahuntsic", 1)
        writer.poly([[[-73.7, 45.4], [-73.6, 45.4], [-73.6, 45.5], [-73.7, 45.4]]])
        writer.record("Verdun", 2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for ext, part in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"{inner}.{ext}", part.getvalue())
        archive.writestr(f"{inner}.prj", WGS84_PRJ)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_zipped_shapefile_is_shp_named_after_dataset_map_first_no_geometry_text(client, publisher, make_dataset):
    from ouvert.geo.models import GeoLayer

    user, org = publisher
    dataset = make_dataset(user, org, title="Districts électoraux")
    resource = services.resource_create(dataset=dataset, by=user,
                                        file=SimpleUploadedFile("merge.zip", zipped_shapefile()))
    assert resource.format == "SHP"
    layer = GeoLayer.objects.get(resource_id=resource.pk)
    assert layer.name == "Districts électoraux"
    body = client.get(resource.get_absolute_url()).content.decode()
    assert "geo-preview" in body and "data-ds-preview" in body
    assert body.index("geo-preview") < body.index("data-ds-preview")  # the map comes first
    preview = body[body.index("data-ds-preview"):]
    assert 'data-sort="NOM"' in preview and 'data-sort="geometry"' not in preview
    assert 'data-fields="NOM,NUMERO"' in preview
    assert "POLYGON" not in body
    # a named resource keeps its own name for its layer; an office ZIP stays ZIP
    named = services.resource_create(dataset=dataset, by=user, name="Limites 2025",
                                     file=SimpleUploadedFile("x.zip", zipped_shapefile("autre")))
    assert GeoLayer.objects.get(resource_id=named.pk).name == "Limites 2025"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "rien de géographique")
    plain = services.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile("notes.zip", other.getvalue()))
    assert plain.format == "ZIP"


def _edit_data(resource, **dictionary):
    data = {"name": resource.name, "description": "", "format": resource.format, "encoding": resource.encoding}
    data.update({f"dico-{k}": v for k, v in dictionary.items()})
    return data


@pytest.mark.django_db(transaction=True)
def test_one_dictionary_edited_in_a_table_reaches_the_datastore_and_reloads_on_type_change(
        client, publisher, make_dataset):
    from ouvert.datastore.models import DatastoreTable

    user, org = publisher
    dataset = make_dataset(user, org, title="Comptages")
    resource = services.resource_create(
        dataset=dataset, by=user, data_dictionary=[{"name": "site", "description": "Lieu du compteur"}],
        file=SimpleUploadedFile("comptages.csv", b"annee,site,velos\n2020,Berri,1200\n2021,Rachel,1350\n"))
    client.force_login(user)
    url = reverse("catalog:resource_edit", args=[dataset.name, resource.pk])
    page = client.get(url).content.decode()
    assert 'name="dico-0-type"' in page and '<option value="int" selected>entier</option>' in page
    assert "Lieu du compteur" in page  # the catalogue's description fills the table's gap
    assert 'name="data_dictionary"' not in page  # no second dictionary
    with translation.override("en"):
        english = client.get(reverse("catalog:resource_edit", args=[dataset.name, resource.pk])).content.decode()
    assert "integer" in english and "Accepted types:" in english

    bad = client.post(url, _edit_data(resource, **{"0-type": "entier-long", "0-label": "Année",
                                                   "1-unit": "x" * 60}))
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Type de la colonne annee" in body and "Unité de la colonne site" in body
    assert 'href="#id_dico-0-type"' in body

    ok = client.post(url, _edit_data(resource, **{
        "0-type": "text", "0-label": "Année", "0-description": "Année du comptage", "0-unit": "",
        "1-type": "text", "1-label": "site", "1-description": "Lieu du compteur", "1-unit": "",
        "2-type": "int", "2-label": "velos", "2-description": "Vélos comptés", "2-unit": "vélos par jour",
        "2-decimal_mark": ""}), follow=True)
    assert ok.status_code == 200
    table = DatastoreTable.objects.get(resource_id=resource.pk)
    annee = table.field("annee")
    assert annee["type"] == "text" and annee["label"] == "Année" and annee["description"] == "Année du comptage"
    assert table.field("velos")["unit"] == "vélos par jour"
    resource.refresh_from_db()
    assert {e["name"]: e["type"] for e in resource.data_dictionary} == {"annee": "text", "site": "text",
                                                                       "velos": "int"}
    shown = client.get(resource.get_absolute_url()).content.decode()
    assert shown.count("Année du comptage") == 1 and "vélos par jour" in shown


@pytest.mark.django_db
def test_dataset_page_shows_each_load_and_a_current_quality_block(client, publisher, make_dataset):
    from ouvert.core.messages import message
    from ouvert.datastore.models import IngestJob, JobStatus
    from ouvert.datastore.services import datastore_ingest_schedule

    user, org = publisher
    dataset = make_dataset(user, org, title="Arbres", publish=False)
    services.dataset_quality_refresh(dataset=dataset)  # the report as it stood before any upload
    waiting = services.resource_create(dataset=dataset, by=user,
                                       file=SimpleUploadedFile("arbres.csv", b"espece,hauteur\nerable,12\n"))
    broken = services.resource_create(dataset=dataset, by=user,
                                      file=SimpleUploadedFile("casse.csv", b"a;b\n1;2\n"))
    services.resource_create(dataset=dataset, by=user, url="https://exemple.quebec/page", format="HTML",
                             name="Page d'origine", is_documentation=True)
    # (on_commit never runs in this test: the jobs are scheduled by hand, as the upload would)
    for resource in (waiting, broken):
        datastore_ingest_schedule(resource_id=resource.pk, source_path=resource.file.name,
                                  original_name=resource.name, organization=org, by=user)
    IngestJob.objects.filter(resource_id=broken.pk).update(
        status=JobStatus.FAILED, error=message("source.json_invalid", error="ligne 1"))
    client.force_login(user)
    body = client.get(dataset.get_absolute_url()).content.decode()
    assert "État des chargements" in body
    assert "en attente de chargement" in body
    assert "échec du chargement" in body and "JSON invalide : ligne 1." in body
    assert "documentation (rien à charger)" in body
    assert "Aucune ressource en ligne" not in body  # the stored report predates the uploads: shown as of now
    assert "Bilan provisoire" in body
    assert 'id="load-status" data-loading' in body and "catalog/loads.js" in body  # refreshed while it loads
    with translation.override("en"):
        english = client.get(dataset.get_absolute_url()).content.decode()
    assert "Load status" in english and "waiting to be loaded" in english and "load failed" in english
    client.logout()
    assert "État des chargements" not in client.get(dataset.get_absolute_url() + "?apercu=1").content.decode()


@pytest.mark.django_db
def test_non_conforming_dataset_is_published_only_after_its_summary_is_confirmed(client, publisher, make_dataset):
    user, org = publisher
    dataset = make_dataset(user, org, title="Sans thème", publish=False)
    client.force_login(user)
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert "Publier… (non conforme : voir le bilan)" in page  # no one-click publish
    url = reverse("catalog:dataset_publish", args=[dataset.name])
    summary = client.post(url)
    body = summary.content.decode()
    assert summary.status_code == 200 and "n'est pas conforme" in body
    assert "M1" in body and "M6" in body and "Comment corriger" in body
    dataset.refresh_from_db()
    assert dataset.state == "draft"
    stale = client.post(url, {"confirmer_regles": "M1"})  # not the rules failing now
    assert stale.status_code == 200 and "ont changé depuis votre confirmation" in stale.content.decode()
    assert client.post(url, {"confirmer_regles": summary.context["rules"]}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == "active"
    with translation.override("en"):
        other = make_dataset(user, org, title="Brouillon anglais", publish=False)
        english = client.get(reverse("catalog:dataset_publish", args=[other.name])).content.decode()
    assert "does not conform" in english and "Publish anyway" in english


@pytest.mark.django_db
def test_my_datasets_lists_my_organizations_datasets_drafts_first_linked_from_my_account(
        client, publisher, make_dataset, make_user, make_org, make_member):
    user, org = publisher
    published = make_dataset(user, org, title="Parcs publiés")
    draft = make_dataset(user, org, title="Zones brouillon", publish=False)
    other = make_org("gatineau")
    stranger = make_user()
    make_member(stranger, other, "editor")
    make_dataset(stranger, other, title="Jeu d'une autre ville", publish=False)
    make_dataset(stranger, other, title="Jeu public d'une autre ville")
    client.force_login(user)
    profile = client.get(reverse("core:profile")).content.decode()
    url = reverse("catalog:my_datasets")
    assert f'href="{url}"' in profile and "Mes jeux de données et brouillons" in profile
    body = client.get(url).content.decode()
    assert body.index("Zones brouillon") < body.index("Parcs publiés")
    assert "Brouillon" in body and "Publié" in body and "autre ville" not in body
    assert "dont 1 brouillon" in body
    listed = client.get(url, {"format": "json"}).json()["results"]
    assert [d["name"] for d in listed] == [draft.name, published.name]
    with translation.override("en"):
        english = client.get(reverse("catalog:my_datasets")).content.decode()
    assert "My datasets and drafts" in english and "Draft" in english
    citizen = make_user()
    client.force_login(citizen)
    assert "Mes jeux de données" not in client.get(reverse("core:profile")).content.decode()
    assert "Aucun jeu de données" in client.get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_a_documentation_link_is_not_data_for_f1_nor_conformity(publisher, make_dataset):
    from ouvert.catalog import selectors
    from ouvert.catalog.models import Theme
    from ouvert.harvest.remote import dataset_input

    user, org = publisher
    dataset = make_dataset(
        user, org, title="Écoles", keywords=["écoles", "élèves", "effectifs"],
        themes=[Theme.objects.get_or_create(slug="education", defaults={"title_fr": "Éducation"})[0]],
        contact_email="donnees@laval.ca", spatial="Ville de Laval", temporal_start=dt.date(2024, 1, 1),
        update_frequency="irregular",
        notes="Écoles primaires de Laval : nom, adresse, effectifs par niveau, recueillis chaque rentrée par le "
              "centre de services scolaire ; les écoles privées n'y sont pas.")
    services.resource_create(dataset=dataset, by=user, file=SimpleUploadedFile(
        "ecoles.geojson", b'{"type": "FeatureCollection", "features": []}'))
    page = services.resource_create(dataset=dataset, by=user, url="https://www.donneesquebec.ca/recherche/dataset/x",
                                    name="Page d'origine sur Données Québec", format="HTML", is_documentation=True)
    services.resource_create(dataset=dataset, by=user, url="https://exemple.qc.ca/guide.csv", format="CSV",
                             name="Guide (tableau explicatif)", is_documentation=True)
    refreshed = services.dataset_quality_refresh(dataset=dataset)
    assert refreshed.conforms, refreshed.quality_report["failed_rules"]
    assert not [f for f in refreshed.quality_report["findings"] if f.get("where", {}).get("resource") == str(page.pk)]
    start, end = selectors.quality_period()
    rates = selectors.conformity_rates(start=start, end=end, organization=org)
    assert (rates.datasets, rates.conforming, rates.tabular_resources) == (1, 1, 0)
    make_dataset(user, org, title="Tout juste publié")  # its check is queued (on_commit never runs here)
    rates = selectors.conformity_rates(start=start, end=end, organization=org)
    assert (rates.datasets, rates.conforming, rates.unchecked, rates.conformity_rate) == (1, 1, 1, 100.0)
    # A harvested CKAN resource of type "documentation" arrives as documentation.
    harvested = dataset_input({"name": "x", "title": "X", "resources": [
        {"name": "Page d'origine sur Données Québec", "url": "https://www.donneesquebec.ca/x", "format": "HTML",
         "resource_type": "documentation"}, {"name": "Données", "url": "https://exemple.qc.ca/x.csv"}]})
    assert [r.is_documentation for r in harvested.resources] == [True, False]
