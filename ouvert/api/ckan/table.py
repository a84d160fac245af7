"""The explicit table of supported actions: name → handler. Nothing else is reachable."""

from __future__ import annotations

from django.apps import apps

from . import actions_organizations as orgs
from . import actions_site as site
from . import actions_users as users
from .registry import Action

_ORG_FIELDS = {
    "name": "identifiant (slug) de l'organisation",
    "title": "nom en français",
    "title_translated": "{\"fr\": …, \"en\": …}",
    "description": "description en français",
    "description_translated": "{\"fr\": …, \"en\": …}",
    "kind": "ministry, public_body (défaut), municipality ou civil_society",
    "acronym": "sigle",
    "website": "site web",
    "image_upload": "fichier du logo (multipart)",
    "users": "[{name, capacity}] : ajoute des membres ou change leur rôle (n'en retire aucun)",
}

_TABLE: list[Action] = [
    Action("site_read", site.site_read, read=True),
    Action("status_show", site.status_show, read=True),
    Action("help_show", site.help_show, read=True, params={"name": "nom de l'action"}),
    Action("organization_list", orgs.organization_list, read=True, params={
        "all_fields": "dictionnaires complets (défaut false)",
        "sort": "name, title (défaut) ou package_count, suivi de asc ou desc",
        "limit": "au plus 1000 (défaut 1000)",
        "offset": "défaut 0",
        "q": "texte cherché dans l'identifiant, le nom ou le sigle",
        "organizations": "liste de noms auxquels se limiter",
        "include_dataset_count": "inclure package_count (défaut true)",
    }),
    Action("organization_show", orgs.organization_show, read=True, params={
        "id": "id ou nom",
        "include_datasets": "inclure packages (défaut false)",
        "include_dataset_count": "défaut true",
        "include_users": "membres, pour les administrateurs de l'organisation (défaut true)",
    }),
    Action("organization_create", orgs.organization_create, read=False, params={"id": "UUID à conserver (optionnel)",
                                                                               **_ORG_FIELDS}),
    Action("organization_update", orgs.organization_update, read=False, params={"id": "id ou nom", **_ORG_FIELDS}),
    Action("organization_patch", orgs.organization_update, read=False, params={"id": "id ou nom", **_ORG_FIELDS}),
    Action("organization_member_create", orgs.organization_member_create, read=False, params={
        "id": "id ou nom de l'organisation",
        "username": "nom public (id numérique) ou courriel de la personne",
        "role": "admin, editor ou member",
    }),
    Action("user_show", users.user_show, read=True, params={
        "id": "nom public (id numérique) ; courriel pour les administrateurs du site"}),
]



def _catalog_actions() -> list[Action]:
    """Actions on datasets, resources, themes, tags, licences and activity (the catalogue app)."""
    from . import packages_lookup as lookup
    from . import packages_read as read
    from . import packages_write as write

    search = {
        "q": "recherche : mots, \"expressions\", champ:valeur, AND/OR/NOT, parenthèses",
        "fq": "filtre, même syntaxe", "fq_list": "liste de filtres",
        "rows": "au plus 1000 (défaut 10)", "start": "défaut 0",
        "sort": "score, metadata_modified, metadata_created, title_string, name, views_recent, num_resources "
                "avec asc ou desc, séparés par des virgules",
        "facet": "défaut true", "facet.field": "liste : organization, groups, tags, res_format, license_id, "
                                              "update_frequency, organization_kind, is_reference, language",
        "facet.limit": "défaut 50 (-1 : sans limite)", "facet.mincount": "défaut 1",
        "include_private": "défaut false", "include_drafts": "défaut false",
        "search_language": "fr ou en : langue de lecture de q (défaut : celle de la requête) ; l'autre langue "
                           "est essayée si rien ne répond",
    }
    dataset = {"name": "identifiant lisible", "title": "titre", "notes": "description", "owner_org": "organisation",
               "private": "privé", "tags": "[{name}]", "groups": "[{name}] (thèmes)", "license_id": "licence",
               "url": "adresse de la source", "maintainer": "nom du contact", "maintainer_email": "courriel du contact",
               "update_frequency": "fréquence de mise à jour", "temporal_start": "AAAA-MM-JJ",
               "temporal_end": "AAAA-MM-JJ", "spatial_text": "couverture géographique", "language": "langue",
               "version_notes": "notes de version", "title_en": "titre en anglais (facultatif)",
               "notes_en": "description en anglais (facultative)",
               "title_translated": "{fr, en} : titre dans les deux langues", "notes_translated": "{fr, en}",
               "keywords_en": "[mots-clés en anglais]", "keywords": "{fr: [...], en: [...]} : mots-clés",
               "resources": "[{url, name, format, …}]",
               "state": "active (défaut) ou draft", "id": "UUID à conserver (optionnel)",
               "extras": "[{key, value}] : métadonnées supplémentaires"}
    group = {"name": "identifiant du thème", "title": "titre en français", "title_translated": "{fr, en}",
             "packages": "[{name}] : jeux de données à y ajouter"}
    resource = {"package_id": "jeu de données", "url": "lien", "upload": "fichier (multipart)", "name": "nom",
                "description": "description", "format": "format", "encoding": "encodage",
                "data_dictionary": "[{name, type, description, unit}]", "id": "UUID à conserver (optionnel)"}
    return [
        Action("package_list", read.package_list, read=True, params={"limit": "", "offset": ""}),
        Action("package_search", read.package_search, read=True, params=search),
        Action("package_show", read.package_show, read=True, params={"id": "id ou nom"}),
        Action("resource_show", read.resource_show, read=True, params={"id": "id de la ressource"}),
        Action("group_list", read.group_list, read=True, params={
            "all_fields": "", "sort": "name, title, package_count", "limit": "", "offset": "", "groups": ""}),
        Action("group_show", read.group_show, read=True, params={"id": "nom du thème", "include_datasets": ""}),
        Action("tag_list", read.tag_list, read=True, params={"query": "", "all_fields": "", "limit": "",
                                                             "offset": ""}),
        Action("tag_show", read.tag_show, read=True, params={"id": "mot-clé", "include_datasets": ""}),
        Action("license_list", read.license_list, read=True),
        Action("package_activity_list", read.package_activity_list, read=True, params={
            "id": "id ou nom", "offset": "", "limit": "au plus 100"}),
        Action("recently_changed_packages_activity_list", read.recently_changed_packages_activity_list,
               read=True, params={"offset": "", "limit": "au plus 100"}),
        Action("package_autocomplete", lookup.package_autocomplete, read=True, params={
            "q": "texte cherché dans le nom ou le titre", "limit": "au plus 100 (défaut 10)"}),
        Action("format_autocomplete", lookup.format_autocomplete, read=True, params={
            "q": "texte cherché dans les formats", "limit": "au plus 100 (défaut 5)"}),
        Action("current_package_list_with_resources", lookup.current_package_list_with_resources, read=True,
               params={"limit": "au plus 1000 (défaut 10)", "offset": "", "page": "à partir de 1"}),
        Action("resource_search", lookup.resource_search, read=True, params={
            "query": "champ:valeur ou liste (champs : name, description, format, url, id, package_id)",
            "order_by": "name (défaut), format, url, created, last_modified, position, id",
            "offset": "", "limit": "au plus 1000 (défaut 100)"}),
        Action("group_package_show", lookup.group_package_show, read=True, params={
            "id": "nom du thème", "limit": "au plus 1000"}),
        Action("group_create", lookup.group_create, read=False, params=group),
        Action("group_update", lookup.group_update, read=False, params={"id": "nom du thème", **group}),
        Action("group_patch", lookup.group_update, read=False, params={"id": "nom du thème", **group}),
        Action("group_delete", lookup.group_delete, read=False, params={"id": "nom du thème"}),
        Action("user_list", lookup.user_list, read=True, params={
            "q": "texte cherché dans le nom", "order_by": "name (défaut), display_name, created", "limit": "",
            "offset": "", "all_fields": "défaut true"}),
        Action("package_create", write.package_create, read=False, params=dataset),
        Action("package_update", write.package_update, read=False, params={"id": "id ou nom", **dataset}),
        Action("package_patch", write.package_patch, read=False, params={"id": "id ou nom", **dataset}),
        Action("package_delete", write.package_delete, read=False, params={"id": "id ou nom"}),
        Action("resource_create", write.resource_create, read=False, params=resource),
        Action("resource_update", write.resource_update, read=False, params={"id": "", **resource}),
        Action("resource_patch", write.resource_patch, read=False, params={"id": "", **resource}),
        Action("resource_delete", write.resource_delete, read=False, params={"id": ""}),
    ]


def _datastore_actions() -> list[Action]:
    """The datastore's actions (the datastore app), on resources of the catalogue."""
    from . import actions_datastore as ds

    return [
        Action("datastore_search", ds.datastore_search, read=True, params={
            "resource_id": "ressource", "filters": "{colonne: valeur ou [valeurs]}", "q": "texte",
            "distinct": "", "fields": "", "sort": "", "limit": "au plus 32000", "offset": "",
            "include_total": "", "records_format": "objects, lists, csv, tsv"}, throttle="datastore_search"),
        Action("datastore_info", ds.datastore_info, read=True, params={"resource_id": "ressource"}),
        Action("datastore_search_sql", ds.datastore_search_sql, read=True, params={"sql": "un seul SELECT"},
               throttle="datastore_sql"),
        Action("datastore_create", ds.datastore_create, read=False, params={
            "resource_id": "ressource", "fields": "[{id, type}]", "records": "[{…}]", "primary_key": ""}),
        Action("datastore_upsert", ds.datastore_upsert, read=False, params={
            "resource_id": "ressource", "records": "[{…}]", "method": "upsert, insert ou update"}),
        Action("datastore_delete", ds.datastore_delete, read=False, params={
            "resource_id": "ressource", "filters": "sans filtre : toute la table"}),
    ]


if apps.is_installed("ouvert.catalog"):
    _TABLE += _catalog_actions()
    if apps.is_installed("ouvert.datastore"):
        _TABLE += _datastore_actions()

ACTIONS: dict[str, Action] = {action.name: action for action in _TABLE}
