"""Ouvert's own checks, run by ``ouvert check`` next to Django's deploy checks."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connection


@register(Tags.database, deploy=True)
def database_reachable(app_configs, **kwargs):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 — any failure is reported, not raised
        return [Error(f"La base de données ne répond pas : {error}", id="ouvert.E001",
                      hint="Vérifiez DATABASE_URL et que le serveur tourne.")]
    return []


@register(deploy=True)
def data_dir_writable(app_configs, **kwargs):
    problems = []
    for name, path in (("OUVERT_DATA_DIR", settings.DATA_DIR), ("MEDIA_ROOT", settings.MEDIA_ROOT)):
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK):
            problems.append(Error(f"{name} ({path}) n'est pas accessible en écriture.", id="ouvert.E002"))
    return problems


@register(deploy=True)
def migrations_applied(app_configs, **kwargs):
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001 — database_reachable reports the cause
        return []
    if plan:
        return [Warning(f"{len(plan)} migration(s) en attente.", id="ouvert.W001", hint="Lancez « ouvert migrate ».")]
    return []


@register(deploy=True)
def production_database(app_configs, **kwargs):
    if settings.IS_SQLITE and not settings.DEBUG:
        return [Warning("SQLite est utilisé hors du mode développement.", id="ouvert.W002",
                        hint="En production, définissez DATABASE_URL vers PostgreSQL.")]
    return []


@register()
def trusted_proxies_readable(app_configs, **kwargs):
    import ipaddress

    bad = []
    for entry in getattr(settings, "OUVERT_TRUSTED_PROXIES", []) or []:
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            bad.append(str(entry))
    if bad:
        return [Error(f"OUVERT_TRUSTED_PROXIES : entrées illisibles {bad}.", id="ouvert.E003",
                      hint="Donnez des adresses IP ou des blocs CIDR, séparés par des virgules "
                           "(10.0.0.5,172.16.0.0/12).")]
    return []
