"""Native datastore API at ``/api/v1/datastore/``: table info, keyset-paged rows with typed filters,
chart aggregation, streaming exports, ingestion jobs and the data dictionary. The CKAN-shaped search
(``/api/v1/datastore/{id}/search``) is in the CKAN layer, ``ouvert/api/ckan/datastore_router.py``."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from ouvert.core.api_auth import token_auth
from ouvert.core.guidelines import render_finding
from ouvert.core.http_ranges import materialized_response, wants_size
from ouvert.core.permissions import can_edit_in_organization
from ouvert.core.typing import TokenHttpRequest, signed_in_user

from . import exports, selectors, services
from .backends import get_backend
from .models import IngestJob

router = Router(tags=["datastore"])


class FieldOut(Schema):
    id: str
    type: str
    label: str = ""
    description: str = ""
    unit: str = ""
    detected_type: str = ""


class TableOut(Schema):
    resource_id: uuid.UUID
    sheet: int
    sheet_name: str
    row_count: int
    version: int
    fields: list[FieldOut]
    detected: dict[str, Any]
    sheets: list[dict[str, Any]]
    quality_score: dict[str, Any] | None = None


class RowsOut(Schema):
    fields: list[FieldOut]
    records: list[dict[str, Any]]
    next_cursor: str | None
    count: int | None


class AggregateRow(Schema):
    key: Any
    value: Any


class AggregateOut(Schema):
    group: str
    agg: str
    value: str | None
    bucket: str | None
    rows: list[AggregateRow]


class JobOut(Schema):
    id: uuid.UUID
    resource_id: uuid.UUID
    status: str
    phase: str
    bytes_total: int
    bytes_done: int
    rows_done: int
    percentage: float
    rate_rows_per_second: float
    eta_seconds: float | None
    cancel_requested: bool
    attempt: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    error: str
    report: dict[str, Any]


class DictionaryIn(Schema):
    columns: dict[str, dict[str, str]]
    sheet: int = 0


class DictionaryOut(Schema):
    fields: list[FieldOut]
    job: JobOut | None


class QualityOut(Schema):
    findings: list[dict[str, Any]]
    score: dict[str, Any]


def _table_out(table: Any) -> dict[str, Any]:
    sheets = [{"sheet": t.sheet, "name": t.sheet_name, "rows": t.row_count}
              for t in selectors.tables_for_resource(table.resource_id)]
    return {"resource_id": table.resource_id, "sheet": table.sheet, "sheet_name": table.sheet_name,
            "row_count": table.row_count, "version": table.version, "fields": table.fields,
            "detected": table.detected, "sheets": sheets, "quality_score": (table.quality or {}).get("score")}


@router.get("/datastore/{resource_id}", response=TableOut, summary="Table d'une ressource : champs, types, taille")
def table_detail(request: HttpRequest, resource_id: uuid.UUID, sheet: int = 0) -> dict[str, Any]:
    return _table_out(selectors.table_for_read(resource_id, signed_in_user(request), sheet))


@router.get("/datastore/{resource_id}/rows", response=RowsOut,
            summary="Lignes, paginées par curseur, avec filtres typés (colonne:op:valeur)")
def table_rows(request: HttpRequest, resource_id: uuid.UUID, sheet: int = 0,
               filter: list[str] = Query([], description="colonne:op:valeur ; op = eq, ne, lt, lte, gt, gte, "  # noqa: A002,B008
                                         "contains, null, notnull"),
               q: str | None = None, sort: str | None = None, desc: bool = False, cursor: str | None = None,
               limit: int = Query(100, ge=1, le=1000), fields: str | None = None,  # noqa: B008
               count: bool = True) -> dict[str, Any]:
    table = selectors.table_for_read(resource_id, signed_in_user(request), sheet)
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    page = selectors.datastore_rows(table=table, filters=filter, q=q, sort=sort, desc=desc, cursor=cursor,
                                    limit=limit, fields=wanted, count=count)
    page["fields"] = [f for f in page["fields"] if f["id"] != "_id"] if wanted is None else page["fields"]
    return page


@router.get("/datastore/{resource_id}/aggregate", response=AggregateOut,
            summary="Agrégation côté serveur pour les graphiques")
def table_aggregate(request: HttpRequest, resource_id: uuid.UUID, group: str, sheet: int = 0,
                    agg: Literal["count", "sum", "avg", "min", "max"] = "count", value: str | None = None,
                    bucket: Literal["year", "month", "day"] | None = None,
                    filter: list[str] = Query([]),  # noqa: A002,B008
                    limit: int = Query(50, ge=1, le=1000)) -> dict[str, Any]:  # noqa: B008
    table = selectors.table_for_query(resource_id, signed_in_user(request), sheet)
    return selectors.datastore_aggregate(table=table, group=group, agg=agg, value=value, bucket=bucket,
                                         filters=filter, limit=limit)


@router.get("/datastore/{resource_id}/export.{fmt}",
            summary="Export en continu (CSV, JSON, Parquet, XLSX ; GeoJSON quand les lignes ont une géométrie)",
            response={200: None})
def table_export(request: HttpRequest, resource_id: uuid.UUID,
                 fmt: Literal["csv", "json", "parquet", "xlsx", "geojson"],
                 sheet: int = 0, filter: list[str] = Query([]),  # noqa: A002,B008
                 protect_formulas: bool = False, bom: bool = False) -> StreamingHttpResponse:
    """``protect_formulas`` (CSV): text that a spreadsheet would run (``= + - @``) gets a ``'`` in front;
    ``bom`` (CSV): a UTF-8 byte order mark first, for French Excel and LibreOffice. XLSX types text as
    text and needs neither."""
    table = selectors.table_for_read(resource_id, signed_in_user(request), sheet)
    selectors.typed_where(table, get_backend(), filter)  # validate before streaming starts
    name = f"{resource_id}{'-' + str(sheet) if sheet else ''}.{fmt}"

    def produce() -> Iterator[bytes]:
        return exports.export_stream(table, fmt, filters=filter, protect_formulas=protect_formulas, bom=bom)

    if wants_size(request):  # HEAD or a byte range (GDAL /vsicurl/, DuckDB httpfs): a file of known size
        return materialized_response(
            identity=json.dumps(["datastore", table.pk, fmt, filter, protect_formulas, bom]),
            generation=f"{table.version}:{table.row_count}:{table.modified_at.isoformat()}",
            produce=produce, content_type=exports.FORMATS[fmt], filename=name)
    response = StreamingHttpResponse(produce(), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/datastore/{resource_id}/quality", response=QualityOut,
            summary="Rapport de conformité aux lignes directrices (règles F1 à F12)")
def table_quality(request: HttpRequest, resource_id: uuid.UUID, sheet: int = 0) -> dict[str, Any]:
    table = selectors.table_for_read(resource_id, signed_in_user(request), sheet)
    return {"findings": [render_finding(f) for f in (table.quality or {}).get("findings", [])],
            "score": (table.quality or {}).get("score", {})}


def _job_for_editor(request: TokenHttpRequest, job_id: uuid.UUID) -> IngestJob:
    job = get_object_or_404(IngestJob.objects.select_related("organization"), pk=job_id)
    if job.organization is None or not can_edit_in_organization(request.auth, job.organization):
        raise PermissionDenied(_("Seuls les éditeurs de l'organisation voient ce chargement."))
    return job


@router.get("/datastore/{resource_id}/jobs", response=list[JobOut], auth=token_auth,
            summary="Chargements d'une ressource (progression et rapports)")
def job_list(request: TokenHttpRequest, resource_id: uuid.UUID) -> list[dict[str, Any]]:
    jobs = list(IngestJob.objects.select_related("organization").filter(resource_id=resource_id)[:20])
    return [j.progress() for j in jobs
            if j.organization is not None and can_edit_in_organization(request.auth, j.organization)]


@router.get("/datastore/jobs/{job_id}", response=JobOut, auth=token_auth, summary="Progression d'un chargement")
def job_detail(request: TokenHttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    return _job_for_editor(request, job_id).progress()


@router.post("/datastore/jobs/{job_id}/cancel", response=JobOut, auth=token_auth, summary="Annuler un chargement")
def job_cancel(request: TokenHttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    job = _job_for_editor(request, job_id)
    return services.datastore_ingest_cancel(job=job, by=request.auth).progress()


@router.post("/datastore/jobs/{job_id}/retry", response=JobOut, auth=token_auth,
             summary="Relancer un chargement (idempotent)")
def job_retry(request: TokenHttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    job = _job_for_editor(request, job_id)
    if job.is_active:
        raise HttpError(409, _("Ce chargement est encore en cours."))
    new = services.datastore_ingest_retry(job=job, by=request.auth)
    new.refresh_from_db()
    return new.progress()


@router.patch("/datastore/{resource_id}/dictionary", response=DictionaryOut, auth=token_auth,
              summary="Modifier le dictionnaire de données (un changement de type recharge le fichier)")
def dictionary_update(request: TokenHttpRequest, resource_id: uuid.UUID, payload: DictionaryIn) -> dict[str, Any]:
    table = selectors.table_for_read(resource_id, request.auth, payload.sheet)
    table, job = services.datastore_dictionary_update(resource_id=resource_id, columns=payload.columns,
                                                      organization=table.organization, by=request.auth,
                                                      sheet=payload.sheet)
    if job is not None:
        job.refresh_from_db()
    return {"fields": table.fields, "job": job.progress() if job else None}
