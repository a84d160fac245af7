from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "geo"

urlpatterns = [
    path(_("donnees/cartes/recherche/"), views.spatial_search, name="search"),
    path(_("donnees/cartes/<uuid:resource_id>/"), views.map_preview, name="map_preview"),
]
