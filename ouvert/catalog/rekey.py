"""Giving a just-created dataset or resource the identifier it had on the portal it comes from.

The catalogue's services choose new UUIDs; ``ckanapi load`` (and CKAN itself, for site
administrators) keeps the source's ids so that a dump loads into an identical catalogue. The new
row and every row pointing at it are re-keyed in the same transaction (foreign keys are checked at
commit)."""

from __future__ import annotations

import uuid
from typing import cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ouvert.core.models import AuditEntry

from .models import Resource


def _taken_elsewhere(instance: models.Model, new_pk: uuid.UUID) -> bool:
    """A resource id still naming another organization's datastore table or map layer (left by a
    resource deleted before tables went with it) must not be adopted: the new resource would publish
    that organization's data."""
    if not isinstance(instance, Resource):
        return False
    organization_id = instance.dataset.organization_id
    if apps.is_installed("ouvert.datastore"):
        from ouvert.datastore.models import DatastoreTable

        if DatastoreTable.objects.filter(resource_id=new_pk).exclude(organization_id=organization_id).exists():
            return True
    if apps.is_installed("ouvert.geo"):
        from ouvert.geo.models import GeoLayer

        if GeoLayer.objects.filter(resource_id=new_pk).exclude(organization_id=organization_id).exists():
            return True
    return False


def rekey(instance: models.Model, new_pk: uuid.UUID) -> None:
    """Give ``instance`` the primary key ``new_pk`` (refused when it names another row)."""
    model = type(instance)
    old = instance.pk
    if old == new_pk:
        return
    if model._base_manager.filter(pk=new_pk).exists() or _taken_elsewhere(instance, new_pk):
        raise ValidationError({"id": [_("Cet identifiant est déjà utilisé.")]})
    model._base_manager.filter(pk=old).update(**{model._meta.pk.attname: new_pk})
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            through = cast("type[models.Model]", cast(models.ManyToManyRel, relation).through)
            column = next(f.attname for f in through._meta.fields
                          if f.is_relation and f.related_model is model)
            through._base_manager.filter(**{column: old}).update(**{column: new_pk})
        else:
            related = relation.related_model
            related._base_manager.filter(**{relation.field.attname: old}).update(**{relation.field.attname: new_pk})
    for field in model._meta.many_to_many:
        through = cast("type[models.Model]", field.remote_field.through)
        column = next(f.attname for f in through._meta.fields if f.is_relation and f.related_model is model)
        through._base_manager.filter(**{column: old}).update(**{column: new_pk})
    AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(old)).update(object_id=str(new_pk))
    instance.pk = new_pk
