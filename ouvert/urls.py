from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from ouvert.api.api import api
from ouvert.core import files as core_files
from ouvert.core import views as core_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("ouvert.api.urls")),
    path("healthz", core_views.health, name="health"),
    path("readyz", core_views.ready, name="ready"),
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("media/<path:path>", core_files.media, name="media"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("ouvert.harvest.urls")),
    path("", include("ouvert.geo.urls")),  # before the catalogue: donnees/cartes/… must not be a dataset slug
    path("consultations/", include("ouvert.consultations.urls")),
    path(_("plans-action/"), include("ouvert.plans.urls")),
    path("", include("ouvert.openaccess.urls")),
    path(_("acquisitions/"), include("ouvert.procurement.urls")),
    path("", include("ouvert.core.urls")),
    path("", include("ouvert.api.page_urls")),  # /fr/api/: the page presenting the APIs
    path("", include("ouvert.datastore.urls")),
    path("", include("ouvert.catalog.urls")),
    prefix_default_language=True,
)
