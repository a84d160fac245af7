"""Coordinate systems: read them from a .prj or a GeoJSON ``crs`` member, guess them from the
coordinates' extent when nothing is declared, and reproject to WGS 84 with PROJ (pyproj).

Québec publishes mostly in NAD83 / Québec Lambert (EPSG:32198: standard parallels 60° and 46°,
central meridian -68.5°, no false easting), NAD83 / MTQ Lambert (EPSG:3798: parallels 50° and 46°,
central meridian -70°, false easting 800 000 m — a different projection, despite the similar
name), NAD83 MTM zones 1 to 10 (EPSG:32181–32190), UTM zones 17 to 21 and geographic NAD83 / WGS 84.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from .base import ERROR, INFO, WARNING, GeoReadResult

WGS84 = "EPSG:4326"
QUEBEC_LAMBERT = "EPSG:32198"
# Québec's extent in degrees, with a margin (lon_min, lat_min, lon_max, lat_max).
QUEBEC_EXTENT = (-80.5, 44.0, -56.5, 63.0)
# Projected systems worth suggesting, most likely first: Lambert, then MTM zones from the most
# populated (8: Montréal, 7: Québec, 9: Gatineau…), then UTM.
MTM_ZONES = {zone: f"EPSG:{32180 + zone}" for zone in range(1, 11)}
MTQ_LAMBERT = "EPSG:3798"
CANDIDATES = [QUEBEC_LAMBERT, MTQ_LAMBERT] + [MTM_ZONES[z] for z in (8, 7, 9, 6, 5, 10, 4, 3, 2, 1)] + [
    f"EPSG:{26900 + zone}" for zone in (18, 19, 17, 20, 21)]

_GEOJSON_CRS = re.compile(r"(?:EPSG:{1,2}|EPSG/\d*/?)(\d{4,6})$", re.IGNORECASE)


def crs_label(code: str) -> str:
    """'EPSG:32198 (NAD83 / Quebec Lambert)'."""
    try:
        return f"{code} ({_crs(code).name})"
    except CRSError:
        return code


@lru_cache(maxsize=64)
def _crs(code: str) -> CRS:
    return CRS.from_user_input(code)


def normalize_declared(value: str | int | None) -> str | None:
    """'32198', 'epsg:32198', 32198 -> 'EPSG:32198'; raises ValueError when PROJ does not know it."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        crs = _crs(text.upper() if text.lower().startswith("epsg:") else text)
    except CRSError as exc:
        raise ValueError(str(exc)) from exc
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def crs_from_prj(text: str, result: GeoReadResult, *, file: str = "") -> str | None:
    """The EPSG code (or WKT) of a .prj file's content; None when PROJ cannot read it."""
    try:
        crs = CRS.from_wkt(text.strip())
    except CRSError as exc:
        result.add("crs_unknown_prj", ERROR, file=file, error=str(exc)[:200])
        return None
    epsg = crs.to_epsg(min_confidence=70)
    if epsg:
        code = f"EPSG:{epsg}"
        result.add("crs_declared", INFO, file=file, crs=crs_label(code))
        return code
    result.add("crs_declared", INFO, file=file, crs=crs.name)
    return crs.to_wkt()


def crs_from_geojson(obj: dict, result: GeoReadResult, *, file: str = "") -> str | None:
    """The legacy (2008) GeoJSON ``crs`` member; RFC 7946 files have none and are WGS 84."""
    crs = obj.get("crs")
    if not isinstance(crs, dict):
        return None
    name = str((crs.get("properties") or {}).get("name") or "")
    if name.upper().endswith("CRS84") or name.upper().endswith("CRS:84"):
        return WGS84
    match = _GEOJSON_CRS.search(name)
    if match:
        code = f"EPSG:{int(match.group(1))}"
        result.add("crs_declared", INFO, file=file, crs=crs_label(code))
        return code
    try:
        return normalize_declared(name)
    except ValueError:
        result.add("crs_unknown_prj", ERROR, file=file, error=name[:200])
        return None


def looks_geographic(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0


def _inside_quebec(lon_lat_bounds: tuple[float, float, float, float]) -> bool:
    lon0, lat0, lon1, lat1 = QUEBEC_EXTENT
    minx, miny, maxx, maxy = lon_lat_bounds
    return all(np.isfinite(lon_lat_bounds)) and lon0 <= minx <= maxx <= lon1 and lat0 <= miny <= maxy <= lat1


def suggest_crs(bounds: tuple[float, float, float, float]) -> list[str]:
    """Systems that put these (undeclared) coordinates inside Québec, most likely first."""
    if looks_geographic(bounds):
        return [WGS84]
    found = []
    for code in CANDIDATES:
        transformer = _transformer(code)
        xs = [bounds[0], bounds[2], bounds[0], bounds[2]]
        ys = [bounds[1], bounds[1], bounds[3], bounds[3]]
        lons, lats = transformer.transform(xs, ys)
        if _inside_quebec((min(lons), min(lats), max(lons), max(lats))):
            found.append(code)
    return found


def choose_crs(bounds: tuple[float, float, float, float] | None, result: GeoReadResult, *, file: str = "",
               announce_geographic: bool = True) -> str:
    """Nothing declared: pick from the coordinates' extent and say how sure we are.

    ``announce_geographic``: report a guessed WGS 84 too (not for GeoJSON, where it is the rule)."""
    if bounds is None:
        return WGS84
    candidates = suggest_crs(bounds)
    result.crs_candidates = candidates
    if candidates == [WGS84]:
        if announce_geographic:
            result.add("crs_guessed", INFO, file=file, crs=crs_label(WGS84))
        return WGS84
    if not candidates:
        result.add("crs_undetermined", ERROR, file=file,
                   bbox=", ".join(f"{v:.1f}" for v in bounds))
        return WGS84
    if len(candidates) == 1 or candidates[0] in {QUEBEC_LAMBERT, MTQ_LAMBERT}:
        result.add("crs_guessed", WARNING, file=file, crs=crs_label(candidates[0]))
    else:
        result.add("crs_ambiguous", WARNING, file=file, chosen=crs_label(candidates[0]),
                   candidates=", ".join(candidates))
    return candidates[0]


@lru_cache(maxsize=64)
def _transformer(source: str) -> Transformer:
    return Transformer.from_crs(_crs(source), _crs(WGS84), always_xy=True)


def geometries_bounds(geometries: list) -> tuple[float, float, float, float] | None:
    present = [g for g in geometries if g is not None and not g.is_empty]
    if not present:
        return None
    bounds = shapely.total_bounds(np.array(present, dtype=object))
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return minx, miny, maxx, maxy


def reproject(geometries: list, source: str, result: GeoReadResult, *, file: str = "") -> list:
    """Geometries (shapely, or None) in WGS 84 lon/lat; out-of-range results are reported and dropped."""
    if source == WGS84 or source == "EPSG:4269":  # NAD83 and WGS 84 differ by about 1 m: not for a map
        return geometries
    transformer = _transformer(source)

    def to_wgs84(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    array = np.array(geometries, dtype=object)
    present = np.array([g is not None for g in geometries], dtype=bool)
    out = list(geometries)
    if present.any():
        projected = shapely.transform(array[present], to_wgs84)
        for index, geometry in zip(np.nonzero(present)[0], projected, strict=True):
            minx, miny, maxx, maxy = geometry.bounds if not geometry.is_empty else (0, 0, 0, 0)
            if not (np.isfinite([minx, miny, maxx, maxy]).all() and looks_geographic((minx, miny, maxx, maxy))):
                result.add("geometry_out_of_range", ERROR, file=file, feature=int(index),
                           x=f"{minx:.5f}", y=f"{miny:.5f}")
                out[index] = None
            else:
                out[index] = geometry
    result.add("reprojected", INFO, file=file, crs=crs_label(source) if source.startswith("EPSG:") else source[:80])
    return out
