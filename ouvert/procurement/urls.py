from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views, views_delivery, views_evaluation, views_software

app_name = "procurement"

urlpatterns = [
    path("", views.index, name="index"),
    path(_("appels/nouveau/"), views.call_create, name="call_create"),
    path(_("appels/<int:pk>/"), views.call_detail, name="call"),
    path(_("appels/<int:pk>/publier/"), views.call_publish, name="call_publish"),
    path(_("appels/<int:pk>/modifier/"), views.call_edit, name="call_edit"),
    path(_("appels/<int:pk>/pieces-jointes/"), views.attachment_add, name="attachment_add"),
    path(_("appels/<int:pk>/pieces-jointes/<int:aid>/retirer/"), views.attachment_remove, name="attachment_remove"),
    path(_("appels/<int:pk>/annuler/"), views.call_cancel, name="call_cancel"),
    path(_("appels/<int:pk>/suivre/"), views.call_follow, name="call_follow"),
    path(_("appels/<int:pk>/questions/"), views.question_ask, name="question_ask"),
    path(_("appels/<int:pk>/questions/<int:qid>/reponse/"), views.question_answer, name="question_answer"),
    path(_("appels/<int:pk>/soumission/"), views.bid_submit, name="bid_submit"),
    path(_("appels/<int:pk>/soumission/retirer/"), views.bid_withdraw, name="bid_withdraw"),
    path(_("appels/<int:pk>/soumissions.csv"), views.bids_csv, name="bids_csv"),
    path(_("appels/<int:pk>/evaluation/"), views_evaluation.evaluation_page, name="evaluation"),
    path(_("appels/<int:pk>/bilan/"), views_evaluation.debrief, name="debrief"),
    path(_("appels/<int:pk>/livraison/"), views_delivery.delivery_page, name="delivery"),
    path(_("solutions/"), views.solution_list, name="solutions"),
    path(_("solutions/<int:pk>/"), views.solution_detail, name="solution"),
    path(_("logiciels-libres/"), views_software.software_list, name="software_list"),
    path(_("logiciels-libres/importer/"), views_software.software_import, name="software_import"),
    path(_("logiciels-libres/<int:pk>/"), views_software.software_detail, name="software"),
    path(_("logiciels-libres/<int:pk>/importer/"), views_software.software_reimport, name="software_reimport"),
    path(_("logiciels-libres/<int:pk>/publiccode.yml"), views_software.software_publiccode,
         name="software_publiccode"),
    path(_("bonnes-pratiques/utiliser-du-logiciel-libre/"), views_software.guide_use, name="guide_use"),
    path(_("bonnes-pratiques/partager-son-code/"), views_software.guide_share, name="guide_share"),
    path(_("accompagnement/"), views_software.accompaniment_list, name="accompaniments"),
    path(_("accompagnement/<int:pk>/"), views_software.accompaniment_detail, name="accompaniment"),
    path(_("tableau-de-bord/"), views_software.market_dashboard, name="dashboard"),
    path(_("tableau-de-bord/<slug:series>.csv"), views_software.market_series_csv, name="dashboard_csv"),
    path(_("fournisseurs/inscription/"), views.supplier_register, name="supplier_register"),
    path(_("fournisseurs/<int:pk>/"), views.supplier_detail, name="supplier"),
]
