"""Sealing a bid to a call's public key: ephemeral X25519, HKDF-SHA256, AES-256-GCM.

Envelope: ``version (1 byte) | ephemeral public key (32) | nonce (12) | ciphertext + tag``. The
associated data binds the envelope to its call and supplier, so a sealed bid copied onto another
supplier's row does not open. The plaintext is a small JSON document (price, proposal).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["BidContent", "OpenError", "open_envelope", "seal"]

_VERSION = 1


@dataclass(frozen=True)
class BidContent:
    price: Decimal
    proposal: str


class OpenError(Exception):
    """The envelope does not open with this key (wrong key, tampered bytes, wrong row)."""


def _aad(call_id: int, supplier_id: int) -> bytes:
    return f"ouvert-bid:call:{call_id}:supplier:{supplier_id}".encode()


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=b"ouvert-procurement-bid-v1").derive(shared)


def seal(*, content: BidContent, public_key: bytes, call_id: int, supplier_id: int) -> bytes:
    recipient = X25519PublicKey.from_public_bytes(public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_bytes = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _key(ephemeral.exchange(recipient), ephemeral_bytes, public_key)
    nonce = os.urandom(12)
    plaintext = json.dumps({"price": str(content.price), "proposal": content.proposal}).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(call_id, supplier_id))
    return bytes([_VERSION]) + ephemeral_bytes + nonce + ciphertext


def open_envelope(*, envelope: bytes, private_key: X25519PrivateKey, call_id: int, supplier_id: int) -> BidContent:
    envelope = bytes(envelope)
    if len(envelope) < 1 + 32 + 12 + 16 or envelope[0] != _VERSION:
        raise OpenError("not a sealed bid")
    ephemeral_bytes, nonce, ciphertext = envelope[1:33], envelope[33:45], envelope[45:]
    recipient = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _key(private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_bytes)), ephemeral_bytes, recipient)
    try:
        data = json.loads(AESGCM(key).decrypt(nonce, ciphertext, _aad(call_id, supplier_id)))
        return BidContent(price=Decimal(data["price"]), proposal=str(data["proposal"]))
    except (InvalidTag, ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise OpenError("the sealed bid does not open with this key") from exc
