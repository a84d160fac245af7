from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from .sections import nav_sections


def site(request: HttpRequest) -> dict:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    alternates = []
    for code, name in settings.LANGUAGES:
        alternates.append({"code": code, "name": name, "url": translate_url(path, code),
                           "current": code == current})
    return {
        "language_alternates": alternates,
        "site_name": "Ouvert",
        "site_url": settings.SITE_URL,
        "nav_sections": nav_sections(),
    }
