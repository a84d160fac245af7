"""The offline basemap: a light base of Québec's 17 administrative regions and, closer in, its 104
MRC and equivalent territories, drawn when no tile server is configured (``OUVERT_BASEMAP_URL``
empty), so maps keep their bearings without a network.

Provenance (``ouvert/geo/BASEMAP.md``): the MRC layer (``mrc_s``) of the Gouvernement du Québec's
*Système sur les découpages administratifs* (SDA, 1:20,000, version V2026-05), published under
CC BY 4.0 on Données Québec ("Découpages administratifs"). The project ships only what this
generator derives from that layer, the two static files the maps fetch:

- the **regions**, each the union of the MRC of its code (so both layers share their boundaries),
  named after :mod:`ouvert.geo.regions`, simplified as a coverage to about 2 km;
- the **MRC**, an MRC's parts (Minganie, Le Golfe-du-Saint-Laurent come in two) joined,
  simplified as a coverage to about 400 m; the maps fetch them only once zoomed in.

Coverage simplification moves each shared edge once, so neighbours never overlap nor leave gaps;
coordinates are rounded to 0.001° (about 100 m). Regenerate from the SDA's ``mrc_s`` layer in
WGS 84 GeoJSON (its attributes ``MRS_CO_MRC``, ``MRS_NM_MRC``, ``MRS_CO_REG``) with
``python -m ouvert.geo.basemap mrc_s.geojson``.
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
MRC_STATIC_PATH = "geo/basemap-mrc.geojson"
STATIC = Path(__file__).parent / "static"
FILE = STATIC / STATIC_PATH
MRC_FILE = STATIC / MRC_STATIC_PATH
GRID = 0.001
REGION_TOLERANCE = 0.02
MRC_TOLERANCE = 0.004
MRC_MIN_ZOOM = 7  # the maps swap the regions for the MRC from this zoom on
ATTRIBUTION = _("Régions administratives et MRC : © Gouvernement du Québec, SDA 1/20 000 (V2026-05), CC BY 4.0")


def _polygonal(geometry: Any) -> Any:
    """Only the areas of a repaired geometry (a repair can leave stray lines or points)."""
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _mrc_sources(source: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """``(MRC code, name, region code, geometry)`` per MRC of the SDA's ``mrc_s`` FeatureCollection
    ``source``, an MRC's parts joined, by MRC code."""
    parts: dict[str, list[Any]] = {}
    names: dict[str, tuple[str, str]] = {}
    for feature in source["features"]:
        props = feature["properties"]
        code = props["MRS_CO_MRC"]
        parts.setdefault(code, []).append(_polygonal(shapely.make_valid(shape(feature["geometry"]))))
        names[code] = (props["MRS_NM_MRC"], f"ra-{int(props['MRS_CO_REG']):02d}")
    return [(code, *names[code], shapely.union_all(parts[code])) for code in sorted(parts, key=int)]


def _simplified(geometries: list[Any], tolerance: float) -> list[Any]:
    return [_polygonal(shapely.make_valid(shapely.set_precision(g, GRID)))
            for g in shapely.coverage_simplify(geometries, tolerance)]


def regions_geojson(source: dict[str, Any]) -> dict[str, Any]:
    """The FeatureCollection of the regions of ``source``'s MRC (``code``, ``name``), by code."""
    by_region: dict[str, list[Any]] = {}
    for _code, _name, region, geometry in _mrc_sources(source):
        by_region.setdefault(region, []).append(geometry)
    codes = sorted(by_region)
    unions = [shapely.union_all(by_region[code], grid_size=GRID / 100) for code in codes]
    features = [{"type": "Feature", "properties": {"code": code, "name": BY_CODE[code].name},
                 "geometry": mapping(geometry)}
                for code, geometry in zip(codes, _simplified(unions, REGION_TOLERANCE), strict=True)]
    return {"type": "FeatureCollection", "name": "regions-administratives-sda", "features": features}


def mrc_geojson(source: dict[str, Any]) -> dict[str, Any]:
    """The FeatureCollection of ``source``'s MRC and equivalent territories (``code``, ``name``,
    ``region``)."""
    sources = _mrc_sources(source)
    simplified = _simplified([geometry for *_rest, geometry in sources], MRC_TOLERANCE)
    features = [{"type": "Feature", "properties": {"code": f"mrc-{code}", "name": name, "region": region},
                 "geometry": mapping(geometry)}
                for (code, name, region, _g), geometry in zip(sources, simplified, strict=True)]
    return {"type": "FeatureCollection", "name": "mrc-sda", "features": features}


def _dump(collection: dict[str, Any]) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def render(source: dict[str, Any]) -> tuple[str, str]:
    """The text of the regions' file and of the MRC's file, generated from ``source``."""
    return _dump(regions_geojson(source)), _dump(mrc_geojson(source))


if __name__ == "__main__":  # pragma: no cover — the generator of the shipped files
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m ouvert.geo.basemap MRC_S.geojson  (the SDA's mrc_s layer, WGS 84)")
    regions, mrc = render(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    FILE.write_text(regions, encoding="utf-8")
    MRC_FILE.write_text(mrc, encoding="utf-8")
    for path in (FILE, MRC_FILE):
        print(f"{path} ({path.stat().st_size} octets)")
