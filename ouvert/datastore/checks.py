"""Datastore checks, run by ``ouvert check``: the read-only role behind ``datastore_search_sql``."""

from __future__ import annotations

from django.core.checks import Warning, register
from django.db import connection

from .reader_role import reader_role_admin_sql, reader_role_name, reader_role_status


@register(deploy=True)
def datastore_reader_role(app_configs, **kwargs):
    if connection.vendor != "postgresql":
        return []
    try:
        status = reader_role_status()
    except Exception:  # noqa: BLE001 — database_reachable (ouvert.E001) reports the cause
        return []
    role = reader_role_name()
    if not status.exists:
        problem = f"le rôle {role} n'existe pas et l'utilisateur de l'application ne peut pas le créer"
    elif not status.member:
        problem = f"l'utilisateur de l'application n'est pas membre du rôle {role} (SET ROLE impossible)"
    elif not status.schema_usage:
        problem = f"le rôle {role} n'a pas USAGE sur le schéma datastore"
    elif not status.default_select:
        return [Warning(f"Les tables créées à l'avenir dans le schéma datastore ne seront pas lisibles par le rôle "
                        f"{role} (pas de privilèges par défaut).", id="ouvert.W102",
                        hint="Lancez « ouvert migrate » avec l'utilisateur propriétaire du schéma, ou en "
                             "administrateur : " + reader_role_admin_sql())]
    else:
        return []
    return [Warning(f"datastore_search_sql s'exécute sans rôle en lecture seule : {problem}. Les autres limites "
                    "(analyse SQL, transaction en lecture seule, délai) restent actives.", id="ouvert.W101",
                    hint="Relancez « ouvert migrate » avec un utilisateur autorisé à créer des rôles, ou exécutez en "
                         "administrateur : " + reader_role_admin_sql())]
