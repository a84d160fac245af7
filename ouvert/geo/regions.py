"""Places to search by: Québec's 17 administrative regions and its largest municipalities, each
with a bounding box in WGS 84. A region's box is the extent of its SDA boundary (the offline
basemap's, :mod:`ouvert.geo.basemap`) rounded outward to 0.05°, which a test checks; a
municipality's is approximate. A search by place is a search by that box: a dataset matches when its
spatial coverage intersects it, as with ckanext-spatial's ``ext_bbox``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .bbox import BBox


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kind: object  # a lazy translated label
    bbox: BBox


REGION = _("Région administrative")
MUNICIPALITY = _("Municipalité")

PLACES = [Place(code, name, REGION, BBox(*box)) for code, name, box in [
    ("ra-01", "Bas-Saint-Laurent", (-70.20, 47.05, -65.90, 49.20)),
    ("ra-02", "Saguenay–Lac-Saint-Jean", (-74.50, 47.95, -69.85, 52.85)),
    ("ra-03", "Capitale-Nationale", (-72.55, 46.55, -69.50, 48.20)),
    ("ra-04", "Mauricie", (-75.55, 46.15, -71.85, 49.05)),
    ("ra-05", "Estrie", (-73.15, 45.00, -70.35, 46.00)),
    ("ra-06", "Montréal", (-74.00, 45.35, -73.45, 45.75)),
    ("ra-07", "Outaouais", (-77.95, 45.35, -74.65, 47.85)),
    ("ra-08", "Abitibi-Témiscamingue", (-79.60, 46.20, -75.50, 49.05)),
    ("ra-09", "Côte-Nord", (-70.10, 48.00, -56.90, 55.00)),
    ("ra-10", "Nord-du-Québec", (-79.80, 48.90, -63.30, 62.60)),
    ("ra-11", "Gaspésie–Îles-de-la-Madeleine", (-67.70, 46.80, -60.40, 49.75)),
    ("ra-12", "Chaudière-Appalaches", (-72.10, 45.75, -69.60, 47.45)),
    ("ra-13", "Laval", (-73.90, 45.50, -73.50, 45.70)),
    ("ra-14", "Lanaudière", (-74.90, 45.65, -72.90, 47.80)),
    ("ra-15", "Laurentides", (-76.15, 45.40, -73.70, 47.80)),
    ("ra-16", "Montérégie", (-74.70, 44.95, -72.30, 46.15)),
    ("ra-17", "Centre-du-Québec", (-73.00, 45.55, -71.35, 46.60)),
]] + [Place(code, name, MUNICIPALITY, BBox(*box)) for code, name, box in [
    ("m-montreal", "Montréal", (-73.98, 45.41, -73.47, 45.70)),
    ("m-quebec", "Québec", (-71.55, 46.73, -71.13, 46.98)),
    ("m-laval", "Laval", (-73.89, 45.51, -73.53, 45.70)),
    ("m-gatineau", "Gatineau", (-75.95, 45.37, -75.35, 45.63)),
    ("m-longueuil", "Longueuil", (-73.53, 45.45, -73.33, 45.60)),
    ("m-sherbrooke", "Sherbrooke", (-72.10, 45.30, -71.79, 45.48)),
    ("m-saguenay", "Saguenay", (-71.40, 48.25, -70.70, 48.55)),
    ("m-levis", "Lévis", (-71.40, 46.57, -70.95, 46.85)),
    ("m-trois-rivieres", "Trois-Rivières", (-72.75, 46.25, -72.40, 46.48)),
    ("m-terrebonne", "Terrebonne", (-73.85, 45.66, -73.55, 45.80)),
    ("m-rimouski", "Rimouski", (-68.80, 48.30, -68.30, 48.50)),
]]
BY_CODE = {place.code: place for place in PLACES}


def place_get(code: str) -> Place | None:
    return BY_CODE.get(code)
