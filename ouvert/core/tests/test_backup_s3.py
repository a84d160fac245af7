"""``ouvert backup`` of a platform on PostgreSQL whose files are in S3 (moto's S3 server, started here on
loopback), taken while another process keeps publishing datasets with uploaded files; ``ouvert restore``
onto a fresh database and a fresh, empty bucket; ``--verify`` passes, and names the object when a
restored file is altered afterwards.

It always uses the PostgreSQL server at 127.0.0.1:5432 (its own databases, dropped after), whichever pass
of the suite runs it: it runs once (``one_engine``), in the SQLite pass, and fails under ``CI=true`` when
the server is missing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from conftest import IN_CI

pytestmark = [pytest.mark.slow, pytest.mark.one_engine]  # subprocesses: migrate, a writer, backup, restore

PG = "postgres://postgres@127.0.0.1:5432/"
REGION = "ca-central-1"

WRITER = """
import sys
from django.core.files.uploadedfile import SimpleUploadedFile
from ouvert.catalog import services
from ouvert.core.models import Membership, Organization, User

editor = User.objects.create_user(email="redaction@exemple.qc.ca", password="x-Motdepasse-2026")
org = Organization.objects.create(slug="ecriture", name_fr="Écriture continue")
Membership.objects.create(user=editor, organization=org, role="editor")
for i in range(100000):
    dataset = services.dataset_create(by=editor, organization=org, title=f"Jeu écrit {i}")
    body = ("numero,valeur\\n" + "".join(f"{i},{k}\\n" for k in range(50))).encode()
    services.resource_create(dataset=dataset, by=editor, file=SimpleUploadedFile(f"ecrit-{i}.csv", body))
    services.dataset_publish(dataset=dataset, by=editor)
    print(i, flush=True)
"""

# Run on the restored platform: every resource row names a file that the storage holds, with its bytes.
EVERY_FILE_OF_THE_DATABASE = """
import json
from django.core.files.storage import default_storage
from ouvert.catalog.models import Resource
names = [r.file.name for r in Resource.objects.exclude(file="")]
print(json.dumps({"resources": len(names), "missing": [n for n in names if not default_storage.exists(n)]}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_up() -> bool:
    try:
        psycopg.connect(PG + "postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.fixture
def databases():
    """Names of the source and the target database; the source is created here, the target by
    ``_fresh_copy_of`` (a copy of the freshly migrated, still empty source)."""
    if not _postgres_up():
        if IN_CI:
            pytest.fail("PostgreSQL is unreachable at 127.0.0.1:5432 (required under CI=true)")
        pytest.skip("PostgreSQL is unreachable at 127.0.0.1:5432")
    names = [f"ouvert_backups3_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{names[0]}"')
    yield names
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3():
    """moto's S3 server on loopback: (its address, a boto3 client)."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="essai",
                          aws_secret_access_key="essai-secret")
    yield endpoint, client
    server.stop()


def _env(data_dir: Path, database_url: str, endpoint: str, bucket: str) -> dict[str, str]:
    env = {**os.environ, "OUVERT_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ouvert.settings.dev",
           "DATABASE_URL": database_url, "STORAGE_URL": f"s3://{bucket}?endpoint_url={endpoint}&region_name={REGION}",
           "AWS_ACCESS_KEY_ID": "essai", "AWS_SECRET_ACCESS_KEY": "essai-secret"}
    env.pop("MEDIA_ROOT", None)
    env.pop("OUVERT_TASK_BROKER_URL", None)
    return env


def ouvert(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ouvert", *args], capture_output=True, text=True,  # noqa: S603
                          env=env, timeout=300, check=False)


def _fresh_copy_of(source: str, target: str) -> None:
    """What ``ouvert migrate`` makes of an empty database, without migrating twice (minutes on a busy
    machine): a copy of the source taken after its migration and before any write."""
    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _bucket(client, name: str) -> str:
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def _wait_for_lines(stream, count: int, timeout: float = 120) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
    return lines


def test_backup_during_writes_with_files_in_s3_restores_on_a_fresh_database_and_bucket(tmp_path, databases, s3):
    source_name, target_name = databases
    source_url, target_url = PG + source_name, PG + target_name
    endpoint, client = s3
    source_bucket, target_bucket = _bucket(client, "ouvert-origine"), _bucket(client, "ouvert-copie")
    origin = _env(tmp_path / "origine", source_url, endpoint, source_bucket)
    copy = _env(tmp_path / "copie", target_url, endpoint, target_bucket)
    archive = tmp_path / "sauvegarde.tar"

    migrated = ouvert("migrate", "-v", "0", env=origin)
    assert migrated.returncode == 0, migrated.stderr
    _fresh_copy_of(source_name, target_name)
    writer = subprocess.Popen([sys.executable, "-m", "ouvert", "shell", "-c", WRITER],  # noqa: S603
                              env=origin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert len(_wait_for_lines(writer.stdout, 3)) == 3, "the writer published nothing"
        backup = ouvert("backup", str(archive), env=origin)
        assert backup.returncode == 0, backup.stderr
        assert writer.poll() is None, "the writer was still writing during the backup"
        written_during = len(_wait_for_lines(writer.stdout, 1, timeout=30))  # it keeps going after, too
    finally:
        writer.kill()
        _, writer_errors = writer.communicate()
    assert written_during == 1, writer_errors

    import tarfile

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    backed_up_resources = manifest["tables"]["catalog_resource"]["rows"]
    assert backed_up_resources >= 3
    assert len(manifest["files"]) >= backed_up_resources  # files written after the snapshot may be there too
    # the source bucket kept growing after the backup: the archive is a point in time, not the end state
    assert client.list_objects_v2(Bucket=source_bucket)["KeyCount"] > len(manifest["files"])

    # A fresh database and a fresh, empty bucket.
    assert client.list_objects_v2(Bucket=target_bucket)["KeyCount"] == 0
    restored = ouvert("restore", str(archive), "--verify", env=copy)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "identiques à la sauvegarde" in restored.stdout
    assert client.list_objects_v2(Bucket=target_bucket)["KeyCount"] == len(manifest["files"])

    # Every resource of the restored database has its file in the restored bucket.
    check = ouvert("shell", "-c", EVERY_FILE_OF_THE_DATABASE, env=copy)
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout.strip().splitlines()[-1])
    assert found == {"resources": backed_up_resources, "missing": []}

    # An object altered in the restored bucket: --verify-only fails and names it.
    altered = sorted(manifest["files"])[0]
    client.put_object(Bucket=target_bucket, Key=altered, Body=b"numero,valeur\n0,modifie\n")
    verify = ouvert("restore", str(archive), "--verify-only", env=copy)
    assert verify.returncode != 0
    assert f"fichier {altered} : contenu différent de la sauvegarde" in verify.stdout + verify.stderr
    others = [name for name in manifest["files"] if name != altered]
    assert not any(name in verify.stdout + verify.stderr for name in others)
