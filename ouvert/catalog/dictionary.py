"""One data dictionary per resource.

A resource loaded into the datastore has its dictionary in the datastore's field specs (the same
``fields`` CKAN's ``datastore_create`` takes: id, type, label, description, unit, plus the
publisher's word on day/month order and decimal mark). The catalogue's ``Resource.data_dictionary``
mirrors them (the APIs, DCAT and datapackage.json read it), so the page, the table preview and the
catalogue show one dictionary. A resource without a table keeps its own list (name, type,
description, unit).

The write goes through the datastore's service (:func:`ouvert.datastore.services.datastore_dictionary_update`),
which reloads the file when a type or a reading setting changes; the catalogue never writes a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ouvert.core.models import User

from . import permissions
from .models import Resource

# The datastore's types (ouvert.datastore.infer.TYPES), as a publisher reads them.
TYPE_CHOICES = [
    ("text", _("texte")),
    ("int", _("entier")),
    ("numeric", _("nombre décimal")),
    ("bool", _("booléen (vrai ou faux)")),
    ("date", _("date")),
    ("timestamp", _("date et heure")),
]
TYPE_LABELS = dict(TYPE_CHOICES)
DAY_MONTH_CHOICES = [("", _("comme détecté")), ("day_first", _("jour puis mois (31/12/2025)")),
                     ("month_first", _("mois puis jour (12/31/2025)"))]
DECIMAL_CHOICES = [("", _("comme détecté")), (",", _("virgule (3,5)")), (".", _("point (3.5)"))]
EDITABLE = ("label", "type", "description", "unit", "day_month_order", "decimal_mark")
# Types of the catalogue's own list that say more than the datastore's (reference-data identifier).
KEPT_TYPES = {"identifiant", "identifier"}


@dataclass(frozen=True)
class Column:
    """One column of a resource's dictionary, as the page and the edit form show it."""

    id: str
    label: str
    type: str
    description: str
    unit: str
    day_month_order: str = ""
    decimal_mark: str = ""
    detected_type: str = ""
    sheet: int = 0
    sheet_name: str = ""
    type_editable: bool = False

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.type, self.type))

    @property
    def detected_label(self) -> str:
        return str(TYPE_LABELS.get(self.detected_type, self.detected_type))

    def value(self, key: str) -> str:
        return str(getattr(self, key) or "")


def resource_tables(resource: Resource) -> list[Any]:
    """The datastore tables of a resource (one per sheet), empty without the datastore."""
    if not apps.is_installed("ouvert.datastore"):
        return []
    from ouvert.datastore.selectors import tables_for_resource

    return tables_for_resource(resource.pk)


def _catalogue_entries(resource: Resource) -> dict[str, dict[str, Any]]:
    return {str(e.get("name", "")).strip().lower(): e for e in resource.data_dictionary or [] if e.get("name")}


def resource_columns(resource: Resource, tables: list[Any] | None = None) -> list[Column]:
    """The one dictionary of a resource: its tables' columns (a description or unit given only in
    the catalogue's list fills the gap), else the catalogue's own list."""
    tables = resource_tables(resource) if tables is None else tables
    entries = _catalogue_entries(resource)
    if not tables:
        return [Column(id=str(e.get("name", "")), label="", type=str(e.get("type", "")),
                       description=str(e.get("description", "")), unit=str(e.get("unit", "")))
                for e in resource.data_dictionary or [] if e.get("name")]
    out = []
    for table in tables:
        for field in table.fields:
            entry = entries.get(field["id"].lower(), {})
            out.append(Column(
                id=field["id"], label=field.get("label") or "", type=field["type"],
                description=field.get("description") or str(entry.get("description", "") or ""),
                unit=field.get("unit") or str(entry.get("unit", "") or ""),
                day_month_order=field.get("day_month_order") or "", decimal_mark=field.get("decimal_mark") or "",
                detected_type=field.get("detected_type") or field["type"], sheet=table.sheet,
                sheet_name=table.sheet_name, type_editable=table.origin == "file" and not field.get("json")))
    return out


def _mirror(resource: Resource, tables: list[Any]) -> list[dict[str, str]]:
    """The catalogue's list from the tables' fields (an ``identifiant`` type given there is kept)."""
    entries = _catalogue_entries(resource)
    rows = []
    for column in resource_columns(resource, tables):
        kept = str(entries.get(column.id.lower(), {}).get("type", "")).strip().lower()
        rows.append({"name": column.id, "type": kept if kept in KEPT_TYPES else column.type,
                     "description": column.description, "unit": column.unit})
    return rows


@transaction.atomic
def resource_dictionary_update(*, resource: Resource, columns: dict[str, dict[str, str]], by: User,
                               sheet: int = 0) -> Any:
    """Save the dictionary of a loaded resource's table (``columns``: column id → changed values among
    label, type, description, unit, day_month_order, decimal_mark) to the datastore, then mirror it
    in the catalogue. Returns the reload job when a type or reading setting changed, else None.
    Raises ValidationError keyed by column id (the datastore's checks)."""
    from ouvert.datastore.services import datastore_dictionary_update

    from .services import resource_update

    permissions.check_edit_dataset(by, resource.dataset)
    job = None
    if columns:
        _table, job = datastore_dictionary_update(resource_id=resource.pk, columns=columns,
                                                  organization=resource.dataset.organization, by=by, sheet=sheet)
    mirrored = _mirror(resource, resource_tables(resource))
    if mirrored != resource.data_dictionary:
        resource_update(resource=resource, by=by, data_dictionary=mirrored)
    return job


def resource_dictionary_sync(*, resource_id: Any) -> bool:
    """After the datastore loaded or changed a resource's table (its ``datastore_table_changed``
    hook): the catalogue's list follows the table (types after a reload). True when it changed."""
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        return False
    tables = resource_tables(resource)
    if not tables:
        return False
    mirrored = _mirror(resource, tables)
    if mirrored == resource.data_dictionary:
        return False
    Resource.objects.filter(pk=resource.pk).update(data_dictionary=mirrored)
    return True
