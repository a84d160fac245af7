"""Native API for geographic layers: metadata and report, simplified features for maps, exports,
upload, and spatial search."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ouvert.core import access
from ouvert.core.api_auth import token_auth
from ouvert.core.http_ranges import materialized_response, wants_size
from ouvert.core.models import Organization
from ouvert.core.typing import TokenHttpRequest

from . import selectors, services
from .bbox import BBox, parse_ext_bbox
from .catalog_adapter import dataset_names
from .exports import export_csv_wkt, export_geojson, export_shapefile_zip
from .models import GeoLayer
from .readers import issue_message
from .regions import PLACES, place_get

router = Router(tags=["geo"])


class IssueOut(Schema):
    code: str
    severity: str
    file: str
    feature: int | None
    message: str
    fix: str


class LayerFieldOut(Schema):
    name: str
    type: str


class LayerOut(Schema):
    resource_id: uuid.UUID
    dataset_id: uuid.UUID | None
    name: str
    source_filename: str
    source_format: str
    source_crs: str
    encoding: str
    feature_count: int
    mappable_count: int
    geometry_types: list[str]
    fields: list[LayerFieldOut]
    bbox: list[float] | None = Field(None, description="[min lon, min lat, max lon, max lat], WGS 84")
    fit_zoom: int
    version: int
    report: list[IssueOut]


def layer_out(layer: GeoLayer) -> dict:
    report = []
    for issue in layer.report:
        what, fix = issue_message(issue)
        report.append({**{k: issue.get(k) for k in ("code", "severity", "file", "feature")},
                       "message": what, "fix": fix})
    return {
        "resource_id": layer.resource_id, "dataset_id": layer.dataset_id, "name": layer.name,
        "source_filename": layer.source_filename, "source_format": layer.source_format,
        "source_crs": layer.source_crs if len(layer.source_crs) < 200 else layer.source_crs[:200] + "…",
        "encoding": layer.encoding, "feature_count": layer.feature_count, "mappable_count": layer.mappable_count,
        "geometry_types": layer.geometry_types, "fields": layer.fields,
        "bbox": list(layer.bbox) if layer.bbox else None, "fit_zoom": selectors.layer_fit_zoom(layer),
        "version": layer.version, "report": report,
    }


def _layer(request: HttpRequest, resource_id: uuid.UUID) -> GeoLayer:
    """The layer of a resource the person may read now; 404 alike for absent and forbidden."""
    layer = selectors.layer_get(resource_id=resource_id, user=_reader(request))
    if layer is None:
        raise Http404
    return layer


def _reader(request: HttpRequest):
    return getattr(request, "auth", None) or request.user


@router.get("/geo/layers/{resource_id}", response=LayerOut, summary="Couche géographique d'une ressource")
def layer_detail(request: HttpRequest, resource_id: uuid.UUID):
    """Métadonnées, étendue (WGS 84), champs et rapport de lecture (quoi, où, comment corriger)."""
    return layer_out(_layer(request, resource_id))


class FeaturesQuery(Schema):
    zoom: int | None = Field(None, ge=0, le=20, description="Niveau de zoom (défaut : toute la couche).")
    bbox: str | None = Field(None, description="minx,miny,maxx,maxy en degrés (WGS 84) ; sans lui, toute la couche.")
    field: str | None = Field(None, description="Pour une vue d'ensemble sans attributs (grande couche) : "
                                                "le seul attribut à joindre (choroplèthe).")


def gzip_response(request: HttpRequest, body: bytes, *, etag: str, content_type: str,
                  public: bool = True) -> HttpResponse:
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(body, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(body), content_type=content_type)
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    # A layer that is not public must not stay in a shared cache after its dataset changes hands.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
    return response


@router.get("/geo/layers/{resource_id}/features", summary="Entités simplifiées pour un zoom (GeoJSON)",
            response={200: dict, 422: dict})
def layer_features(request: HttpRequest, resource_id: uuid.UUID, query: Query[FeaturesQuery]):
    """GeoJSON simplifié côté serveur pour le niveau de zoom (tolérance d'environ ¾ de pixel, points
    à moins de deux pixels fusionnés, coordonnées arrondies), mis en cache par couche, version et
    zoom. Le membre `ouvert` dit ce qui a été fait (`tolerance`, `total`, `returned`, `properties` :
    `all`, `none` — grande couche : attributs par `/features/{index}` — ou le nom de `field`)."""
    layer = _layer(request, resource_id)
    zoom = query.zoom if query.zoom is not None else selectors.layer_fit_zoom(layer)
    field = query.field if query.field in {f["name"] for f in layer.fields} else None
    if query.bbox:
        try:
            box = parse_ext_bbox(query.bbox)
        except ValueError as exc:
            return Status(422, {"detail": str(exc)})
        body = selectors.layer_window(layer=layer, zoom=zoom, bbox=box, field=field)
        etag = f'"{layer.pk}-{layer.version}-{zoom}-{selectors.snap_to_tiles(box, zoom).as_ckan()}-{field or ""}"'
    else:
        body = selectors.layer_overview(layer=layer, zoom=zoom, field=field)
        etag = f'"{layer.pk}-{layer.version}-{zoom}-{field or ""}"'
    return gzip_response(request, body, etag=etag, content_type="application/geo+json",
                         public=access.may_read(None, "resource", layer.resource_id))


class FeatureOut(Schema):
    id: int
    geometry_type: str
    properties: dict


@router.get("/geo/layers/{resource_id}/features/{index}", response=FeatureOut,
            summary="Attributs d'une entité (fenêtre contextuelle de la carte)")
def feature_detail(request: HttpRequest, resource_id: uuid.UUID, index: int):
    feature = selectors.feature_get(layer=_layer(request, resource_id), index=index)
    if feature is None:
        raise Http404
    return {"id": feature.index, "geometry_type": feature.geometry_type, "properties": feature.properties}


EXPORTS = {"geojson": ("application/geo+json", "geojson"), "csv": ("text/csv; charset=utf-8", "csv"),
           "shapefile": ("application/zip", "zip")}


@router.get("/geo/layers/{resource_id}/export/{fmt}", summary="Exporter la couche (WGS 84)",
            response={200: dict})
def layer_export(request: HttpRequest, resource_id: uuid.UUID, fmt: str):
    """`geojson`, `csv` (attributs et colonne `geometry_wkt`) ou `shapefile` (ZIP : .shp, .shx, .dbf
    en UTF-8, .prj, .cpg ; un shapefile par famille de géométrie)."""
    layer = _layer(request, resource_id)
    if fmt not in EXPORTS:
        return HttpResponse(status=404)
    content_type, extension = EXPORTS[fmt]
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in layer.name)[:80] or str(layer.resource_id)
    response: HttpResponse | StreamingHttpResponse
    if fmt == "shapefile":
        response = HttpResponse(export_shapefile_zip(layer), content_type=content_type)
    else:
        def produce() -> Iterator[bytes]:
            stream = export_geojson(layer) if fmt == "geojson" else export_csv_wkt(layer)
            return (chunk.encode() for chunk in stream)

        if wants_size(request):  # HEAD or a byte range: written once, served with its size
            return materialized_response(identity=f"geo-{layer.pk}-{fmt}", generation=str(layer.version),
                                         produce=produce, content_type=content_type,
                                         filename=f"{stem}.{extension}")
        response = StreamingHttpResponse(produce(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


@router.post("/geo/layers/{resource_id}", response={201: LayerOut, 403: dict, 422: dict}, auth=token_auth,
             summary="Publier un fichier géographique pour une ressource")
def layer_upload(request: TokenHttpRequest, resource_id: uuid.UUID, file: File[UploadedFile],
                 organization: Form[str], declared_crs: Form[str] = "", dataset_id: Form[str] = "",
                 name: Form[str] = ""):
    """Remplace la couche de la ressource. `declared_crs` (par exemple `32198`) l'emporte sur le .prj ;
    les parties d'un shapefile se publient dans un ZIP."""
    org = get_object_or_404(Organization, slug=organization)
    # The layer belongs to the resource's organization, whatever the client says: only its editors
    # may replace it.
    standing = access.standing_of("resource", resource_id)
    if standing is not None and standing.organization_id != org.pk:
        return Status(403, {"detail": _("Cette ressource appartient à une autre organisation.")})
    if standing is None or not access.may_change_standing(request.auth, standing):
        return Status(403, {"detail": _("Seuls les éditeurs de l'organisation de la ressource peuvent publier "
                                        "sa couche géographique.")})
    try:
        dataset = uuid.UUID(dataset_id) if dataset_id else None
        layer = services.layer_load_bytes(resource_id=resource_id, data=file.read(), filename=file.name or "fichier",
                                          declared_crs=declared_crs or None, dataset_id=dataset,
                                          organization=org, name=name, by=request.auth)
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, layer_out(layer))


class DatasetHit(Schema):
    dataset_id: uuid.UUID
    name: str = Field(description="le nom du jeu de données (pour /api/v1/datasets/{name} et package_show)")
    bbox: list[float]


class PlaceOut(Schema):
    code: str
    name: str
    kind: str
    bbox: list[float]


@router.get("/geo/datasets", response={200: list[DatasetHit], 422: dict},
            summary="Jeux de données dont la couverture croise une étendue ou un lieu")
def datasets_search(request: HttpRequest, bbox: str | None = None, place: str | None = None):
    """`bbox` : minx,miny,maxx,maxy (comme `ext_bbox` de ckanext-spatial) ; ou `place` : un code de
    `/geo/places`. Résultats du plus couvert au moins couvert ; sans l'un ni l'autre, tous les jeux de
    données cartographiés, par nom."""
    reader = _reader(request)
    try:
        if place:
            found = place_get(place)
            if found is None:
                return Status(422, {"detail": f"Lieu inconnu : {place}"})
            box: BBox | None = found.bbox
        elif bbox:
            box = parse_ext_bbox(bbox)
        else:
            box = None
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    matching = None if box is None else selectors.datasets_intersecting(box, reader)
    coverages = selectors.dataset_extents(dataset_ids=matching, user=reader)
    names = dataset_names(list(coverages))
    ordered = matching if matching is not None else sorted(coverages, key=lambda d: names.get(d, ""))
    return [{"dataset_id": d, "name": names.get(d, ""), "bbox": coverages[d].as_list()}
            for d in ordered if d in coverages]


@router.get("/geo/places", response=list[PlaceOut], summary="Régions administratives et municipalités")
def places(request: HttpRequest):
    return [{"code": p.code, "name": p.name, "kind": str(p.kind), "bbox": p.bbox.as_list()} for p in PLACES]
