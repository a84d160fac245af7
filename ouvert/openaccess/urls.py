from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "openaccess"

pages = [
    path("", views.index, name="index"),
    path(_("declarer/"), views.declare, name="declare"),
    path(_("mes-articles/"), views.mine, name="mine"),
    path(_("tableau-de-bord/"), views.dashboard, name="dashboard"),
    path(_("trouver-une-voie/"), views.route_finder, name="route_finder"),
    path(_("guide/"), views.guide, name="guide"),
    path(_("registre.<str:fmt>"), views.ledger, name="ledger"),
    path(_("registre/publier/"), views.ledger_publish, name="ledger_publish"),
    path(_("subventions/charger/"), views.grants_import, name="grants_import"),
    path(_("articles/importer/"), views.publications_import, name="publications_import"),
    path(_("a-verifier/"), views.review_queue, name="review"),
    path(_("a-verifier/lien/<int:pk>/"), views.review_link, name="review_link"),
    path(_("a-verifier/article/<int:pk>/"), views.review_work, name="review_work"),
    path(_("articles/<int:pk>/"), views.publication, name="publication"),
    path(_("articles/<int:pk>/modifier/"), views.edit, name="edit"),
    path(_("articles/<int:pk>/retirer/"), views.delete, name="delete"),
]

urlpatterns = [path(_("libre-acces/"), include(pages))]
