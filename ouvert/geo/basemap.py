"""The offline basemap: a light base of Québec's 17 administrative regions, drawn when no tile
server is configured (``OUVERT_BASEMAP_URL`` empty), so maps keep their bearings without a network.

Provenance: generated from this package's own region data (:mod:`ouvert.geo.regions`, extents
rounded to about 0.05° from the regions' published extents), not from surveyed boundaries. Each
region's shape is its extent cut by its Voronoi cell (the points nearer to its extent's centre than
to any other region's), so that neighbouring extents do not overlap; simplified to 0.02° and
rounded to 0.01°: shapes that show where a region lies, labelled "contours approximatifs" on the
map. Regenerate the shipped file with ``python -m ouvert.geo.basemap`` after changing the regions;
a test checks it is up to date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import box, mapping

from .regions import PLACES, REGION

STATIC_PATH = "geo/basemap-regions.geojson"
FILE = Path(__file__).parent / "static" / STATIC_PATH


def _rounded(geometry: Any) -> Any:
    return shapely.set_precision(geometry, 0.01)


def regions_geojson() -> dict[str, Any]:
    """The FeatureCollection of approximate region cells (``code``, ``name`` properties)."""
    regions = [p for p in PLACES if p.kind is REGION]
    extents = [box(p.bbox.minx, p.bbox.miny, p.bbox.maxx, p.bbox.maxy) for p in regions]
    territory = shapely.union_all(extents)
    centres = shapely.MultiPoint([e.centroid for e in extents])
    cells = shapely.voronoi_polygons(centres, extend_to=territory)
    features = []
    for place, extent in zip(regions, extents, strict=True):
        centre = extent.centroid
        cell = next(c for c in cells.geoms if c.contains(centre))
        shape = _rounded(shapely.simplify(cell.intersection(extent), 0.02, preserve_topology=True))
        features.append({"type": "Feature", "properties": {"code": place.code, "name": place.name},
                         "geometry": mapping(shape)})
    return {"type": "FeatureCollection", "name": "regions-administratives-approximatives",
            "features": features}


def render() -> str:
    return json.dumps(regions_geojson(), ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":  # pragma: no cover — the generator of the shipped file
    FILE.write_text(render(), encoding="utf-8")
    print(f"{FILE} ({FILE.stat().st_size} octets)")
