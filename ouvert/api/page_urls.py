"""The API presentation page, under the language prefix (/fr/api/, /en/api/)."""

from django.urls import path

from . import pages

app_name = "api_pages"

urlpatterns = [
    path("api/", pages.index, name="index"),
]
