"""Ouvert's own checks, run by ``ouvert check`` next to Django's deploy checks."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
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
    if settings.IS_SQLITE and settings.PRODUCTION:
        return [Warning("SQLite est utilisé avec le profil de production (ouvert.settings.prod).", id="ouvert.W002",
                        hint="En production, définissez DATABASE_URL vers PostgreSQL.")]
    return []


@register()
def trusted_proxies_readable(app_configs, **kwargs):
    import ipaddress

    bad = []
    for entry in settings.OUVERT_TRUSTED_PROXIES or []:
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            bad.append(str(entry))
    if bad:
        return [Error(f"OUVERT_TRUSTED_PROXIES : entrées illisibles {bad}.", id="ouvert.E003",
                      hint="Donnez des adresses IP ou des blocs CIDR, séparés par des virgules "
                           "(10.0.0.5,172.16.0.0/12).")]
    return []


LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@register(Tags.security, deploy=True)
def http_safety(app_configs, **kwargs):
    """Unsafe HTTP settings. With the production profile (``settings.PRODUCTION``): DEBUG fails the
    check; HSTS off and cookies sent over plain HTTP warn. In any profile: DEBUG with a host other
    than this machine's warns (DEBUG pages show settings and code to whoever reaches them)."""
    problems: list[CheckMessage] = []
    production = settings.PRODUCTION
    if settings.DEBUG and production:
        problems.append(Error("DEBUG est actif avec le profil de production : les pages d'erreur montrent le code "
                              "et les réglages.", id="ouvert.E010",
                              hint="Retirez DEBUG=true (ou la surcharge de DEBUG) des réglages de production."))
    elif settings.DEBUG and set(settings.ALLOWED_HOSTS) - LOOPBACK:
        problems.append(Warning("DEBUG est actif et le site accepte d'autres hôtes que cette machine "
                                f"({', '.join(sorted(set(settings.ALLOWED_HOSTS) - LOOPBACK))}).", id="ouvert.W010",
                                hint="Servez sans --debug ni DEBUG=true dès que d'autres personnes ont accès."))
    if production and settings.SECURE_HSTS_SECONDS <= 0:
        problems.append(Warning("HSTS est désactivé (SECURE_HSTS_SECONDS=0) : un navigateur peut être ramené en HTTP "
                                "par un intermédiaire.", id="ouvert.W011",
                                hint="Laissez SECURE_HSTS_SECONDS à sa valeur par défaut (31536000, un an) une fois "
                                     "le site servi en HTTPS."))
    if production and not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(Warning("Les témoins de session et CSRF peuvent partir en HTTP clair (SECURE_COOKIES=false).",
                                id="ouvert.W012",
                                hint="Servez en HTTPS et retirez SECURE_COOKIES=false."))
    return problems
