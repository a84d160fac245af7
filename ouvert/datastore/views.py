"""The standalone page of a datastore table (the catalogue's resource page embeds the same include)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def table_page(request: HttpRequest, resource_id: uuid.UUID) -> HttpResponse:
    sheet = request.GET.get("feuille") or request.GET.get("sheet") or "0"
    table = selectors.table_for_read(resource_id, request.user, int(sheet) if sheet.isdigit() else 0)
    sheets = selectors.tables_for_resource(table.resource_id)
    return render(request, "datastore/table.html", {"table": table, "sheets": sheets})
