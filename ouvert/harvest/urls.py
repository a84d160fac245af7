from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "harvest"

urlpatterns = [
    path(_("moissonnage/"), views.source_list, name="source_list"),
    path(_("moissonnage/nouvelle/"), views.source_create, name="source_create"),
    path(_("moissonnage/<slug:slug>/"), views.source_detail, name="source_detail"),
    path(_("moissonnage/<slug:slug>/modifier/"), views.source_edit, name="source_edit"),
    path(_("moissonnage/<slug:slug>/lancer/"), views.source_run, name="source_run"),
    path(_("moissonnage/<slug:slug>/supprimer/"), views.source_delete, name="source_delete"),
    path(_("moissonnage/<slug:slug>/moissonnages/<int:pk>/"), views.run_detail, name="run_detail"),
]
