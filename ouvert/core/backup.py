"""Backup and restore of a whole platform: the database (every table, the datastore's included), the
stored files and the settings that matter, in one archive, with a manifest that ``restore --verify``
checks row by row and file by file.

The database part is a consistent snapshot taken while the platform keeps writing: SQLite's online
backup API (a page-by-page copy under a read transaction), or ``pg_dump`` of a snapshot exported from a
REPEATABLE READ transaction in which the manifest's counts and checksums are computed too, so that the
manifest describes exactly what was dumped. Files are listed after the snapshot: every file a row of
the snapshot names was stored before that row was committed, so it is in the archive.

Archive (``.tar``): ``manifest.json``; ``database.sqlite3`` or ``database.pgdump``; ``files/<name>``
for each stored file; ``settings/secret_key`` (signed links and tokens keep working after a restore)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 — pg_dump and pg_restore, with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from ouvert import __version__

FORMAT = 1
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"


class BackupError(Exception):
    """What went wrong and what to do, in French (shown as is by the commands)."""


@dataclass
class Manifest:
    version: str
    created_at: str
    vendor: str
    tables: dict[str, dict[str, Any]]  # name → {"rows": n, "sha256": hex}
    files: dict[str, dict[str, Any]]  # storage name → {"bytes": n, "sha256": hex}
    migrations: dict[str, str]  # app → latest applied migration
    format: int = FORMAT

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True).encode()


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# Checksums ------------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_digest(cursor: Any, table: str) -> dict[str, Any]:
    """Row count and a SHA-256 of the table's rows, independent of their physical order."""
    cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 — a table name from the catalog, quoted
    digests: list[bytes] = []
    while True:
        rows = cursor.fetchmany(5000)
        if not rows:
            break
        digests.extend(hashlib.sha256(repr(tuple(_plain(v) for v in row)).encode()).digest() for row in rows)
    total = hashlib.sha256()
    for digest in sorted(digests):
        total.update(digest)
    return {"rows": len(digests), "sha256": total.hexdigest()}


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                   "ORDER BY name")
    names = [row[0] for row in cursor.fetchall()]
    # FTS5 shadow tables are rebuilt from their virtual table; their content follows it.
    virtual = {n for n in names if _is_virtual(cursor, n)}
    return [n for n in names if n not in virtual and not any(n.startswith(v + "_") for v in virtual)]


def _is_virtual(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name])
    row = cursor.fetchone()
    return bool(row and row[0] and row[0].upper().startswith("CREATE VIRTUAL TABLE"))


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _digests(cursor: Any, tables: list[str]) -> dict[str, dict[str, Any]]:
    return {table: _table_digest(cursor, table) for table in tables}


def _migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


# Files ----------------------------------------------------------------------------------------------


def _walk(prefix: str = "") -> Iterator[str]:
    directories, files = default_storage.listdir(prefix)
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from _walk(f"{prefix}{directory}/")


def stored_files() -> Iterator[str]:
    """Every file of the default storage (local folder or S3 bucket), by storage name."""
    try:
        yield from _walk("")
    except FileNotFoundError:
        return


def _file_digest(name: str) -> dict[str, Any]:
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return {"bytes": size, "sha256": digest.hexdigest()}


# Backup ---------------------------------------------------------------------------------------------


def _database_settings() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _require(program: str) -> str:
    found = shutil.which(program)
    if not found:
        raise BackupError(f"{program} est introuvable : installez le client PostgreSQL de la même version que "
                          f"le serveur (paquet postgresql-client).")
    return found


def _snapshot_sqlite(work: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    connection.ensure_connection()
    source = connection.connection
    target_path = work / SQLITE_NAME
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        cursor = target.cursor()
        tables, migrations = _digests(cursor, _sqlite_tables(cursor)), _migrations(cursor)
    finally:
        target.close()
    return tables, migrations


def _pg_connect() -> Any:
    """A plain psycopg connection (no Django loaders: backup and verify read values the same way)."""
    import psycopg

    db = _database_settings()
    params = {k: v for k, v in {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"),
                                "user": db.get("USER"), "password": db.get("PASSWORD")}.items() if v}
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


def _snapshot_postgres(work: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    db = _database_settings()
    pg_dump = _require("pg_dump")
    with _pg_connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None  # noqa: S101 — the function always returns one row
        snapshot = row[0]
        with conn.cursor() as cursor:
            tables, migrations = _digests(cursor, _pg_tables(cursor)), _migrations(cursor)
        # The dump reads the same snapshot while this transaction holds it open.
        result = subprocess.run(  # noqa: S603 — fixed program, argument list
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={work / PG_NAME}", str(db["NAME"])], env=_pg_env(db), capture_output=True, text=True,
            check=False)
        conn.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump a échoué : {result.stderr.strip()}")
    return tables, migrations


def backup_create(output: Path) -> Manifest:
    """Write the archive ``output`` (a ``.tar``) and return its manifest."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ouvert-backup-", dir=output.parent) as tmp:
        work = Path(tmp)
        vendor = connection.vendor
        if vendor == "sqlite":
            tables, migrations = _snapshot_sqlite(work)
        elif vendor == "postgresql":
            tables, migrations = _snapshot_postgres(work)
        else:
            raise BackupError(f"Base {vendor} non prise en charge : SQLite ou PostgreSQL.")
        files = {}
        with tarfile.open(work / "archive.tar", "w") as archive:
            archive.add(work / (SQLITE_NAME if vendor == "sqlite" else PG_NAME),
                        arcname=SQLITE_NAME if vendor == "sqlite" else PG_NAME)
            for name in stored_files():
                files[name] = _file_digest(name)
                with default_storage.open(name, "rb") as handle:
                    info = tarfile.TarInfo(f"files/{name}")
                    info.size = files[name]["bytes"]
                    archive.addfile(info, handle)
            secret = settings.DATA_DIR / "secret_key"
            if secret.exists() and not os.environ.get("SECRET_KEY"):
                archive.add(secret, arcname="settings/secret_key")
            manifest = Manifest(version=__version__, created_at=dt.datetime.now(dt.UTC).isoformat(),
                                vendor=vendor, tables=tables, files=files, migrations=migrations)
            body = manifest.as_json()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
        os.replace(work / "archive.tar", output)
    return manifest


# Restore --------------------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> Manifest:
    try:
        with tarfile.open(archive_path) as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            data = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive_path} n'est pas une sauvegarde d'Ouvert lisible ({exc}).") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde {data.get('format')} inconnu (attendu : {FORMAT}).")
    return Manifest(**data)


def _database_is_empty() -> bool:
    """No account and no organization yet (a freshly migrated database counts as empty)."""
    names = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("core_user", "core_organization"):
            if table in names:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — constant table names
                row = cursor.fetchone()
                if row and row[0]:
                    return False
    return True


def _unknown_migrations(manifest: Manifest) -> list[str]:
    """The archive's latest migrations that this version of the code does not have (a newer version's)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return [f"{app}.{name}" for app, name in sorted(manifest.migrations.items()) if (app, name) not in known]


def pending_migrations() -> int:
    """Migrations of this version not applied to the configured database (after restoring an older backup)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(archive_path: Path, *, force: bool = False) -> Manifest:
    """Restore the archive onto the configured database and storage, which must be empty (or ``force``).
    Refused when the archive comes from a newer version (migrations this code does not have); an older
    archive restores, and ``ouvert migrate`` then brings it up to date."""
    manifest = read_manifest(archive_path)
    vendor = connection.vendor
    if manifest.vendor != vendor:
        raise BackupError(f"La sauvegarde vient de {manifest.vendor} ; la base configurée est {vendor}. "
                          "Restaurez sur le même moteur (DATABASE_URL).")
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(f"La sauvegarde vient d'une version plus récente d'Ouvert ({manifest.version}) : cette "
                          f"version-ci n'a pas les migrations {', '.join(unknown)}. Installez Ouvert "
                          f"{manifest.version} (ou plus récent) avant de restaurer.")
    if not force and not _database_is_empty():
        raise BackupError("La base configurée contient déjà des données : restaurez sur une base neuve, ou "
                          "passez --force pour la remplacer.")
    with tempfile.TemporaryDirectory(prefix="ouvert-restore-") as tmp, tarfile.open(archive_path) as archive:
        work = Path(tmp)
        if vendor == "sqlite":
            member = archive.extractfile(SQLITE_NAME)
            if member is None:
                raise BackupError("La sauvegarde n'a pas de base SQLite.")
            (work / SQLITE_NAME).write_bytes(member.read())
            connection.ensure_connection()
            source = sqlite3.connect(work / SQLITE_NAME)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            _restore_postgres(archive, work)
        for name in manifest.files:
            member = archive.extractfile(f"files/{name}")
            if member is None:
                raise BackupError(f"Fichier absent de la sauvegarde : {name}")
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, member)
            if saved != name:
                raise BackupError(f"Le stockage a renommé {name} en {saved} : videz-le avant de restaurer.")
        secret = archive.extractfile("settings/secret_key") if "settings/secret_key" in archive.getnames() else None
        if secret is not None and not os.environ.get("SECRET_KEY"):
            target = settings.DATA_DIR / "secret_key"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(secret.read())
            target.chmod(0o600)
    connection.close()
    return manifest


def _restore_postgres(archive: tarfile.TarFile, work: Path) -> None:
    db = _database_settings()
    pg_restore = _require("pg_restore")
    member = archive.extractfile(PG_NAME)
    if member is None:
        raise BackupError("La sauvegarde n'a pas de vidage PostgreSQL.")
    (work / PG_NAME).write_bytes(member.read())
    connection.close()
    result = subprocess.run(  # noqa: S603 — fixed program, argument list
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
         f"--dbname={db['NAME']}", str(work / PG_NAME)], env=_pg_env(db), capture_output=True, text=True,
        check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore a échoué : {result.stderr.strip()}")


def backup_verify(manifest: Manifest) -> VerifyReport:
    """Compare the configured database and storage with ``manifest``: every table's row count and
    checksum, every file's size and hash."""
    report = VerifyReport()
    sqlite = connection.vendor == "sqlite"
    conn = sqlite3.connect(str(_database_settings()["NAME"])) if sqlite else _pg_connect()
    try:
        raw = conn.cursor()
        tables = _sqlite_tables(raw) if connection.vendor == "sqlite" else _pg_tables(raw)
        for table, expected in sorted(manifest.tables.items()):
            if table not in tables:
                report.problems.append(f"table {table} absente")
                continue
            found = _table_digest(raw, table)
            report.tables += 1
            report.rows += found["rows"]
            if found != expected:
                report.problems.append(f"table {table} : {found['rows']} lignes (sauvegarde : {expected['rows']})"
                                       if found["rows"] != expected["rows"] else
                                       f"table {table} : contenu différent de la sauvegarde")
    finally:
        conn.close()
    for name, expected in sorted(manifest.files.items()):
        if not default_storage.exists(name):
            report.problems.append(f"fichier {name} absent")
            continue
        report.files += 1
        if _file_digest(name) != expected:
            report.problems.append(f"fichier {name} : contenu différent de la sauvegarde")
    return report
