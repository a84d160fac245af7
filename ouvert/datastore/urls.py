from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "datastore"

urlpatterns = [
    path(_("donnees/tables/<uuid:resource_id>/"), views.table_page, name="table"),
    path(_("donnees/tables/<uuid:resource_id>/chargement/"), views.job_panel, name="job_panel"),
    path(_("donnees/chargements/<uuid:job_id>/annuler/"), views.job_cancel, name="job_cancel"),
    path(_("donnees/chargements/<uuid:job_id>/relancer/"), views.job_retry, name="job_retry"),
]
