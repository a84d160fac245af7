"""Datastore checks, run by ``ouvert check``: the read-only role behind ``datastore_search_sql``.

Without a usable role the endpoint refuses every query (it fails closed), so a missing role is an
error (``ouvert.E101``); tables created later that the role could not read is a warning
(``ouvert.W102``: queries on them are refused by PostgreSQL)."""

from __future__ import annotations

from django.core.checks import Error, Warning, register
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
    elif status.privileged:
        problem = (f"le rôle {role} a trop de droits (superutilisateur, BYPASSRLS ou lecture d'une table de "
                   "l'application) ; retirez-les (REVOKE, ALTER ROLE … NOSUPERUSER NOBYPASSRLS)")
    elif not status.member:
        problem = f"l'utilisateur de l'application n'est pas membre du rôle {role} (SET ROLE impossible)"
    elif not status.schema_usage:
        problem = f"le rôle {role} n'a pas USAGE sur le schéma datastore"
    elif not status.default_select:
        return [Warning(f"Les tables créées à l'avenir dans le schéma datastore ne seront pas lisibles par le rôle "
                        f"{role} (pas de privilèges par défaut) : datastore_search_sql les refusera.",
                        id="ouvert.W102",
                        hint="Lancez « ouvert migrate » avec l'utilisateur propriétaire du schéma, ou en "
                             "administrateur : " + reader_role_admin_sql())]
    else:
        return []
    return [Error(f"datastore_search_sql est indisponible (chaque requête est refusée) : {problem}.",
                  id="ouvert.E101",
                  hint="Relancez « ouvert migrate » avec un utilisateur autorisé à créer des rôles, ou exécutez en "
                       "administrateur : " + reader_role_admin_sql())]
