from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path(_("schema.json"), views.schema, name="schema"),
    path(_("barometre/"), views.barometer, name="barometer"),
    path(_("barometre/<slug:key>.csv"), views.indicator_csv, name="indicator_csv"),
    path(_("barometre/<slug:key>/gerer/"), views.indicator_manage, name="indicator_manage"),
    path(_("tableau-de-bord/"), views.dashboard, name="dashboard"),
    path(_("comite/<slug:slug>/"), views.committee, name="committee"),
    path(_("comite/<slug:slug>/rencontres/<int:pk>/"), views.meeting, name="meeting"),
    path("<slug:slug>/", views.detail, name="detail"),
    path(_("<slug:slug>/plan.json"), views.plan_json, name="json"),
    path(_("<slug:slug>/export.csv"), views.export_csv, name="export_csv"),
    path(_("<slug:slug>/importer/"), views.import_csv, name="import_csv"),
    path(_("<slug:slug>/suivre/"), views.follow, name="follow"),
    path(_("<slug:slug>/publier-donnees-ouvertes/"), views.open_data_publish, name="open_data_publish"),
    path(_("<slug:slug>/engagements/<int:pk>/"), views.commitment, name="commitment"),
    path(_("<slug:slug>/engagements/<int:pk>/evaluation/"), views.rating, name="rating"),
    path(_("<slug:slug>/jalons/<int:pk>/avancement/"), views.progress, name="progress"),
]

# The prefix ``ouvert/urls.py`` mounts these under (here so that this app's catalogue translates it).
URL_PREFIX = _("plans-action/")
