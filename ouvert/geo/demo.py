"""Demo layers: every geographic file of the catalogue's demo (the real Montréal and Gatineau files
of the demo data pack, ``ouvert/catalog/demo_data``) is mapped at once, and Québec's 17 administrative
regions and 104 MRC (the real SDA boundaries of the offline basemap, ``ouvert/geo/BASEMAP.md``) are
published as catalogue datasets owning their file: maps are read as their resource stands."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ouvert.core import actors
from ouvert.core.models import Organization

from . import basemap
from .catalog_adapter import resource_layer_name
from .models import GeoLayer
from .services import layer_load_bytes

NAMESPACE = uuid.UUID("6f1d3c52-8b0e-4a5e-9a43-0c5e3f1b2d77")


def demo_id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


@dataclass(frozen=True)
class DemoMap:
    """A demo map published as a dataset: its key, its metadata in both languages and its file."""
    key: str
    title: str
    title_en: str
    notes: str
    notes_en: str
    keywords: str
    keywords_en: str
    filename: str
    data: Callable[[], bytes]
    dictionary: tuple[dict[str, str], ...] = ()


def _basemap_layer(path: Path, more: Callable[[dict], dict]) -> bytes:
    """A layer of the offline basemap as a demo file: each shape with its code, its French name (``nom``)
    and what ``more`` adds from its properties."""
    source = json.loads(path.read_text(encoding="utf-8"))
    features = [{"type": "Feature", "properties": {"code": p["code"], "nom": p["name"], **more(p)},
                 "geometry": f["geometry"]} for f in source["features"] for p in [f["properties"]]]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def regions_geojson() -> bytes:
    """The 17 administrative regions as the offline basemap draws them (real SDA boundaries), with their number."""
    return _basemap_layer(basemap.FILE, lambda p: {"numero": int(p["code"][3:])})


def mrc_geojson() -> bytes:
    """The 104 MRC and equivalent territories of the offline basemap, with their region."""
    return _basemap_layer(basemap.MRC_FILE, lambda p: {"region": p["region"]})


SDA_NOTE = ("Limites tirées du Système sur les découpages administratifs (SDA) du gouvernement du Québec, "
            "1/20 000, version V2026-05 (ministère des Ressources naturelles et des Forêts), simplifiées pour "
            "la carte de base hors ligne d'Ouvert (à environ 2 km pour les régions, 400 m pour les MRC). "
            "Licence : CC BY 4.0, © Gouvernement du Québec.")
SDA_NOTE_EN = ("Boundaries from the Gouvernement du Québec's Système sur les découpages administratifs (SDA), "
               "1:20,000, version V2026-05 (Ministère des Ressources naturelles et des Forêts), simplified for "
               "Ouvert's offline basemap (to about 2 km for the regions, 400 m for the MRC). Licence: CC BY 4.0, "
               "© Gouvernement du Québec.")
GEOMETRY = {"name": "geometry", "type": "texte", "description": "Contour (polygone en WKT, WGS 84)", "unit": ""}
MAPS = (
    DemoMap("regions", "Régions administratives du Québec", "Administrative regions of Québec",
            "Les 17 régions administratives du Québec, avec leur code et leur numéro.",
            "The 17 administrative regions of Québec, with their code and number.",
            "carte, territoire, régions administratives", "map, territory, administrative regions",
            "regions-administratives.geojson", regions_geojson,
            ({"name": "code", "type": "identifiant", "description": "Code de la région (ra- suivi de son numéro)",
              "unit": ""},
             {"name": "nom", "type": "texte", "description": "Nom officiel de la région administrative", "unit": ""},
             {"name": "numero", "type": "entier", "description": "Numéro officiel de la région (1 à 17)", "unit": ""},
             GEOMETRY)),
    DemoMap("mrc", "MRC et territoires équivalents du Québec",
            "Regional county municipalities (MRC) and equivalent territories of Québec",
            "Les 104 municipalités régionales de comté (MRC) et territoires équivalents du Québec, avec leur "
            "code, leur nom et leur région administrative.",
            "The 104 regional county municipalities (MRC) and equivalent territories of Québec, with their code, "
            "name and administrative region.",
            "carte, territoire, MRC, municipalités régionales de comté",
            "map, territory, regional county municipalities",
            "mrc.geojson", mrc_geojson,
            ({"name": "code", "type": "identifiant", "description": "Code de la MRC ou du territoire équivalent "
              "(mrc- suivi de son code géographique)", "unit": ""},
             {"name": "nom", "type": "texte", "description": "Nom de la MRC ou du territoire équivalent", "unit": ""},
             {"name": "region", "type": "identifiant", "description": "Code de sa région administrative (ra-)",
              "unit": ""},
             GEOMETRY)),
)


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


def _publish(item: DemoMap, org_slug: str, stdout=None) -> bool:
    """Publish a demo map as a catalogue dataset with its file (an orphan layer would be readable by
    nobody), then read the layer at once so that the map shows before any worker runs."""
    from .catalog_adapter import demo_dataset_publish

    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        return False
    data = item.data()
    resource_id = demo_dataset_publish(
        name=f"carte-{item.key}", organization=organization, title=item.title, title_en=item.title_en,
        notes=f"{item.notes}\n\n{SDA_NOTE}", notes_en=f"{item.notes_en}\n\n{SDA_NOTE_EN}", keywords=item.keywords,
        keywords_en=item.keywords_en, filename=item.filename, data=data, data_dictionary=list(item.dictionary))
    if resource_id is None or GeoLayer.objects.filter(resource_id=resource_id).exists():
        return False
    layer_load_bytes(resource_id=resource_id, data=data, filename=item.filename, organization=organization,
                     dataset_id=demo_dataset_id(resource_id), name=item.title, by=actors.DEMO)
    if stdout:
        stdout.write(f"  couche géographique : {item.title}")
    return True


def demo_dataset_id(resource_id: uuid.UUID) -> uuid.UUID | None:
    from .catalog_adapter import resource_dataset_id

    return resource_dataset_id(resource_id)


def geo_demo_load(stdout=None) -> bool:
    loaded = catalog_resources_load(stdout)
    for item in MAPS:
        loaded = _publish(item, "sct", stdout) or loaded
    return loaded
