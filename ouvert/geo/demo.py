"""Demo layers: the real Montréal and Gatineau files from ../shared/realdata when that folder is
beside the checkout (they are read in place, never copied), and always a layer of Québec's
administrative regions (their approximate extents), so that the map pages have something to show.
Each is published as a catalogue dataset owning its file: maps are read as their resource stands."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

from django.conf import settings

from ouvert.core.models import Organization

from .models import GeoLayer
from .regions import PLACES, REGION
from .services import layer_load_bytes

NAMESPACE = uuid.UUID("6f1d3c52-8b0e-4a5e-9a43-0c5e3f1b2d77")
QUEBEC = Path(settings.PROJECT_DIR).parent / "shared" / "realdata" / "quebec"

REAL_FILES = [  # (key, organization slug, name, path under realdata/quebec, dataset key)
    ("districts", "montreal", "Districts électoraux de Montréal (Québec Lambert MTQ)",
     "represent-canada-data/montreal-districts/merge.shp", "districts-montreal"),
    ("reseau-cyclable", "montreal", "Réseau cyclable de Montréal", "montreal-geojson/reseau-cyclable.geojson",
     "reseau-cyclable"),
    ("quartiers-sociologiques", "montreal", "Quartiers sociologiques (GeoJSON en Windows-1252)",
     "montreal-geojson/quartiers-sociologiques.json", "quartiers"),
    ("bornes-fontaines", "gatineau", "Bornes d'incendie de Gatineau (CSV avec WKT)",
     "gatineau-fire-hydrant/borne_fontaine.csv", "bornes-gatineau"),
    ("decoupage-orphelin", "gatineau", "Découpage administratif de Gatineau (.shp orphelin)",
     "gatineau-fire-hydrant/decoupage_administratif.shp", "decoupage-gatineau"),
]


def demo_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def regions_geojson() -> bytes:
    features = [{"type": "Feature", "properties": {"code": p.code, "nom": p.name, "numero": int(p.code[3:])},
                 "geometry": p.bbox.as_geojson_polygon()} for p in PLACES if p.kind == REGION]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def catalog_resources_load(stdout=None) -> bool:
    """Map every catalogue resource whose uploaded file is geographic (keyed by the resource's id)."""
    from django.apps import apps

    from .tasks import is_geographic

    if not apps.is_installed("ouvert.catalog"):
        return False
    resource_model = apps.get_model("catalog", "Resource")
    existing = set(GeoLayer.objects.values_list("resource_id", flat=True))
    loaded = False
    for resource in resource_model.objects.exclude(file="").select_related("dataset__organization"):
        if resource.pk in existing:
            continue
        with resource.file.open("rb") as handle:
            data = handle.read()
        if not is_geographic(data, resource.file.name):
            continue
        layer_load_bytes(resource_id=resource.pk, data=data, filename=resource.file.name.rsplit("/", 1)[-1],
                         dataset_id=resource.dataset_id, organization=resource.dataset.organization,
                         name=resource.name, by=None)
        if stdout:
            stdout.write(f"  couche géographique : {resource.dataset.title} — {resource.name}")
        loaded = True
    return loaded


def _file_bytes(path: Path) -> tuple[str, bytes]:
    """A loose shapefile travels as a ZIP of its parts (as a publisher uploads it); other files as they are."""
    if path.suffix.lower() != ".shp":
        return path.name, path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(path.parent.glob(path.stem + ".*")):
            archive.write(part, part.name)
    return f"{path.stem}.zip", buffer.getvalue()


def _publish(key: str, org_slug: str, title: str, filename: str, data: bytes, stdout=None) -> bool:
    """Publish a demo map as a catalogue dataset with its file (an orphan layer would be readable by
    nobody), then read the layer at once so that the map shows before any worker runs."""
    from .catalog_adapter import demo_dataset_publish

    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        return False
    resource_id = demo_dataset_publish(name=f"carte-{key}", organization=organization, title=title,
                                       filename=filename, data=data)
    if resource_id is None or GeoLayer.objects.filter(resource_id=resource_id).exists():
        return False
    layer_load_bytes(resource_id=resource_id, data=data, filename=filename, organization=organization,
                     dataset_id=demo_dataset_id(resource_id), name=title, by=None)
    if stdout:
        stdout.write(f"  couche géographique : {title}")
    return True


def demo_dataset_id(resource_id: uuid.UUID) -> uuid.UUID | None:
    from .catalog_adapter import resource_dataset_id

    return resource_dataset_id(resource_id)


def geo_demo_load(stdout=None) -> bool:
    loaded = catalog_resources_load(stdout)
    loaded = _publish("regions", "sct", "Régions administratives du Québec (étendues approximatives)",
                      "regions-administratives.geojson", regions_geojson(), stdout) or loaded
    for key, org_slug, name, relative, _dataset_key in REAL_FILES:
        path = QUEBEC / relative
        if not path.exists():
            continue
        filename, data = _file_bytes(path)
        loaded = _publish(key, org_slug, name, filename, data, stdout) or loaded
    return loaded
