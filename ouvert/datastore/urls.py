from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "datastore"

urlpatterns = [
    path(_("donnees/tables/<uuid:resource_id>/"), views.table_page, name="table"),
]
