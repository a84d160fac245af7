"""Base settings, read from the environment (12-factor).

Environment variables (all optional in the embedded profile):

- ``OUVERT_DATA_DIR``: where the SQLite file and uploaded files live (default ``<checkout>/var``).
- ``DATABASE_URL``: a database URL; PostgreSQL in production (``postgres://user@host:5432/db``).
  Without it, SQLite in WAL mode at ``$OUVERT_DATA_DIR/ouvert.sqlite3``.
- ``SECRET_KEY``: required in production; the embedded profile generates and keeps one in the data dir.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``DEBUG``: ``true`` or ``false``.
- ``EMAIL_URL``: ``smtp://user:password@host:port`` (``smtp+tls://`` for STARTTLS); without it,
  mails are printed on the console. ``DEFAULT_FROM_EMAIL``: sender address.
- ``MEDIA_ROOT``: where uploaded files are stored (default ``$OUVERT_DATA_DIR/media``).
- ``STORAGE_URL``: ``file:///path`` or ``s3://bucket?endpoint_url=…`` (see ``_default_storage``).
- ``OUVERT_EMBEDDED_WORKER``: ``true`` to start a background worker inside ``ouvert serve``
  (default: true on SQLite, false otherwise).
- ``OUVERT_UPLOAD_MAX_BYTES``: largest resource file accepted, in bytes (default 500 MB).
- ``OUVERT_FETCH_ALLOW_PRIVATE``, ``OUVERT_FETCH_ALLOWED_NETWORKS``: which non-public addresses the
  outbound fetcher may reach (default: none; see ``docs/security.md``).
- ``OUVERT_SITE_URL``: the public base URL, used in e-mails and feeds.
- ``OUVERT_BASEMAP_URL``: tile URL template of the maps' basemap, e.g.
  ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``; empty (default): maps without a basemap.
  ``OUVERT_BASEMAP_ATTRIBUTION``: its credit line.

The full list, with defaults, is the README's environment table; every Ouvert setting (the names
below that Django itself does not define) is in ``docs/settings.md``, and app code reads them as
``settings.NAME`` (never ``getattr`` with a default: the default lives here, once).

Importing these settings writes nothing: the data dir, the SQLite file, the static folder and the
generated secret key are created by the ``ouvert`` command (:func:`ouvert.cli.prepare_data_dir`), by
``ouvert.wsgi``, or, for the key, at its first use.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.functional import lazy

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui", "vrai"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("OUVERT_DATA_DIR") or PROJECT_DIR / "var").resolve()


@functools.cache
def _kept_secret_key() -> str:
    """The key kept in the data dir, generated there (mode 0600) the first time it is needed."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process wrote it first: use theirs
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if (DATA_DIR / "secret_key").exists():
        return _kept_secret_key()
    return lazy(_kept_secret_key, str)()  # made at first use, not at import


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)  # never on by default, in any profile (``ouvert serve --debug`` asks)
PRODUCTION = False  # ouvert.settings.prod: ``ouvert check`` then fails on unsafe settings
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("OUVERT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "ouvert.core",
    "ouvert.api",
    "ouvert.harvest",
    "ouvert.datastore",
    "ouvert.catalog",
    "ouvert.geo",  # after the catalogue: its demo maps the catalogue's demo resources
    "ouvert.consultations",
    "ouvert.procurement",
    "ouvert.openaccess",
    "ouvert.plans",  # after the catalogue and consultations: its measures and evidence read them
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API docs page from ninja's own static files, not a CDN (the CSP allows 'self' only)
]

MIDDLEWARE = [
    "ouvert.core.metrics.MetricsMiddleware",  # request latency by route template (/metrics, docs/operations.md)
    "ouvert.core.logs.RequestIdMiddleware",  # X-Request-ID in and out, on every log line of the request
    "ouvert.core.http_ranges.HeadAndRangeMiddleware",  # HEAD without a body, byte ranges (docs/security.md)
    "django.middleware.security.SecurityMiddleware",
    "ouvert.core.security.ContentSecurityPolicyMiddleware",  # CSP on HTML responses (docs/security.md)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ouvert.core.middleware.ApiTokenUserMiddleware",
    "ouvert.core.replica.ReplicaPinMiddleware",  # reads after one's own write stay on the primary
    "ouvert.api.middleware.ApiCorsAndThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ouvert.urls"
WSGI_APPLICATION = "ouvert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ouvert.core.context_processors.site",
            ],
            # Django's ``date`` filter, with "1er" for the first day of a month in French.
            "builtins": ["ouvert.core.templatetags.ouvert_i18n"],
        },
    },
]


def _database() -> dj_database_url.DBConfig | dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
        return config
    return {  # the data dir is created by ``ouvert`` / ``ouvert.wsgi`` (prepare_data_dir), not here
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "ouvert.sqlite3",
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }


# WAL lets readers work while the worker writes; IMMEDIATE transactions avoid "database is locked"
# upgrades from read to write locks; a busy timeout waits for the other writer instead of failing.
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": _database()}
# DATABASE_REPLICA_URL: an optional PostgreSQL read replica (streaming replication) for datastore queries
# and catalogue search (ouvert.core.replica); for REPLICA_LAG_SECONDS after a person's write, their
# reads stay on the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                    conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))),
                            "TEST": {"MIRROR": "default"}}
REPLICA_READS = "replica" in DATABASES
REPLICA_LAG_SECONDS = int(os.environ.get("OUVERT_REPLICA_LAG_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:profile"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]  # each in its own language, never translated
LOCALE_PATHS: list = []  # each app keeps its own locale/ folder
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
NODE_MODULES_DIR = PROJECT_DIR / "node_modules"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "ouvert.geo.finders.NodeModulesFinder",  # the web-map library from npm (package-lock.json)
]
# Map previews: tile URL template of a basemap ({z}/{x}/{y}); empty = no basemap (works offline).
OUVERT_BASEMAP_URL = os.environ.get("OUVERT_BASEMAP_URL", "")
OUVERT_BASEMAP_ATTRIBUTION = os.environ.get("OUVERT_BASEMAP_ATTRIBUTION", "")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")


def _default_storage() -> dict:
    """``STORAGE_URL``: ``file:///srv/ouvert/media`` (default: MEDIA_ROOT) or
    ``s3://bucket?endpoint_url=https://s3.example&region_name=ca-central-1`` for S3-compatible object
    storage (install the ``s3`` extra: ``pip install -e '.[s3]'``; credentials from the usual
    ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` variables)."""
    url = os.environ.get("STORAGE_URL", "")
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": unquote(parsed.path)}}
    if parsed.scheme == "s3":
        options = {"bucket_name": parsed.netloc}
        options.update({k: v[-1] for k, v in parse_qs(parsed.query).items()})
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ValueError(f"STORAGE_URL: unsupported scheme {parsed.scheme!r} (use file:// or s3://)")


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest resource file accepted (bytes); uploads are streamed to storage, never held in memory.
UPLOAD_MAX_BYTES = int(os.environ.get("OUVERT_UPLOAD_MAX_BYTES", str(500 * 1024 * 1024)))
LOGO_MAX_BYTES = int(os.environ.get("OUVERT_LOGO_MAX_BYTES", str(2 * 1024 * 1024)))
# Outbound requests (ouvert.core.fetch: harvest sources, linked files, webhooks) go to public
# addresses only. OUVERT_FETCH_ALLOW_PRIVATE lets them reach loopback and private networks (tests, a
# closed network); OUVERT_FETCH_ALLOWED_NETWORKS (CIDR, comma-separated) allows networks one by one.
# Link-local, multicast, reserved and unspecified addresses stay refused unless listed there.
OUVERT_FETCH_ALLOW_PRIVATE = env_bool("OUVERT_FETCH_ALLOW_PRIVATE", False)
OUVERT_FETCH_ALLOWED_NETWORKS = env_list("OUVERT_FETCH_ALLOWED_NETWORKS", "")


def _email() -> dict:
    url = os.environ.get("EMAIL_URL")
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
    }


globals().update(_email())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ouvert <ne-pas-repondre@ouvert.localhost>")
# Who answers for personal information (Québec's Law 25), named on the privacy policy page.
PRIVACY_CONTACT = os.environ.get("OUVERT_PRIVACY_CONTACT", "vie-privee@ouvert.localhost")
# The open-data team's address: the contact of the datasets the platform publishes itself (the OCDS
# files of micro-procurement, the open-access compliance ledger).
OPEN_DATA_CONTACT = os.environ.get("OUVERT_OPEN_DATA_CONTACT", "donnees-ouvertes@ouvert.localhost")

# Tasks: the database queue (embedded, no service) unless OUVERT_TASK_BROKER_URL names a RabbitMQ
# broker (amqp://user:password@host:5672/vhost): then Celery delivers them, acknowledged after completion
# (ouvert.core.task_celery; docs/operations.md). OUVERT_TASK_QUEUE names the broker's queue.
TASK_BROKER_URL = os.environ.get("OUVERT_TASK_BROKER_URL", "")
TASK_QUEUE = os.environ.get("OUVERT_TASK_QUEUE", "ouvert")
TASKS = {
    "default": {
        "BACKEND": "ouvert.core.task_celery.CeleryBackend" if TASK_BROKER_URL else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
EMBEDDED_WORKER = env_bool("OUVERT_EMBEDDED_WORKER", IS_SQLITE)
# A task "running" longer than this (seconds) counts as stuck in /readyz: its worker probably died.
TASK_STUCK_SECONDS = int(os.environ.get("OUVERT_TASK_STUCK_SECONDS", "3600"))
# /metrics (Prometheus): the bearer token a scraper sends; empty: site administrators only.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"  # as the CSP's frame-ancestors 'self' (ouvert.core.security), for old browsers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Rate limits on public writes: (requests, seconds) per client.
RATE_LIMITS = {
    "signup": (int(os.environ.get("OUVERT_RATE_SIGNUP", "10")), 3600),
    "login": (int(os.environ.get("OUVERT_RATE_LOGIN", "30")), 300),
    "login_account": (int(os.environ.get("OUVERT_RATE_LOGIN_ACCOUNT", "10")), 900),  # failed logins per account
    "password_reset": (int(os.environ.get("OUVERT_RATE_PASSWORD_RESET", "5")), 3600),
    "api_write": (int(os.environ.get("OUVERT_RATE_API_WRITE", "600")), 60),
    "api_write_ip": (int(os.environ.get("OUVERT_RATE_API_WRITE_IP", "1200")), 60),
    # user queries of the CKAN-compatible API, per caller (account, or client address when anonymous)
    "datastore_sql": (int(os.environ.get("OUVERT_RATE_DATASTORE_SQL", "60")), 60),
    "datastore_search": (int(os.environ.get("OUVERT_RATE_DATASTORE_SEARCH", "600")), 60),
}
# Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For is believed, right to left.
OUVERT_TRUSTED_PROXIES = env_list("OUVERT_TRUSTED_PROXIES", "")

# Anonymous datastore_search / datastore_search_sql calls running at once in one process (the others get
# 429): slow anonymous queries must not hold every server thread (`ouvert serve` has 8).
API_ANONYMOUS_QUERY_SLOTS = int(os.environ.get("OUVERT_API_ANONYMOUS_QUERY_SLOTS", "3"))
# datastore_search_sql: time limit (seconds), rows and bytes of an answer (see docs/security.md).
DATASTORE_SQL_SECONDS = float(os.environ.get("OUVERT_DATASTORE_SQL_SECONDS", "5"))
DATASTORE_SQL_ROWS_MAX = int(os.environ.get("OUVERT_DATASTORE_SQL_ROWS_MAX", "32000"))
DATASTORE_SQL_BYTES_MAX = int(os.environ.get("OUVERT_DATASTORE_SQL_BYTES_MAX", "20000000"))
# datastore_search and the table pages: time limit of one query (seconds).
DATASTORE_QUERY_SECONDS = float(os.environ.get("OUVERT_DATASTORE_QUERY_SECONDS", "5"))
# PostgreSQL: work_mem of one datastore query (MB). With the server's default 4 MB, the bitmap of a
# full-text match of 1.3M rows out of 5M turned lossy and every row of its pages was re-tokenized:
# 19.3 s instead of 0.7 s (docs/performance.md).
DATASTORE_QUERY_WORK_MEM_MB = int(os.environ.get("OUVERT_DATASTORE_QUERY_WORK_MEM_MB", "16"))
# Widest table accepted (columns), checked before any cell is read: a small spreadsheet can declare
# 16,384 columns and a million rows.
DATASTORE_MAX_COLUMNS = int(os.environ.get("OUVERT_DATASTORE_MAX_COLUMNS", "2000"))
# Largest uncompressed size of the XLSX parts read whole into memory (shared strings, styles), bytes.
DATASTORE_XLSX_MAX_INMEMORY_BYTES = int(os.environ.get("OUVERT_DATASTORE_XLSX_MAX_INMEMORY_BYTES",
                                                       str(256 * 1024 * 1024)))
# Linked files loaded into the datastore: seconds to connect and between bytes (a whole download
# gets 20 times that).
DATASTORE_FETCH_TIMEOUT = float(os.environ.get("OUVERT_DATASTORE_FETCH_TIMEOUT", "30"))
# PostgreSQL: the read-only role user SQL runs as (created and granted after each ``migrate``).
DATASTORE_READER_ROLE = os.environ.get("OUVERT_DATASTORE_READER_ROLE", "ouvert_datastore_reader")

# Harvesting: most datasets read from one source, longest run (seconds), per-response timeout
# (seconds to connect and between bytes) and size (bytes).
HARVEST_MAX_DATASETS = int(os.environ.get("OUVERT_HARVEST_MAX_DATASETS", "50000"))
HARVEST_MAX_RUN_SECONDS = int(os.environ.get("OUVERT_HARVEST_MAX_RUN_SECONDS", "3600"))
HARVEST_TIMEOUT = float(os.environ.get("OUVERT_HARVEST_TIMEOUT", "30"))
HARVEST_MAX_BYTES = int(os.environ.get("OUVERT_HARVEST_MAX_BYTES", str(50 * 1024 * 1024)))

# Consultations: reports from established accounts that hide a contribution until a moderator
# reviews it; age (days) an account needs before its reports count; smallest socio-demographic group
# shown in open data (smaller ones are masked); least seconds an anonymous participant spends per
# survey page (0: no check).
CONSULTATIONS_AUTO_HIDE_REPORTS = int(os.environ.get("OUVERT_CONSULTATIONS_AUTO_HIDE_REPORTS", "3"))
CONSULTATIONS_REPORT_MIN_ACCOUNT_DAYS = int(os.environ.get("OUVERT_CONSULTATIONS_REPORT_MIN_ACCOUNT_DAYS", "7"))
CONSULTATIONS_OPEN_DATA_MIN_GROUP = int(os.environ.get("OUVERT_CONSULTATIONS_OPEN_DATA_MIN_GROUP", "5"))
CONSULTATIONS_MIN_SECONDS_PER_PAGE = int(os.environ.get("OUVERT_CONSULTATIONS_MIN_SECONDS_PER_PAGE", "2"))

# Micro-acquisitions: the ceiling of a call's fixed price or maximum budget (CAD); the least number
# of working days (Québec holidays excluded) between publication and the bid deadline; the key
# custodian's secret sealing the bids (empty: a file under <data dir>/secrets/, made at first use;
# keep it out of the database's backups, see docs/security.md).
PROCUREMENT_CEILING = int(os.environ.get("OUVERT_PROCUREMENT_CEILING", "90000"))
PROCUREMENT_MIN_WORKING_DAYS = int(os.environ.get("OUVERT_PROCUREMENT_MIN_WORKING_DAYS", "10"))
PROCUREMENT_KEY_SECRET = os.environ.get("OUVERT_PROCUREMENT_KEY_SECRET", "")
# The OCDS output as a catalogue dataset, refreshed after each release: the slug of the organization
# publishing it and the e-mail of the account (an editor of it) the catalogue write acts as; either
# empty: no dataset.
PROCUREMENT_OCDS_DATASET_ORGANIZATION = os.environ.get("OUVERT_PROCUREMENT_OCDS_DATASET_ORGANIZATION", "")
PROCUREMENT_OCDS_DATASET_PUBLISHER = os.environ.get("OUVERT_PROCUREMENT_OCDS_DATASET_PUBLISHER", "")
# OCDS (/ocds/…): the publisher's OCID prefix (register one with the Open Contracting Partnership),
# its name, and the licence of the published data.
OCDS_OCID_PREFIX = os.environ.get("OUVERT_OCDS_OCID_PREFIX", "ocds-ouvert")
OCDS_PUBLISHER_NAME = os.environ.get("OUVERT_OCDS_PUBLISHER_NAME", "Ouvert — gouvernement ouvert du Québec")
OCDS_LICENSE = os.environ.get("OUVERT_OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
# Open access (OAI-PMH at /oai): the repository's identifier in oai: identifiers, the address in
# Identify's adminEmail, and the records per page of a list (resumption tokens carry a key, not an offset).
OPENACCESS_OAI_REPOSITORY_ID = os.environ.get("OUVERT_OPENACCESS_OAI_REPOSITORY_ID", "ouvert.quebec")
OPENACCESS_OAI_ADMIN_EMAIL = os.environ.get("OUVERT_OPENACCESS_OAI_ADMIN_EMAIL", "libre-acces@ouvert.localhost")
OPENACCESS_OAI_PAGE_SIZE = int(os.environ.get("OUVERT_OPENACCESS_OAI_PAGE_SIZE", "100"))
# Open access: the slug of the consultation whose meetings are the webinars listed on the guide
# page (a Fonds creates it like any consultation; empty for no webinar list).
OPENACCESS_WEBINARS_CONSULTATION = os.environ.get("OUVERT_OPENACCESS_WEBINARS_CONSULTATION", "webinaires-libre-acces")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["CACHE_URL"]}}
    # Several app servers: sessions read from the shared cache, kept in the database (they survive a
    # Redis restart); rate limits (ouvert.core.ratelimit) count in the same cache.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
