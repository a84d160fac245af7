"""Ouvert's own checks, run by ``ouvert check`` next to Django's deploy checks."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connection
from django.utils.translation import ngettext


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
        waiting = ngettext("%(n)s migration en attente.", "%(n)s migrations en attente.", len(plan)) % {"n": len(plan)}
        return [Warning(waiting, id="ouvert.W001", hint="Lancez « ouvert migrate ».")]
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
    """Unsafe HTTP settings. With the production profile (``settings.PRODUCTION``): DEBUG, HSTS off
    and cookies sent over plain HTTP fail the check. In any profile: DEBUG with a host other
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
        problems.append(Error("HSTS est désactivé (SECURE_HSTS_SECONDS=0) : un navigateur peut être ramené en HTTP "
                              "par un intermédiaire.", id="ouvert.E011",
                              hint="Laissez SECURE_HSTS_SECONDS à sa valeur par défaut (31536000, un an) une fois "
                                   "le site servi en HTTPS."))
    if production and not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(Error("Les témoins de session et CSRF peuvent partir en HTTP clair (SECURE_COOKIES=false).",
                              id="ouvert.E012",
                              hint="Servez en HTTPS et retirez SECURE_COOKIES=false."))
    return problems


# Secret keys that are not secret: Django's placeholder prefix, and values copied from examples.
INSECURE_KEY_PREFIXES = ("django-insecure-",)
INSECURE_KEYS = {"changeme", "change-me", "secret", "secret-key", "changez-moi", "dev", "test", "xxx"}
CONSOLE_EMAIL_BACKENDS = {"django.core.mail.backends.console.EmailBackend",
                          "django.core.mail.backends.locmem.EmailBackend",
                          "django.core.mail.backends.dummy.EmailBackend",
                          "django.core.mail.backends.filebased.EmailBackend"}
PROCESS_LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}


def _weak_key(key: str) -> bool:
    return (len(key) < 50 or len(set(key)) < 5 or key.lower() in INSECURE_KEYS
            or key.startswith(INSECURE_KEY_PREFIXES))


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    """With the production profile, every setting that is unsafe when the site is public or runs on
    several processes fails ``ouvert check`` (errors, not warnings: the command exits non-zero).
    DEBUG, HSTS and cookies are :func:`http_safety`'s (E010–E012)."""
    if not settings.PRODUCTION:
        return []
    problems: list[CheckMessage] = []
    if _weak_key(str(settings.SECRET_KEY)):
        problems.append(Error("SECRET_KEY est trop faible ou connu (moins de 50 caractères, trop peu de caractères "
                              "différents, ou une valeur d'exemple) : sessions et liens signés seraient falsifiables.",
                              id="ouvert.E020",
                              hint="python -c \"import secrets; print(secrets.token_urlsafe(50))\" et mettez le "
                                   "résultat dans SECRET_KEY (dans votre gestionnaire de secrets)."))
    if "*" in settings.ALLOWED_HOSTS or not settings.ALLOWED_HOSTS:
        problems.append(Error("ALLOWED_HOSTS accepte n'importe quel hôte (« * ») ou est vide : les liens des "
                              "courriels de réinitialisation peuvent pointer vers un site tiers.", id="ouvert.E021",
                              hint="ALLOWED_HOSTS=donnees.example.qc.ca (les noms publics du site, séparés par des "
                                   "virgules)."))
    if not settings.SECURE_SSL_REDIRECT:
        problems.append(Error("SECURE_SSL_REDIRECT est désactivé : une page demandée en HTTP clair est servie en "
                              "clair.", id="ouvert.E022",
                              hint="Retirez SECURE_SSL_REDIRECT=false ; derrière un mandataire, qu'il envoie "
                                   "X-Forwarded-Proto: https (/healthz, /readyz et /metrics restent en HTTP)."))
    if settings.EMAIL_BACKEND in CONSOLE_EMAIL_BACKENDS:
        problems.append(Error("Les courriels ne partent pas : ils sont écrits sur la console "
                              f"({settings.EMAIL_BACKEND}).", id="ouvert.E023",
                              hint="EMAIL_URL=smtp+tls://utilisateur:motdepasse@smtp.example.qc.ca:587"))
    # workers apart: separate ``ouvert worker`` processes, or any worker of the broker (other machines)
    workers_apart = not settings.EMBEDDED_WORKER or bool(settings.TASK_BROKER_URL)
    if settings.IS_SQLITE and workers_apart:
        problems.append(Error("SQLite avec des processus de tâches séparés (OUVERT_EMBEDDED_WORKER=false ou "
                              "OUVERT_TASK_BROKER_URL) : un seul fichier pour plusieurs écrivains, que les autres "
                              "machines n'atteignent pas.",
                              id="ouvert.E024",
                              hint="DATABASE_URL=postgres://… (PostgreSQL), ou OUVERT_EMBEDDED_WORKER=true sur une "
                                   "seule machine."))
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PROCESS_LOCAL_CACHES and workers_apart:
        problems.append(Error("Cache, limites de débit et sessions en mémoire de chaque processus alors que la "
                              "plateforme tourne sur plusieurs processus (OUVERT_EMBEDDED_WORKER=false, ou un "
                              "courtier de tâches OUVERT_TASK_BROKER_URL) : chaque serveur compte à part.",
                              id="ouvert.E025",
                              hint="CACHE_URL=redis://127.0.0.1:6379/0 (un Redis partagé par les serveurs)."))
    if not settings.METRICS_TOKEN:
        problems.append(Error("METRICS_TOKEN est vide : Prometheus ne peut pas lire /metrics.", id="ouvert.E026",
                              hint="python -c \"import secrets; print(secrets.token_urlsafe(32))\" dans "
                                   "METRICS_TOKEN, et le même jeton dans la configuration de Prometheus."))
    problems += _storage_problems(settings.STORAGES["default"])
    return problems


# django-storages' S3 options that carry credentials (from STORAGE_URL's query string)
S3_CREDENTIAL_OPTIONS = {"access_key", "secret_key", "security_token", "session_token"}


def _storage_problems(storage: dict) -> list[CheckMessage]:
    from urllib.parse import urlparse

    if storage.get("BACKEND") != "storages.backends.s3.S3Storage":
        return []
    options = storage.get("OPTIONS", {})
    problems: list[CheckMessage] = []
    if S3_CREDENTIAL_OPTIONS & set(options) or "@" in str(options.get("bucket_name", "")):
        problems.append(Error("STORAGE_URL contient des identifiants S3 : ils finissent dans les listes de processus, "
                              "les journaux et les fichiers d'environnement partagés.", id="ouvert.E027",
                              hint="Retirez-les de STORAGE_URL et donnez AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY "
                                   "(ou un rôle de la machine) à part, depuis votre gestionnaire de secrets."))
    endpoint = urlparse(str(options.get("endpoint_url", "")))
    if endpoint.scheme == "http" and endpoint.hostname not in LOOPBACK:
        problems.append(Error(f"Le stockage S3 est joint en HTTP clair ({endpoint.hostname}) : les fichiers et les "
                              "requêtes signées passent en clair sur le réseau.", id="ouvert.E028",
                              hint="endpoint_url=https://… dans STORAGE_URL."))
    return problems
