"""The page presenting the platform's APIs (CKAN Action API, native API, DCAT, OAI-PMH, OCDS, feeds),
in French and English, with links that work on this site."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    site = request.build_absolute_uri("/").rstrip("/")
    return render(request, "api/index.html", {
        "site": site,
        "has_catalog": apps.is_installed("ouvert.catalog"),
        "has_oai": apps.is_installed("ouvert.openaccess"),
        "has_ocds": apps.is_installed("ouvert.procurement"),
    })
