"""``by`` is a person or an explicit system actor: ``None`` is anonymous and refused, a system actor
is trusted and named in the audit log."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from conftest import shared_path
from ouvert.api.ckan import datastore_wire
from ouvert.core.actors import INGEST, SystemActor, actor_label
from ouvert.core.models import AuditEntry
from ouvert.geo.services import check_can_load, layer_load_path

FIELDS = [{"id": "code", "type": "text"}]


def test_none_is_anonymous_and_refused(publisher, catalogue_resource):
    _user, org = publisher
    rid = str(uuid.uuid4())
    catalogue_resource(rid, org)
    with pytest.raises(PermissionDenied):
        datastore_wire.create(data={"resource_id": rid, "fields": FIELDS}, organization=org, by=None)
    with pytest.raises(PermissionDenied):
        check_can_load(None, org, rid)
    assert not AuditEntry.objects.filter(action="datastore.create").exists()


def test_a_system_actor_writes_and_is_named_in_the_audit_log(publisher, catalogue_resource):
    _user, org = publisher
    rid = str(uuid.uuid4())
    catalogue_resource(rid, org)
    datastore_wire.create(data={"resource_id": rid, "fields": FIELDS, "records": [{"code": "QC"}]},
                          organization=org, by=INGEST)
    entry = AuditEntry.objects.get(action="datastore.create")
    assert entry.actor is None and entry.actor_label == "system:ingest"


def test_a_person_is_still_checked_and_named(publisher, catalogue_resource, make_user):
    user, org = publisher
    rid = str(uuid.uuid4())
    catalogue_resource(rid, org)
    with pytest.raises(PermissionDenied):
        datastore_wire.create(data={"resource_id": rid, "fields": FIELDS}, organization=org, by=make_user())
    datastore_wire.create(data={"resource_id": rid, "fields": FIELDS}, organization=org, by=user)
    entry = AuditEntry.objects.get(action="datastore.create")
    assert entry.actor == user and entry.actor_label == user.email


def test_background_map_loading_is_audited_as_ingest(public_rid):
    layer = layer_load_path(resource_id=public_rid(), by=INGEST,
                            path=shared_path("realdata", "quebec", "represent-canada-data", "montreal-districts",
                                              "merge.shp"))
    labels = set(AuditEntry.objects.filter(object_id=str(layer.pk)).values_list("actor_label", flat=True))
    assert labels == {"system:ingest"}


def test_system_actor_names_are_checked():
    assert actor_label(SystemActor("link-check")) == "system:link-check"
    assert actor_label(None) == "anonyme"
    with pytest.raises(ValueError, match="short name"):
        SystemActor("")
    with pytest.raises(ValueError, match="short name"):
        SystemActor("system: harvest")
