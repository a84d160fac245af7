"""Places to search by: Québec's 17 administrative regions and its largest municipalities, each
with an approximate bounding box in WGS 84 (rounded to about 0.05°, drawn from the regions'
published extents). A search by place is a search by that box: a dataset matches when its spatial
coverage intersects it, as with ckanext-spatial's ``ext_bbox``."""

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
    ("ra-01", "Bas-Saint-Laurent", (-70.20, 47.30, -66.90, 49.10)),
    ("ra-02", "Saguenay–Lac-Saint-Jean", (-75.30, 47.30, -69.60, 51.60)),
    ("ra-03", "Capitale-Nationale", (-73.00, 46.50, -69.80, 48.40)),
    ("ra-04", "Mauricie", (-76.00, 46.20, -71.80, 48.70)),
    ("ra-05", "Estrie", (-72.60, 45.00, -70.60, 46.00)),
    ("ra-06", "Montréal", (-73.98, 45.40, -73.47, 45.71)),
    ("ra-07", "Outaouais", (-79.20, 45.40, -74.40, 47.90)),
    ("ra-08", "Abitibi-Témiscamingue", (-79.60, 46.40, -75.50, 49.10)),
    ("ra-09", "Côte-Nord", (-70.00, 48.00, -57.10, 55.40)),
    ("ra-10", "Nord-du-Québec", (-79.80, 49.00, -63.50, 62.60)),
    ("ra-11", "Gaspésie–Îles-de-la-Madeleine", (-67.60, 47.20, -61.10, 49.30)),
    ("ra-12", "Chaudière-Appalaches", (-72.10, 45.70, -69.60, 47.40)),
    ("ra-13", "Laval", (-73.90, 45.51, -73.52, 45.70)),
    ("ra-14", "Lanaudière", (-74.40, 45.60, -72.90, 47.70)),
    ("ra-15", "Laurentides", (-75.60, 45.40, -73.60, 47.70)),
    ("ra-16", "Montérégie", (-74.50, 44.99, -72.10, 46.20)),
    ("ra-17", "Centre-du-Québec", (-72.90, 45.70, -71.40, 46.60)),
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
