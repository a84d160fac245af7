"""Bounding boxes in WGS 84 (min lon, min lat, max lon, max lat) and CKAN's ``ext_bbox``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class BBox:
    minx: float
    miny: float
    maxx: float
    maxy: float

    def intersects(self, other: BBox) -> bool:
        return (self.minx <= other.maxx and other.minx <= self.maxx
                and self.miny <= other.maxy and other.miny <= self.maxy)

    def as_list(self) -> list[float]:
        return [self.minx, self.miny, self.maxx, self.maxy]

    def as_ckan(self) -> str:
        return ",".join(f"{v:g}" for v in self.as_list())

    def as_geojson_polygon(self) -> dict:
        """The shape ckanext-spatial stores in a dataset's ``spatial`` extra."""
        x0, y0, x1, y1 = self.as_list()
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def parse_ext_bbox(value: str) -> BBox:
    """``minx,miny,maxx,maxy`` in decimal degrees (WGS 84), as ckanext-spatial's ``ext_bbox``.

    Raises ValueError with a message in the active language when the value is not four numbers,
    out of range, or with a minimum above its maximum."""
    parts = [p.strip() for p in (value or "").split(",")]
    if len(parts) != 4:
        raise ValueError(_("ext_bbox attend quatre nombres séparés par des virgules : minx,miny,maxx,maxy "
                           "(longitudes et latitudes en degrés décimaux, WGS 84)."))
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise ValueError(_("ext_bbox contient une valeur qui n'est pas un nombre : « %(value)s ».")
                         % {"value": value}) from None
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise ValueError(_("ext_bbox est hors limites : longitudes entre -180 et 180, latitudes entre -90 et 90."))
    if minx > maxx or miny > maxy:
        raise ValueError(_("ext_bbox : le minimum doit précéder le maximum (minx ≤ maxx, miny ≤ maxy)."))
    return BBox(minx, miny, maxx, maxy)
