from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "ouvert.datastore"
    label = "datastore"
    verbose_name = _("Magasin de données")
