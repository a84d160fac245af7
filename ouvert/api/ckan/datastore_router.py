"""The native API's CKAN-shaped search, ``/api/v1/datastore/{resource_id}/search``: the parameters of
``datastore_search`` as query parameters, its envelope as the answer (:mod:`.datastore_wire`)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router

from ouvert.core.typing import signed_in_user

from . import datastore_wire

router = Router(tags=["datastore"])


@router.get("/datastore/{resource_id}/search", response=dict[str, Any],
            summary="Recherche au format de datastore_search de CKAN",
            operation_id="ouvert_datastore_api_table_search")  # kept from when it lived in the datastore app
def table_search(request: HttpRequest, resource_id: uuid.UUID, filters: str | None = None, q: str | None = None,
                 sort: str | None = None, limit: int = 100, offset: int = 0, fields: str | None = None,
                 distinct: bool = False, include_total: bool = True,
                 records_format: Literal["objects", "lists", "csv", "tsv"] = "objects") -> dict[str, Any]:
    data: dict[str, Any] = {"resource_id": str(resource_id), "limit": limit, "offset": offset,
                            "distinct": distinct, "include_total": include_total, "records_format": records_format}
    for key, value in (("filters", filters), ("q", q), ("sort", sort), ("fields", fields)):
        if value:
            data[key] = value
    return datastore_wire.search(data=data, user=signed_in_user(request))
