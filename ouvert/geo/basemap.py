"""The offline basemap: a light base of Québec's 17 administrative regions, drawn when no tile
server is configured (``OUVERT_BASEMAP_URL`` empty), so maps keep their bearings without a network.

Provenance: the regions' surveyed boundaries from the Gouvernement du Québec's *Base de données
géographiques et administratives* at 1:1,000,000 (BDGA1M, layer ``regio_s``, version V2012-05),
published under CC BY 4.0 on Données Québec ("Découpages administratifs"). The copy beside this
module (``basemap_data/``, its README gives the source and licence) is the generalized GeoJSON
export of that layer republished in a public repository; this generator repairs the two rings that
cross themselves, names each region after :mod:`ouvert.geo.regions` (by its official code), rounds
the coordinates to 0.001° (about 100 m) and writes the static file the maps fetch. Regenerate it
with ``python -m ouvert.geo.basemap``; a test checks it is up to date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from django.utils.translation import gettext_lazy as _
from shapely.geometry import mapping, shape

from .regions import BY_CODE

STATIC_PATH = "geo/basemap-regions.geojson"
FILE = Path(__file__).parent / "static" / STATIC_PATH
SOURCE = Path(__file__).parent / "basemap_data" / "regio_s-bdga1m-v2012-05.geojson"
GRID = 0.001
ATTRIBUTION = _("Régions administratives : © Gouvernement du Québec, BDGA 1/1 000 000 (V2012-05), CC BY 4.0")


def _polygonal(geometry: Any) -> Any:
    """Only the areas of a repaired geometry (a repair can leave stray lines or points)."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def regions_geojson() -> dict[str, Any]:
    """The FeatureCollection of the 17 regions (``code``, ``name`` properties), west to east."""
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = []
    for feature in source["features"]:
        place = BY_CODE[f"ra-{int(feature['properties']['res_co_reg']):02d}"]
        geometry = _polygonal(shapely.make_valid(shapely.set_precision(shape(feature["geometry"]), GRID)))
        features.append({"type": "Feature", "properties": {"code": place.code, "name": place.name},
                         "geometry": mapping(geometry)})
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "name": "regions-administratives-bdga1m", "features": features}


def render() -> str:
    return json.dumps(regions_geojson(), ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":  # pragma: no cover — the generator of the shipped file
    FILE.write_text(render(), encoding="utf-8")
    print(f"{FILE} ({FILE.stat().st_size} octets)")
