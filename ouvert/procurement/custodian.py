"""The key custodian: the only code that turns the custodian secret into a call's keys.

The secret lives outside the database and its backups: ``settings.PROCUREMENT_KEY_SECRET`` (from
``OUVERT_PROCUREMENT_KEY_SECRET``) or, when empty, the file ``<data dir>/secrets/procurement_key``
(32 random bytes, hex, mode 0600, made at first use). Back that file up separately from the
database, and keep it: without it no sealed bid can ever be opened.

A call's X25519 key pair is derived with HKDF-SHA256 from the secret, with the call's id and its
bid deadline (UTC, ISO 8601) as ``info``. :func:`call_public_key` gives only the public half, at
publication. :func:`call_private_key` refuses before the deadline, by the server's clock
(``timezone.now()``), never by a date read from the database alone: the deadline it is given is
also what the key is derived from, so a deadline moved earlier in the database derives another
key, which opens nothing. This module is small on purpose so that it can run as a separate
service (or be replaced by an HSM) in production; see ``docs/security.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils import timezone

__all__ = ["SealedUntilDeadline", "call_private_key", "call_public_key", "secret_path"]

_SALT = b"ouvert-procurement-call-key-v1"


class SealedUntilDeadline(Exception):
    """Asked for a call's private key before its bid deadline."""


def secret_path() -> Path:
    return Path(settings.DATA_DIR) / "secrets" / "procurement_key"


def _secret() -> bytes:
    configured = str(settings.PROCUREMENT_KEY_SECRET or "")
    if configured:
        return configured.encode()
    path = secret_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _info(call_id: int, deadline: dt.datetime) -> bytes:
    return f"call:{call_id}:deadline:{deadline.astimezone(dt.UTC).isoformat()}".encode()


def _derive(call_id: int, deadline: dt.datetime) -> X25519PrivateKey:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_info(call_id, deadline)).derive(_secret())
    return X25519PrivateKey.from_private_bytes(material)


def call_public_key(*, call_id: int, deadline: dt.datetime) -> bytes:
    """The raw 32-byte public key bids to this call are sealed to."""
    return _derive(call_id, deadline).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def call_private_key(*, call_id: int, deadline: dt.datetime) -> X25519PrivateKey:
    """The private key, only once the deadline has passed by the server's clock."""
    if timezone.now() < deadline:
        raise SealedUntilDeadline(f"call {call_id}: sealed until {deadline.isoformat()}")
    return _derive(call_id, deadline)
