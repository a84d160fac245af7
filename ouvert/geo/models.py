"""Geographic layers: one per resource (keyed by the resource's UUID, without a foreign key so that
the catalogue and this app can evolve apart), its features in WGS 84, and cached simplified
overviews for the map preview."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GeoLayer(models.Model):
    resource_id = models.UUIDField(_("ressource"), unique=True, default=uuid.uuid4)
    dataset_id = models.UUIDField(_("jeu de données"), null=True, blank=True, db_index=True)
    organization = models.ForeignKey("core.Organization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="geo_layers", verbose_name=_("organisation"))
    name = models.CharField(_("nom"), max_length=300)
    source_filename = models.CharField(_("fichier d'origine"), max_length=300, blank=True)
    source_format = models.CharField(_("format d'origine"), max_length=20)
    source_crs = models.TextField(_("système de coordonnées d'origine"), blank=True)
    encoding = models.CharField(_("encodage"), max_length=40, blank=True)
    feature_count = models.PositiveIntegerField(_("objets"), default=0)
    mappable_count = models.PositiveIntegerField(_("objets avec géométrie"), default=0)
    geometry_types = models.JSONField(_("types de géométrie"), default=list, blank=True)
    fields = models.JSONField(_("champs"), default=list, blank=True)  # [{"name": ..., "type": ...}]
    report = models.JSONField(_("rapport de lecture"), default=list, blank=True)  # issues, see readers.base
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # bumped on every reload: cache keys include it
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("couche géographique")
        verbose_name_plural = _("couches géographiques")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="geo_layer_bbox")]

    def __str__(self) -> str:
        return self.name

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.min_lon is None or self.min_lat is None or self.max_lon is None or self.max_lat is None:
            return None  # the four are set together
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    @property
    def has_errors(self) -> bool:
        return any(issue.get("severity") == "error" for issue in self.report)


class GeoFeature(models.Model):
    layer = models.ForeignKey(GeoLayer, on_delete=models.CASCADE, related_name="features")
    index = models.PositiveIntegerField()  # position in the original file, 0-based
    geometry_type = models.CharField(max_length=30, blank=True)
    geometry = models.TextField(blank=True)  # GeoJSON geometry in WGS 84, "" when absent
    properties = models.JSONField(default=dict, blank=True)
    min_lon = models.FloatField(null=True)
    min_lat = models.FloatField(null=True)
    max_lon = models.FloatField(null=True)
    max_lat = models.FloatField(null=True)

    class Meta:
        ordering = ["layer", "index"]
        constraints = [models.UniqueConstraint(fields=["layer", "index"], name="geo_feature_layer_index")]
        indexes = [models.Index(fields=["layer", "min_lon", "max_lon"], name="geo_feature_bbox")]

    def __str__(self) -> str:
        return f"{self.layer_id}#{self.index}"


class GeoOverview(models.Model):
    """A whole layer simplified for one zoom level, gzipped GeoJSON, computed once per version."""

    layer = models.ForeignKey(GeoLayer, on_delete=models.CASCADE, related_name="overviews")
    version = models.PositiveIntegerField()
    zoom = models.PositiveSmallIntegerField()
    feature_count = models.PositiveIntegerField(default=0)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["layer", "version", "zoom"], name="geo_overview_unique")]

    def __str__(self) -> str:
        return f"{self.layer_id} z{self.zoom}"
