"""Real clients of data portals against a live Ouvert: frictionless (its CKAN adapter, which
publishes and reads packages through the Action API, and its validator on ``datapackage.json``),
and extruct, which reads the schema.org metadata of a dataset page as search engines do."""

from __future__ import annotations

import pytest
import requests

# a live server in a thread; what the clients read is the wire format, tested on both engines elsewhere
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.one_engine]

CSV = "station,debit,mesure_le\n1,1200,2024-05-01\n2,830,2024-05-02\n3,1515,2024-05-03\n"


@pytest.fixture
def portal(live_server, site_admin, make_token):
    """A live portal with the licence and theme the migrations seed (transactional tests empty them),
    one organization, and a site administrator's token."""
    import ckanapi

    from ouvert.catalog.models import Licence, Theme

    Licence.objects.get_or_create(slug="cc-by-4.0", defaults={
        "title_fr": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "title_en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/deed.fr", "is_default": True})
    Theme.objects.get_or_create(slug="transport", defaults={"title_fr": "Transport", "title_en": "Transportation"})
    token = make_token(site_admin)
    ckanapi.RemoteCKAN(live_server.url, apikey=token).action.organization_create(
        name="mtmd", title="Ministère des Transports et de la Mobilité durable", kind="ministry")
    return live_server.url, token


def test_frictionless_publishes_reads_and_validates(portal, tmp_path):
    from frictionless import Catalog, Package, Resource, validate
    from frictionless.portals import CkanControl

    url, token = portal
    table = tmp_path / "debits.csv"
    table.write_text(CSV, encoding="utf-8")
    package = Package(name="debits-circulation", title="Débits de circulation routière",
                      description="Comptages routiers journaliers par station, de mai 2024, pour trois stations.",
                      licenses=[{"name": "cc-by", "path": "https://creativecommons.org/licenses/by/4.0/"}],
                      resources=[Resource(path="debits.csv", name="debits")], basepath=str(tmp_path))
    package.infer()
    # frictionless's CKAN adapter: package_create, then resource_create with the file (multipart)
    package.publish(control=CkanControl(baseurl=url, apikey=token, organization_name="mtmd"))
    shown = requests.get(f"{url}/api/3/action/package_show", params={"id": "debits-circulation"},
                         headers={"Authorization": token}, timeout=10).json()["result"]
    assert shown["license_id"] == "cc-by" and shown["organization"]["name"] == "mtmd"
    # the table, then the descriptor frictionless uploads beside it
    assert [(r["name"], r["url_type"]) for r in shown["resources"]] == [("debits", "upload"), ("datapackage", "upload")]
    requests.post(f"{url}/api/3/action/package_patch", json={"id": "debits-circulation", "state": "active",
                                                             "private": False},
                  headers={"Authorization": token}, timeout=10).raise_for_status()

    # read back through the CKAN API, as a data user would, and the rows through the download URL
    read = Package(control=CkanControl(baseurl=url, dataset="debits-circulation"))
    assert read.title == "Débits de circulation routière"
    resource = read.get_resource("debits")
    assert resource.format == "csv"
    rows = resource.read_rows()
    assert [(row["station"], row["debit"]) for row in rows] == [(1, 1200), (2, 830), (3, 1515)]
    # catalogues: an organization's (package_search q=organization:…), a theme's (group_package_show), all
    requests.post(f"{url}/api/3/action/package_patch", json={"id": "debits-circulation",
                                                             "groups": [{"name": "transport"}]},
                  headers={"Authorization": token}, timeout=10).raise_for_status()
    for control in (CkanControl(baseurl=url, organization_name="mtmd"), CkanControl(baseurl=url, group_id="transport"),
                    CkanControl(baseurl=url)):
        assert Catalog(control=control).dataset_names == ["debits-circulation"], control

    # the Frictionless descriptor the portal publishes: valid, typed from the datastore
    report = validate(f"{url}/dataset/debits-circulation/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])
    descriptor = requests.get(f"{url}/dataset/debits-circulation/datapackage.json", timeout=10).json()
    table_resource = next(r for r in descriptor["resources"] if r["name"] == "debits")
    fields = {f["name"]: f["type"] for f in table_resource["schema"]["fields"]}
    assert fields == {"station": "integer", "debit": "integer", "mesure_le": "date"}


def test_extruct_reads_the_schema_org_dataset_of_a_page(portal):
    import extruct

    url, token = portal
    requests.post(f"{url}/api/3/action/package_create", json={
        "name": "bornes-recharge", "title": "Bornes de recharge", "owner_org": "mtmd", "license_id": "cc-by",
        "notes": "Emplacement des bornes de recharge publiques pour véhicules électriques au Québec.",
        "tags": [{"name": "energie"}], "groups": [{"name": "transport"}],
        "resources": [{"url": "https://donnees.example/bornes.csv", "name": "Bornes", "format": "CSV"}]},
        headers={"Authorization": token}, timeout=10).raise_for_status()
    requests.post(f"{url}/api/3/action/package_patch", json={"id": "bornes-recharge", "state": "active"},
                  headers={"Authorization": token}, timeout=10).raise_for_status()
    page = requests.get(f"{url}/fr/donnees/jeux/bornes-recharge/", timeout=10)
    data = extruct.extract(page.text, base_url=page.url, syntaxes=["json-ld"], uniform=True)
    datasets = [item for item in data["json-ld"] if item.get("@type") == "Dataset"]
    assert len(datasets) == 1
    dataset = datasets[0]
    assert dataset["name"] == "Bornes de recharge" and len(dataset["description"]) >= 50
    assert "creativecommons.org/licenses/by/4.0" in dataset["license"]
    assert dataset["keywords"] == ["energie"] or "energie" in dataset["keywords"]
    assert [d["contentUrl"] for d in dataset["distribution"]] == ["https://donnees.example/bornes.csv"]
    assert dataset["publisher"]["name"].startswith("Ministère des Transports")
