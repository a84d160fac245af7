from django.urls import path
from django.utils.translation import gettext_lazy as _

from ouvert.core.feeds import FollowableFeed

from . import feeds, views

app_name = "catalog"

urlpatterns = [
    path(_("donnees/"), views.search, name="search"),
    path(_("donnees/jeux/nouveau/"), views.dataset_create, name="dataset_create"),
    path(_("donnees/corbeille/"), views.trash, name="trash"),
    path(_("donnees/mes-jeux/"), views.my_datasets, name="my_datasets"),
    path(_("donnees/qualite/"), views.quality, name="quality"),
    path(_("donnees/suivis/"), views.follows_page, name="follows"),
    path(_("donnees/suivre/"), views.follow, name="follow"),
    path(_("donnees/desabonnement/<uuid:token>/"), views.unsubscribe, name="unsubscribe"),
    path(_("donnees/fil/"), feeds.RecentFeed(), name="feed_recent"),
    path(_("donnees/fil/<str:kind>/<str:key>/"), FollowableFeed(), name="feed"),
    path(_("donnees/jeux/<slug:name>/"), views.dataset_detail, name="dataset_detail"),
    path(_("donnees/jeux/<slug:name>/modifier/"), views.dataset_edit, name="dataset_edit"),
    path(_("donnees/jeux/<slug:name>/publier/"), views.dataset_publish, name="dataset_publish"),
    path(_("donnees/jeux/<slug:name>/depublier/"), views.dataset_unpublish, name="dataset_unpublish"),
    path(_("donnees/jeux/<slug:name>/supprimer/"), views.dataset_delete, name="dataset_delete"),
    path(_("donnees/jeux/<slug:name>/restaurer/"), views.dataset_restore, name="dataset_restore"),
    path(_("donnees/jeux/<slug:name>/purger/"), views.dataset_purge, name="dataset_purge"),
    path(_("donnees/jeux/<slug:name>/historique/"), views.dataset_history, name="dataset_history"),
    path(_("donnees/jeux/<slug:name>/ressources/nouvelle/"), views.resource_create, name="resource_create"),
    path(_("donnees/jeux/<slug:name>/ressources/<uuid:pk>/"), views.resource_detail, name="resource_detail"),
    path(_("donnees/jeux/<slug:name>/ressources/<uuid:pk>/modifier/"), views.resource_edit, name="resource_edit"),
    path(_("donnees/jeux/<slug:name>/ressources/<uuid:pk>/deplacer/"), views.resource_move, name="resource_move"),
    path(_("donnees/jeux/<slug:name>/ressources/<uuid:pk>/retirer/"), views.resource_delete,
         name="resource_delete"),
    path(_("donnees/jeux/<slug:name>/ressources/<uuid:pk>/telecharger/"), views.resource_download,
         name="resource_download"),
    path(_("donnees/reutilisations/"), views.reuse_list, name="reuse_list"),
    path(_("donnees/reutilisations/proposer/"), views.reuse_create, name="reuse_create"),
    path(_("donnees/hackathons/<slug:slug>/"), views.hackathon_detail, name="hackathon_detail"),
    path(_("donnees/apprendre/"), views.tutorial_list, name="tutorial_list"),
    path(_("donnees/apprendre/<slug:slug>/"), views.tutorial_detail, name="tutorial_detail"),
    path(_("donnees/demandes/"), views.request_list, name="request_list"),
    path(_("donnees/demandes/nouvelle/"), views.request_create, name="request_create"),
    path(_("donnees/demandes/<int:pk>/"), views.request_detail, name="request_detail"),
]
