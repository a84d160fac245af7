"""Routes of the compatible API and the linked-data documents (outside the language prefix)."""

from django.apps import apps
from django.urls import include, re_path

from .dcat import views as dcat

urlpatterns = [
    re_path(r"", include("ouvert.api.ckan.urls")),
    re_path(r"", include("ouvert.api.ocds.urls")),
    re_path(r"^catalog\.(?P<fmt>ttl|jsonld|rdf)$", dcat.catalog_document, name="dcat_catalog"),
    re_path(r"^dataset/(?P<name>[-\w]+)\.(?P<fmt>ttl|jsonld|rdf)$", dcat.dataset_document, name="dcat_dataset"),
    re_path(r"^dataset/(?P<name>[-\w]+)/datapackage\.json$", dcat.dataset_datapackage, name="datapackage"),
    re_path(r"^dataset/(?P<name>[-\w]+)/?$", dcat.dataset_negotiated, name="dataset_negotiated"),
]

if apps.is_installed("ouvert.openaccess"):
    from .oai.views import oai

    urlpatterns.append(re_path(r"^oai$", oai, name="oai"))

if apps.is_installed("ouvert.catalog"):
    from .ckan.packages_read import resource_download

    urlpatterns.append(re_path(
        r"^dataset/(?P<dataset_id>[-\w]+)/resource/(?P<resource_id>[0-9a-f-]{36})/download/(?P<filename>[^/]*)$",
        resource_download, name="ckan_resource_download"))
