"""Demo layers: every geographic file of the catalogue's demo (the real Montréal and Gatineau files
of the demo data pack, ``ouvert/catalog/demo_data``) is mapped at once, and a layer of Québec's
administrative regions (their approximate extents) is published as a catalogue dataset owning its
file: maps are read as their resource stands."""

from __future__ import annotations

import json
import uuid

from ouvert.core import actors
from ouvert.core.models import Organization

from .catalog_adapter import resource_layer_name
from .models import GeoLayer
from .regions import PLACES, REGION
from .services import layer_load_bytes

NAMESPACE = uuid.UUID("6f1d3c52-8b0e-4a5e-9a43-0c5e3f1b2d77")


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
        stored_name = resource.file.name or ""
        if not is_geographic(data, stored_name):
            continue
        layer_load_bytes(resource_id=resource.pk, data=data, filename=stored_name.rsplit("/", 1)[-1],
                         dataset_id=resource.dataset_id, organization=resource.dataset.organization,
                         name=resource_layer_name(resource.pk), by=actors.DEMO)
        if stdout:
            stdout.write(f"  couche géographique : {resource.dataset.title} — {resource.name}")
        loaded = True
    return loaded


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
                     dataset_id=demo_dataset_id(resource_id), name=title, by=actors.DEMO)
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
    return loaded
