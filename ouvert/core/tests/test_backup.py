"""``ouvert backup`` and ``ouvert restore --verify``, run as an operator would, on SQLite and on the
PostgreSQL server: a backup taken while the platform writes restores on a fresh data directory (and a
fresh database) and verifies table by table and file by file."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest

from ouvert.api.tests.instance import migrated_sqlite

pytestmark = pytest.mark.slow  # subprocesses: migrate, a writer, backup, restore

PG = "postgres://postgres@127.0.0.1:5432/"
WRITER = ("import time\n"
          "from ouvert.core.models import Organization\n"
          "for i in range(100000):\n"
          "    Organization.objects.create(slug=f'ecriture-{i}', name_fr=f'Écriture {i}')\n"
          "    time.sleep(0.005)\n")
SEED = ("from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "from ouvert.core.models import Organization, User\n"
        "Organization.objects.create(slug='sct', name_fr='Secrétariat du Conseil du trésor')\n"
        "User.objects.create_user(email='editeur@exemple.qc.ca', password='x-Motdepasse-2026')\n"
        "default_storage.save('resources/a/bornes.csv', ContentFile('id,nom\\n1,Berri\\n'.encode()))\n"
        "default_storage.save('resources/b/arbres.geojson', ContentFile(b'{\"type\": \"FeatureCollection\"}'))\n")


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "OUVERT_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev"}
    env.pop("DATABASE_URL", None)
    env.pop("STORAGE_URL", None)
    env.pop("MEDIA_ROOT", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def ouvert(*args: str, data_dir: Path, database_url: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ouvert", *args], capture_output=True, text=True,  # noqa: S603
                          env=_env(data_dir, database_url), timeout=300, check=False)


def _fresh_database() -> str:
    name = f"ouvert_backup_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _clone(source_url: str, target_url: str) -> None:
    """Make the (empty) target database a copy of the freshly migrated source, as ``migrate`` would
    have made it: PostgreSQL copies a template in a second where migrating again takes a minute."""
    source, target = source_url.rsplit("/", 1)[1], target_url.rsplit("/", 1)[1]
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{target}"')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _drop(name: str) -> None:
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# each pass backs up its own engine: the SQLite pass the embedded default, the PostgreSQL pass the server
@pytest.fixture(params=["postgresql" if os.environ.get("DATABASE_URL") else "sqlite"])
def engine(request):
    """(database URL of the source, of the target) — None for SQLite in each data directory."""
    if request.param == "sqlite":
        yield None, None
        return
    source, target = _fresh_database(), _fresh_database()
    yield PG + source, PG + target
    _drop(source)
    _drop(target)


def test_backup_during_writes_restores_and_verifies(tmp_path, engine):
    source_url, target_url = engine
    origin, copy, archive = tmp_path / "origine", tmp_path / "copie", tmp_path / "sauvegarde.tar"
    if source_url is None:
        migrated_sqlite(origin)
        migrated_sqlite(copy)
    assert ouvert("migrate", "-v", "0", data_dir=origin, database_url=source_url).returncode == 0
    if target_url is not None:  # the target: a fresh database as migrate leaves it, copied from the source
        _clone(source_url, target_url)
    seeded = ouvert("shell", "-c", SEED, data_dir=origin, database_url=source_url)
    assert seeded.returncode == 0, seeded.stderr
    writer = subprocess.Popen([sys.executable, "-m", "ouvert", "shell", "-c", WRITER],  # noqa: S603
                              env=_env(origin, source_url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        backup = ouvert("backup", str(archive), data_dir=origin, database_url=source_url)
        assert backup.returncode == 0, backup.stderr
        assert writer.poll() is None, "the writer was still writing during the backup"
    finally:
        writer.kill()
        writer.wait()
    assert "2 fichiers" in backup.stdout
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "files/resources/a/bornes.csv", "files/resources/b/arbres.geojson"} <= names
    # A fresh data directory (and database): restore, then verify every table and file.
    assert ouvert("migrate", "-v", "0", data_dir=copy, database_url=target_url).returncode == 0
    restored = ouvert("restore", str(archive), "--verify", data_dir=copy, database_url=target_url)
    assert restored.returncode == 0, restored.stderr
    assert "identiques à la sauvegarde" in restored.stdout
    assert (copy / "media" / "resources" / "a" / "bornes.csv").read_bytes() == b"id,nom\n1,Berri\n"
    # The restored platform is the source's: same accounts, same secret key (signed links keep working).
    check = ouvert("shell", "-c", "from ouvert.core.models import User; print(User.objects.get().email)",
                   data_dir=copy, database_url=target_url)
    assert check.stdout.strip().splitlines()[-1] == "editeur@exemple.qc.ca"
    assert (copy / "secret_key").read_bytes() == (origin / "secret_key").read_bytes()
    # Restoring again over data is refused; a change after the restore is found by --verify-only.
    again = ouvert("restore", str(archive), data_dir=copy, database_url=target_url)
    assert again.returncode != 0 and "base neuve" in again.stderr
    changed = ouvert("shell", "-c", "from ouvert.core.models import User; User.objects.update(full_name='Autre')",
                     data_dir=copy, database_url=target_url)
    assert changed.returncode == 0, changed.stderr
    verify = ouvert("restore", str(archive), "--verify-only", data_dir=copy, database_url=target_url)
    assert verify.returncode != 0 and "core_user" in verify.stderr


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "pas-une-sauvegarde.tar"
    bogus.write_bytes(b"bonjour")
    result = ouvert("restore", str(bogus), data_dir=tmp_path / "d")
    assert result.returncode != 0 and "n'est pas une sauvegarde" in result.stderr


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_is_refused_before_anything_is_written(tmp_path, make_user):
    import io
    import json

    from django.core.management import CommandError, call_command
    from django.db import connection

    from ouvert.core.models import User

    make_user("deja-la@exemple.qc.ca")
    manifest = {"format": 1, "version": "99.0", "created_at": "2031-01-01T00:00:00+00:00",
                "vendor": connection.vendor, "tables": {}, "files": {},
                "migrations": {"core": "9999_de_l_avenir", "contenttypes": "0002_remove_content_type_name"}}
    archive = tmp_path / "future.tar"
    with tarfile.open(archive, "w") as tar:
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--force")
    assert "version plus récente d'Ouvert (99.0)" in str(refused.value)
    assert "core.9999_de_l_avenir" in str(refused.value) and "contenttypes" not in str(refused.value)
    assert User.objects.filter(email="deja-la@exemple.qc.ca").exists()
