from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django.views.static import serve

from ouvert.api.api import api
from ouvert.core import views as core_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("ouvert.api.urls")),
    path("healthz", core_views.health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("ouvert.harvest.urls")),
    path("", include("ouvert.core.urls")),
    path("", include("ouvert.catalog.urls")),
    path("", include("ouvert.datastore.urls")),
    prefix_default_language=True,
)
