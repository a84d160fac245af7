"""The explicit table of supported actions: name → handler. Nothing else is reachable."""

from __future__ import annotations

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
    Action("user_show", users.user_show, read=True, params={"id": "nom public (id numérique)"}),
]

ACTIONS: dict[str, Action] = {action.name: action for action in _TABLE}
