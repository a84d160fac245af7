"""ckanext-spatial's ``ext_bbox`` (and our ``ext_place``) in ``package_search``."""

from __future__ import annotations

import ckanapi
import pytest

from conftest import shared_path
from ouvert.core.actors import INGEST

MONTREAL_BBOX = "-73.7,45.45,-73.5,45.6"
GATINEAU_BBOX = "-76,45.3,-75.3,45.7"


def montreal_dataset(make_user, make_org, make_member, public_rid):
    from ouvert.catalog import services as catalog
    from ouvert.geo.services import layer_load_path

    org = make_org("montreal", kind="municipality")
    editor = make_user()
    make_member(editor, org, "editor")
    dataset = catalog.dataset_create(by=editor, organization=org, title="Murales de Montréal",
                                     notes="Emplacement des murales subventionnées.")
    catalog.dataset_publish(dataset=dataset, by=editor)
    layer_load_path(resource_id=public_rid(dataset.pk), by=INGEST, dataset_id=dataset.pk,
                    path=shared_path("realdata", "quebec", "montreal-geojson", "murales.geojson"))
    return dataset


@pytest.mark.django_db
def test_package_search_ext_bbox_over_http(client, make_user, make_org, make_member, public_rid):
    dataset = montreal_dataset(make_user, make_org, make_member, public_rid)
    url = "/api/3/action/package_search"
    found = client.get(url, {"ext_bbox": MONTREAL_BBOX}).json()["result"]
    assert [r["id"] for r in found["results"]] == [str(dataset.pk)] and found["count"] == 1
    assert client.get(url, {"ext_bbox": GATINEAU_BBOX}).json()["result"]["count"] == 0
    assert client.get(url).json()["result"]["count"] == 1
    bad = client.get(url, {"ext_bbox": "1,2,3"})
    assert bad.status_code == 409
    assert bad.json()["error"]["__type"] == "Validation Error" and "ext_bbox" in bad.json()["error"]
    assert client.get(url, {"ext_place": "nulle-part"}).status_code == 409


@pytest.mark.django_db(transaction=True)
def test_package_search_ext_bbox_with_ckanapi(live_server, make_user, make_org, make_member, public_rid):
    dataset = montreal_dataset(make_user, make_org, make_member, public_rid)
    ckan = ckanapi.RemoteCKAN(live_server.url)
    found = ckan.action.package_search(ext_bbox=MONTREAL_BBOX)
    assert [r["id"] for r in found["results"]] == [str(dataset.pk)]
    assert ckan.action.package_search(ext_bbox=GATINEAU_BBOX)["count"] == 0
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(ext_bbox="nord")
