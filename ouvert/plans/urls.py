from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path(_("nouveau/"), views.plan_new, name="plan_new"),
    path(_("barometre/nouvel-indicateur/"), views.indicator_new, name="indicator_new"),
    path(_("schema.json"), views.schema, name="schema"),
    path(_("barometre/"), views.barometer, name="barometer"),
    path(_("barometre/<slug:key>.csv"), views.indicator_csv, name="indicator_csv"),
    path(_("barometre/donnees-ouvertes/<slug:org>/"), views.barometer_open_data_publish,
         name="barometer_open_data_publish"),
    path(_("barometre/<slug:key>/gerer/"), views.indicator_manage, name="indicator_manage"),
    path(_("tableau-de-bord/"), views.dashboard, name="dashboard"),
    path(_("comite/<slug:slug>/"), views.committee, name="committee"),
    path(_("comite/<slug:slug>/rencontres/<int:pk>/"), views.meeting, name="meeting"),
    path(_("comite/<slug:slug>/membres/ajouter/"), views.member_new, name="member_new"),
    path(_("comite/<slug:slug>/rencontres/nouvelle/"), views.meeting_new, name="meeting_new"),
    path(_("comite/<slug:slug>/rencontres/<int:pk>/compte-rendu/"), views.minutes_edit, name="minutes_edit"),
    path("<slug:slug>/", views.detail, name="detail"),
    path(_("<slug:slug>/plan.json"), views.plan_json, name="json"),
    path(_("<slug:slug>/export.csv"), views.export_csv, name="export_csv"),
    path(_("<slug:slug>/importer/"), views.import_csv, name="import_csv"),
    path(_("<slug:slug>/suivre/"), views.follow, name="follow"),
    path(_("<slug:slug>/publier-donnees-ouvertes/"), views.open_data_publish, name="open_data_publish"),
    path(_("<slug:slug>/engagements/<int:pk>/"), views.commitment, name="commitment"),
    path(_("<slug:slug>/engagements/<int:pk>/evaluation/"), views.rating, name="rating"),
    path(_("<slug:slug>/jalons/<int:pk>/avancement/"), views.progress, name="progress"),
    path(_("<slug:slug>/modifier/"), views.plan_edit, name="plan_edit"),
    path(_("<slug:slug>/defis/nouveau/"), views.challenge_new, name="challenge_new"),
    path(_("<slug:slug>/engagements/nouveau/"), views.commitment_new, name="commitment_new"),
    path(_("<slug:slug>/engagements/<int:pk>/modifier/"), views.commitment_edit, name="commitment_edit"),
    path(_("<slug:slug>/engagements/<int:pk>/jalons/nouveau/"), views.milestone_new, name="milestone_new"),
    path(_("<slug:slug>/jalons/<int:pk>/modifier/"), views.milestone_edit, name="milestone_edit"),
    path(_("<slug:slug>/supprimer/"), views.plan_delete, name="plan_delete"),
    path(_("<slug:slug>/defis/<int:pk>/supprimer/"), views.challenge_delete, name="challenge_delete"),
    path(_("<slug:slug>/engagements/<int:pk>/supprimer/"), views.commitment_delete, name="commitment_delete"),
    path(_("<slug:slug>/jalons/<int:pk>/supprimer/"), views.milestone_delete, name="milestone_delete"),
]

# The prefix ``ouvert/urls.py`` mounts these under (here so that this app's catalogue translates it).
URL_PREFIX = _("plans-action/")
