"""PostgreSQL role for user SQL (``datastore_search_sql``): defence in depth behind the parser.

``ouvert_datastore_reader`` (setting ``DATASTORE_READER_ROLE``) is a ``NOLOGIN`` role with ``USAGE``
on schema ``datastore`` and ``SELECT`` on its tables (existing ones by ``GRANT``, future ones by
default privileges of the role that creates them). User SQL runs after ``SET LOCAL ROLE`` to it, so a
statement that slipped past :mod:`ouvert.datastore.sql` still cannot read ``public`` tables (users,
tokens) or call superuser-only functions: the database refuses.

Fail closed: when the role cannot be used (missing, not granted to the application's user, no
``USAGE`` on the schema, or able to read an application table or bypass privileges), user SQL does
not run at all — :meth:`~ouvert.datastore.backends.PostgresBackend.limited` raises
:class:`~ouvert.datastore.backends.ReaderRoleMissing` and the endpoint answers that it is not
available; ``ouvert check`` reports ``ouvert.E101``.

The role is set up by :func:`reader_role_ensure`, called after every ``migrate`` (``post_migrate``,
connected in the app config) and on first use in a process. It needs a connecting user that may
create roles (superuser or ``CREATEROLE``) the first time, and owns the ``datastore`` schema. When it
cannot, user SQL is refused, a warning is logged, and ``ouvert check`` reports ``ouvert.E101`` with
the statements an administrator can run instead.

Limit: ``SET ROLE`` is undone by ``RESET ROLE`` or ``set_config('role', …)``; the parser refuses both
(no ``SET`` statement, ``set_config`` is not an allowed function). A separate login role with its
own connection would close that too.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from .backends import PG_SCHEMA, quote

logger = logging.getLogger(__name__)


def reader_role_name() -> str:
    return settings.DATASTORE_READER_ROLE


@dataclass(frozen=True)
class ReaderRoleStatus:
    exists: bool = False
    member: bool = False
    schema_usage: bool = False
    default_select: bool = False
    privileged: bool = False  # superuser, BYPASSRLS, or SELECT on an application table

    @property
    def usable(self) -> bool:
        """``SET ROLE`` works, the role can read the datastore schema and nothing of the application."""
        return self.exists and self.member and self.schema_usage and not self.privileged

    @property
    def complete(self) -> bool:
        return self.usable and self.default_select


def reader_role_status() -> ReaderRoleStatus:
    """What is in place for the reader role in this database (PostgreSQL only)."""
    role = reader_role_name()
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cur.fetchone() is None:
            return ReaderRoleStatus()
        cur.execute(
            "SELECT pg_has_role(session_user, %(r)s, 'MEMBER'),"
            " EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %(s)s"
            "         AND has_schema_privilege(%(r)s, oid, 'USAGE')),"
            " EXISTS (SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace,"
            "         aclexplode(d.defaclacl) a"
            "         WHERE n.nspname = %(s)s AND d.defaclobjtype = 'r' AND d.defaclrole = current_user::regrole"
            "         AND a.grantee = %(r)s::regrole AND a.privilege_type = 'SELECT')",
            {"r": role, "s": PG_SCHEMA})
        member, usage, default_select = cur.fetchone()
        cur.execute(
            "SELECT r.rolsuper OR r.rolbypassrls OR EXISTS ("
            "  SELECT 1 FROM unnest(%(t)s::text[]) AS t(name)"
            "  WHERE to_regclass(quote_ident(t.name)) IS NOT NULL"
            "  AND has_table_privilege(r.oid, to_regclass(quote_ident(t.name)), 'SELECT'))"
            " FROM pg_roles r WHERE r.rolname = %(r)s",
            {"r": role, "t": _application_tables()})
        privileged = bool(cur.fetchone()[0])
    return ReaderRoleStatus(exists=True, member=member, schema_usage=usage, default_select=default_select,
                            privileged=privileged)


def _application_tables() -> list[str]:
    from django.apps import apps

    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)})


def _try(statement: str, params: list | None = None) -> bool:
    """Run one statement in its own savepoint; False (and nothing changed) when the database refuses."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, params)
    except DatabaseError as exc:
        logger.debug("reader role: %s refused: %s", statement, exc)
        return False
    return True


def reader_role_ensure() -> ReaderRoleStatus:
    """Create the reader role if it is missing and the connecting user may, and grant it read access
    to schema ``datastore`` (existing tables and, by default privileges, future ones). Idempotent;
    never raises for lack of rights — the returned status says what is in place."""
    if connection.vendor != "postgresql":
        return ReaderRoleStatus()
    role = quote(reader_role_name())
    status = reader_role_status()
    if not status.exists:
        # Two processes may race here (roles are cluster-wide); the loser's "already exists" is fine.
        _try(f"CREATE ROLE {role} NOLOGIN")
        status = reader_role_status()
        if not status.exists:
            return status
    _try(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
    _try(f"GRANT USAGE ON SCHEMA {PG_SCHEMA} TO {role}")
    _try(f"GRANT SELECT ON ALL TABLES IN SCHEMA {PG_SCHEMA} TO {role}")
    _try(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {PG_SCHEMA} GRANT SELECT ON TABLES TO {role}")
    if not reader_role_status().member:
        _try(f"GRANT {role} TO {quote_current_user()}")
    return reader_role_status()


def quote_current_user() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        return quote(cur.fetchone()[0])


_ready: dict[str, tuple[bool, float]] = {}
RECHECK_SECONDS = 60


def reader_role_for_queries() -> str | None:
    """The role to ``SET LOCAL ROLE`` to before user SQL, or None when it cannot be used (then user
    SQL must not run; logged, and ``ouvert check`` says why). Set up on first use when possible; a
    missing role is looked for again after :data:`RECHECK_SECONDS`, so that an administrator's fix
    is picked up without a restart."""
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}:{reader_role_name()}"
    cached = _ready.get(key)
    if cached is None or (not cached[0] and time.monotonic() - cached[1] > RECHECK_SECONDS):
        status = reader_role_status()
        if not status.usable and not status.privileged:
            status = reader_role_ensure()
        cached = _ready[key] = (status.usable, time.monotonic())
        if not status.usable:
            logger.warning("datastore_search_sql is refused: the read-only role %s cannot be used (%s); "
                           "see `ouvert check`.", reader_role_name(), status)
    return reader_role_name() if cached[0] else None


def reader_role_forget() -> None:
    """Drop the per-process cache (tests, and after an administrator fixed the role)."""
    _ready.clear()


def reader_role_admin_sql() -> str:
    """The statements an administrator runs once when the application's user may not create roles."""
    role = quote(reader_role_name())
    return (f"CREATE ROLE {role} NOLOGIN; GRANT USAGE ON SCHEMA {PG_SCHEMA} TO {role}; "
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {PG_SCHEMA} TO {role}; "
            f"ALTER DEFAULT PRIVILEGES FOR ROLE <utilisateur de l'application> IN SCHEMA {PG_SCHEMA} "
            f"GRANT SELECT ON TABLES TO {role}; GRANT {role} TO <utilisateur de l'application>;")
