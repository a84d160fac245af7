"""OCDS endpoints (outside the language prefix): ``/ocds/releases.json`` (a release package of
every release, paged with ``links.next``), ``/ocds/records.json``, ``/ocds/<ocid>.json`` (the
record package of one call) and ``/ocds/releases-<YYYY>-<MM>.json`` (bulk file of a month).

An explicit table of operations, as the CKAN actions are. Only public calls are read (the
procurement app's access rule: drafts are not public), and no bid content ever appears."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse

from ouvert.core.bounds import int_param
from ouvert.procurement.open_contracting import public_calls

from .releases import call_releases, package_meta, record

PAGE = 100


def _json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _all_releases() -> list[dict[str, Any]]:
    rows = [r for call in public_calls() for r in call_releases(call)]
    return sorted(rows, key=lambda r: (r["date"], r["id"]))


def releases_json(request: HttpRequest) -> JsonResponse:
    try:
        page = int_param(request.GET.get("page", "1"), name="page", minimum=1, maximum=1_000_000)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    rows = _all_releases()
    start = (page - 1) * PAGE
    data = package_meta(request.build_absolute_uri())
    data["releases"] = rows[start:start + PAGE]
    if start + PAGE < len(rows):
        data["links"] = {"next": request.build_absolute_uri(f"{request.path}?page={page + 1}")}
    if page > 1:
        data.setdefault("links", {})["prev"] = request.build_absolute_uri(f"{request.path}?page={page - 1}")
    response = _json(data)
    if "links" in data:  # the same pages as an HTTP Link header (RFC 8288), for clients that read it
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in data["links"].items())
    return response


def records_json(request: HttpRequest) -> JsonResponse:
    data = package_meta(request.build_absolute_uri())
    data["records"] = [record(call) for call in public_calls() if call.changes]
    return _json(data)


def record_json(request: HttpRequest, ocid: str) -> JsonResponse:
    prefix = settings.OCDS_OCID_PREFIX + "-"
    if not ocid.startswith(prefix) or not ocid[len(prefix):].isdigit() or len(ocid) > len(prefix) + 18:
        raise Http404
    calls = public_calls(ids=[int(ocid[len(prefix):])])
    if not calls:
        raise Http404
    data = package_meta(request.build_absolute_uri())
    data["records"] = [record(calls[0])]
    return _json(data)


MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")


def month_json(request: HttpRequest, year: str, month: str) -> JsonResponse:
    """Every release dated in that month (UTC), one bulk file."""
    prefix = f"{year}-{month}"
    rows = [r for r in _all_releases() if r["date"].startswith(prefix)]
    if not rows:
        raise Http404
    data = package_meta(request.build_absolute_uri())
    data["releases"] = rows
    return _json(data)
