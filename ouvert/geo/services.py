"""Writes: load a geographic file into a layer (atomically replacing the previous version),
delete a layer. Permission is checked here, so the web page, the API, the CLI and the background
task agree."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ouvert.core import access
from ouvert.core.actors import Actor, is_system
from ouvert.core.audit import audit_record
from ouvert.core.models import Organization
from ouvert.core.permissions import can_edit_in_organization

from .models import GeoFeature, GeoLayer, GeoOverview
from .readers import GeoReadResult, read_geo_bytes, read_geo_path
from .simplify import collection_bytes, fit_zoom, overview_properties

BATCH = 2000
COORDINATE_DECIMALS = 7  # about 1 cm



def layer_for_rebuild(*, resource_id: uuid.UUID, by: Any) -> tuple[GeoLayer, bool]:
    """The resource's layer locked and emptied of its features and overviews, its version bumped (or a
    new unsaved one), and whether it is new. Inside the caller's transaction."""
    existing = GeoLayer.objects.select_for_update().filter(resource_id=resource_id).first()
    if existing is None:
        return GeoLayer(resource_id=resource_id,
                        created_by=by if by is not None and not is_system(by) and by.is_authenticated else None), True
    existing.features.all().delete()
    existing.overviews.all().delete()
    existing.version += 1
    return existing, False

def check_can_load(user: Actor | None, organization: Organization | None, resource_id: uuid.UUID | str) -> None:
    """System work (a :class:`~ouvert.core.actors.SystemActor`: background task, CLI, demo) is
    allowed; a person needs to be an editor of the organization owning the resource now
    (:mod:`ouvert.core.access`), and the layer goes to that organization whatever ``organization``
    the caller names; ``None`` (anonymous) is refused."""
    if is_system(user):
        return
    if user is None:
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation peuvent publier cette couche géographique."))
    standing = access.standing_of("resource", resource_id)
    if standing is None or not access.may_change_standing(user, standing) or (
            organization is not None and standing.organization_id != organization.pk):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation peuvent publier cette couche géographique."))


def layer_load_bytes(*, resource_id: uuid.UUID, data: bytes, filename: str, siblings: dict[str, bytes] | None = None,
                     declared_crs: str | None = None, dataset_id: uuid.UUID | None = None,
                     organization: Organization | None = None, name: str = "", by: Actor | None,
                     **csv_options: str | None) -> GeoLayer:
    """Read an uploaded file and store it as the layer of ``resource_id``."""
    check_can_load(by, organization, resource_id)
    result = read_geo_bytes(data, filename=filename, siblings=siblings, declared_crs=declared_crs, **csv_options)
    return layer_store(resource_id=resource_id, result=result, filename=filename, dataset_id=dataset_id,
                       organization=organization, name=name, by=by)


def layer_load_path(*, resource_id: uuid.UUID, path: Path | str, declared_crs: str | None = None,
                    dataset_id: uuid.UUID | None = None, organization: Organization | None = None, name: str = "",
                    by: Actor | None, **csv_options: str | None) -> GeoLayer:
    """Read a file on disk (a loose shapefile's parts are taken beside it) into a layer."""
    check_can_load(by, organization, resource_id)
    result = read_geo_path(path, declared_crs=declared_crs, **csv_options)
    return layer_store(resource_id=resource_id, result=result, filename=Path(path).name, dataset_id=dataset_id,
                       organization=organization, name=name, by=by)


def layer_store(*, resource_id: uuid.UUID, result: GeoReadResult, filename: str,
                dataset_id: uuid.UUID | None = None, organization: Organization | None = None, name: str = "",
                by: Actor | None) -> GeoLayer:
    """Replace the layer of ``resource_id`` by what was read, in one transaction (readers see the old
    version until the commit), then precompute the overviews the preview asks for first."""
    check_can_load(by, organization, resource_id)
    geometries = np.array([f.geometry for f in result.features], dtype=object)
    if len(geometries):
        rounded = shapely.transform(geometries, lambda c: np.round(c, COORDINATE_DECIMALS))
        texts = shapely.to_geojson(rounded)
        bounds = shapely.bounds(rounded)
    else:
        rounded, texts, bounds = geometries, np.array([], dtype=str), np.empty((0, 4))
    types = sorted({f.geometry.geom_type for f in result.features if f.geometry is not None})
    present = ~np.isnan(bounds[:, 0]) if len(bounds) else np.zeros(0, dtype=bool)
    total = tuple(float(v) for v in (
        bounds[present, 0].min(), bounds[present, 1].min(), bounds[present, 2].max(), bounds[present, 3].max()
    )) if present.any() else None
    with transaction.atomic():
        layer, created = layer_for_rebuild(resource_id=resource_id, by=by)
        layer.name = name or layer.name or Path(result.name or filename).stem
        layer.dataset_id = dataset_id or layer.dataset_id
        layer.organization = organization or layer.organization
        layer.source_filename = filename[:300]
        layer.source_format = result.format
        layer.source_crs = result.source_crs
        layer.encoding = result.encoding
        layer.feature_count = len(result.features)
        layer.mappable_count = int(present.sum())
        layer.geometry_types = types
        layer.fields = [{"name": f.name, "type": f.type} for f in result.fields]
        layer.report = [i.as_dict() for i in result.issues]
        layer.min_lon, layer.min_lat, layer.max_lon, layer.max_lat = total or (None, None, None, None)
        layer.save()
        rows = []
        for position, feature in enumerate(result.features):
            has = bool(present[position]) if len(present) else False
            box = bounds[position] if has else (None, None, None, None)
            rows.append(GeoFeature(
                layer=layer, index=feature.index, properties=_jsonable(feature.properties),
                geometry=texts[position] if has else "", geometry_type=feature.geometry.geom_type if has else "",
                min_lon=_f(box[0]), min_lat=_f(box[1]), max_lon=_f(box[2]), max_lat=_f(box[3])))
            if len(rows) >= BATCH:
                GeoFeature.objects.bulk_create(rows)
                rows = []
        GeoFeature.objects.bulk_create(rows)
        if total is not None:  # some feature has a geometry
            zoom = fit_zoom(total)
            ids = [f.index for f in result.features]
            kept = np.nonzero(present)[0]
            properties, carried = overview_properties([_jsonable(result.features[k].properties) for k in kept],
                                                      len(kept))
            for level in (zoom - 1, zoom, zoom + 1):
                if level < 0:
                    continue
                body = collection_bytes(rounded[kept], [ids[k] for k in kept], properties, zoom=level,
                                        total=layer.mappable_count,
                                        extra={"bbox": list(total), "properties": carried})
                GeoOverview.objects.create(layer=layer, version=layer.version, zoom=level, body=body)
        audit_record(actor=by, action="geo.layer_load" if created else "geo.layer_reload", obj=layer,
                     organization=organization,
                     changes={"features": layer.feature_count, "format": layer.source_format,
                              "crs": layer.source_crs[:80], "errors": sum(1 for i in layer.report
                                                                         if i["severity"] == "error")})
    _datastore_sync(layer, result)
    return layer


def layer_delete(*, resource_id: uuid.UUID, by: Actor | None) -> None:
    layer = GeoLayer.objects.filter(resource_id=resource_id).first()
    if layer is None:
        return
    if access.standing_of("resource", resource_id) is None:
        # the resource is gone (deleted with its layer): its organization's editors clean up
        if not is_system(by) and not (by is not None and layer.organization
                                      and can_edit_in_organization(by, layer.organization)):
            raise PermissionDenied(_("Seuls les éditeurs de l'organisation peuvent retirer cette couche."))
    else:
        check_can_load(by, layer.organization, resource_id)
    with transaction.atomic():
        audit_record(actor=by, action="geo.layer_delete", obj=layer, organization=layer.organization)
        layer.delete()


def _f(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def _jsonable(properties: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in properties.items():
        if isinstance(value, float) and value != value:
            value = None
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[str(key)] = value
    return out


def _datastore_sync(layer: GeoLayer, result: GeoReadResult) -> None:
    """Load attributes and a WKT geometry column into the datastore when that app is installed."""
    from .datastore_adapter import datastore_load_layer

    datastore_load_layer(layer, result)
