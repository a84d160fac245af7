"""Routes of the CKAN-compatible API."""

from django.urls import re_path

from . import openapi, views

urlpatterns = [
    re_path(r"^(?:/+)?api/(?:(?P<ver>3)/)?action/(?P<name>[A-Za-z0-9_]+)/?$", views.action_view, name="ckan_action"),
    re_path(r"^(?:/+)?api/(?P<ver>3)/?$", views.api_root, name="ckan_root"),
    re_path(r"^api/(?P<ver>3)/openapi\.json$", openapi.openapi_view, name="ckan_openapi"),
]
