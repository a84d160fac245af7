"""The publishers' journey (issue 14): geographic resources, one data dictionary, load status and
quality on the dataset page, publishing with confirmation, and "my datasets"."""

from __future__ import annotations

import io
import zipfile

import pytest
import shapefile as pyshp
from django.core.files.uploadedfile import SimpleUploadedFile

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
